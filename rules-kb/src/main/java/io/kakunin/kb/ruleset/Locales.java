package io.kakunin.kb.ruleset;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The languages verdicts are written in, and the choice among them from an
 * {@code Accept-Language} header.
 */
public final class Locales {

    public static final Locale TRADITIONAL_CHINESE = Locale.forLanguageTag("zh-TW");

    /** English first: it is the fallback for anything else. */
    public static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.JAPANESE, TRADITIONAL_CHINESE);

    private Locales() {}

    /**
     * Picks the best supported language for an {@code Accept-Language} value (RFC 9110
     * language ranges with weights). Traditional Chinese, the one Chinese offered, also answers
     * plain {@code zh}, {@code zh-Hant}, {@code zh-HK} and {@code zh-MO} (with any subtags); a
     * range that asks for Simplified Chinese ({@code zh-CN}, {@code zh-Hans}, {@code zh-SG}) does
     * not match it. An absent, malformed or unmatched header gives English: a language preference
     * is never a reason to refuse a request.
     */
    public static Locale resolve(String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) {
            return Locale.ENGLISH;
        }
        List<Locale.LanguageRange> ranges;
        try {
            ranges = Locale.LanguageRange.parse(acceptLanguage);
        } catch (IllegalArgumentException e) {
            return Locale.ENGLISH;
        }
        for (Locale.LanguageRange range : ranges) {
            if (range.getWeight() <= 0) {
                continue;
            }
            Locale match = match(range.getRange().toLowerCase(Locale.ROOT));
            if (match != null) {
                return match;
            }
        }
        return Locale.ENGLISH;
    }

    private static Locale match(String range) {
        if (range.equals("en") || range.startsWith("en-")) {
            return Locale.ENGLISH;
        }
        if (range.equals("ja") || range.startsWith("ja-")) {
            return Locale.JAPANESE;
        }
        if (range.equals("zh") || Stream.of("tw", "hant", "hk", "mo").anyMatch(s -> subtag(range, "zh-" + s))) {
            return TRADITIONAL_CHINESE;
        }
        return null;
    }

    /** Whether a range is the given tag or starts with it followed by more subtags. */
    private static boolean subtag(String range, String tag) {
        return range.equals(tag) || range.startsWith(tag + "-");
    }

    /** The tag of a supported locale as the API reports it: {@code en}, {@code ja}, {@code zh-TW}. */
    public static String tag(Locale locale) {
        return locale.toLanguageTag();
    }
}
