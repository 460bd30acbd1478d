package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.SharingDecision;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.kb.input.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generated cases (issue 15): for many victim profiles, exact mentions and look-alikes of their
 * names, brands, domains and addresses, written plainly, defanged, zero-padded, encoded or split,
 * placed in every kind of structured item and in every location of a STIX bundle (values, text,
 * custom properties, property names, dictionary keys, header names). Whatever the case: never
 * SHARE_WITHOUT_CONSENT while a mention remains; the sanitized bundle and every string of the
 * answer (and of the stored review) free of the profile's values and of the generated look-alike;
 * the decision, IS-4.1 and IS-4.2 never contradicting ({@link VictimLeakTests#ALLOWED_IS_4}). And
 * identities named like the victim that may be the sharer: asked about, never shared as they are.
 */
class GeneratedVictimMentionTests {

    private static final String[] SYLLABLES = {
        "ka", "ri", "to", "su", "me", "no", "va", "lo", "de", "ra", "ni", "po", "ze", "mu", "ta", "shi", "ko", "be"
    };
    private static final String[] SUFFIXES = {"co.jp", "com", "jp", "net", "com.tw", "org"};
    private static final String[] ITEM_CATEGORIES = {
        "C2_DESTINATION", "PHISHING_FEATURE", "ATTACK_INFRA", "TTP", "TOOL", "MALWARE_HASH", "MALWARE_FAMILY"
    };

    /** One victim profile and the values a share must not carry. */
    record Profile(String word, String name, String brand, String domain, String network, ObjectNode json) {}

    /** A mention: how it is written, and the strings that must not survive (lower case). */
    record Mention(String kind, String text, List<String> needles) {}

    static Profile profile(Random random, int n) {
        StringBuilder w = new StringBuilder();
        for (int k = 0, len = 3 + random.nextInt(2); k < len; k++) {
            w.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
        }
        String word = w.toString();
        String cap = Character.toUpperCase(word.charAt(0)) + word.substring(1);
        String name = cap + " "
                + List.of("Holdings K.K.", "Manufacturing Co., Ltd.", "Logistics Inc.", "Bank")
                        .get(random.nextInt(4));
        String brand = cap + List.of("Pay", "Drive", "Cloud").get(random.nextInt(3));
        String domain = word + "." + SUFFIXES[random.nextInt(SUFFIXES.length)];
        String network = "198.51." + (n % 250) + ".";
        ObjectNode json = Json.mapper().createObjectNode();
        json.putArray("names").add(name);
        json.putArray("brands").add(brand);
        json.putArray("domains").add(domain);
        json.putArray("ipRanges").add(network + "0/24");
        json.put("sector", "manufacturing");
        return new Profile(word, name, brand, domain, network, json);
    }

    static List<Mention> mentions(Profile p, Random random) {
        String label = p.word();
        String tld = p.domain().substring(label.length() + 1);
        String host = random.nextInt(2) + random.nextInt(9) + "";
        String octet = String.valueOf(1 + random.nextInt(250));
        String swapped = label.substring(0, 2) + label.charAt(3) + label.charAt(2) + label.substring(4);
        String homoglyph = label.replaceFirst("o", "0").replaceFirst("i", "1").replaceFirst("m", "rn");
        if (homoglyph.equals(label)) {
            homoglyph = label.replaceFirst("a", "\u0430").replaceFirst("e", "\u0435");
        }
        String otherSuffix = tld.equals("com") ? "net" : "com";
        List<Mention> m = new ArrayList<>();
        m.add(new Mention("name", p.name(), List.of(p.name().toLowerCase(Locale.ROOT))));
        m.add(new Mention("brand", p.brand(), List.of(p.brand().toLowerCase(Locale.ROOT))));
        m.add(new Mention("domain", "mail" + host + "." + p.domain(), List.of(p.domain())));
        m.add(new Mention("e-mail", "it-desk@" + p.domain(), List.of(p.domain())));
        m.add(new Mention("address", p.network() + octet, List.of(p.network() + octet)));
        m.add(new Mention("defanged domain", "vpn." + label + "[.]" + tld.replace(".", "[.]"), List.of(label)));
        m.add(new Mention(
                "defanged address", p.network().replace("51.", "51[.]") + octet, List.of(p.network() + octet)));
        m.add(new Mention(
                "zero-padded address",
                p.network().replace("51.", "051.") + String.format("%03d", Integer.parseInt(octet)),
                List.of(p.network().replace("51.", "051."))));
        m.add(new Mention("encoded name", p.name().replace(" ", "%20"), List.of(label)));
        m.add(new Mention(
                "zero-width name", p.name().charAt(0) + "\u200b" + p.name().substring(1), List.of(label.substring(1))));
        m.add(new Mention("look-alike: swapped letters", swapped + "." + tld, List.of(swapped)));
        m.add(new Mention("look-alike: homoglyphs", homoglyph + "." + tld, List.of(homoglyph)));
        m.add(new Mention("look-alike: added word", label + "-login." + otherSuffix, List.of(label)));
        m.add(new Mention("look-alike: other suffix", "secure." + label + "." + otherSuffix, List.of(label)));
        m.add(new Mention(
                "look-alike: url", "hxxps://" + label + "-support." + otherSuffix + "/reset", List.of(label)));
        return m;
    }

    /** Where a mention goes in a bundle: each puts it in one more object or property. */
    static Map<String, BiConsumer<ObjectNode, String>> stixLocations() {
        Map<String, BiConsumer<ObjectNode, String>> at = new TreeMap<>();
        at.put("indicator pattern", (o, t) -> {
            o.put("type", "indicator");
            o.put("pattern", "[domain-name:value = '" + t.replace("'", "") + "']");
            o.put("pattern_type", "stix");
            o.put("valid_from", "2026-11-18T03:00:00Z");
            o.putArray("indicator_types").add("malicious-activity");
        });
        at.put("note content", (o, t) -> {
            o.put("type", "note");
            o.put("content", "Observed together with " + t + " during triage.");
            o.putArray("object_refs").add(o.path("created_by_ref").asString());
        });
        at.put("malware description", (o, t) -> malware(o).put("description", "Beacons to " + t + " hourly."));
        at.put("custom property value", (o, t) -> malware(o).put("x_origin", t));
        at.put("custom property name", (o, t) -> malware(o).put("x_" + t + "_owner", "tenant"));
        at.put("dictionary key", (o, t) -> malware(o).putObject("x_hosts").put(t, "mail gateway"));
        at.put("label", (o, t) -> malware(o).putArray("labels").add(t));
        at.put(
                "external reference",
                (o, t) -> malware(o)
                        .putArray("external_references")
                        .addObject()
                        .put("source_name", "triage")
                        .put("description", "Case notes: " + t));
        return at;
    }

    private static ObjectNode malware(ObjectNode o) {
        o.put("type", "malware");
        o.put("name", "LoaderX");
        o.put("is_family", true);
        return o;
    }

    @Test
    void noGeneratedMentionSurvivesAndNoDecisionContradictsItsResults() {
        Random random = new Random(20261203);
        Map<String, int[]> byKind = new TreeMap<>();
        Map<String, int[]> byPlace = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (int n = 0; n < 70; n++) {
            Profile profile = profile(random, n);
            List<Mention> mentions = mentions(profile, random);
            for (Mention mention : mentions) {
                // Structured items: the mention as a value, and in a description.
                for (String place : List.of("value", "description")) {
                    ObjectNode tree = VictimLeakTests.fixture(VictimLeakTests.ITEMS_FIXTURE);
                    tree.set("victimProfile", profile.json());
                    ArrayNode items = (ArrayNode) tree.get("items");
                    items.remove(2);
                    ObjectNode item = (ObjectNode) items.get(random.nextInt(2));
                    item.put("category", ITEM_CATEGORIES[random.nextInt(ITEM_CATEGORIES.length)]);
                    item.put(place, place.equals("value") ? mention.text() : "Seen with " + mention.text() + " today");
                    cases++;
                    check(tree, mention, "item " + place, byKind, byPlace, failures);
                }
                for (Map.Entry<String, BiConsumer<ObjectNode, String>> location :
                        stixLocations().entrySet()) {
                    ObjectNode tree = VictimLeakTests.fixture(VictimLeakTests.BUNDLE_FIXTURE);
                    tree.set("victimProfile", profile.json());
                    ArrayNode objects = (ArrayNode) tree.path("stix").path("objects");
                    for (int i = objects.size() - 1; i >= 5; i--) {
                        objects.remove(i);
                    }
                    ObjectNode o = objects.addObject();
                    ObjectNode template = (ObjectNode) objects.get(3);
                    o.put("spec_version", "2.1");
                    o.put("created", template.path("created").asString());
                    o.put("modified", template.path("modified").asString());
                    o.put("created_by_ref", template.path("created_by_ref").asString());
                    o.set(
                            "object_marking_refs",
                            template.get("object_marking_refs").deepCopy());
                    location.getValue().accept(o, mention.text());
                    o.put(
                            "id",
                            o.path("type").asString() + "--"
                                    + UUID.nameUUIDFromBytes((profile.word() + cases).getBytes()));
                    cases++;
                    check(tree, mention, "stix " + location.getKey(), byKind, byPlace, failures);
                }
            }
        }
        StringBuilder summary = new StringBuilder("generated victim-mention cases: " + cases + "\n");
        byKind.forEach(
                (k, v) -> summary.append(String.format("  %-30s %5d cases, %d missed or leaked%n", k, v[0], v[1])));
        byPlace.forEach(
                (k, v) -> summary.append(String.format("  %-30s %5d cases, %d missed or leaked%n", k, v[0], v[1])));
        org.slf4j.LoggerFactory.getLogger(GeneratedVictimMentionTests.class).info("{}", summary);
        assertThat(cases).isGreaterThan(10_000);
        assertThat(failures).as(summary + "first failures").isEmpty();
    }

    /**
     * Issue 15, finding 4: an identity whose whole name reads as the victim's (the profile's name
     * without its legal form, in capitals, or with another legal form) and that may be the sharer
     * (the bundle's creator, or an identity whose name is part of the requesting organization's)
     * is never shared as it is without consent nor silently generalized: IS-7.2 asks which it is,
     * and the answer holds nothing of its name. Said exactly (as the sharer's name, or as an alias
     * of the victim), it is kept, or generalized.
     */
    @Test
    void anIdentityNamedLikeTheVictimThatMayBeTheSharerIsAskedAboutNotSharedOrRewritten() {
        Random random = new Random(20261204);
        Map<String, int[]> byShape = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (int n = 0; n < 70; n++) {
            Profile profile = profile(random, n);
            // The name without its legal form, in capitals, or with another legal form.
            String bare = profile.name().replaceAll(" (K\\.K\\.|Co\\., Ltd\\.|Inc\\.)$", "");
            List<String> variants = bare.equals(profile.name())
                    ? List.of(bare + " Inc.", bare.toUpperCase(Locale.ROOT) + " K.K.")
                    : List.of(
                            bare,
                            bare.toUpperCase(Locale.ROOT),
                            bare + (profile.name().endsWith("Inc.") ? " K.K." : " Inc."));
            for (String variant : variants) {
                for (String who : List.of("creator", "other identity")) {
                    if (who.equals("other identity") && !variant.equals(variants.get(0))) {
                        continue;
                    }
                    for (String resolution : List.of("unresolved", "named as the sharer", "named by the profile")) {
                        ObjectNode tree = VictimLeakTests.fixture(VictimLeakTests.BUNDLE_FIXTURE);
                        tree.set("victimProfile", profile.json().deepCopy());
                        ArrayNode objects = (ArrayNode) tree.path("stix").path("objects");
                        for (int i = objects.size() - 1; i >= 5; i--) {
                            objects.remove(i);
                        }
                        int at = 0;
                        if (who.equals("creator")) {
                            ((ObjectNode) objects.get(0)).put("name", variant);
                        } else {
                            ObjectNode other = ((ObjectNode) objects.get(0)).deepCopy();
                            other.put("id", "identity--" + UUID.nameUUIDFromBytes((variant + n).getBytes()));
                            other.put("name", variant);
                            objects.add(other);
                            at = objects.size() - 1;
                            ((ObjectNode) tree.get("sharer")).put("name", variant + " SOC K.K.");
                        }
                        if (resolution.equals("named as the sharer")) {
                            ((ObjectNode) tree.get("sharer")).put("name", variant);
                        } else if (resolution.equals("named by the profile")) {
                            ((ObjectNode) tree.get("victimProfile"))
                                    .putArray("aliases")
                                    .add(variant);
                        }
                        String shape = who + ", " + resolution;
                        byShape.computeIfAbsent(shape, k -> new int[2])[0]++;
                        cases++;
                        String problem = null;
                        try {
                            problem = ambiguity(tree, "/stix/objects/" + at, variant, resolution);
                        } catch (RuntimeException | AssertionError e) {
                            problem = e.toString();
                        }
                        if (problem != null) {
                            byShape.get(shape)[1]++;
                            if (failures.size() < 30) {
                                failures.add(shape + " [" + variant + "]: " + problem);
                            }
                        }
                    }
                }
            }
        }
        StringBuilder summary = new StringBuilder("generated ambiguous-identity cases: " + cases + "\n");
        byShape.forEach((k, v) -> summary.append(String.format("  %-40s %5d cases, %d wrong%n", k, v[0], v[1])));
        org.slf4j.LoggerFactory.getLogger(GeneratedVictimMentionTests.class).info("{}", summary);
        assertThat(cases).isGreaterThan(700);
        assertThat(failures).as(summary + "first failures").isEmpty();
    }

    /** What is wrong with the review of one ambiguous-identity case, or null. */
    private static String ambiguity(ObjectNode tree, String identity, String name, String resolution) {
        SharingReviewRequest request = VictimLeakTests.request(tree);
        SharingReview review = VictimLeakTests.KB.review(request, Locale.ENGLISH);
        VictimLeakTests.decisionAgreesWithResults(review, resolution);
        String answer = Json.mapper().writeValueAsString(review).toLowerCase(Locale.ROOT);
        String quoted = "\"" + name.toLowerCase(Locale.ROOT) + "\"";
        io.kakunin.api.model.Result is72 = VictimLeakTests.result(review, "IS-7.2");
        List<String> kept = new ArrayList<>();
        if (review.getSanitizedBundle() != null) {
            Json.mapper()
                    .valueToTree(review.getSanitizedBundle())
                    .path("objects")
                    .forEach(o -> kept.add(o.path("name").asString("")));
        }
        switch (resolution) {
            case "unresolved" -> {
                if (review.getDecision() == SharingDecision.SHARE_WITHOUT_CONSENT
                        || review.getDecision() == SharingDecision.SHARE_AFTER_REDACTION) {
                    return "shared (" + review.getDecision() + ") while the identity is in question";
                }
                if (is72.getOutcome() != io.kakunin.api.model.Outcome.NEEDS_INFORMATION
                        || !is72.getMissingFacts().contains(identity + "/name")
                        || !is72.getMessage().contains("/sharer/name")) {
                    return "IS-7.2 does not ask about " + identity + ": " + is72.getOutcome() + " "
                            + is72.getMissingFacts() + " " + is72.getMessage();
                }
                String stored = Json.mapper()
                        .writeValueAsString(Ruleset.storableSharingReview(request, review))
                        .toLowerCase(Locale.ROOT);
                String storedRequest = Json.mapper()
                        .writeValueAsString(Ruleset.storableSharingRequest(request))
                        .toLowerCase(Locale.ROOT);
                if (answer.contains(quoted) || stored.contains(quoted) || storedRequest.contains(quoted)) {
                    return "the name of the identity in question is in the answer or the stored review";
                }
            }
            case "named as the sharer" -> {
                if (review.getSanitizedBundle() == null || !kept.contains(name)) {
                    return "the sharer's identity was not kept: " + review.getDecision() + " " + kept;
                }
            }
            default -> {
                if (review.getRedactions() == null
                        || review.getRedactions().stream()
                                .noneMatch(r -> r.getPointer().equals(identity)
                                        && r.getAction() == io.kakunin.api.model.RedactionAction.GENERALIZE_IDENTITY)
                        || kept.contains(name)
                        || answer.contains(quoted)) {
                    return "the victim's identity was not generalized: " + review.getDecision();
                }
            }
        }
        return null;
    }

    private static void check(
            ObjectNode tree,
            Mention mention,
            String place,
            Map<String, int[]> byKind,
            Map<String, int[]> byPlace,
            List<String> failures) {
        byKind.computeIfAbsent(mention.kind(), k -> new int[2])[0]++;
        byPlace.computeIfAbsent(place, k -> new int[2])[0]++;
        String problem = null;
        try {
            SharingReviewRequest request = VictimLeakTests.request(tree);
            SharingReview review = VictimLeakTests.KB.review(request, Locale.ENGLISH);
            String answer = Json.mapper().writeValueAsString(review).toLowerCase(Locale.ROOT);
            String stored = Json.mapper()
                    .writeValueAsString(Ruleset.storableSharingReview(request, review))
                    .toLowerCase(Locale.ROOT);
            if (review.getDecision() == SharingDecision.SHARE_WITHOUT_CONSENT) {
                problem = "shared without consent";
            }
            for (String needle : mention.needles()) {
                String n = needle.toLowerCase(Locale.ROOT);
                if (answer.contains(n)) {
                    problem = "answer holds " + n;
                } else if (stored.contains(n)) {
                    problem = "stored review holds " + n;
                }
            }
            try {
                VictimLeakTests.decisionAgreesWithResults(review, place);
            } catch (AssertionError e) {
                problem = e.getMessage();
            }
        } catch (RuntimeException e) {
            problem = e.toString();
        }
        if (problem != null) {
            byKind.get(mention.kind())[1]++;
            byPlace.get(place)[1]++;
            if (failures.size() < 15 || !place.contains("property name") && failures.size() < 40) {
                failures.add(place + " / " + mention.kind() + " [" + mention.text() + "]: " + problem);
            }
        }
    }
}
