package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.ConsentStatus;
import io.kakunin.api.model.ItemCategory;
import io.kakunin.api.model.Party;
import io.kakunin.api.model.PartyType;
import io.kakunin.api.model.RedistributionScope;
import io.kakunin.api.model.SharedItem;
import io.kakunin.api.model.SharingDecision;
import io.kakunin.api.model.SharingPurpose;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.api.model.TlpLevel;
import io.kakunin.api.model.VictimProfile;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.sharing.StixBundle;
import io.kakunin.kb.sharing.Tlp;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Properties of sharing reviews that must hold for every case, not only the ones we wrote. */
class SharingReviewTests {

    private static final Ruleset KB = Ruleset.builtIn();
    private static final Set<ItemCategory> DAMAGE = EnumSet.of(
            ItemCategory.DAMAGE_DETAIL,
            ItemCategory.RESPONSE_STATUS,
            ItemCategory.VICTIM_IDENTITY,
            ItemCategory.SIGHTING);

    static Stream<FixtureCase> sharingFixtures() {
        return FixtureCase.load(Fixtures.root()).stream()
                .filter(f -> f.topic().equals(FixtureCase.INFORMATION_SHARING));
    }

    private static SharingReviewRequest request(FixtureCase f) {
        return Json.mapper().readValue(f.request(), SharingReviewRequest.class);
    }

    @Test
    void thereAreSharingFixturesOfEveryDecision() {
        Set<SharingDecision> seen = EnumSet.noneOf(SharingDecision.class);
        sharingFixtures()
                .forEach(f -> seen.add(KB.review(request(f), Locale.ENGLISH).getDecision()));
        assertThat(seen).containsExactlyInAnyOrder(SharingDecision.values());
    }

    /**
     * A public report carries no TLP marking on any object: the marking the share stamps on each is
     * one redaction, after what was removed, replaced and generalized, and it counts only what goes
     * out. Its text says the marking and the number, in every language, also when fetched again.
     */
    @Test
    void theMarkingStampedOnManyObjectsIsOneRedactionAfterWhatWasRemovedOrReplaced() {
        tools.jackson.databind.node.ObjectNode tree = VictimLeakTests.fixture(VictimLeakTests.BUNDLE_FIXTURE);
        tree.path("stix")
                .path("objects")
                .forEach(o -> ((tools.jackson.databind.node.ObjectNode) o).remove("object_marking_refs"));
        SharingReview review = KB.review(VictimLeakTests.request(tree), Locale.ENGLISH);
        assertThat(review.getDecision()).isEqualTo(SharingDecision.SHARE_AFTER_REDACTION);
        List<io.kakunin.api.model.Redaction> redactions = review.getRedactions();
        List<io.kakunin.api.model.Redaction> markings = redactions.stream()
                .filter(r -> r.getAction() == io.kakunin.api.model.RedactionAction.APPLY_MARKING)
                .toList();
        // Objects 7 and 8 are removed: nine objects, seven marked.
        List<String> kept = Stream.of(0, 1, 2, 3, 4, 5, 6)
                .map(i -> "/stix/objects/" + i + "/object_marking_refs")
                .toList();
        assertThat(markings).hasSize(1);
        io.kakunin.api.model.Redaction marking = markings.get(0);
        assertThat(marking.getFinding()).isEqualTo(io.kakunin.api.model.RedactionFinding.MISSING_MARKING);
        assertThat(marking.getCount()).isEqualTo(7);
        assertThat(marking.getPointers()).containsExactlyElementsOf(kept);
        assertThat(marking.getPointer()).isEqualTo(kept.get(0));
        assertThat(marking.getReason())
                .isEqualTo(review.getTlp().getLabel() + " marking added to 7 objects that carried no TLP marking.");
        assertThat(redactions.get(0).getAction()).isEqualTo(io.kakunin.api.model.RedactionAction.REMOVE_OBJECT);
        assertThat(redactions.get(redactions.size() - 1)).isSameAs(marking);
        List<Integer> order = redactions.stream()
                .map(r -> List.of(
                                io.kakunin.api.model.RedactionAction.REMOVE_OBJECT,
                                io.kakunin.api.model.RedactionAction.REMOVE_ITEM,
                                io.kakunin.api.model.RedactionAction.REPLACE_TEXT,
                                io.kakunin.api.model.RedactionAction.GENERALIZE_IDENTITY,
                                io.kakunin.api.model.RedactionAction.GENERALIZE_LOCATION,
                                io.kakunin.api.model.RedactionAction.APPLY_MARKING)
                        .indexOf(r.getAction()))
                .toList();
        assertThat(order).isSorted();
        for (Locale locale : List.of(Locale.JAPANESE, Locale.forLanguageTag("zh-TW"))) {
            String reason = KB.review(VictimLeakTests.request(tree), locale).getRedactions().stream()
                    .filter(r -> r.getCount() != null)
                    .findFirst()
                    .orElseThrow()
                    .getReason();
            assertThat(reason).as("%s", locale).contains("7", review.getTlp().getLabel());
            assertThat(KB.localize(review, locale)
                            .getRedactions()
                            .get(redactions.size() - 1)
                            .getReason())
                    .as("fetched again in %s", locale)
                    .isEqualTo(reason);
        }
    }

    /**
     * The sanitized bundle is what may go out: valid STIX 2.1 with no dangling reference, every
     * object marked with the share's TLP 2.0 marking, and, reviewed again as it is, it is clean.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sharingFixtures")
    void aSanitizedBundleIsValidMarkedAndReviewsClean(FixtureCase fixture) {
        SharingReviewRequest request = request(fixture);
        SharingReview review = KB.review(request, Locale.ENGLISH);
        if (review.getSanitizedBundle() == null) {
            assertThat(request.getStix() == null
                            || !Set.of(SharingDecision.SHARE_WITHOUT_CONSENT, SharingDecision.SHARE_AFTER_REDACTION)
                                    .contains(review.getDecision()))
                    .as("a shareable bundle comes back sanitized")
                    .isTrue();
            return;
        }
        JsonNode sanitized = Json.mapper().valueToTree(review.getSanitizedBundle());
        StixBundle bundle = StixBundle.read(sanitized, 100_000);
        String marking = Tlp.markingId(review.getTlp().getLevel());
        for (JsonNode o : bundle.objects()) {
            if (!o.path("type").asString().equals("marking-definition")) {
                assertThat(o.path("object_marking_refs").toString())
                        .as(o.path("id").asString())
                        .contains(marking);
            }
        }
        assertThat(bundle.indicesOf(marking))
                .as("the TLP 2.0 definition travels with the bundle")
                .isNotEmpty();
        assertThat(structuralProblems(bundle))
                .as("what a STIX 2.1 validator would refuse")
                .isEmpty();

        request.setStix(Json.mapper().convertValue(sanitized, Map.class));
        request.setProposedTlp(review.getTlp().getLevel());
        SharingReview again = KB.review(request, Locale.ENGLISH);
        assertThat(again.getRedactions()).as("redactions on the second review").isNull();
        assertThat(again.getDecision()).isEqualTo(SharingDecision.SHARE_WITHOUT_CONSENT);
    }

    /**
     * What STIX 2.1 requires beyond what {@link StixBundle#read} checks, and what an edit could break:
     * network traffic has an endpoint, an artifact its content, a translation names the version it
     * translates, typed values (addresses, URLs, domains) are not overwritten with placeholder text,
     * and no object version appears twice.
     */
    static List<String> structuralProblems(StixBundle bundle) {
        List<String> problems = new ArrayList<>();
        Map<String, String> modified = new java.util.HashMap<>();
        Set<String> versions = new java.util.HashSet<>();
        for (JsonNode o : bundle.objects()) {
            modified.put(o.path("id").asString(), o.path("modified").asString(null));
            if (!versions.add(o.path("id").asString() + "@" + o.path("modified").asString(""))) {
                problems.add(o.path("id").asString() + ": the same version twice");
            }
        }
        for (JsonNode o : bundle.objects()) {
            String id = o.path("id").asString();
            switch (o.path("type").asString()) {
                case "network-traffic" -> {
                    if (!o.has("src_ref") && !o.has("dst_ref")) {
                        problems.add(id + ": network-traffic without src_ref or dst_ref");
                    }
                }
                case "artifact" -> {
                    if (!o.has("payload_bin") && !o.has("url")) {
                        problems.add(id + ": artifact without payload_bin or url");
                    }
                }
                case "language-content" -> {
                    if (!o.path("object_modified")
                            .asString("")
                            .equals(modified.get(o.path("object_ref").asString()))) {
                        problems.add(id + ": object_modified is not the modified of "
                                + o.path("object_ref").asString());
                    }
                }
                default -> {}
            }
            for (String typed : List.of("value", "url", "path", "src_ref", "dst_ref")) {
                if (o.path(typed).asString("").contains("[redacted]")) {
                    problems.add(id + ": " + typed + " holds placeholder text");
                }
            }
            for (JsonNode ref : o.path("external_references")) {
                if (ref.has("url") && !ref.path("url").asString("").matches("(?i)[a-z][a-z0-9+.-]*://\\S+")) {
                    problems.add(id + ": external reference url is not a URL");
                }
            }
        }
        return problems;
    }

    /**
     * Independently of how the review looks for the victim, the sanitized bundle of a share without
     * consent holds none of the profile's names, aliases, brands or domains in any string (whatever property it is in), and no
     * address in the profile's ranges.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sharingFixtures")
    void aSanitizedBundleHoldsNothingOfTheProfileAnywhere(FixtureCase fixture) {
        SharingReviewRequest request = request(fixture);
        if (request.getVictimProfile() == null || request.getVictimConsent() == ConsentStatus.OBTAINED) {
            // With consent the victim may stay in the share, under the marking it agreed to.
            return;
        }
        SharingReview review = KB.review(request, Locale.ENGLISH);
        if (review.getSanitizedBundle() == null) {
            return;
        }
        List<String> strings = new ArrayList<>();
        collectStrings(Json.mapper().valueToTree(review.getSanitizedBundle()), strings);
        VictimProfile profile = request.getVictimProfile();
        List<String> needles = new ArrayList<>();
        for (List<String> list : java.util.Arrays.asList(
                profile.getNames(), profile.getAliases(), profile.getBrands(), profile.getDomains())) {
            if (list != null) {
                list.forEach(v -> needles.add(java.text.Normalizer.normalize(v, java.text.Normalizer.Form.NFKC)
                        .toLowerCase(Locale.ROOT)));
            }
        }
        io.kakunin.kb.sharing.VictimMatcher ranges =
                new io.kakunin.kb.sharing.VictimMatcher(new VictimProfile().ipRanges(profile.getIpRanges()));
        for (String s : strings) {
            String folded = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKC)
                    .toLowerCase(Locale.ROOT);
            for (String needle : needles) {
                assertThat(folded).as("a string of the sanitized bundle").doesNotContain(needle);
            }
            assertThat(ranges.addressesIn(s))
                    .as("addresses in '%s'", s)
                    .noneMatch(m -> m.kind() == io.kakunin.api.model.IdentifierFlag.VICTIM_PUBLIC_IP);
        }
    }

    private static void collectStrings(JsonNode node, List<String> out) {
        if (node.isString()) {
            out.add(node.asString());
        }
        for (JsonNode child : node) {
            collectStrings(child, out);
        }
    }

    /**
     * The profile is used for the check and kept nowhere: what is stored (request and review) holds
     * none of its values; the redactions name what was found only masked; and the response echoes
     * no value of the profile that the submitted share did not itself contain.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sharingFixtures")
    void theVictimProfileAppearsNowhereInWhatIsStoredOrReturned(FixtureCase fixture) {
        SharingReviewRequest request = request(fixture);
        if (request.getVictimProfile() == null) {
            return;
        }
        SharingReview review = KB.review(request, Locale.ENGLISH);
        String returned = Json.mapper().writeValueAsString(review).toLowerCase(Locale.ROOT);
        String redactions = Json.mapper()
                .writeValueAsString(review.getRedactions() == null ? List.of() : review.getRedactions())
                .toLowerCase(Locale.ROOT);
        String storedRequest = Json.mapper()
                .writeValueAsString(Ruleset.storableSharingRequest(request))
                .toLowerCase(Locale.ROOT);
        String storedReview = Json.mapper()
                .writeValueAsString(Ruleset.storableSharingReview(request, review))
                .toLowerCase(Locale.ROOT);
        request.setVictimProfile(null);
        String submittedShare = Json.mapper().writeValueAsString(request).toLowerCase(Locale.ROOT);
        for (String value : profileValues(request(fixture).getVictimProfile())) {
            String v = value.toLowerCase(Locale.ROOT);
            assertThat(storedRequest).as("stored request").doesNotContain(v);
            assertThat(storedReview).as("stored review").doesNotContain(v);
            assertThat(redactions).as("redactions").doesNotContain(v);
            if (!submittedShare.contains(v)) {
                assertThat(returned).as("response").doesNotContain(v);
            }
        }
        assertThat(storedRequest).doesNotContain("victimprofile");
    }

    private static List<String> profileValues(VictimProfile p) {
        List<String> values = new ArrayList<>();
        for (List<String> list : java.util.Arrays.asList(p.getNames(), p.getAliases(), p.getBrands(), p.getDomains())) {
            if (list != null) {
                values.addAll(list);
            }
        }
        if (p.getIpRanges() != null) {
            // The network part: "198.51.100" of 198.51.100.0/24, "2001:db8:a" of 2001:db8:a::/48.
            p.getIpRanges()
                    .forEach(r -> values.add(
                            r.contains(":")
                                    ? r.replaceAll("::?/.*$|/.*$", "")
                                    : r.substring(0, r.indexOf('/') > 0 ? r.lastIndexOf('.') : r.length())));
        }
        return values;
    }

    /**
     * Thousands of generated structured cases: damage or response information without consent
     * is never SHARE_WITHOUT_CONSENT; marketing is always DO_NOT_SHARE; a case that comes back
     * SHARE_WITHOUT_CONSENT or SHARE_AFTER_REDACTION never goes beyond what its TLP allows; the
     * decision never contradicts IS-4.1 and IS-4.2 (the table of {@link VictimLeakTests#ALLOWED_IS_4}),
     * also when the purpose or the redistribution is not given; an item of unknown category is
     * never shared.
     */
    @Test
    void invariantsHoldOverGeneratedCases() {
        Random random = new Random(20261122);
        ItemCategory[] categories = ItemCategory.values();
        PartyType[] parties = PartyType.values();
        int checked = 0;
        for (int n = 0; n < 3000; n++) {
            SharingReviewRequest r = new SharingReviewRequest()
                    .sharer(new Party().name("s").type(pick(random, parties)))
                    .recipients(new ArrayList<>(List.of(new Party().name("r").type(pick(random, parties)))))
                    .purpose(random.nextInt(10) == 0 ? null : pick(random, SharingPurpose.values()))
                    .victimConsent(random.nextInt(5) == 0 ? null : pick(random, ConsentStatus.values()))
                    .proposedTlp(random.nextBoolean() ? null : pick(random, TlpLevel.values()))
                    .redistribution(random.nextInt(8) == 0 ? null : pick(random, RedistributionScope.values()))
                    .deIdentificationReview(new io.kakunin.api.model.DeIdentificationReview()
                            .performed(true)
                            .residualRisk(pick(random, io.kakunin.api.model.ResidualRisk.values())))
                    .nda(new io.kakunin.api.model.Nda().exists(false));
            List<SharedItem> items = new ArrayList<>();
            for (int i = 0, k = 1 + random.nextInt(4); i < k; i++) {
                items.add(new SharedItem()
                        .category(random.nextInt(12) == 0 ? null : pick(random, categories))
                        .value("v" + i)
                        .identifierFlags(
                                random.nextInt(4) == 0
                                        ? Set.of(pick(random, io.kakunin.api.model.IdentifierFlag.values()))
                                        : Set.of())
                        .embeddedDataReviewed(random.nextBoolean()));
            }
            r.items(items);
            SharingReview review = KB.review(r, Locale.ENGLISH);
            VictimLeakTests.decisionAgreesWithResults(review, "case " + n);
            // NOT_APPLICABLE ("there is no victim") is no consent: damage information contradicts it.
            boolean consented = r.getVictimConsent() == ConsentStatus.OBTAINED;
            if (!consented && items.stream().anyMatch(i -> DAMAGE.contains(i.getCategory()))) {
                assertThat(review.getDecision()).as("case %d", n).isNotEqualTo(SharingDecision.SHARE_WITHOUT_CONSENT);
                assertThat(review.getDecision() == SharingDecision.SHARE_AFTER_REDACTION
                                && review.getRedactions().stream()
                                        .noneMatch(
                                                x -> x.getAction() == io.kakunin.api.model.RedactionAction.REMOVE_ITEM))
                        .as("case %d: shared after redaction, the damage information is removed", n)
                        .isFalse();
            }
            JsonNode facts = Json.mapper().valueToTree(r);
            for (io.kakunin.api.model.Result result : review.getResults()) {
                if (result.getOutcome() == io.kakunin.api.model.Outcome.FAIL && result.getEvidence() != null) {
                    for (String pointer : result.getEvidence()) {
                        assertThat(facts.at(pointer).isMissingNode()
                                        || facts.at(pointer).isNull())
                                .as(
                                        "case %d: %s gives %s as evidence, which the request does not hold",
                                        n, result.getRecommendationId(), pointer)
                                .isFalse();
                    }
                }
                if (result.getOutcome() == io.kakunin.api.model.Outcome.NEEDS_INFORMATION) {
                    assertThat(result.getMissingFacts())
                            .as("case %d: %s names what it needs", n, result.getRecommendationId())
                            .isNotEmpty();
                }
            }
            if (items.stream().anyMatch(i -> i.getCategory() == null)) {
                // Fail closed: an item of unknown category never goes out, whatever else is redacted.
                assertThat(review.getDecision())
                        .as("case %d: an item of unknown category", n)
                        .isIn(SharingDecision.CONSENT_REQUIRED, SharingDecision.DO_NOT_SHARE);
            }
            if (r.getPurpose() == SharingPurpose.MARKETING) {
                assertThat(review.getDecision()).as("case %d", n).isEqualTo(SharingDecision.DO_NOT_SHARE);
            }
            if (review.getDecision() == SharingDecision.SHARE_WITHOUT_CONSENT
                    || review.getDecision() == SharingDecision.SHARE_AFTER_REDACTION) {
                assertThat(r.getRedistribution().ordinal())
                        .as("case %d", n)
                        .isLessThanOrEqualTo(review.getAllowedRedistribution().ordinal());
                checked++;
            }
        }
        assertThat(checked).as("generated cases that may be shared").isGreaterThan(50);
    }

    private static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }
}
