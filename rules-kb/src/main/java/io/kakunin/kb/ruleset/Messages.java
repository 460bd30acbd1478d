package io.kakunin.kb.ruleset;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The message bundles of a ruleset: titles, requirements, outcome messages and remediation in
 * every supported language, read from {@code messages_<locale>.properties} (UTF-8, strictly).
 *
 * <p>Texts may contain placeholders such as {@code {policyReviewIntervalMonths}}; they are
 * filled from the ruleset's thresholds, so a message always states the threshold in force.
 */
public final class Messages {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_.]*)}");

    private final Map<Locale, Map<String, String>> bundles;

    private Messages(Map<Locale, Map<String, String>> bundles) {
        this.bundles = bundles;
    }

    public static Messages parse(RulesetFiles files) {
        Map<Locale, Map<String, String>> bundles = new LinkedHashMap<>();
        List<Diagnostic> problems = new ArrayList<>();
        for (Locale locale : Locales.SUPPORTED) {
            String file = fileName(locale);
            Optional<byte[]> bytes = files.file(file);
            if (bytes.isEmpty()) {
                problems.add(
                        Diagnostic.error(file, "the message bundle for " + locale.toLanguageTag() + " is missing"));
                continue;
            }
            Properties props = new Properties();
            try {
                // Strictly: a bundle saved in another encoding (Shift_JIS, Big5) is refused at
                // its first bad byte instead of being served as replacement characters; a
                // byte-order mark is skipped.
                props.load(new StringReader(RulesetFiles.decode(file, bytes.get())));
            } catch (RulesetException e) {
                problems.addAll(e.diagnostics());
                continue;
            } catch (IOException | IllegalArgumentException e) {
                problems.add(Diagnostic.error(file, "cannot be read: " + e.getMessage()));
                continue;
            }
            Map<String, String> texts = new LinkedHashMap<>();
            for (String key : props.stringPropertyNames()) {
                texts.put(key, props.getProperty(key).strip());
            }
            bundles.put(locale, Map.copyOf(texts));
        }
        if (!problems.isEmpty()) {
            throw new RulesetException("the message bundles are not complete", problems);
        }
        return new Messages(Map.copyOf(bundles));
    }

    /** The bundle file of a locale: {@code messages_en.properties}, {@code messages_zh_TW.properties}. */
    public static String fileName(Locale locale) {
        return "messages_" + locale.toString() + ".properties";
    }

    /** The text of a key in a locale, falling back to English; empty when neither has it. */
    public Optional<String> text(Locale locale, String key) {
        String text = bundles.getOrDefault(locale, Map.of()).get(key);
        if (text == null || text.isEmpty()) {
            text = bundles.get(Locale.ENGLISH).get(key);
        }
        return Optional.ofNullable(text).filter(t -> !t.isEmpty());
    }

    /** Whether a locale's own bundle has a non-empty text for a key (no fallback). */
    public boolean has(Locale locale, String key) {
        String text = bundles.getOrDefault(locale, Map.of()).get(key);
        return text != null && !text.isEmpty();
    }

    /** Every key of a locale's bundle. */
    public Set<String> keys(Locale locale) {
        return new TreeSet<>(bundles.getOrDefault(locale, Map.of()).keySet());
    }

    /** Fills {@code {name}} placeholders; unknown names are left as they are. */
    public static String fill(String text, Function<String, String> values) {
        if (text.indexOf('{') < 0) {
            return text;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = values.apply(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The placeholder names a text uses. */
    public static Set<String> placeholders(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
