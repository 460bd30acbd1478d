package io.kakunin.service.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.EffectiveOutcome;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.kb.Ruleset;
import io.swagger.v3.core.util.Yaml;
import io.swagger.v3.oas.models.OpenAPI;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No console page shows a raw key: every key a template names exists in the tables (in all three
 * languages, which loading the tables enforces), every key a template builds from an enumeration
 * exists for each of its values, and every question the questionnaire asks has its text and the
 * texts of its choices.
 */
class ConsoleMessagesTests {

    static final Path TEMPLATES = Path.of("src", "main", "resources", "templates", "console");
    static final Pattern LITERAL_KEY = Pattern.compile("#\\{([A-Za-z][A-Za-z0-9_.-]*)(?:\\(|})");
    static final List<Locale> LOCALES = List.of(Locale.ENGLISH, Locale.JAPANESE, Locale.forLanguageTag("zh-TW"));

    final ConsoleMessages messages = new ConsoleMessages();

    @Test
    void everyKeyATemplateNamesExistsInTheTables() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.list(TEMPLATES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".html")).toList()) {
                Matcher m = LITERAL_KEY.matcher(Files.readString(file));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertThat(used).as("keys the templates name").hasSizeGreaterThan(50);
        assertThat(messages.keys()).containsAll(used);
    }

    @Test
    void theKeysTemplatesBuildFromOutcomesAndStatusesExist() {
        List<String> built = new ArrayList<>();
        for (OverallOutcome o : OverallOutcome.values()) {
            built.add("overall." + o.getValue());
        }
        for (EffectiveOutcome o : EffectiveOutcome.values()) {
            built.add("outcome." + o.getValue());
        }
        for (String status : List.of("400", "403", "404", "409", "410", "500", "503", "other", "form")) {
            built.add("error." + status + ".title");
            built.add("error." + status + ".text");
        }
        assertThat(messages.keys()).containsAll(built);
    }

    @Test
    void everyQuestionHasItsTextAndTheTextsOfItsChoicesInEachLanguage() throws IOException {
        OpenAPI contract;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("openapi/kakunin.yaml")) {
            contract = Yaml.mapper().readValue(in, OpenAPI.class);
        }
        Questionnaire questionnaire = Questionnaire.of(Ruleset.builtIn(), contract);
        List<String> needed = new ArrayList<>();
        int questions = 0;
        for (Questionnaire.Question q : questionnaire.questions()) {
            questions++;
            needed.add("fact." + q.pointer());
            for (String option : q.options()) {
                needed.add("enum." + q.pointer() + "." + option);
            }
        }
        assertThat(questions).as("questions the catalog asks").isGreaterThan(60);
        assertThat(messages.keys()).containsAll(needed);
        for (String key : needed.stream().filter(k -> k.startsWith("fact.")).toList()) {
            Set<String> texts = new TreeSet<>();
            for (Locale locale : LOCALES) {
                texts.add(messages.getMessage(key, null, locale));
            }
            assertThat(texts).as(key + " is a question in each language").hasSize(3);
        }
    }

    @Test
    void aKeyIsReadInTheReadersLanguageAndInEnglishOtherwise() {
        assertThat(messages.getMessage("nav.assess", null, Locale.JAPANESE)).isEqualTo("セルフアセスメント");
        assertThat(messages.getMessage("nav.assess", null, Locale.forLanguageTag("zh-TW")))
                .isEqualTo("自我評估");
        assertThat(messages.getMessage("nav.assess", null, Locale.forLanguageTag("zh-Hant-TW")))
                .isEqualTo("自我評估");
        assertThat(messages.getMessage("nav.assess", null, Locale.FRENCH)).isEqualTo("Self-assessment");
    }
}
