package io.kakunin.kb.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.kb.input.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class SanitizerTests {

    private static ObjectNode object(String json) {
        return (ObjectNode) Json.mapper().readTree(json);
    }

    @Test
    void aChangedObservableGetsTheDeterministicIdOfItsContent() {
        // The UUIDv5 python-stix2 computes for this address (STIX 2.1 section 2.9).
        assertThat(
                        Sanitizer.deterministicId(
                                object(
                                        "{\"type\":\"ipv4-addr\",\"spec_version\":\"2.1\",\"id\":\"ipv4-addr--00000000-0000-4000-8000-000000000000\","
                                                + "\"value\":\"198.51.0.0\",\"object_marking_refs\":[\"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb\"]}")))
                .isEqualTo("ipv4-addr--e73fbe07-38bd-5495-ba4b-e8cb1b705b67");
        // Only the ID contributing properties count, in canonical (sorted, compact) form.
        String a = Sanitizer.deterministicId(object(
                "{\"type\":\"file\",\"name\":\"a.exe\",\"hashes\":{\"SHA-256\":\"ab\",\"MD5\":\"cd\"},\"size\":10}"));
        String b = Sanitizer.deterministicId(object(
                "{\"hashes\":{\"MD5\":\"cd\",\"SHA-256\":\"ab\"},\"type\":\"file\",\"name\":\"a.exe\",\"size\":99}"));
        assertThat(a)
                .isEqualTo(b)
                .startsWith("file--")
                .matches(".*--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void anObservableWithoutContributingPropertiesGetsARandomId() {
        String first = Sanitizer.deterministicId(object("{\"type\":\"process\",\"pid\":4}"));
        String second = Sanitizer.deterministicId(object("{\"type\":\"process\",\"pid\":4}"));
        assertThat(first).startsWith("process--").isNotEqualTo(second);
    }

    @Test
    void canonicalJsonSortsKeysAndEscapesOnlyWhatItMust() {
        assertThat(Sanitizer.Canonical.json(
                        Json.mapper().readTree("{\"b\":[1,\"é\\n\"],\"a\":{\"y\":true,\"x\":null}}")))
                .isEqualTo("{\"a\":{\"x\":null,\"y\":true},\"b\":[1,\"é\\n\"]}");
    }
}
