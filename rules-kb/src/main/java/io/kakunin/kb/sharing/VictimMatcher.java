package io.kakunin.kb.sharing;

import io.kakunin.api.model.VictimProfile;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    public record Match(String found, io.kakunin.api.model.IdentifierFlag kind) {}

    /** A user's folder; Windows separators may be doubled, as in the Sigma and YARA rules that escape them. */
    private static final Pattern USER_PATH = Pattern.compile(
            "(?i)(?:[a-z]:\\\\{1,2}(?:users|documents and settings)\\\\{1,2}[^\\\\/\\s'\"]+|/(?:home|users)/[^/\\s'\"]+)");
    /** Candidates for IPv6 literals in text: hex groups and colons, with at least two colons (checked by parsing). */
    private static final Pattern IPV6_CANDIDATE = Pattern.compile(
            "(?<![0-9A-Za-z:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?<=:)(?:\\d{1,3}\\.){3}\\d{1,3})?(?![0-9A-Za-z:])");
    /** Top-level labels of names that only exist inside an organization's network. */
    private static final java.util.Set<String> INTERNAL_TLDS = java.util.Set.of(
            "local", "lan", "internal", "intranet", "corp", "home", "localdomain", "private", "ad", "intra", "office");

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
    /** Compiled once per profile: a domain with its subdomains and an optional e-mail local part. */
    private final List<Pattern> domainPatterns = new ArrayList<>();
    /** Compiled once per profile: what {@link #mask(String)} replaces, and with what. */
    private final List<Pattern> maskPatterns = new ArrayList<>();

    private final List<String> maskReplacements = new ArrayList<>();
    private final String sector;
    private final boolean profiled;

    private record Cidr(BigInteger network, int bits, int length, BigInteger mask) {
        Cidr(BigInteger network, int bits, int length) {
            this(
                    network,
                    bits,
                    length,
                    BigInteger.ONE
                            .shiftLeft(length)
                            .subtract(BigInteger.ONE)
                            .shiftRight(bits)
                            .not()
                            .and(BigInteger.ONE.shiftLeft(length).subtract(BigInteger.ONE)));
        }

        boolean contains(BigInteger address, int addressLength) {
            return addressLength == length && address.and(mask).equals(network.and(mask));
        }
    }

    public VictimMatcher(VictimProfile profile) {
        this.profiled = profile != null;
        this.sector = profile == null ? null : profile.getSector();
        if (profile == null) {
            return;
        }
        for (List<String> list :
                java.util.Arrays.asList(profile.getNames(), profile.getAliases(), profile.getBrands())) {
            if (list != null) {
                for (String n : list) {
                    if (n != null && normalize(n).length() >= 3) {
                        names.add(normalize(n));
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
        for (String domain : domains) {
            domainPatterns.add(
                    Pattern.compile("([a-z0-9._%+-]+@)?((?:[a-z0-9-]+\\.)*" + Pattern.quote(domain) + ")\\b"));
            maskPatterns.add(Pattern.compile(Pattern.quote(domain), Pattern.CASE_INSENSITIVE));
            maskReplacements.add("[victim-domain]");
        }
        for (String label : domainLabels) {
            maskPatterns.add(Pattern.compile(Pattern.quote(label), Pattern.CASE_INSENSITIVE));
            maskReplacements.add("[victim]");
        }
        if (profile.getIpRanges() != null) {
            for (String r : profile.getIpRanges()) {
                Cidr cidr = parseCidr(r);
                if (cidr != null) {
                    ranges.add(cidr);
                }
            }
        }
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

    /** Victim names, victim domains and e-mail addresses, and user paths in free text. */
    public List<Match> inText(String text) {
        List<Match> found = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return found;
        }
        Folded folded = names.isEmpty() ? null : Folded.of(text);
        List<int[]> spans = new ArrayList<>();
        for (String name : names) {
            for (int at = indexOfWord(folded.text(), name, 0);
                    at >= 0;
                    at = indexOfWord(folded.text(), name, at + name.length())) {
                spans.add(new int[] {at, at + name.length()});
            }
        }
        // "ACME Manufacturing K.K." and "ACME Manufacturing" found at one place are one finding: the longer.
        spans.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(b[1], a[1]));
        int covered = -1;
        for (int[] span : spans) {
            if (span[0] >= covered) {
                found.add(new Match(folded.original(span[0], span[1]), io.kakunin.api.model.IdentifierFlag.ORG_NAME));
                covered = span[1];
            }
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < domains.size(); i++) {
            if (!lower.contains(domains.get(i))) {
                continue;
            }
            Matcher m = domainPatterns.get(i).matcher(lower);
            while (m.find()) {
                found.add(new Match(
                        text.substring(m.start(), m.end()),
                        m.group(1) != null
                                ? io.kakunin.api.model.IdentifierFlag.EMAIL
                                : io.kakunin.api.model.IdentifierFlag.VICTIM_DOMAIN));
            }
        }
        Matcher path = USER_PATH.matcher(text);
        while ((text.indexOf('/') >= 0 || text.indexOf('\\') >= 0) && path.find()) {
            if (!isGenericUser(path.group())) {
                found.add(new Match(path.group(), io.kakunin.api.model.IdentifierFlag.FILE_PATH_WITH_NAME));
            }
        }
        return found;
    }

    /**
     * Whether the text has a digit, a dot and a digit in a row, without which {@link #IPV4} cannot
     * match: most free text has none, and the pattern is the costly part of scanning it.
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

    /** IP addresses (IPv4 and IPv6) in text that are private or the victim's. */
    public List<Match> addressesIn(String text) {
        List<Match> found = new ArrayList<>();
        if (text == null) {
            return found;
        }
        if (mayHoldIpv4(text)) {
            Matcher m = IPV4.matcher(text);
            while (m.find()) {
                io.kakunin.api.model.IdentifierFlag kind = classifyAddress(m.group());
                if (kind != null) {
                    found.add(new Match(m.group(), kind));
                }
            }
        }
        if (mayHoldIpv6(text)) {
            Matcher m = IPV6_CANDIDATE.matcher(text);
            while (m.find()) {
                io.kakunin.api.model.IdentifierFlag kind =
                        m.group().indexOf(':') >= 0 ? classifyAddress(m.group()) : null;
                if (kind != null) {
                    found.add(new Match(m.group(), kind));
                }
            }
        }
        return found;
    }

    /**
     * The text with everything the profile would find masked: names, aliases and brands, the
     * victim's domains and their distinctive labels (also inside look-alikes), and addresses in
     * the victim's ranges. What is kept or returned about a review passes through here, so the
     * profile's content appears nowhere but in the request that carried it.
     */
    public String mask(String text) {
        if (text == null || !profiled || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (int i = 0; i < maskPatterns.size(); i++) {
            out = maskPatterns.get(i).matcher(out).replaceAll(maskReplacements.get(i));
        }
        out = maskNames(out);
        if (!ranges.isEmpty()) {
            if (mayHoldIpv4(out)) {
                out = maskAddresses(out, IPV4);
            }
            if (mayHoldIpv6(out)) {
                out = maskAddresses(out, IPV6_CANDIDATE);
            }
        }
        return out;
    }

    private String maskAddresses(String text, Pattern addresses) {
        Matcher m = addresses.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            boolean victims = classifyAddress(m.group()) == io.kakunin.api.model.IdentifierFlag.VICTIM_PUBLIC_IP;
            m.appendReplacement(sb, Matcher.quoteReplacement(victims ? "[victim-address]" : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * Masks the names as {@link #inText} finds them: in the folded text (width, case, ß), so that
     * "ＡＣＭＥ" and "HEIZÖLRÜCKSTOSS" are masked like "Acme" and "Heizölrückstoß".
     */
    private String maskNames(String text) {
        if (names.isEmpty()) {
            return text;
        }
        Folded folded = Folded.of(text);
        List<int[]> spans = new ArrayList<>();
        for (String name : names) {
            for (int at = folded.text().indexOf(name);
                    at >= 0;
                    at = folded.text().indexOf(name, at + 1)) {
                spans.add(new int[] {folded.start(at), folded.end(at + name.length())});
            }
        }
        if (spans.isEmpty()) {
            return text;
        }
        spans.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(b[1], a[1]));
        StringBuilder out = new StringBuilder();
        int done = 0;
        for (int[] span : spans) {
            if (span[0] < done) {
                continue;
            }
            out.append(text, done, span[0]).append("[victim]");
            done = span[1];
        }
        return out.append(text, done, text.length()).toString();
    }

    /** Masks every string of a JSON tree in place (see {@link #mask(String)}). */
    public void maskAll(tools.jackson.databind.JsonNode node) {
        if (!profiled) {
            return;
        }
        if (node instanceof tools.jackson.databind.node.ObjectNode obj) {
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
    io.kakunin.api.model.IdentifierFlag classifyAddress(String value) {
        String address = value.strip();
        int slash = address.indexOf('/');
        if (slash > 0) {
            address = address.substring(0, slash);
        }
        byte[] bytes = literalAddress(address);
        if (bytes == null) {
            return null;
        }
        BigInteger n = new BigInteger(1, bytes);
        int length = bytes.length * 8;
        for (Cidr cidr : length == 32 ? PRIVATE_V4_RANGES : PRIVATE_V6_RANGES) {
            if (cidr.contains(n, length)) {
                return io.kakunin.api.model.IdentifierFlag.INTERNAL_IP;
            }
        }
        for (Cidr r : ranges) {
            if (r.contains(n, length)) {
                return io.kakunin.api.model.IdentifierFlag.VICTIM_PUBLIC_IP;
            }
        }
        return null;
    }

    /** VICTIM_DOMAIN for the victim's domains and their subdomains, LOOKALIKE_DOMAIN for imitations, else null. */
    io.kakunin.api.model.IdentifierFlag classifyDomain(String value) {
        String domain = value.strip().toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        for (String d : domains) {
            if (domain.equals(d) || domain.endsWith("." + d)) {
                return io.kakunin.api.model.IdentifierFlag.VICTIM_DOMAIN;
            }
        }
        // fileserver01.corp.acme-mfg.local: a name that only exists inside the victim's own network.
        String tld = domain.substring(domain.lastIndexOf('.') + 1);
        if (INTERNAL_TLDS.contains(tld) || domain.endsWith(".home.arpa")) {
            for (String label : domainLabels) {
                for (String part : domain.split("\\.")) {
                    if (part.equals(label)) {
                        return io.kakunin.api.model.IdentifierFlag.VICTIM_DOMAIN;
                    }
                }
            }
        }
        String compactDomain = foldHomoglyphs(domain.replace("-", "").replace(".", ""));
        String candidateLabel = registrableLabel(domain).replace("-", "");
        for (String label : domainLabels) {
            String compactLabel = label.replace("-", "");
            if (compactDomain.contains(foldHomoglyphs(compactLabel))) {
                return io.kakunin.api.model.IdentifierFlag.LOOKALIKE_DOMAIN;
            }
            if (compactLabel.length() >= 5
                    && editDistanceAtMostOne(foldHomoglyphs(candidateLabel), foldHomoglyphs(compactLabel))) {
                return io.kakunin.api.model.IdentifierFlag.LOOKALIKE_DOMAIN;
            }
        }
        for (String name : names) {
            String compact = name.replaceAll("[^a-z0-9]", "");
            if (compact.length() >= 4 && domain.replaceAll("[^a-z0-9]", "").contains(compact)) {
                return io.kakunin.api.model.IdentifierFlag.LOOKALIKE_DOMAIN;
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
     * Text folded for matching names: compatibility forms (full-width letters), case, and ß as
     * "ss", with the position in the original text of every folded character, so that what is
     * found can be reported and replaced as it was written.
     */
    record Folded(String source, String text, int[] starts, int[] ends) {

        static Folded of(String original) {
            StringBuilder folded = new StringBuilder(original.length());
            int[] starts = new int[original.length() + 8];
            int[] ends = new int[original.length() + 8];
            int n = 0;
            for (int i = 0; i < original.length(); ) {
                char c = original.charAt(i);
                if (c < 0x80 && (i + 1 == original.length() || original.charAt(i + 1) < 0x300)) {
                    if (n == starts.length) {
                        starts = java.util.Arrays.copyOf(starts, n * 2);
                        ends = java.util.Arrays.copyOf(ends, n * 2);
                    }
                    folded.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
                    starts[n] = i;
                    ends[n] = i + 1;
                    n++;
                    i++;
                    continue;
                }
                int cp = original.codePointAt(i);
                int next = i + Character.charCount(cp);
                // Combining marks join the character before them, as NFKC would compose them.
                while (next < original.length()
                        && Character.getType(original.codePointAt(next)) == Character.NON_SPACING_MARK) {
                    next += Character.charCount(original.codePointAt(next));
                }
                String piece = Normalizer.normalize(original.substring(i, next), Normalizer.Form.NFKC)
                        .toLowerCase(Locale.ROOT)
                        .replace("ß", "ss");
                for (int k = 0; k < piece.length(); k++) {
                    if (n == starts.length) {
                        starts = java.util.Arrays.copyOf(starts, n * 2);
                        ends = java.util.Arrays.copyOf(ends, n * 2);
                    }
                    starts[n] = i;
                    ends[n] = next;
                    n++;
                }
                folded.append(piece);
                i = next;
            }
            return new Folded(
                    original, folded.toString(), java.util.Arrays.copyOf(starts, n), java.util.Arrays.copyOf(ends, n));
        }

        /** Where the folded character at a position starts in the original. */
        int start(int folded) {
            return starts[folded];
        }

        /** Where the folded text ending before a position ends in the original. */
        int end(int foldedEnd) {
            return ends[foldedEnd - 1];
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

    private static String registrableLabel(String domain) {
        String[] parts = domain.split("\\.");
        if (parts.length >= 3 && parts[parts.length - 1].length() == 2 && parts[parts.length - 2].length() <= 3) {
            return parts[parts.length - 3];
        }
        return parts.length >= 2 ? parts[parts.length - 2] : domain;
    }

    private static String foldHomoglyphs(String s) {
        return s.replace("rn", "m")
                .replace("vv", "w")
                .replace('0', 'o')
                .replace('1', 'l')
                .replace('3', 'e')
                .replace('5', 's')
                .replace('@', 'a');
    }

    private static boolean editDistanceAtMostOne(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 1 || a.equals(b)) {
            return a.equals(b);
        }
        int i = 0, j = 0, edits = 0;
        while (i < a.length() && j < b.length()) {
            if (a.charAt(i) == b.charAt(j)) {
                i++;
                j++;
                continue;
            }
            if (++edits > 1) {
                return false;
            }
            if (a.length() > b.length()) {
                i++;
            } else if (a.length() < b.length()) {
                j++;
            } else if (i + 1 < a.length() && a.charAt(i) == b.charAt(j + 1) && a.charAt(i + 1) == b.charAt(j)) {
                i += 2;
                j += 2;
            } else {
                i++;
                j++;
            }
        }
        return edits + (a.length() - i) + (b.length() - j) <= 1;
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
        return new Cidr(new BigInteger(1, bytes), bits, length);
    }
}
