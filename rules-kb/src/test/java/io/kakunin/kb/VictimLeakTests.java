package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.Redaction;
import io.kakunin.api.model.RedactionAction;
import io.kakunin.api.model.Result;
import io.kakunin.api.model.SharingDecision;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.input.Json;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The victim never leaks from a sharing review, whatever the shape of the input (issue 15):
 * look-alikes in structured items, masked look-alikes, decisions whose results agree with them,
 * the sharer kept as the sharer, sector identities kept as sectors, property names searched and
 * renamed, the empty property name handled, alternative spellings read.
 */
class VictimLeakTests {

    static final Ruleset KB = Ruleset.builtIn();
    static final String BUNDLE_FIXTURE =
            "information-sharing/is-7-bundle-with-victim-identity-sighting-internal-address-and-lookalike-shares-after-redaction";
    static final String ITEMS_FIXTURE = "information-sharing/is-3.1-victim-profile-finds-the-victim-in-unflagged-items";

    /** What IS-4.1 and IS-4.2 say together. */
    record PathOutcomes(Outcome is41, Outcome is42) {}

    /**
     * What IS-4.1 and IS-4.2 may say for each decision. A share goes out only on an open path
     * (IS-4.1 PASS, IS-4.2 NOT_APPLICABLE: no consent needs to be sought). Consent is required
     * when the path is closed and consent is missing or unknown, or while facts are missing
     * (fail closed): then IS-4.1 names them, and IS-4.2 asks for them too or, when consent was
     * given or no victim is concerned, passes. Nothing is shared when consent was refused or
     * something that consent does not settle stops the share: never with IS-4.1 saying the path
     * is open, whatever IS-4.2 says about consent.
     */
    static final Map<SharingDecision, Set<PathOutcomes>> ALLOWED_IS_4 = new EnumMap<>(Map.of(
            SharingDecision.SHARE_WITHOUT_CONSENT,
            Set.of(new PathOutcomes(Outcome.PASS, Outcome.NOT_APPLICABLE)),
            SharingDecision.SHARE_AFTER_REDACTION,
            Set.of(new PathOutcomes(Outcome.PASS, Outcome.NOT_APPLICABLE)),
            SharingDecision.CONSENT_REQUIRED,
            Set.of(
                    new PathOutcomes(Outcome.FAIL, Outcome.FAIL),
                    new PathOutcomes(Outcome.FAIL, Outcome.NEEDS_INFORMATION),
                    new PathOutcomes(Outcome.NEEDS_INFORMATION, Outcome.NEEDS_INFORMATION),
                    new PathOutcomes(Outcome.NEEDS_INFORMATION, Outcome.PASS)),
            SharingDecision.DO_NOT_SHARE,
            Set.of(
                    new PathOutcomes(Outcome.FAIL, Outcome.FAIL),
                    new PathOutcomes(Outcome.FAIL, Outcome.NEEDS_INFORMATION),
                    new PathOutcomes(Outcome.FAIL, Outcome.PASS),
                    new PathOutcomes(Outcome.NEEDS_INFORMATION, Outcome.FAIL),
                    new PathOutcomes(Outcome.NEEDS_INFORMATION, Outcome.NEEDS_INFORMATION),
                    new PathOutcomes(Outcome.NEEDS_INFORMATION, Outcome.PASS))));

    static ObjectNode fixture(String name) {
        try {
            return (ObjectNode) Json.mapper()
                    .readTree(Files.readString(Fixtures.root().resolve(name).resolve("request.json")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static SharingReviewRequest request(JsonNode tree) {
        return Json.mapper().treeToValue(tree, SharingReviewRequest.class);
    }

    static SharingReview review(JsonNode tree) {
        return KB.review(request(tree), Locale.ENGLISH);
    }

    static Result result(SharingReview review, String id) {
        return review.getResults().stream()
                .filter(r -> r.getRecommendationId().equals(id))
                .findFirst()
                .orElseThrow();
    }

    /**
     * The decision, IS-4.1 and IS-4.2 agree (the table above); consent required means nothing is
     * redacted; a decision that keeps the share back has a result that says why (DO_NOT_SHARE: a
     * MUST item that fails).
     */
    static void decisionAgreesWithResults(SharingReview review, String what) {
        PathOutcomes path = new PathOutcomes(
                result(review, "IS-4.1").getOutcome(), result(review, "IS-4.2").getOutcome());
        assertThat(ALLOWED_IS_4.get(review.getDecision()))
                .as(
                        "%s: decision %s with IS-4.1 %s and IS-4.2 %s",
                        what, review.getDecision(), path.is41(), path.is42())
                .contains(path);
        if (review.getDecision() == SharingDecision.CONSENT_REQUIRED) {
            assertThat(review.getRedactions())
                    .as("%s: consent required, nothing redacted", what)
                    .isNull();
            assertThat(review.getResults())
                    .as("%s: %s has a result that says why", what, review.getDecision())
                    .anyMatch(r -> r.getOutcome() == Outcome.FAIL || r.getOutcome() == Outcome.NEEDS_INFORMATION);
        }
        if (review.getDecision() == SharingDecision.DO_NOT_SHARE) {
            assertThat(review.getResults())
                    .as("%s: %s has a MUST item that fails", what, review.getDecision())
                    .anyMatch(r -> r.getOutcome() == Outcome.FAIL && r.getLevel() == io.kakunin.api.model.Level.MUST);
        }
    }

    static ObjectNode object(ObjectNode bundle, int i) {
        return (ObjectNode) bundle.path("stix").path("objects").get(i);
    }

    // ------------------------------------------------------------------ finding 1

    @Test
    void lookAlikesGivenAsStructuredItemsAreFound() {
        ObjectNode tree = fixture(ITEMS_FIXTURE);
        ArrayNode items = (ArrayNode) tree.get("items");
        ((ObjectNode) items.get(2)).put("value", "203.0.113.99").remove("description");
        ((ObjectNode) items.get(0)).put("value", "acrne-mfg.co.jp");
        ((ObjectNode) items.get(1)).put("description", "Dropped from https://login.acme-mfg-support.com/owa");
        SharingReview review = review(tree);
        assertThat(review.getDecision()).isEqualTo(SharingDecision.SHARE_AFTER_REDACTION);
        assertThat(result(review, "IS-3.3").getOutcome()).isEqualTo(Outcome.FAIL);
        assertThat(review.getRedactions())
                .extracting(Redaction::getPointer)
                .containsExactlyInAnyOrder("/items/0", "/items/1");
    }

    // ------------------------------------------------------------------ finding 2

    @Test
    void aLookAlikeIsReportedAndStoredMasked() {
        ObjectNode tree = fixture(BUNDLE_FIXTURE);
        object(tree, 8).put("pattern", "[domain-name:value = 'acrne-mfg-login.com']");
        SharingReview review = review(tree);
        String answer = Json.mapper().writeValueAsString(review).toLowerCase(Locale.ROOT);
        String stored = Json.mapper()
                .writeValueAsString(Ruleset.storableSharingReview(request(tree), review))
                .toLowerCase(Locale.ROOT);
        assertThat(review.getRedactions())
                .filteredOn(r -> r.getPointer().equals("/stix/objects/8/pattern"))
                .extracting(Redaction::getFound)
                .containsExactly("[victim-lookalike]");
        assertThat(answer).doesNotContain("acrne").doesNotContain("acme");
        assertThat(stored).doesNotContain("acrne").doesNotContain("acme");
    }

    // ------------------------------------------------------------------ finding 3

    @Test
    void aPathClosedBecauseNothingWouldRemainSaysSoInIs41() {
        ObjectNode tree = fixture(BUNDLE_FIXTURE);
        ArrayNode objects = (ArrayNode) tree.path("stix").path("objects");
        // Keep the creator and the indicators that point to the victim: each would have to go.
        for (int i = objects.size() - 1; i >= 1; i--) {
            if (i != 7 && i != 8) {
                objects.remove(i);
            }
        }
        SharingReview review = review(tree);
        decisionAgreesWithResults(review, "bundle of nothing but the victim");
        assertThat(review.getDecision()).isEqualTo(SharingDecision.CONSENT_REQUIRED);
        Result path = result(review, "IS-4.1");
        assertThat(path.getOutcome()).isEqualTo(Outcome.FAIL);
        assertThat(path.getMessage()).contains("nothing would remain");
        assertThat(result(review, "IS-4.2").getOutcome()).isEqualTo(Outcome.FAIL);
        for (Locale locale : List.of(Locale.JAPANESE, Locale.forLanguageTag("zh-TW"))) {
            assertThat(result(KB.review(request(tree), locale), "IS-4.1").getMessage())
                    .as("IS-4.1 in %s", locale)
                    .isNotBlank()
                    .doesNotContain("IS-4.1.reason");
        }
    }

    // ------------------------------------------------------------------ finding 4

    @Test
    void theSharerIsNotTheVictimWhenOnlyPartOfItsNameMatches() {
        ObjectNode tree = fixture(BUNDLE_FIXTURE);
        ObjectNode profile = (ObjectNode) tree.get("victimProfile");
        profile.putArray("names").add("Example Corp K.K.");
        profile.remove("aliases");
        SharingReview review = review(tree);
        assertThat(review.getRedactions())
                .as("the creator identity and its name stay as they are")
                .noneMatch(r -> r.getPointer().startsWith("/stix/objects/0"));
        List<String> names = new ArrayList<>();
        Json.mapper()
                .valueToTree(review.getSanitizedBundle())
                .path("objects")
                .forEach(o -> names.add(o.path("name").asString("")));
        assertThat(names).contains("Example SOC K.K.");
        // Named exactly by the profile, the sharer is the victim (a victim sharing its own incident).
        profile.putArray("names").add("Example SOC K.K.");
        assertThat(review(tree).getRedactions()).anyMatch(r -> r.getPointer().equals("/stix/objects/0"));
    }

    @Test
    void anIdentityNamedLikeTheVictimThatMayBeTheSharerIsAskedAboutInEveryLanguageNotRewritten() {
        ObjectNode tree = fixture(BUNDLE_FIXTURE);
        ((ObjectNode) tree.get("victimProfile")).putArray("names").add("Example Corp K.K.");
        // The creator calls itself "Example": the victim's name without its legal form.
        object(tree, 0).put("name", "Example");
        SharingReview review = review(tree);
        decisionAgreesWithResults(review, "ambiguous creator");
        assertThat(review.getDecision()).isEqualTo(SharingDecision.CONSENT_REQUIRED);
        Result identity = result(review, "IS-7.2");
        assertThat(identity.getOutcome()).isEqualTo(Outcome.NEEDS_INFORMATION);
        assertThat(identity.getMissingFacts()).containsExactly("/stix/objects/0/name");
        assertThat(identity.getMessage()).contains("/stix/objects/0/name", "/sharer/name", "/victimProfile/aliases");
        assertThat(result(review, "IS-4.1").getMissingFacts()).contains("/stix/objects/0/name");
        assertThat(review.getSanitizedBundle()).isNull();
        String stored = Json.mapper()
                .writeValueAsString(Ruleset.storableSharingRequest(request(tree)))
                .toLowerCase(Locale.ROOT);
        assertThat(stored).doesNotContain("\"example\"");
        for (Locale locale : List.of(Locale.JAPANESE, Locale.forLanguageTag("zh-TW"))) {
            String message = result(KB.review(request(tree), locale), "IS-7.2").getMessage();
            assertThat(message)
                    .as("IS-7.2 in %s", locale)
                    .contains("/stix/objects/0/name", "/sharer/name")
                    .isNotEqualTo(identity.getMessage());
        }
        // Said to be the sharer: kept as it is. Said to be the victim: generalized.
        ((ObjectNode) tree.get("sharer")).put("name", "Example");
        assertThat(review(tree).getRedactions()).noneMatch(r -> r.getPointer().startsWith("/stix/objects/0"));
        ((ObjectNode) tree.get("sharer")).put("name", "Example SOC K.K.");
        ((ObjectNode) tree.get("victimProfile")).putArray("aliases").add("Example");
        assertThat(review(tree).getRedactions())
                .anyMatch(r -> r.getPointer().equals("/stix/objects/0")
                        && r.getAction() == RedactionAction.GENERALIZE_IDENTITY);
    }

    @Test
    void anIdentityNamedExactlyAsTheRequestingOrganizationIsTheSharerWhoeverMadeTheBundle() {
        ObjectNode tree = fixture(BUNDLE_FIXTURE);
        // A bundle made by another CERT that names the requesting SOC among its identities.
        object(tree, 0).put("name", "Other CERT");
        ObjectNode sharer = object(tree, 0).deepCopy();
        sharer.put("id", "identity--0b1c1f6e-9cd7-5361-a1cf-2b3e2f301d32").put("name", "Example SOC K.K.");
        ((ArrayNode) tree.path("stix").path("objects")).add(sharer);
        SharingReview review = review(tree);
        assertThat(review.getRedactions()).noneMatch(r -> r.getPointer().equals("/stix/objects/9"));
        assertThat(result(review, "IS-7.2").getEvidence()).containsExactly("/stix/objects/5");
    }

    // ------------------------------------------------------------------ finding 5

    @Test
    void identitiesOfASectorOrClassAreNotVictims() {
        ObjectNode tree = fixture(BUNDLE_FIXTURE);
        ObjectNode victim = object(tree, 5);
        for (String[] shape : List.of(
                new String[] {"class", "Manufacturing companies in Japan"},
                new String[] {"unknown", "Financial services organizations"})) {
            victim.put("identity_class", shape[0]);
            victim.put("name", shape[1]);
            victim.remove("contact_information");
            SharingReview review = review(tree);
            assertThat(review.getRedactions())
                    .as("%s identity %s", shape[0], shape[1])
                    .noneMatch(r -> r.getPointer().startsWith("/stix/objects/5")
                            || r.getAction() == RedactionAction.GENERALIZE_IDENTITY
                                    && r.getPointer().startsWith("/stix/objects/6"));
            assertThat(result(review, "IS-7.2").getOutcome()).isNotEqualTo(Outcome.FAIL);
        }
    }

    // ------------------------------------------------------------------ findings 9 and 10

    @Test
    void propertyNamesAreSearchedMaskedAndRenamed() {
        ObjectNode tree = fixture(BUNDLE_FIXTURE);
        ObjectNode malware = object(tree, 3);
        malware.put("x_acmedrive_owner", "tenant 4");
        malware.putObject("x_hosts").put("198.51.100.7", "mail gateway");
        malware.putObject("x_headers").put("X-AcmeDrive-Tenant", "t-1");
        SharingReview review = review(tree);
        assertThat(review.getDecision()).isEqualTo(SharingDecision.SHARE_AFTER_REDACTION);
        String answer = Json.mapper().writeValueAsString(review).toLowerCase(Locale.ROOT);
        String stored = Json.mapper()
                .writeValueAsString(Ruleset.storableSharingReview(request(tree), review))
                .toLowerCase(Locale.ROOT);
        for (String leak : List.of("acmedrive", "198.51.100.7")) {
            assertThat(answer).as("answer").doesNotContain(leak);
            assertThat(stored).as("stored").doesNotContain(leak);
        }
        JsonNode sanitized = Json.mapper().valueToTree(review.getSanitizedBundle());
        JsonNode kept = null;
        for (JsonNode o : sanitized.path("objects")) {
            if (o.path("type").asString().equals("malware")) {
                kept = o;
            }
        }
        assertThat(kept).isNotNull();
        assertThat(kept.path("x_[redacted]_owner").asString()).isEqualTo("tenant 4");
        assertThat(kept.path("x_hosts").propertyNames()).containsExactly("[redacted]");
    }

    @Test
    void aPropertyWithAnEmptyNameIsRedactedAlikeInTheAnswerAndTheStoredCopy() {
        ObjectNode tree = fixture(BUNDLE_FIXTURE);
        object(tree, 3).put("", "Collected at ACME Mfg headquarters");
        SharingReview review = review(tree);
        JsonNode answer = Json.mapper().valueToTree(review.getSanitizedBundle());
        JsonNode stored = Ruleset.storableSharingReview(request(tree), review).path("sanitizedBundle");
        String answered = null;
        for (JsonNode o : answer.path("objects")) {
            if (o.path("type").asString().equals("malware")) {
                answered = o.path("").asString();
            }
        }
        assertThat(answered).isEqualTo("Collected at [redacted] headquarters");
        assertThat(stored).isEqualTo(answer);
        assertThat(review.getRedactions())
                .filteredOn(r -> r.getPointer().equals("/stix/objects/3/"))
                .hasSize(1);
    }

    // ------------------------------------------------------------------ finding 11

    @Test
    void defangedZeroPaddedEncodedAndSplitSpellingsAreTheVictims() {
        List<String> spellings = List.of(
                "198.51.100[.]81",
                "198.051.100.079",
                "mail.acme-mfg[.]co[.]jp",
                "hxxp://portal.acme-mfg.co[.]jp/login",
                "ACME\u200b Mfg",
                "AC\u00adME Mfg",
                "ACME%20Mfg",
                "ACME  Mfg");
        List<String> missed = new ArrayList<>();
        for (String spelling : spellings) {
            ObjectNode tree = fixture(ITEMS_FIXTURE);
            ArrayNode items = (ArrayNode) tree.get("items");
            items.remove(2);
            ((ObjectNode) items.get(1)).put("description", "Loader seen with " + spelling);
            SharingReview review = review(tree);
            if (review.getDecision() == SharingDecision.SHARE_WITHOUT_CONSENT
                    || review.getRedactions() == null
                    || review.getRedactions().stream()
                            .noneMatch(r -> r.getPointer().equals("/items/1"))) {
                missed.add(spelling);
            }
        }
        assertThat(missed).isEmpty();
    }
}
