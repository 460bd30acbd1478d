package io.kakunin.kb.sharing;

import com.google.common.net.InternetDomainName;
import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.SpoofChecker;
import io.kakunin.api.model.IdentifierFlag;
import io.kakunin.api.model.VictimProfile;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds what points to the victim in text and values: its names, aliases and brands; its
 * domains, their subdomains and look-alikes; its address ranges; and, with or without a
 * profile, private addresses and file paths that carry a user name. Holds the profile only
 * for the duration of one review; nothing here logs or returns the profile itself.
 */
public final class VictimMatcher {

    /** A match: what was found (as it appears in the input) and what it is. */
    public record Match(String found, IdentifierFlag kind) {}

    /** A user's folder; Windows separators may be doubled, as in the Sigma and YARA rules that escape them. */
    private static final Pattern USER_PATH = Pattern.compile(
            "(?i)(?:[a-z]:\\\\{1,2}(?:users|documents and settings)\\\\{1,2}[^\\\\/\\s'\"]+|/(?:home|users)/[^/\\s'\"]+)");
    /** Candidates for IPv6 literals in text: hex groups and colons, with at least two colons (checked by parsing). */
    private static final Pattern IPV6_CANDIDATE = Pattern.compile(
            "(?<![0-9A-Za-z:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?<=:)(?:\\d{1,3}\\.){3}\\d{1,3})?(?![0-9A-Za-z:])");
    /** Top-level labels of names that only exist inside an organization's network. */
    private static final java.util.Set<String> INTERNAL_TLDS = java.util.Set.of(
            "local", "lan", "internal", "intranet", "corp", "home", "localdomain", "private", "ad", "intra", "office");

    /** Words of folded text: letters, digits and the marks that belong to them. */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}\\p{M}]+");
    /** The general categories of {@link #WORD}: letters, numbers and marks. */
    private static final int WORD_TYPES = 1 << Character.UPPERCASE_LETTER
            | 1 << Character.LOWERCASE_LETTER
            | 1 << Character.TITLECASE_LETTER
            | 1 << Character.MODIFIER_LETTER
            | 1 << Character.OTHER_LETTER
            | 1 << Character.DECIMAL_DIGIT_NUMBER
            | 1 << Character.LETTER_NUMBER
            | 1 << Character.OTHER_NUMBER
            | 1 << Character.NON_SPACING_MARK
            | 1 << Character.ENCLOSING_MARK
            | 1 << Character.COMBINING_SPACING_MARK;

    /** Whether a code point is one {@link #WORD} matches. */
    static boolean wordCharacter(int cp) {
        if (cp < 128) {
            return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z');
        }
        return (WORD_TYPES >> Character.getType(cp) & 1) != 0;
    }
    /** Host names in folded text (any script, so that look-alikes in Cyrillic are read), with an e-mail local part. */
    private static final Pattern HOST_IN_TEXT = Pattern.compile(
            "(?<![\\p{L}\\p{N}\\p{M}.@-])([\\p{L}\\p{N}._%+-]+@)?((?:[\\p{L}\\p{N}\\p{M}](?:[\\p{L}\\p{N}\\p{M}-]{0,61}[\\p{L}\\p{N}\\p{M}])?\\.)+"
                    + "[\\p{L}\\p{N}\\p{M}](?:[\\p{L}\\p{N}\\p{M}-]{0,61}[\\p{L}\\p{N}\\p{M}])?)(?![\\p{L}\\p{N}\\p{M}-])");
    /** Dotted quads as analysts write them, octets with leading zeros included ("198.051.100.079"). */
    private static final Pattern IPV4_LOOSE = Pattern.compile("(?<![\\d.])\\d{1,3}(?:\\.\\d{1,3}){3}(?![\\d]|\\.\\d)");

    private static final Pattern NUMERIC = Pattern.compile("[\\d.]+");

    private static final Pattern IPV4 =
            Pattern.compile("\\b(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}\\b");
    private static final String[][] PRIVATE_V4 = {
        {"10.0.0.0", "8"},
        {"172.16.0.0", "12"},
        {"192.168.0.0", "16"},
        {"127.0.0.0", "8"},
        {"169.254.0.0", "16"},
        {"100.64.0.0", "10"}
    };
    private static final String[][] PRIVATE_V6 = {{"fc00::", "7"}, {"fe80::", "10"}, {"::1", "128"}};

    /** The private, loopback, link-local and shared ranges, parsed once. */
    private static final List<Cidr> PRIVATE_V4_RANGES = java.util.Arrays.stream(PRIVATE_V4)
            .map(p -> parseCidr(p[0] + "/" + p[1]))
            .toList();

    private static final List<Cidr> PRIVATE_V6_RANGES = java.util.Arrays.stream(PRIVATE_V6)
            .map(p -> parseCidr(p[0] + "/" + p[1]))
            .toList();

    private final List<String> names = new ArrayList<>();
    private final List<String> domains = new ArrayList<>();
    private final List<String> domainLabels = new ArrayList<>();
    private final List<Cidr> ranges = new ArrayList<>();

    /** Confusable skeletons (Unicode confusables data) of each profile label, hyphens removed. */
    private final List<String> labelSkeletons = new ArrayList<>();
    /** Each profile label with hyphens removed, as written (edits are counted on it and on its skeleton). */
    private final List<String> labelCompacts = new ArrayList<>();
    /** The edits a look-alike of each label may make: 1 for labels of 5 to 7 characters, 2 from 8 (0: none). */
    private final List<Integer> labelEdits = new ArrayList<>();
    /** Skeletons of the profile's names and brands, words joined by one space, for look-alike spellings. */
    private final List<String> nameSkeletons = new ArrayList<>();
    /** Skeletons of the names and brands with everything but letters and digits removed (at least 4 long). */
    private final List<String> compactNameSkeletons = new ArrayList<>();

    private final String sector;
    private final boolean profiled;

    /**
     * A range, as the two 64-bit halves of its network and mask (an IPv4 address in the low half):
     * an address is compared without a number made per range, for every address of a bundle.
     */
    private record Cidr(int length, long networkHigh, long networkLow, long maskHigh, long maskLow) {
        static Cidr of(BigInteger network, int bits, int length) {
            BigInteger all = BigInteger.ONE.shiftLeft(length).subtract(BigInteger.ONE);
            BigInteger mask = all.shiftRight(bits).not().and(all);
            BigInteger prefix = network.and(mask);
            return new Cidr(
                    length,
                    prefix.shiftRight(64).longValue(),
                    prefix.longValue(),
                    mask.shiftRight(64).longValue(),
                    mask.longValue());
        }

        boolean contains(long high, long low, int addressLength) {
            return addressLength == length && (high & maskHigh) == networkHigh && (low & maskLow) == networkLow;
        }
    }

    /** The high 64 bits of an address of 4 or 16 bytes read as an unsigned number (0 for IPv4). */
    private static long high(byte[] bytes) {
        return bytes.length <= 8 ? 0 : half(bytes, 0, bytes.length - 8);
    }

    /** The low 64 bits of an address of 4 or 16 bytes read as an unsigned number. */
    private static long low(byte[] bytes) {
        return half(bytes, Math.max(0, bytes.length - 8), bytes.length);
    }

    private static long half(byte[] bytes, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            v = (v << 8) | (bytes[i] & 0xFF);
        }
        return v;
    }

    /** What {@link #classifyAddress} found for each value read so far (null: not an address of interest). */
    private final Map<String, IdentifierFlag> addressKinds = new java.util.HashMap<>();
    /** Skeletons of the words read so far in this review: a bundle repeats its words. */
    private final Map<String, String> wordSkeletons = new java.util.HashMap<>();
    /**
     * What {@link #inText} and {@link #allIn} found in each text read so far in this review: a
     * bundle repeats its strings. Forgotten when the sharer's names change (they change what is found).
     */
    private final Map<String, List<Match>> textFindings = new java.util.HashMap<>();

    private final Map<String, List<Match>> allFindings = new java.util.HashMap<>();
    /** Masked forms of the short strings masked so far: pointers and property names repeat. */
    private final Map<String, String> masked = new java.util.HashMap<>();

    /** Folded names of the sharer (the requesting organization and the bundle's own creators), unless the profile names them exactly. */
    private final List<String> sharerNames = new ArrayList<>();
    /** The profile's names and aliases exactly as given (folded), without the legal-form variants. */
    private final List<String> exactNames = new ArrayList<>();
    /** The requesting organization's name, folded (null when not given). */
    private final String requestingSharer;

    public VictimMatcher(VictimProfile profile) {
        this(profile, null);
    }

    /**
     * A matcher for one review. The sharer is never taken for the victim unless the profile names it
     * exactly: "Example" (the victim "Example Corp K.K." without its legal form) inside the sharer's
     * "Example SOC K.K." is the sharer's name, not a mention of the victim.
     */
    public VictimMatcher(VictimProfile profile, String sharerName) {
        this.profiled = profile != null;
        this.sector = profile == null ? null : profile.getSector();
        this.requestingSharer = sharerName == null || sharerName.isBlank() ? null : normalize(sharerName);
        if (profile == null) {
            return;
        }
        for (List<String> list :
                java.util.Arrays.asList(profile.getNames(), profile.getAliases(), profile.getBrands())) {
            if (list != null) {
                for (String n : list) {
                    if (n != null && normalize(n).length() >= 3) {
                        names.add(normalize(n));
                        exactNames.add(normalize(n));
                        // "ACME Manufacturing K.K." is also written "ACME Manufacturing" (and 株式会社アクメ as アクメ).
                        String bare = withoutLegalForm(normalize(n));
                        if (bare.length() >= 4 && !names.contains(bare)) {
                            names.add(bare);
                        }
                    }
                }
            }
        }
        if (profile.getDomains() != null) {
            for (String d : profile.getDomains()) {
                if (d != null && !d.isBlank()) {
                    String domain = d.strip().toLowerCase(Locale.ROOT).replaceAll("^\\*\\.|\\.$", "");
                    domains.add(domain);
                    String label = registrableLabel(domain);
                    if (label.length() >= 4) {
                        domainLabels.add(label);
                    }
                }
            }
        }
        for (String label : domainLabels) {
            String compact = label.replace("-", "");
            labelSkeletons.add(skeleton(compact));
            labelCompacts.add(compact);
            labelEdits.add(compact.length() >= 8 ? 2 : compact.length() >= 5 ? 1 : 0);
        }
        for (String name : names) {
            String words = String.join(" ", words(name));
            if (words.length() >= 3) {
                String skeleton = skeletonOfWords(words);
                if (!nameSkeletons.contains(skeleton)) {
                    nameSkeletons.add(skeleton);
                }
            }
            String compact = skeleton(name.replaceAll("[^\\p{L}\\p{N}]", ""));
            if (compact.length() >= 4 && !compactNameSkeletons.contains(compact)) {
                compactNameSkeletons.add(compact);
            }
        }
        addSharer(sharerName);
        if (profile.getIpRanges() != null) {
            for (String r : profile.getIpRanges()) {
                Cidr cidr = parseCidr(r);
                if (cidr != null) {
                    ranges.add(cidr);
                }
            }
        }
    }

    /**
     * Registers a name of the sharer (a creator identity of the bundle): mentions of the victim's
     * names that are only part of it are not the victim. A name the profile gives exactly stays
     * the victim's.
     */
    public void addSharer(String name) {
        if (name == null || name.isBlank()) {
            return;
        }
        String folded = normalize(name);
        if (folded.length() >= 3 && !namesExactly(name) && !sharerNames.contains(folded)) {
            sharerNames.add(folded);
            textFindings.clear();
            allFindings.clear();
        }
    }

    /** Whether the text is, once folded, one of the profile's names or aliases as given (not a variant). */
    public boolean namesExactly(String text) {
        return text != null && exactNames.contains(normalize(text));
    }

    /** Whether the text is, once folded, the requesting organization's name as given. */
    public boolean namesRequestingSharer(String text) {
        return text != null && requestingSharer != null && normalize(text).equals(requestingSharer);
    }

    /**
     * Whether the text, as a whole, reads as a name of the victim that the profile does not give
     * exactly: a name or alias without its legal form ("Example" or "Example Corp" for "Example
     * Corp K.K."), or with another one. Such a name may be the victim's, and may be someone else's.
     */
    public boolean readsAsVictimName(String text) {
        if (text == null || text.isBlank() || names.isEmpty()) {
            return false;
        }
        String folded = normalize(text);
        if (exactNames.contains(folded)) {
            return false;
        }
        String bare = withoutLegalForm(folded);
        if (names.contains(folded) || names.contains(bare)) {
            return true;
        }
        for (String name : names) {
            if (bare.length() >= 4 && withoutLegalForm(name).equals(bare)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the text, folded, is a name of the sharer or a run of its words ("Example" of "Example
     * SOC K.K."): the sharer may be calling itself by it. A name the profile gives exactly is the
     * victim's, not the sharer's.
     */
    public boolean partOfSharersName(String text) {
        if (text == null || text.isBlank()) {
            return false;
        }
        String folded = normalize(text);
        for (String sharer : sharerNames) {
            if (indexOfWord(sharer, folded, 0) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The spans that do not lie inside an occurrence of the sharer's name. */
    private List<Span> withoutSharer(Folded folded, List<Span> spans) {
        if (sharerNames.isEmpty() || spans.isEmpty()) {
            return spans;
        }
        List<int[]> sharer = new ArrayList<>();
        for (String name : sharerNames) {
            for (int at = folded.text().indexOf(name);
                    at >= 0;
                    at = folded.text().indexOf(name, at + 1)) {
                sharer.add(new int[] {folded.start(at), folded.end(at + name.length())});
            }
        }
        if (sharer.isEmpty()) {
            return spans;
        }
        List<Span> kept = new ArrayList<>();
        for (Span span : spans) {
            boolean inside = false;
            for (int[] s : sharer) {
                inside |= span.from() >= s[0] && span.to() <= s[1];
            }
            if (!inside) {
                kept.add(span);
            }
        }
        return kept;
    }

    public boolean profiled() {
        return profiled;
    }

    public String sector() {
        return sector;
    }

    /** Invalid entries of a profile, as problems naming the field (never its value). */
    public static List<String> invalidRanges(VictimProfile profile) {
        List<String> bad = new ArrayList<>();
        if (profile != null && profile.getIpRanges() != null) {
            for (int i = 0; i < profile.getIpRanges().size(); i++) {
                if (parseCidr(profile.getIpRanges().get(i)) == null) {
                    bad.add("/victimProfile/ipRanges/" + i);
                }
            }
        }
        return bad;
    }

    private static final Pattern DOMAIN_NAME = Pattern.compile(
            "(?i)(?:\\*\\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.?");

    /** Profile domains that are not DNS names ("victim..jp", "acme corp"), as problems naming the field (never its value). */
    public static List<String> invalidDomains(VictimProfile profile) {
        List<String> bad = new ArrayList<>();
        if (profile != null && profile.getDomains() != null) {
            for (int i = 0; i < profile.getDomains().size(); i++) {
                String d = profile.getDomains().get(i);
                if (d == null
                        || d.strip().length() > 253
                        || !DOMAIN_NAME.matcher(d.strip()).matches()) {
                    bad.add("/victimProfile/domains/" + i);
                }
            }
        }
        return bad;
    }

    // ------------------------------------------------------------------ text

    /**
     * Victim names (also spelled with look-alike characters), victim domains, look-alikes of them
     * and e-mail addresses at them, and user paths, in any text: read after normalising it (see
     * {@link Folded}), so that a defanged, percent-encoded or zero-width-split mention is found as
     * the victim's value, and reported as it was written.
     */
    public List<Match> inText(String text) {
        if (text == null || text.isBlank()) {
            return new ArrayList<>();
        }
        return remembered(textFindings, text, this::inTextNow);
    }

    /** What a function of this matcher found in a text, read once per distinct text (unmodifiable). */
    private static List<Match> remembered(
            Map<String, List<Match>> findings, String text, java.util.function.Function<String, List<Match>> read) {
        List<Match> found = findings.get(text);
        if (found == null) {
            if (findings.size() > 50_000) {
                findings.clear();
            }
            found = List.copyOf(read.apply(text));
            findings.put(text, found);
        }
        return found;
    }

    private List<Match> inTextNow(String text) {
        List<Match> found = new ArrayList<>();
        Folded folded = profiled ? Folded.of(text) : null;
        if (folded != null) {
            List<Span> hosts = domainSpans(folded);
            for (Span span : merge(withoutSharer(folded, nameSpans(folded, true)))) {
                // "acme-mfg" inside bob@acme-mfg.co.jp is the address, reported as one.
                if (hosts.stream().noneMatch(h -> span.from() >= h.from() && span.to() <= h.to())) {
                    found.add(new Match(text.substring(span.from(), span.to()), IdentifierFlag.ORG_NAME));
                }
            }
            for (Span span : hosts) {
                found.add(new Match(text.substring(span.from(), span.to()), span.kind()));
            }
        }
        if (text.indexOf('/') >= 0 || text.indexOf('\\') >= 0) {
            Matcher path = USER_PATH.matcher(text);
            while (path.find()) {
                if (!isGenericUser(path.group())) {
                    found.add(new Match(path.group(), IdentifierFlag.FILE_PATH_WITH_NAME));
                }
            }
        }
        return found;
    }

    /** What {@link #inText} and {@link #addressesIn} find, reading the text once. */
    public List<Match> allIn(String text) {
        if (text == null) {
            return new ArrayList<>();
        }
        return remembered(allFindings, text, this::allInNow);
    }

    private List<Match> allInNow(String text) {
        List<Match> found = new ArrayList<>(inText(text));
        if (text != null
                && !text.isEmpty()
                && (mayHoldIpv4(text)
                        || mayHoldIpv6(text)
                        || text.indexOf('[') >= 0
                        || text.indexOf('(') >= 0
                        || text.indexOf('%') >= 0)) {
            found.addAll(addressesIn(text));
        }
        return found;
    }

    /** A part of the original text and what it is. */
    private record Span(int from, int to, IdentifierFlag kind) {}

    /**
     * Where the names are in the folded text: as written (on word boundaries for Latin names when
     * {@code words}, anywhere otherwise, as masking wants), and as their confusable skeletons, word
     * by word ("ACME" written with a Cyrillic А, "Examp1e").
     */
    private List<Span> nameSpans(Folded folded, boolean wordsOnly) {
        List<Span> spans = new ArrayList<>();
        if (names.isEmpty()) {
            return spans;
        }
        String text = folded.text();
        for (String name : names) {
            for (int at = wordsOnly ? indexOfWord(text, name, 0) : text.indexOf(name);
                    at >= 0;
                    at = wordsOnly ? indexOfWord(text, name, at + name.length()) : text.indexOf(name, at + 1)) {
                spans.add(new Span(folded.start(at), folded.end(at + name.length()), IdentifierFlag.ORG_NAME));
            }
        }
        if (!nameSkeletons.isEmpty()) {
            // The words of the text (what WORD matches), each as its skeleton, joined by one space;
            // an ASCII word's skeleton is that of its characters, looked up without a copy of the word.
            int length = text.length();
            StringBuilder skeletons = new StringBuilder(length + 8);
            int[] tokenFrom = new int[16];
            int[] tokenTo = new int[16];
            int[] tokenAt = new int[16];
            int count = 0;
            for (int i = 0; i < length; ) {
                int cp = text.codePointAt(i);
                if (!wordCharacter(cp)) {
                    i += Character.charCount(cp);
                    continue;
                }
                int from = i;
                boolean ascii = true;
                while (i < length) {
                    int c = text.codePointAt(i);
                    if (!wordCharacter(c)) {
                        break;
                    }
                    ascii &= c < 128;
                    i += Character.charCount(c);
                }
                if (count == tokenAt.length) {
                    tokenFrom = java.util.Arrays.copyOf(tokenFrom, count * 2);
                    tokenTo = java.util.Arrays.copyOf(tokenTo, count * 2);
                    tokenAt = java.util.Arrays.copyOf(tokenAt, count * 2);
                }
                if (skeletons.length() > 0) {
                    skeletons.append(' ');
                }
                tokenAt[count] = skeletons.length();
                tokenFrom[count] = from;
                tokenTo[count] = i;
                count++;
                if (ascii) {
                    for (int k = from; k < i; k++) {
                        skeletons.append(ASCII_SKELETON[Character.toLowerCase(text.charAt(k))]);
                    }
                } else {
                    skeletons.append(wordSkeletons.computeIfAbsent(text.substring(from, i), VictimMatcher::skeleton));
                }
            }
            String joined = skeletons.toString();
            for (String name : nameSkeletons) {
                for (int at = joined.indexOf(name); at >= 0; at = joined.indexOf(name, at + 1)) {
                    int first = java.util.Arrays.binarySearch(tokenAt, 0, count, at);
                    int endAt = at + name.length();
                    if (first < 0 || (endAt < joined.length() && joined.charAt(endAt) != ' ')) {
                        continue;
                    }
                    int last = first;
                    while (last + 1 < count && tokenAt[last + 1] < endAt) {
                        last++;
                    }
                    spans.add(new Span(
                            folded.start(tokenFrom[first]), folded.end(tokenTo[last]), IdentifierFlag.ORG_NAME));
                }
            }
        }
        return spans;
    }

    /** Host names in the folded text that are the victim's or imitate it, with an e-mail local part if any. */
    private List<Span> domainSpans(Folded folded) {
        List<Span> spans = new ArrayList<>();
        if (domains.isEmpty() && names.isEmpty()) {
            return spans;
        }
        String text = folded.text();
        if (text.indexOf('.') < 0) {
            return spans;
        }
        Matcher m = HOST_IN_TEXT.matcher(text);
        while (m.find()) {
            IdentifierFlag kind = classifyFolded(m.group(2));
            if (kind == null) {
                continue;
            }
            if (kind == IdentifierFlag.VICTIM_DOMAIN && m.group(1) != null) {
                kind = IdentifierFlag.EMAIL;
            }
            spans.add(new Span(folded.start(m.start()), folded.end(m.end()), kind));
        }
        return spans;
    }

    /** Addresses in the folded text: IPv4 octets may carry leading zeros (read as decimal), IPv6 as written. */
    private List<Span> addressSpans(Folded folded, boolean victimsOnly) {
        List<Span> spans = new ArrayList<>();
        String text = folded.text();
        if (mayHoldIpv4(text)) {
            Matcher m = IPV4_LOOSE.matcher(text);
            while (m.find()) {
                String address = withoutLeadingZeros(m.group());
                IdentifierFlag kind = address == null ? null : classifyAddress(address);
                if (kind != null && (!victimsOnly || kind == IdentifierFlag.VICTIM_PUBLIC_IP)) {
                    spans.add(new Span(folded.start(m.start()), folded.end(m.end()), kind));
                }
            }
        }
        if (mayHoldIpv6(text)) {
            Matcher m = IPV6_CANDIDATE.matcher(text);
            while (m.find()) {
                IdentifierFlag kind = m.group().indexOf(':') >= 0 ? classifyAddress(m.group()) : null;
                if (kind != null && (!victimsOnly || kind == IdentifierFlag.VICTIM_PUBLIC_IP)) {
                    spans.add(new Span(folded.start(m.start()), folded.end(m.end()), kind));
                }
            }
        }
        return spans;
    }

    /** Whether the text has only what an address literal (with an optional prefix length) is written with, and no zero-padded octet. */
    private static boolean literal(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9'
                    || c >= 'a' && c <= 'f'
                    || c >= 'A' && c <= 'F'
                    || c == ':'
                    || c == '.'
                    || c == '/')) {
                return false;
            }
        }
        return !LEADING_ZERO.matcher(text).find();
    }

    private static final Pattern LEADING_ZERO = Pattern.compile("(?:^|\\.)0\\d");

    /** "198.051.100.079" as "198.51.100.79"; null when an octet is over 255. */
    private static String withoutLeadingZeros(String dotted) {
        String[] octets = dotted.split("\\.");
        StringBuilder out = new StringBuilder();
        for (String octet : octets) {
            int value = Integer.parseInt(octet);
            if (value > 255) {
                return null;
            }
            out.append(out.length() == 0 ? "" : ".").append(value);
        }
        return out.toString();
    }

    /**
     * Whether the text has a digit, a dot and a digit in a row, without which no IPv4 address can
     * be in it: most free text has none, and the pattern is the costly part of scanning it.
     */
    static boolean mayHoldIpv4(String text) {
        for (int dot = text.indexOf('.', 1); dot > 0 && dot < text.length() - 1; dot = text.indexOf('.', dot + 1)) {
            if (Character.isDigit(text.charAt(dot - 1)) && Character.isDigit(text.charAt(dot + 1))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the text has two colons within five characters, without which no IPv6 literal can be in it. */
    static boolean mayHoldIpv6(String text) {
        int first = text.indexOf(':');
        while (first >= 0) {
            int second = text.indexOf(':', first + 1);
            if (second < 0) {
                return false;
            }
            if (second - first <= 5) {
                return true;
            }
            first = second;
        }
        return false;
    }

    /** IP addresses (IPv4 and IPv6) in text that are private or the victim's, defanged or zero-padded ones included. */
    public List<Match> addressesIn(String text) {
        List<Match> found = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return found;
        }
        for (Span span : addressSpans(Folded.of(text), false)) {
            found.add(new Match(text.substring(span.from(), span.to()), span.kind()));
        }
        return found;
    }

    /**
     * The text with everything the profile would find masked: names, aliases and brands (also in
     * look-alike spellings), the victim's domains and their look-alikes, the distinctive labels of
     * its domains anywhere, and addresses in the victim's ranges, all read after the same
     * normalisation as {@link #inText}. What is kept, logged or returned about a review passes
     * through here, so the profile's content appears nowhere but in the request that carried it.
     */
    public String mask(String text) {
        if (text == null || !profiled || text.isEmpty()) {
            return text;
        }
        if (text.length() > 200) {
            return maskNow(text);
        }
        if (masked.size() > 50_000) {
            masked.clear();
        }
        return masked.computeIfAbsent(text, this::maskNow);
    }

    private String maskNow(String text) {
        Folded folded = Folded.of(text);
        List<Span> spans = new ArrayList<>(nameSpans(folded, false));
        String lower = folded.text();
        for (String label : domainLabels) {
            for (int at = lower.indexOf(label); at >= 0; at = lower.indexOf(label, at + 1)) {
                spans.add(new Span(folded.start(at), folded.end(at + label.length()), IdentifierFlag.ORG_NAME));
            }
        }
        spans = new ArrayList<>(withoutSharer(folded, spans));
        spans.addAll(domainSpans(folded));
        if (!ranges.isEmpty()) {
            spans.addAll(addressSpans(folded, true));
        }
        if (spans.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int done = 0;
        for (Span span : merge(spans)) {
            out.append(text, done, span.from()).append(placeholder(span.kind()));
            done = span.to();
        }
        return out.append(text, done, text.length()).toString();
    }

    private static String placeholder(IdentifierFlag kind) {
        return switch (kind) {
            case VICTIM_DOMAIN, EMAIL -> "[victim-domain]";
            case LOOKALIKE_DOMAIN -> "[victim-lookalike]";
            case VICTIM_PUBLIC_IP -> "[victim-address]";
            default -> "[victim]";
        };
    }

    /**
     * Overlapping spans as one: their union (nothing of either may show), named after the first.
     * Sorted by position.
     */
    private static List<Span> merge(List<Span> spans) {
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort(
                (a, b) -> a.from() != b.from() ? Integer.compare(a.from(), b.from()) : Integer.compare(b.to(), a.to()));
        List<Span> merged = new ArrayList<>();
        for (Span span : sorted) {
            Span last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && span.from() < last.to()) {
                if (span.to() > last.to()) {
                    merged.set(merged.size() - 1, new Span(last.from(), span.to(), last.kind()));
                }
            } else {
                merged.add(span);
            }
        }
        return merged;
    }

    /** Masks every string of a JSON tree in place, property names included (see {@link #mask(String)}). */
    public void maskAll(tools.jackson.databind.JsonNode node) {
        if (!profiled) {
            return;
        }
        if (node instanceof tools.jackson.databind.node.ObjectNode obj) {
            List<String> keys = new ArrayList<>(obj.propertyNames());
            boolean renamed = false;
            for (String key : keys) {
                if (!mask(key).equals(key)) {
                    renamed = true;
                }
            }
            if (renamed) {
                // Rebuilt in order, so that a masked name keeps its place among the others.
                java.util.LinkedHashMap<String, tools.jackson.databind.JsonNode> copy = new java.util.LinkedHashMap<>();
                for (String key : keys) {
                    copy.put(key, obj.get(key));
                }
                obj.removeAll();
                for (Map.Entry<String, tools.jackson.databind.JsonNode> e : copy.entrySet()) {
                    String name = mask(e.getKey());
                    while (obj.has(name)) {
                        name = name + "_";
                    }
                    obj.set(name, e.getValue());
                }
            }
            for (String key : new ArrayList<>(obj.propertyNames())) {
                tools.jackson.databind.JsonNode v = obj.get(key);
                if (v.isString()) {
                    obj.put(key, mask(v.asString()));
                } else {
                    maskAll(v);
                }
            }
        } else if (node instanceof tools.jackson.databind.node.ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isString()) {
                    array.set(
                            i,
                            tools.jackson.databind.node.StringNode.valueOf(
                                    mask(array.get(i).asString())));
                } else {
                    maskAll(array.get(i));
                }
            }
        }
    }

    // ------------------------------------------------------------------ values

    /** INTERNAL_IP for private, loopback, link-local and shared ranges; VICTIM_PUBLIC_IP for the victim's; else null. */
    IdentifierFlag classifyAddress(String value) {
        // A bundle names the same addresses and hosts many times; each is read once.
        IdentifierFlag known = addressKinds.get(value);
        if (known != null || addressKinds.containsKey(value)) {
            return known;
        }
        if (addressKinds.size() > 50_000) {
            addressKinds.clear();
        }
        IdentifierFlag kind = classifyAddressNow(value);
        addressKinds.put(value, kind);
        return kind;
    }

    private IdentifierFlag classifyAddressNow(String value) {
        String address = value.strip();
        if (!address.isEmpty() && !literal(address)) {
            // 198.51.100[.]7, 198.051.100.007: read as the analyst meant it.
            address = Folded.of(address).text().strip();
            if (IPV4_LOOSE.matcher(address).matches()) {
                address = withoutLeadingZeros(address);
                if (address == null) {
                    return null;
                }
            }
        }
        int slash = address.indexOf('/');
        if (slash > 0) {
            address = address.substring(0, slash);
        }
        byte[] bytes = literalAddress(address);
        if (bytes == null) {
            return null;
        }
        long high = high(bytes);
        long low = low(bytes);
        int length = bytes.length * 8;
        for (Cidr cidr : length == 32 ? PRIVATE_V4_RANGES : PRIVATE_V6_RANGES) {
            if (cidr.contains(high, low, length)) {
                return IdentifierFlag.INTERNAL_IP;
            }
        }
        for (Cidr r : ranges) {
            if (r.contains(high, low, length)) {
                return IdentifierFlag.VICTIM_PUBLIC_IP;
            }
        }
        return null;
    }

    /**
     * VICTIM_DOMAIN for the victim's domains and their subdomains (and names of its internal
     * network), LOOKALIKE_DOMAIN for imitations, else null. The value is normalised first
     * (defanged, percent-encoded, full-width or zero-width-split names are read as written plainly).
     */
    IdentifierFlag classifyDomain(String value) {
        if (value == null) {
            return null;
        }
        return classifyFolded(Folded.of(value.strip()).text().strip());
    }

    /**
     * An imitation is: the victim's registrable label (or a name or brand, letters and digits only)
     * inside the name once hyphens and dots are dropped (added prefixes and suffixes, the label under
     * another public suffix, as a subdomain of someone else's domain); or a registrable label within
     * edit distance 1 (labels of 5 to 7 characters) or 2 (8 and more) of the victim's. Both sides
     * are compared as Unicode confusable skeletons, so that 1 for l, 0 for o, rn for m and Cyrillic
     * letters for Latin ones are the same character.
     */
    private IdentifierFlag classifyFolded(String folded) {
        String domain = folded.endsWith(".") ? folded.substring(0, folded.length() - 1) : folded;
        if (domain.isEmpty()) {
            return null;
        }
        for (String d : domains) {
            if (domain.equals(d) || domain.endsWith("." + d)) {
                return IdentifierFlag.VICTIM_DOMAIN;
            }
        }
        // fileserver01.corp.acme-mfg.local: a name that only exists inside the victim's own network.
        String tld = domain.substring(domain.lastIndexOf('.') + 1);
        if (INTERNAL_TLDS.contains(tld) || domain.endsWith(".home.arpa")) {
            for (String label : domainLabels) {
                for (String part : domain.split("\\.")) {
                    if (part.equals(label)) {
                        return IdentifierFlag.VICTIM_DOMAIN;
                    }
                }
            }
        }
        if ((labelSkeletons.isEmpty() && compactNameSkeletons.isEmpty())
                || NUMERIC.matcher(domain).matches()) {
            return null;
        }
        String compactDomain = skeleton(domain.replace("-", "").replace(".", ""));
        String candidate = null;
        String raw = null;
        for (int i = 0; i < labelSkeletons.size(); i++) {
            String label = labelSkeletons.get(i);
            if (compactDomain.contains(label)) {
                return IdentifierFlag.LOOKALIKE_DOMAIN;
            }
            if (labelEdits.get(i) > 0) {
                if (candidate == null) {
                    raw = registrableLabel(domain).replace("-", "");
                    candidate = skeleton(raw);
                }
                // On the skeletons (0 for o, rn for m) and as written (so that a swap next to an "m",
                // which the skeleton spells "rn", is still one edit).
                if (withinDistance(candidate, label, labelEdits.get(i))
                        || withinDistance(raw, labelCompacts.get(i), labelEdits.get(i))) {
                    return IdentifierFlag.LOOKALIKE_DOMAIN;
                }
            }
        }
        for (String name : compactNameSkeletons) {
            if (compactDomain.contains(name)) {
                return IdentifierFlag.LOOKALIKE_DOMAIN;
            }
        }
        return null;
    }

    /** The host part of a URL, for {@link #classifyDomain} or {@link #classifyAddress}. */
    static String hostOf(String url) {
        String rest = url.strip().replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
        rest = rest.replaceFirst("^[^@/]*@", "");
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String host = rest.substring(0, end);
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close > 0 ? host.substring(1, close) : host;
        }
        int colon = host.lastIndexOf(':');
        return colon > 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
    }

    // ------------------------------------------------------------------ helpers

    private static boolean isGenericUser(String path) {
        String user = path.replaceAll("(?i)^.*[\\\\/]", "").toLowerCase(Locale.ROOT);
        return user.equals("public")
                || user.equals("default")
                || user.equals("all users")
                || user.equals("administrator")
                || user.equals("%username%")
                || user.equals("$user")
                || user.startsWith("<")
                || user.startsWith("[")
                || user.equals("*");
    }

    /** Company legal forms that a name is often written without, at its start or its end (already folded). */
    private static final Pattern LEGAL_FORM = Pattern.compile("^(?:株式会社|有限会社|合同会社|\\(株\\)|㈱)\\s*|[\\s,]*(?:"
            + "k\\.?\\s?k\\.?|co\\.,?\\s*ltd\\.?|co\\.|ltd\\.?|limited|inc\\.?|incorporated|corp\\.?|corporation|llc|gmbh|ag|s\\.?a\\.?|plc|"
            + "株式会社|有限会社|合同会社|\\(株\\)|㈱|股份有限公司|有限公司|公司)$");

    static String withoutLegalForm(String folded) {
        String previous;
        String name = folded.strip();
        do {
            previous = name;
            name = LEGAL_FORM.matcher(name).replaceAll("").strip();
        } while (!name.equals(previous) && !name.isEmpty());
        return name;
    }

    private static String normalize(String text) {
        return Folded.of(text.strip()).text();
    }

    /**
     * Text read the way an analyst means it, for matching: compatibility forms (NFKC: full-width
     * letters), case, ß as "ss"; default-ignorable characters (zero-width space, soft hyphen, joiners)
     * dropped; runs of white space as one space; defanging undone ({@code [.]}, {@code (.)},
     * {@code {.}}, {@code [dot]}, {@code [:]}, {@code [@]}, {@code hxxp}); percent-encoded UTF-8
     * decoded. Every folded character keeps the span of the original it came from, so that what is
     * found is reported and replaced as it was written.
     */
    record Folded(String source, String text, int[] starts, int[] ends) {

        private static final String[][] DEFANGED = {
            {"[.]", "."},
            {"(.)", "."},
            {"{.}", "."},
            {"[dot]", "."},
            {"(dot)", "."},
            {"[:]", ":"},
            {"[@]", "@"},
            {"[at]", "@"},
            {"(at)", "@"},
            {"[/]", "/"},
            {"[://]", "://"}
        };

        static Folded of(String original) {
            String plain = plain(original);
            if (plain != null) {
                return new Folded(original, plain, null, null);
            }
            Builder b = new Builder(original);
            int length = original.length();
            for (int i = 0; i < length; ) {
                char c = original.charAt(i);
                if (c == '[' || c == '(' || c == '{') {
                    int used = defanged(original, i, b);
                    if (used > 0) {
                        i += used;
                        continue;
                    }
                } else if ((c == 'h' || c == 'H') && original.regionMatches(true, i, "hxxp", 0, 4)) {
                    b.append("http", i, i + 4);
                    i += 4;
                    continue;
                } else if (c == '%') {
                    int used = percentEncoded(original, i, b);
                    if (used > 0) {
                        i += used;
                        continue;
                    }
                }
                if (c < 0x80 && (i + 1 == length || original.charAt(i + 1) < 0x300)) {
                    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B) {
                        i = whitespace(original, i, b);
                    } else {
                        b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c, i, i + 1);
                        i++;
                    }
                    continue;
                }
                int cp = original.codePointAt(i);
                if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                    i = whitespace(original, i, b);
                    continue;
                }
                int next = i + Character.charCount(cp);
                if (UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)) {
                    i = next;
                    continue;
                }
                // Combining marks join the character before them, as NFKC would compose them.
                while (next < length && Character.getType(original.codePointAt(next)) == Character.NON_SPACING_MARK) {
                    next += Character.charCount(original.codePointAt(next));
                }
                b.appendFolded(original.substring(i, next), i, next);
                i = next;
            }
            return b.build();
        }

        /**
         * The folded text of printable ASCII text that folding only lower-cases (no defanging, no
         * percent-encoding, no run of white space), whose characters each stay at their place;
         * null for any other text. Most strings of a bundle are such text.
         */
        private static String plain(String original) {
            int length = original.length();
            boolean upper = false;
            for (int i = 0; i < length; i++) {
                char c = original.charAt(i);
                if (c < ' ' || c > '~') {
                    return null;
                }
                switch (c) {
                    case ' ' -> {
                        if (i + 1 < length && original.charAt(i + 1) == ' ') {
                            return null;
                        }
                    }
                    case '[', '(', '{' -> {
                        for (String[] d : DEFANGED) {
                            if (original.regionMatches(true, i, d[0], 0, d[0].length())) {
                                return null;
                            }
                        }
                    }
                    case 'h', 'H' -> {
                        if (original.regionMatches(true, i, "hxxp", 0, 4)) {
                            return null;
                        }
                        upper |= c == 'H';
                    }
                    case '%' -> {
                        if (i + 2 < length
                                && Character.digit(original.charAt(i + 1), 16) >= 0
                                && Character.digit(original.charAt(i + 2), 16) >= 0) {
                            return null;
                        }
                    }
                    default -> upper |= c >= 'A' && c <= 'Z';
                }
            }
            return upper ? original.toLowerCase(Locale.ROOT) : original;
        }

        private static int whitespace(String original, int i, Builder b) {
            int j = i;
            while (j < original.length()
                    && (Character.isWhitespace(original.codePointAt(j))
                            || Character.isSpaceChar(original.codePointAt(j))
                            || UCharacter.hasBinaryProperty(
                                    original.codePointAt(j), UProperty.DEFAULT_IGNORABLE_CODE_POINT))) {
                j += Character.charCount(original.codePointAt(j));
            }
            b.append(" ", i, j);
            return j;
        }

        private static int defanged(String original, int i, Builder b) {
            for (String[] d : DEFANGED) {
                if (original.regionMatches(true, i, d[0], 0, d[0].length())) {
                    b.append(d[1], i, i + d[0].length());
                    return d[0].length();
                }
            }
            return 0;
        }

        /** A run of %XX that is valid UTF-8, decoded; 0 when there is none here. */
        private static int percentEncoded(String original, int i, Builder b) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            int j = i;
            while (j + 2 < original.length()
                    && original.charAt(j) == '%'
                    && Character.digit(original.charAt(j + 1), 16) >= 0
                    && Character.digit(original.charAt(j + 2), 16) >= 0) {
                bytes.write(
                        Character.digit(original.charAt(j + 1), 16) * 16 + Character.digit(original.charAt(j + 2), 16));
                j += 3;
            }
            if (j == i) {
                return 0;
            }
            try {
                String decoded = java.nio.charset.StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()))
                        .toString();
                Folded inner = Folded.of(decoded);
                b.append(inner.text(), i, j);
                return j - i;
            } catch (java.nio.charset.CharacterCodingException e) {
                return 0;
            }
        }

        /** Collects folded characters with the original span of each. */
        private static final class Builder {
            private final String source;
            private final StringBuilder folded;
            private int[] starts;
            private int[] ends;
            private int n;

            Builder(String source) {
                this.source = source;
                this.folded = new StringBuilder(source.length());
                this.starts = new int[source.length() + 8];
                this.ends = new int[source.length() + 8];
            }

            void append(char c, int from, int to) {
                if (n == starts.length) {
                    starts = java.util.Arrays.copyOf(starts, n * 2);
                    ends = java.util.Arrays.copyOf(ends, n * 2);
                }
                folded.append(c);
                starts[n] = from;
                ends[n] = to;
                n++;
            }

            void append(String piece, int from, int to) {
                for (int k = 0; k < piece.length(); k++) {
                    append(piece.charAt(k), from, to);
                }
            }

            void appendFolded(String original, int from, int to) {
                append(
                        Normalizer.normalize(original, Normalizer.Form.NFKC)
                                .toLowerCase(Locale.ROOT)
                                .replace("ß", "ss"),
                        from,
                        to);
            }

            Folded build() {
                return new Folded(
                        source,
                        folded.toString(),
                        java.util.Arrays.copyOf(starts, n),
                        java.util.Arrays.copyOf(ends, n));
            }
        }

        /** Where the folded character at a position starts in the original. */
        int start(int folded) {
            return starts == null ? folded : starts[folded];
        }

        /** Where the folded text ending before a position ends in the original. */
        int end(int foldedEnd) {
            return ends == null ? foldedEnd : ends[foldedEnd - 1];
        }

        /** The original text of a folded span. */
        String original(int from, int to) {
            return source.substring(start(from), end(to));
        }
    }

    /** The position of a name in text from an offset, on word boundaries for Latin names (so "Acme" is not found in "Acmeson"). */
    private static int indexOfWord(String text, String name, int from) {
        while (true) {
            int at = text.indexOf(name, from);
            if (at < 0) {
                return -1;
            }
            boolean latin = name.chars().allMatch(c -> c < 0x3000);
            char before = at == 0 ? ' ' : text.charAt(at - 1);
            char after = at + name.length() >= text.length() ? ' ' : text.charAt(at + name.length());
            if (!latin || (!Character.isLetterOrDigit(before) && !Character.isLetterOrDigit(after))) {
                return at;
            }
            from = at + 1;
        }
    }

    /**
     * The label a registrant chose: the first label of the registrable domain under the Public
     * Suffix List (Guava's copy of it), "acme-mfg" in mail.acme-mfg.co.jp; for names under no
     * public suffix (internal names), the label before the last.
     */
    static String registrableLabel(String domain) {
        try {
            InternetDomainName name = InternetDomainName.from(domain);
            if (name.isUnderPublicSuffix()) {
                return name.topPrivateDomain().parts().get(0);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // not a valid DNS name: fall back to its labels as written
        }
        String[] parts = domain.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] : domain;
    }

    private static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();
    /** The skeletons of the ASCII characters, looked up once: most text is ASCII. */
    private static final String[] ASCII_SKELETON = new String[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII_SKELETON[c] = SPOOF.getSkeleton(String.valueOf(c).toLowerCase(Locale.ROOT))
                    .toLowerCase(Locale.ROOT);
        }
    }

    /** The Unicode confusable skeleton of lower-cased text (UTS #39), lower-cased again: "examp1e" and "ехаmple" give "exarnple". */
    static String skeleton(String text) {
        boolean ascii = true;
        for (int i = 0; i < text.length() && ascii; i++) {
            ascii = text.charAt(i) < 128;
        }
        if (ascii) {
            StringBuilder out = new StringBuilder(text.length() + 4);
            for (int i = 0; i < text.length(); i++) {
                out.append(ASCII_SKELETON[Character.toLowerCase(text.charAt(i))]);
            }
            return out.toString();
        }
        return SPOOF.getSkeleton(text.toLowerCase(Locale.ROOT)).toLowerCase(Locale.ROOT);
    }

    private static List<String> words(String folded) {
        List<String> words = new ArrayList<>();
        Matcher m = WORD.matcher(folded);
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }

    private static String skeletonOfWords(String words) {
        List<String> out = new ArrayList<>();
        for (String w : words.split(" ")) {
            out.add(skeleton(w));
        }
        return String.join(" ", out);
    }

    /** Whether two strings are within a number of edits (insertions, deletions, substitutions, swaps of neighbours). */
    static boolean withinDistance(String a, String b, int max) {
        if (Math.abs(a.length() - b.length()) > max) {
            return false;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int rowMin = Integer.MAX_VALUE;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
                rowMin = Math.min(rowMin, d[i][j]);
            }
            if (rowMin > max) {
                return false;
            }
        }
        return d[a.length()][b.length()] <= max;
    }

    private static byte[] literalAddress(String text) {
        if (text.isEmpty() || !(text.indexOf(':') >= 0 || IPV4.matcher(text).matches())) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return null;
            }
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    private static Cidr parseCidr(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.strip().split("/");
        byte[] bytes = literalAddress(parts[0]);
        if (bytes == null || parts.length > 2) {
            return null;
        }
        int length = bytes.length * 8;
        int bits;
        try {
            bits = parts.length == 2 ? Integer.parseInt(parts[1]) : length;
        } catch (NumberFormatException e) {
            return null;
        }
        if (bits < 0 || bits > length) {
            return null;
        }
        return Cidr.of(new BigInteger(1, bytes), bits, length);
    }
}
