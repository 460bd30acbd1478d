package io.kakunin.kb.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.kb.ruleset.Locales;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The words for input faults exist in every language the API speaks, for every kind of fault,
 * with the same placeholders; a language that lacks one would answer in English mid-sentence or
 * drop what the contract allows.
 */
class InputFaultTextsTests {

    private static final String[] BUNDLES = {
        "InputFaults.properties", "InputFaults_ja.properties", "InputFaults_zh_TW.properties"
    };

    private static Properties load(String name) throws IOException {
        Properties texts = new Properties();
        try (InputStream in = InputFaultTexts.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            texts.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return texts;
    }

    private static Set<String> placeholders(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\{([A-Za-z]+)}").matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void everyLanguageHasEveryTextWithTheSamePlaceholders() throws IOException {
        Properties english = load(BUNDLES[0]);
        for (String bundle : BUNDLES) {
            Properties texts = load(bundle);
            assertThat(texts.stringPropertyNames()).as(bundle).isEqualTo(english.stringPropertyNames());
            for (String key : english.stringPropertyNames()) {
                assertThat(placeholders(texts.getProperty(key)))
                        .as("%s in %s", key, bundle)
                        .isEqualTo(placeholders(english.getProperty(key)));
            }
        }
    }

    @Test
    void everyKindOfFaultHasItsSentence() throws IOException {
        Properties english = load(BUNDLES[0]);
        for (InputFault.Kind kind : InputFault.Kind.values()) {
            assertThat(english.stringPropertyNames())
                    .as(kind.name())
                    .anyMatch(key -> key.equals("fault." + kind) || key.startsWith("fault." + kind + "."));
        }
        for (InputFault.Malformed what : InputFault.Malformed.values()) {
            assertThat(english.getProperty("malformed." + what)).as(what.name()).isNotBlank();
        }
        for (InputFault.JsonType type : InputFault.JsonType.values()) {
            assertThat(english.getProperty("type." + type)).as(type.name()).isNotBlank();
            assertThat(english.getProperty("sent." + type)).as(type.name()).isNotBlank();
        }
    }

    /** The service tells a waiver's faults by their names: each has its sentence, naming its field. */
    @Test
    void everyFaultOfAWaiverHasItsSentenceNamingItsField() throws IOException {
        for (String bundle : BUNDLES) {
            Properties texts = load(bundle);
            for (io.kakunin.kb.Waivers.Fault fault : io.kakunin.kb.Waivers.Fault.values()) {
                assertThat(texts.getProperty("waiver." + fault))
                        .as("%s in %s", fault, bundle)
                        .contains("{field}");
            }
        }
        assertThat(InputFaultTexts.about("waiver.TIME_ZONE_UNKNOWN", "/timeZone", Locale.JAPANESE))
                .startsWith("「timeZone」はタイムゾーンではありません");
        assertThat(InputFaultTexts.about("waiver.TIME_ZONE_UNKNOWN", "/timeZone", Locale.ENGLISH))
                .startsWith("'timeZone' is not a time zone");
    }

    @Test
    void japaneseAndChineseAreWrittenInTheirOwnScript() throws IOException {
        for (String bundle : new String[] {BUNDLES[1], BUNDLES[2]}) {
            Properties texts = load(bundle);
            for (String key : texts.stringPropertyNames()) {
                if (key.startsWith("fault.")
                        || key.startsWith("malformed.")
                        || key.startsWith("problem.")
                        || key.startsWith("waiver.")) {
                    assertThat(texts.getProperty(key))
                            .as("%s in %s", key, bundle)
                            .containsPattern("[\\p{IsHan}\\p{IsHiragana}\\p{IsKatakana}]");
                }
            }
        }
    }

    @Test
    void aFaultIsToldInTheLanguageAskedForAndInEnglishForAnyOther() {
        InputFault fault = InputFault.of("/organization/id", InputFault.Kind.REQUIRED);

        assertThat(InputFaultTexts.detail(fault, Locale.ENGLISH)).isEqualTo("'id' is required");
        assertThat(InputFaultTexts.detail(fault, Locale.JAPANESE)).isEqualTo("「id」は必須です");
        assertThat(InputFaultTexts.detail(fault, Locales.TRADITIONAL_CHINESE)).isEqualTo("「id」為必填欄位");
        assertThat(InputFaultTexts.detail(fault, Locale.GERMAN)).isEqualTo("'id' is required");
        assertThat(InputFaultTexts.detail(fault, Locales.resolve("zh-Hant-HK"))).isEqualTo("「id」為必填欄位");
    }

    @Test
    void aFieldIsNamedByItsMemberAnElementByItsListAndTheBodyAsSuch() {
        assertThat(InputFaultTexts.detail(
                        InputFault.of("/products/3/networkServices/0", InputFault.Kind.NULL_NOT_ALLOWED),
                        Locale.ENGLISH))
                .isEqualTo("an element of 'networkServices' must not be null");
        assertThat(InputFaultTexts.detail(InputFault.of("/a~1b", InputFault.Kind.REQUIRED), Locale.ENGLISH))
                .isEqualTo("'a/b' is required");
        assertThat(InputFaultTexts.detail(
                        InputFault.of("", InputFault.Kind.WRONG_TYPE, "expected", "OBJECT", "sent", "ARRAY"),
                        Locale.JAPANESE))
                .isEqualTo("リクエスト本文にはオブジェクトを指定してください（配列が指定されています）");
    }

    @Test
    void aValueThatMayNotBeRepeatedIsLeftOutOfTheSentenceNotBlanked() {
        InputFault withheld = InputFault.of("/victimProfile/kind", InputFault.Kind.NOT_ALLOWED, "allowed", "A, B");

        assertThat(InputFaultTexts.detail(withheld, Locale.ENGLISH))
                .isEqualTo("'kind' does not allow the value sent; allowed values: A, B");
        assertThat(InputFaultTexts.detail(withheld, Locale.JAPANESE)).isEqualTo("「kind」に指定された値は使用できません。指定できる値: A, B");
    }

    @Test
    void whatWasSentIsQuotedOnOneLineAndCut() {
        String sent = "x\u001b[31m" + "y".repeat(100);
        String detail = InputFaultTexts.detail(
                InputFault.of("/a", InputFault.Kind.NOT_ALLOWED, "value", sent, "allowed", "B"), Locale.ENGLISH);

        assertThat(detail).contains("'xU+001B[31m").contains("…'").doesNotContain("\u001b");
        assertThat(detail.length()).isLessThan(140);
    }
}
