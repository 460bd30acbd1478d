package io.kakunin.service.console;

import io.kakunin.kb.ruleset.Locales;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.context.support.AbstractMessageSource;

/**
 * The console's texts: tables of {@code console/<name>.tsv} on the classpath, one row per key with
 * its English, Japanese and Traditional Chinese text side by side (tab-separated). One row holds
 * the three languages of a key, so no key can exist in one language and be missing in another: a
 * table with a row that lacks a text does not load, and the service does not start. A key that no
 * table has is an error too (no page shows a raw key), which {@code ConsoleMessagesTests} checks
 * against every key the templates use.
 */
final class ConsoleMessages extends AbstractMessageSource {

    /** The tables, in the order a key is looked for. */
    static final List<String> TABLES =
            List.of("messages", "assess", "facts", "records", "sharing", "catalog", "rulesets", "validation");

    private final Map<String, String[]> texts = new HashMap<>();

    ConsoleMessages() {
        for (String table : TABLES) {
            load("console/" + table + ".tsv");
        }
        setUseCodeAsDefaultMessage(false);
        setAlwaysUseMessageFormat(false);
    }

    private void load(String resource) {
        try (InputStream in = ConsoleMessages.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return;
            }
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
            for (int n = 0; n < lines.length; n++) {
                String line = lines[n].stripTrailing();
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split("\t", -1);
                if (cells.length != 4 || cells[1].isBlank() || cells[2].isBlank() || cells[3].isBlank()) {
                    throw new IllegalStateException(resource + ", line " + (n + 1)
                            + ": a key and its English, Japanese and Traditional Chinese texts, separated by tabs");
                }
                if (texts.putIfAbsent(cells[0], new String[] {cells[1], cells[2], cells[3]}) != null) {
                    throw new IllegalStateException(
                            resource + ", line " + (n + 1) + ": the key " + cells[0] + " is given twice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every key the tables give. */
    Set<String> keys() {
        return Set.copyOf(texts.keySet());
    }

    @Override
    protected String resolveCodeWithoutArguments(String code, Locale locale) {
        String[] row = texts.get(code);
        if (row == null) {
            return null;
        }
        String tag = Locales.tag(Locales.resolve(locale == null ? null : locale.toLanguageTag()));
        return switch (tag) {
            case "ja" -> row[1];
            case "zh-TW" -> row[2];
            default -> row[0];
        };
    }

    @Override
    protected MessageFormat resolveCode(String code, Locale locale) {
        String text = resolveCodeWithoutArguments(code, locale);
        return text == null ? null : createMessageFormat(text, locale);
    }
}
