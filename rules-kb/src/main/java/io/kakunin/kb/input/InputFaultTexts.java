package io.kakunin.kb.input;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words for {@link InputFault}s in each language the API speaks (English, Japanese,
 * Traditional Chinese, as {@code kb.ruleset.Locales} chooses them), from the bundle {@code InputFaults} beside
 * this class. Each sentence names the field, says what the contract allows and, where it helps
 * and may be repeated, what was sent; none names anything of the implementation.
 */
public final class InputFaultTexts {

    private static final String BUNDLE = "io.kakunin.kb.input.InputFaults";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
    /** What was sent is quoted up to this many characters: enough to recognise it, never a page of it. */
    private static final int QUOTED = 60;

    private InputFaultTexts() {}

    /** The sentence of a fault, naming its field, in the language given (English for any other). */
    public static String detail(InputFault fault, Locale locale) {
        ResourceBundle texts = bundle(locale);
        Map<String, String> facts = new java.util.HashMap<>();
        fault.facts().forEach((name, value) -> facts.put(name, quotable(name, value)));
        facts.put("field", field(fault.pointer(), texts));
        String key = "fault." + fault.kind().name();
        switch (fault.kind()) {
            case WRONG_TYPE -> {
                facts.computeIfPresent("expected", (k, v) -> texts.getString("type." + v));
                facts.computeIfPresent("sent", (k, v) -> texts.getString("sent." + v));
                if (facts.containsKey("sent")) {
                    key += ".sent";
                }
            }
            case MALFORMED_JSON -> {
                String what = facts.get("what");
                if (what != null) {
                    facts.put("what", fill(template(texts, "malformed." + what, facts), facts));
                }
            }
            case LENGTH, ELEMENTS -> {
                boolean min = facts.containsKey("min") && !"0".equals(facts.get("min"));
                boolean max = facts.containsKey("max");
                key += min && max ? ".range" : max ? ".max" : "1".equals(facts.get("min")) ? ".one" : ".min";
            }
            default -> {}
        }
        return fill(template(texts, key, facts), facts);
    }

    /** The text of a key, or its {@code .withheld} form when a value it quotes is not to be repeated (or unknown). */
    private static String template(ResourceBundle texts, String key, Map<String, String> facts) {
        String template = texts.getString(key);
        return needs(template, facts) && has(texts, key + ".withheld") ? texts.getString(key + ".withheld") : template;
    }

    /** A text of the bundle ({@code problem.title}...), its placeholders filled from name, value pairs. */
    public static String text(String key, Locale locale, Object... facts) {
        Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i + 1 < facts.length; i += 2) {
            values.put(String.valueOf(facts[i]), String.valueOf(facts[i + 1]));
        }
        return fill(bundle(locale).getString(key), values);
    }

    /**
     * A sentence of the bundle about the field at {@code pointer}, its {@code {field}} named as
     * every fault names its field: for the checks a feature makes beyond the contract's
     * constraints, such as a waiver's ({@code waiver.<fault>}).
     */
    public static String about(String key, String pointer, Locale locale) {
        ResourceBundle texts = bundle(locale);
        return fill(texts.getString(key), Map.of("field", field(pointer, texts)));
    }

    /**
     * How a pointer is named in a sentence: its member ({@code 'port'}), the list an element is of
     * ({@code an element of 'roles'}), or the body; a name that is not a pointer (a parameter) as is.
     */
    static String field(String pointer, ResourceBundle texts) {
        if (pointer == null || pointer.isEmpty()) {
            return texts.getString("field.body");
        }
        if (!pointer.startsWith("/")) {
            return fill(texts.getString("field.named"), Map.of("name", quotable("name", pointer)));
        }
        List<String> segments = new ArrayList<>(List.of(pointer.substring(1).split("/", -1)));
        boolean element = false;
        while (!segments.isEmpty() && segments.get(segments.size() - 1).matches("\\d+")) {
            segments.remove(segments.size() - 1);
            element = true;
        }
        if (segments.isEmpty()) {
            return texts.getString("field.body");
        }
        String name = segments.get(segments.size() - 1).replace("~1", "/").replace("~0", "~");
        return fill(texts.getString(element ? "field.element" : "field.named"), Map.of("name", quotable("name", name)));
    }

    private static boolean needs(String template, Map<String, String> facts) {
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!facts.containsKey(m.group(1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean has(ResourceBundle texts, String key) {
        try {
            texts.getString(key);
            return true;
        } catch (MissingResourceException e) {
            return false;
        }
    }

    private static String fill(String template, Map<String, String> facts) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = facts.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * What a caller sent, fit to stand in one line of a message: control characters shown as
     * {@code U+XXXX}, cut after {@link #QUOTED} characters. Lists of allowed values are ours, never cut.
     */
    private static String quotable(String name, String value) {
        if (!name.equals("value") && !name.equals("name") && !name.equals("token")) {
            return value;
        }
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            i += Character.charCount(cp);
            if (shown++ == QUOTED) {
                sb.append('…');
                break;
            }
            if (Character.isISOControl(cp)
                    || Character.getType(cp) == Character.FORMAT
                    || Character.isSurrogate((char) cp)) {
                sb.append(String.format(Locale.ROOT, "U+%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    private static ResourceBundle bundle(Locale locale) {
        String language = locale == null ? "" : locale.getLanguage();
        // The one Chinese the API speaks is Traditional Chinese (Locales picks it for zh); anything else is English.
        Locale supported = language.equals("ja")
                ? Locale.JAPANESE
                : language.equals("zh") ? Locale.TRADITIONAL_CHINESE : Locale.ROOT;
        // Without the JVM's default locale as a fallback: an absent translation is English, wherever the service runs.
        return ResourceBundle.getBundle(
                BUNDLE,
                supported,
                InputFaultTexts.class.getClassLoader(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }
}
