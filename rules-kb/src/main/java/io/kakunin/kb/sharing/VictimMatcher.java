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
    public record Match(String found, io.kakunin.api.model.IdentifierFlag kind) {
    }

    private static final Pattern USER_PATH = Pattern.compile(
            "(?i)(?:[a-z]:\\\\(?:users|documents and settings)\\\\[^\\\\/\\s'\"]+|/(?:home|users)/[^/\\s'\"]+)");
    private static final Pattern IPV4 = Pattern.compile("\\b(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}\\b");
    private static final String[][] PRIVATE_V4 = {
            {"10.0.0.0", "8"}, {"172.16.0.0", "12"}, {"192.168.0.0", "16"}, {"127.0.0.0", "8"},
            {"169.254.0.0", "16"}, {"100.64.0.0", "10"}};
    private static final String[][] PRIVATE_V6 = {{"fc00::", "7"}, {"fe80::", "10"}, {"::1", "128"}};

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

    private record Cidr(BigInteger network, int bits, int length) {
        boolean contains(BigInteger address, int addressLength) {
            if (addressLength != length) {
                return false;
            }
            BigInteger mask = BigInteger.ONE.shiftLeft(length).subtract(BigInteger.ONE)
                    .shiftRight(bits).not().and(BigInteger.ONE.shiftLeft(length).subtract(BigInteger.ONE));
            return address.and(mask).equals(network.and(mask));
        }
    }

    public VictimMatcher(VictimProfile profile) {
        this.profiled = profile != null;
        this.sector = profile == null ? null : profile.getSector();
        if (profile == null) {
            return;
        }
        for (List<String> list : java.util.Arrays.asList(profile.getNames(), profile.getAliases(), profile.getBrands())) {
            if (list != null) {
                for (String n : list) {
                    if (n != null && normalize(n).length() >= 3) {
                        names.add(normalize(n));
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
            domainPatterns.add(Pattern.compile("([a-z0-9._%+-]+@)?((?:[a-z0-9-]+\\.)*" + Pattern.quote(domain) + ")\\b"));
            maskPatterns.add(Pattern.compile(Pattern.quote(domain), Pattern.CASE_INSENSITIVE));
            maskReplacements.add("[victim-domain]");
        }
        for (String name : names) {
            maskPatterns.add(Pattern.compile(Pattern.quote(name), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
            maskReplacements.add("[victim]");
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

    // ------------------------------------------------------------------ text

    /** Victim names, victim domains and e-mail addresses, and user paths in free text. */
    public List<Match> inText(String text) {
        List<Match> found = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return found;
        }
        String normalized = normalize(text);
        for (String name : names) {
            int at = indexOfWord(normalized, name);
            if (at >= 0) {
                found.add(new Match(originalSlice(text, name), io.kakunin.api.model.IdentifierFlag.ORG_NAME));
            }
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < domains.size(); i++) {
            if (!lower.contains(domains.get(i))) {
                continue;
            }
            Matcher m = domainPatterns.get(i).matcher(lower);
            while (m.find()) {
                found.add(new Match(text.substring(m.start(), m.end()),
                        m.group(1) != null ? io.kakunin.api.model.IdentifierFlag.EMAIL : io.kakunin.api.model.IdentifierFlag.VICTIM_DOMAIN));
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

    /** IP addresses in text that are private or the victim's. */
    public List<Match> addressesIn(String text) {
        List<Match> found = new ArrayList<>();
        if (text == null || !mayHoldIpv4(text)) {
            return found;
        }
        Matcher m = IPV4.matcher(text);
        while (m.find()) {
            io.kakunin.api.model.IdentifierFlag kind = classifyAddress(m.group());
            if (kind != null) {
                found.add(new Match(m.group(), kind));
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
        if (!ranges.isEmpty() && mayHoldIpv4(out)) {
            Matcher m = IPV4.matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                boolean victims = classifyAddress(m.group()) == io.kakunin.api.model.IdentifierFlag.VICTIM_PUBLIC_IP;
                m.appendReplacement(sb, Matcher.quoteReplacement(victims ? "[victim-address]" : m.group()));
            }
            m.appendTail(sb);
            out = sb.toString();
        }
        return out;
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
                    array.set(i, tools.jackson.databind.node.StringNode.valueOf(mask(array.get(i).asString())));
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
        String[][] privates = length == 32 ? PRIVATE_V4 : PRIVATE_V6;
        for (String[] p : privates) {
            Cidr cidr = parseCidr(p[0] + "/" + p[1]);
            if (cidr != null && cidr.contains(n, length)) {
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
        String compactDomain = foldHomoglyphs(domain.replace("-", "").replace(".", ""));
        String candidateLabel = registrableLabel(domain).replace("-", "");
        for (String label : domainLabels) {
            String compactLabel = label.replace("-", "");
            if (compactDomain.contains(foldHomoglyphs(compactLabel))) {
                return io.kakunin.api.model.IdentifierFlag.LOOKALIKE_DOMAIN;
            }
            if (compactLabel.length() >= 5 && editDistanceAtMostOne(foldHomoglyphs(candidateLabel), foldHomoglyphs(compactLabel))) {
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
        return user.equals("public") || user.equals("default") || user.equals("all users") || user.equals("administrator")
                || user.equals("%username%") || user.equals("$user") || user.startsWith("<") || user.startsWith("[") || user.equals("*");
    }

    private static String normalize(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).strip();
    }

    /** The position of a name in text, on word boundaries for Latin names (so "Acme" is not found in "Acmeson"). */
    private static int indexOfWord(String text, String name) {
        int from = 0;
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

    /** The text as it appears in the input for a normalized name (best effort; the name itself if not found verbatim). */
    private static String originalSlice(String text, String normalizedName) {
        String n = normalize(text);
        int at = indexOfWord(n, normalizedName);
        if (at >= 0 && n.length() == text.length()) {
            return text.substring(at, at + normalizedName.length());
        }
        return normalizedName;
    }

    private static String registrableLabel(String domain) {
        String[] parts = domain.split("\\.");
        if (parts.length >= 3 && parts[parts.length - 1].length() == 2 && parts[parts.length - 2].length() <= 3) {
            return parts[parts.length - 3];
        }
        return parts.length >= 2 ? parts[parts.length - 2] : domain;
    }

    private static String foldHomoglyphs(String s) {
        return s.replace("rn", "m").replace("vv", "w").replace('0', 'o').replace('1', 'l').replace('3', 'e')
                .replace('5', 's').replace('@', 'a');
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
        if (!text.matches("[0-9a-fA-F:.]+")) {
            return null;
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
