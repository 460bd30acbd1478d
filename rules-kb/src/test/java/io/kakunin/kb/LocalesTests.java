package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.kb.ruleset.Locales;
import io.kakunin.kb.ruleset.Messages;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalesTests {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "NULL                    | en",
                "''                      | en",
                "ja                      | ja",
                "ja-JP,en;q=0.5          | ja",
                "fr-FR,ja;q=0.8,en;q=0.5 | ja",
                "en-US                   | en",
                "zh-TW                   | zh-TW",
                "zh-Hant-TW              | zh-TW",
                "zh-HK,zh;q=0.9          | zh-TW",
                "zh                      | zh-TW",
                "zh-Hant                 | zh-TW",
                "zh-HK                   | zh-TW",
                "zh-MO                   | zh-TW",
                "zh-Hant-HK              | zh-TW",
                "zh-CN,zh;q=0.8          | zh-TW",
                "zh-CN                   | en",
                "zh-Hans                 | en",
                "zh-SG,en;q=0.5          | en",
                "de                      | en",
                "ja;q=0,zh-TW;q=0.1      | zh-TW",
                "*                       | en",
                ";;;not a header@@       | en",
            })
    void acceptLanguagePicksASupportedLanguageOrEnglish(String header, String expected) {
        assertThat(Locales.tag(Locales.resolve(header))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"en,messages_en.properties", "ja,messages_ja.properties", "zh-TW,messages_zh_TW.properties"})
    void eachLanguageHasItsBundleFile(String tag, String file) {
        assertThat(Messages.fileName(Locale.forLanguageTag(tag))).isEqualTo(file);
    }
}
