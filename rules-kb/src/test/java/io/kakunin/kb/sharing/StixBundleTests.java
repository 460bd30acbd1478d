package io.kakunin.kb.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kakunin.api.model.TlpLevel;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.kb.input.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** A broken bundle is refused, naming the object and the property; a good one is read. */
class StixBundleTests {

    private static final String IND = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
    private static final String MAL = "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b";
    private static final String GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";

    private static String indicator(String extra) {
        return "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" + IND
                + "\",\"created\":\"2026-11-18T03:00:00.000Z\","
                + "\"modified\":\"2026-11-18T03:00:00.000Z\",\"pattern\":\"[ipv4-addr:value = '203.0.113.45']\",\"pattern_type\":\"stix\","
                + "\"valid_from\":\"2026-11-17T21:40:00Z\",\"object_marking_refs\":[\"" + GREEN + "\"]" + extra + "}";
    }

    /** Test objects override properties by repeating them (the last wins), so they are read leniently. */
    private static final tools.jackson.databind.json.JsonMapper LENIENT =
            tools.jackson.databind.json.JsonMapper.builder().build();

    private static JsonNode bundle(String... objects) {
        return LENIENT.readTree(
                "{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\",\"objects\":["
                        + String.join(",", objects) + "]}");
    }

    private static InvalidFactsException.Problem refused(JsonNode bundle) {
        try {
            StixBundle.read(bundle, 1000);
        } catch (InvalidFactsException e) {
            return e.problems().get(0);
        }
        throw new AssertionError("the bundle was accepted");
    }

    @Test
    void aValidBundleIsReadWithItsMarkings() {
        StixBundle b = StixBundle.read(bundle(indicator("")), 1000);
        assertThat(b.objects()).hasSize(1);
        assertThat(b.tlpOf(b.objects().get(0))).isEqualTo(TlpLevel.GREEN);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "wrong spec_version       | ,\"spec_version\":\"2.0\"                                   | /stix/objects/0/spec_version | "
                        + IND,
                "dangling reference       | ,\"object_marking_refs\":[\"marking-definition--0b1c7c2e-b2bb-4a3a-a7b5-7b2e1a2c3d4e\"] | /stix/objects/0/object_marking_refs/0 | "
                        + IND,
                "malformed reference      | ,\"created_by_ref\":\"not-an-id\"                              | /stix/objects/0/created_by_ref | "
                        + IND,
                "broken pattern           | ,\"pattern\":\"[ipv4-addr:value = '1.2.3.4'\"                  | /stix/objects/0/pattern | "
                        + IND,
                "bad timestamp            | ,\"valid_from\":\"yesterday\"                                   | /stix/objects/0/valid_from | "
                        + IND,
                "confidence out of range  | ,\"confidence\":250                                         | /stix/objects/0/confidence | "
                        + IND,
            })
    void aBrokenObjectIsNamed(String what, String extra, String pointer, String id) {
        // Later keys win in Jackson's tree, so the extra properties override the valid ones.
        InvalidFactsException.Problem p = refused(bundle(indicator(extra)));
        assertThat(p.pointer()).as(what).isEqualTo(pointer);
        assertThat(p.detail()).as(what).contains(id);
    }

    @Test
    void anUnknownObjectTypeWithoutCustomPrefixIsRefused() {
        InvalidFactsException.Problem p = refused(bundle(
                "{\"type\":\"acme-ticket\",\"spec_version\":\"2.1\",\"id\":\"acme-ticket--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
                        + "\"created\":\"2026-11-18T03:00:00.000Z\",\"modified\":\"2026-11-18T03:00:00.000Z\"}"));
        assertThat(p.pointer()).isEqualTo("/stix/objects/0/type");
        assertThat(p.detail())
                .contains("'acme-ticket' is not a STIX 2.1 object type")
                .contains("extension definition")
                .contains("x-");
    }

    @Test
    void aCreatorOrCustomReferenceOutsideTheBundleIsAccepted() {
        // Feeds name their producer without carrying it: every MITRE ATT&CK object names MITRE's identity.
        StixBundle b = StixBundle.read(
                bundle(indicator(",\"created_by_ref\":\"identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5\","
                        + "\"x_mitre_modified_by_ref\":\"identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5\"")),
                1000);
        assertThat(b.objects()).hasSize(1);
    }

    @Test
    void aRelationshipToAnObjectOutsideTheBundleIsRefused() {
        InvalidFactsException.Problem p = refused(bundle(
                indicator(""),
                "{\"type\":\"relationship\",\"spec_version\":\"2.1\","
                        + "\"id\":\"relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad\",\"created\":\"2026-11-18T03:00:00.000Z\","
                        + "\"modified\":\"2026-11-18T03:00:00.000Z\",\"relationship_type\":\"indicates\",\"source_ref\":\""
                        + IND + "\","
                        + "\"target_ref\":\"" + MAL + "\"}"));
        assertThat(p.pointer()).isEqualTo("/stix/objects/1/target_ref");
        assertThat(p.detail()).contains(MAL).contains("not in the bundle");
    }

    @Test
    void aTypeDeclaredByAnExtensionDefinitionIsAccepted() {
        // STIX 2.1 section 7.3, as OASIS's incident-core extension declares "task", "event" and "impact".
        String ext = "extension-definition--7cc33dd6-f6a1-489b-98ea-522d351d71b9";
        StixBundle b = StixBundle.read(
                bundle(
                        indicator(""),
                        "{\"type\":\"task\",\"spec_version\":\"2.1\","
                                + "\"id\":\"task--5f5ab5d5-0fe8-4e4a-9ad7-e3b1a0a4a8f1\",\"created\":\"2026-11-18T03:00:00.000Z\","
                                + "\"modified\":\"2026-11-18T03:00:00.000Z\",\"name\":\"Contain the host\","
                                + "\"extensions\":{\"" + ext + "\":{\"extension_type\":\"new-sdo\"}}}"),
                1000);
        assertThat(b.objects()).hasSize(2);
    }

    @Test
    void theDeprecatedObjectsOfObservedDataAreReadWithTheirLocalReferences() {
        String observed =
                "{\"type\":\"observed-data\",\"spec_version\":\"2.1\",\"id\":\"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf\","
                        + "\"created\":\"2026-11-18T03:00:00.000Z\",\"modified\":\"2026-11-18T03:00:00.000Z\",\"first_observed\":\"2026-11-18T03:00:00Z\","
                        + "\"last_observed\":\"2026-11-18T03:00:00Z\",\"number_observed\":1,\"objects\":{\"0\":{\"type\":\"ipv4-addr\",\"value\":\"198.51.100.3\"},"
                        + "\"1\":{\"type\":\"network-traffic\",\"dst_ref\":\"%s\",\"protocols\":[\"tcp\"]}}}";
        assertThat(StixBundle.read(bundle(String.format(observed, "0")), 1000).objects())
                .hasSize(1);
        InvalidFactsException.Problem p = refused(bundle(String.format(observed, "7")));
        assertThat(p.pointer()).isEqualTo("/stix/objects/0/objects/1/dst_ref");
        assertThat(p.detail()).contains("names no entry");
    }

    @Test
    void theSameVersionOfAnObjectTwiceIsRefusedButTwoVersionsAreRead() {
        InvalidFactsException.Problem p = refused(bundle(indicator(""), indicator("")));
        assertThat(p.pointer()).isEqualTo("/stix/objects/1");
        assertThat(p.detail()).contains(IND).contains("same version");
        assertThat(StixBundle.read(bundle(indicator(""), indicator(",\"modified\":\"2026-11-19T03:00:00.000Z\"")), 1000)
                        .objects())
                .hasSize(2);
    }

    @Test
    void aCustomObjectTypeIsAccepted() {
        StixBundle b = StixBundle.read(
                bundle(
                        "{\"type\":\"x-acme-ticket\",\"spec_version\":\"2.1\",\"id\":\"x-acme-ticket--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
                                + "\"created\":\"2026-11-18T03:00:00.000Z\",\"modified\":\"2026-11-18T03:00:00.000Z\"}"),
                1000);
        assertThat(b.objects()).hasSize(1);
    }

    @Test
    void theBundleItselfIsChecked() {
        assertThat(refused(
                                Json.mapper()
                                        .readTree(
                                                "{\"type\":\"report\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\",\"objects\":[]}"))
                        .pointer())
                .isEqualTo("/stix/type");
        assertThat(refused(Json.mapper().readTree("{\"type\":\"bundle\",\"id\":\"bundle-1\",\"objects\":[]}"))
                        .pointer())
                .isEqualTo("/stix/id");
        assertThat(refused(
                                Json.mapper()
                                        .readTree(
                                                "{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\"}"))
                        .pointer())
                .isEqualTo("/stix/objects");
        assertThat(refused(Json.mapper().readTree("[1,2]")).pointer()).isEqualTo("/stix");
        assertThat(refused(bundle("42")).pointer()).isEqualTo("/stix/objects/0");
    }

    @Test
    void anIdOfAnotherTypeIsRefused() {
        InvalidFactsException.Problem p = refused(bundle(indicator(",\"id\":\"" + MAL + "\"")));
        assertThat(p.pointer()).isEqualTo("/stix/objects/0/id");
    }

    @Test
    void reportsThatContainEachOtherAreRefusedNamingTheReference() {
        String r1 = "report--0c9e2e1c-0d7b-4d43-8a39-5f44c3a3e0a1";
        String r2 = "report--1c9e2e1c-0d7b-4d43-8a39-5f44c3a3e0a2";
        String r3 = "report--2c9e2e1c-0d7b-4d43-8a39-5f44c3a3e0a3";
        String report =
                "{\"type\":\"report\",\"spec_version\":\"2.1\",\"id\":\"%s\",\"created\":\"2026-11-18T03:00:00.000Z\","
                        + "\"modified\":\"2026-11-18T03:00:00.000Z\",\"name\":\"r\",\"published\":\"2026-11-18T03:00:00Z\",\"object_refs\":[%s]}";
        InvalidFactsException.Problem p = refused(bundle(
                String.format(report, r1, "\"" + IND + "\",\"" + r2 + "\""),
                String.format(report, r2, "\"" + r3 + "\""),
                String.format(report, r3, "\"" + r1 + "\""),
                indicator("")));
        assertThat(p.pointer()).isEqualTo("/stix/objects/2/object_refs/0");
        assertThat(p.detail()).contains(r3 + ": contains " + r1).contains("cycle");

        InvalidFactsException.Problem self =
                refused(bundle(String.format(report, r1, "\"" + r1 + "\""), indicator("")));
        assertThat(self.pointer()).isEqualTo("/stix/objects/0/object_refs/0");
        assertThat(self.detail()).isEqualTo(r1 + ": refers to itself");

        InvalidFactsException.Problem creator = refused(bundle(indicator(",\"created_by_ref\":\"" + IND + "\"")));
        assertThat(creator.pointer()).isEqualTo("/stix/objects/0/created_by_ref");
    }

    @Test
    void relationshipsBothWaysAndAnIdentityCreatedByItselfAreFine() {
        String org = "identity--7c1c4a1e-1f2b-4b43-9a39-5f44c3a3e0a9";
        String identity =
                "{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"" + org + "\",\"created_by_ref\":\"" + org
                        + "\",\"created\":\"2026-11-18T03:00:00.000Z\",\"modified\":\"2026-11-18T03:00:00.000Z\",\"name\":\"Example SOC\"}";
        String relationship =
                "{\"type\":\"relationship\",\"spec_version\":\"2.1\",\"id\":\"relationship--%s\",\"created\":\"2026-11-18T03:00:00.000Z\","
                        + "\"modified\":\"2026-11-18T03:00:00.000Z\",\"relationship_type\":\"related-to\",\"source_ref\":\"%s\",\"target_ref\":\"%s\"}";
        StixBundle b = StixBundle.read(
                bundle(
                        identity,
                        indicator(""),
                        String.format(relationship, "4b1f1f4e-8a0c-4c47-9c8a-1d2e3f4a5b61", IND, org),
                        String.format(relationship, "4b1f1f4e-8a0c-4c47-9c8a-1d2e3f4a5b62", org, IND)),
                1000);
        assertThat(b.objects()).hasSize(4);
    }

    @Test
    void tlpIsReadFromOfficialIdsAndFromDefinitionsWithOtherIds() {
        assertThat(Tlp.levelOfOfficialId("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"))
                .isEqualTo(TlpLevel.CLEAR);
        assertThat(Tlp.levelOfOfficialId("marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"))
                .isEqualTo(TlpLevel.AMBER_STRICT);
        String custom = "marking-definition--0e5b2d1c-ffff-4a3a-a7b5-7b2e1a2c3d4e";
        StixBundle b = StixBundle.read(
                bundle(
                        "{\"type\":\"marking-definition\",\"spec_version\":\"2.1\",\"id\":\"" + custom
                                + "\",\"created\":\"2022-10-01T00:00:00.000Z\","
                                + "\"name\":\"TLP:RED\",\"extensions\":{\"" + Tlp.TLP2_EXTENSION
                                + "\":{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"red\"}}}",
                        indicator(",\"object_marking_refs\":[\"" + custom + "\"]")),
                1000);
        assertThat(b.tlpOf(b.objects().get(1))).isEqualTo(TlpLevel.RED);
    }

    @Test
    void tooManyObjectsAreRefusedBeforeAnyWork() {
        assertThatThrownBy(() -> StixBundle.read(
                        Json.mapper()
                                .readTree(
                                        "{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\",\"objects\":[{},{},{}]}"),
                        2))
                .isInstanceOf(InvalidFactsException.class)
                .satisfies(e -> assertThat(
                                ((InvalidFactsException) e).problems().get(0).detail())
                        .contains("at most 2"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "2026-11-18T03:00:00Z, true",
        "2026-11-18T03:00:00.123456789Z, true",
        "2026-11-18T03:00:00+09:00, true",
        "2024-02-29T00:00:00Z, true",
        "2026-02-29T00:00:00Z, false",
        "2026-11-18T24:00:00Z, false",
        "2026-11-18T23:59:60Z, false",
        "2026-11-18T03:00:00.1234567890Z, false",
        "2026-11-18t03:00:00z, false",
        "2026-11-18T03:00:00, false",
        "2026-11-18 03:00:00Z, false",
        "+2026-11-18T03:00:00Z, false",
        "2026-13-01T00:00:00Z, false",
        "2026-11-18T03:00:00+24:00, false"
    })
    void timestampsAreRfc3339AsJavaTimeReadsThem(String text, boolean valid) {
        assertThat(StixBundle.isTimestamp(tools.jackson.databind.node.StringNode.valueOf(text)))
                .isEqualTo(valid);
        if (valid) {
            assertThat(java.time.OffsetDateTime.parse(text)).isNotNull();
        }
    }
}
