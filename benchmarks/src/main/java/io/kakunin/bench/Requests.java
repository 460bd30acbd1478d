package io.kakunin.bench;

import io.kakunin.fixtures.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The request bodies the benchmarks use, built from the shipped fixtures so that they are as
 * realistic as the fixtures are: the organization and product of the smart-lock scenario
 * (every fact present), repeated as a typical request (3 products) and a large one (50); and a
 * sharing case whose STIX bundle has 200 objects.
 */
public final class Requests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Requests() {}

    private static ObjectNode fixture(String name) {
        try {
            return (ObjectNode) JSON.readTree(Files.readString(Fixtures.root().resolve(name + "/request.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One organization with {@code count} fully described products. */
    public static byte[] assessment(int count) {
        ObjectNode request = fixture("product-security/scenario-smart-lock-from-a-well-run-sme-is-compliant");
        ObjectNode product = (ObjectNode) request.path("products").get(0);
        ArrayNode products = request.putArray("products");
        for (int i = 0; i < count; i++) {
            ObjectNode copy = product.deepCopy();
            copy.put("id", "securelatch-" + (i + 1));
            copy.put("name", product.path("name").asString() + " model " + (i + 1));
            products.add(copy);
        }
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A share of a STIX bundle with {@code objects} objects: the scenario's context and victim
     * profile, the sharer's identity, the victim's identity (to be generalized), malware and
     * attack patterns, and indicators with the relationships and sightings that tie them
     * together, a few of them naming the victim or its addresses.
     */
    public static byte[] stixShare(int objects) {
        ObjectNode request = fixture(
                "information-sharing/scenario-bundle-whose-sighting-names-the-victim-company-shares-after-redaction");
        ArrayNode source = (ArrayNode) request.at("/stix/objects");
        String sharer = source.get(0).path("id").asString();
        String marking = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
        ArrayNode out = JSON.createArrayNode();
        for (int i = 0; i < source.size(); i++) {
            out.add(source.get(i).deepCopy());
        }
        String malware = source.get(2).path("id").asString();
        String victim = source.get(4).path("id").asString();
        int n = 0;
        while (out.size() < objects) {
            n++;
            String indicator = "indicator--" + uuid("i" + n);
            boolean namesTheVictim = n % 10 == 0;
            out.add(JSON.createObjectNode()
                    .put("type", "indicator")
                    .put("spec_version", "2.1")
                    .put("id", indicator)
                    .put("created", "2026-11-18T03:00:00.000Z")
                    .put("modified", "2026-11-18T03:00:00.000Z")
                    .put("created_by_ref", sharer)
                    .put("name", "Loader C2 " + n)
                    .put(
                            "description",
                            namesTheVictim
                                    ? "Beacon seen from the ACME Mfg plant network 198.51.100." + (n % 250)
                                    : "Command and control server of the loader")
                    .put(
                            "pattern",
                            n % 3 == 0
                                    ? "[domain-name:value = 'update-" + n + ".evil.example']"
                                    : n % 3 == 1
                                            ? "[ipv4-addr:value = '203.0.113." + (n % 250) + "']"
                                            : "[file:hashes.'SHA-256' = '" + sha(n) + "']")
                    .put("pattern_type", "stix")
                    .put("valid_from", "2026-11-17T21:40:00Z")
                    .set("object_marking_refs", JSON.createArrayNode().add(marking)));
            if (out.size() < objects) {
                out.add(JSON.createObjectNode()
                        .put("type", "relationship")
                        .put("spec_version", "2.1")
                        .put("id", "relationship--" + uuid("r" + n))
                        .put("created", "2026-11-18T03:00:00.000Z")
                        .put("modified", "2026-11-18T03:00:00.000Z")
                        .put("created_by_ref", sharer)
                        .put("relationship_type", "indicates")
                        .put("source_ref", indicator)
                        .put("target_ref", malware)
                        .set("object_marking_refs", JSON.createArrayNode().add(marking)));
            }
            if (out.size() < objects && n % 4 == 0) {
                ObjectNode sighting = JSON.createObjectNode()
                        .put("type", "sighting")
                        .put("spec_version", "2.1")
                        .put("id", "sighting--" + uuid("s" + n))
                        .put("created", "2026-11-18T03:00:00.000Z")
                        .put("modified", "2026-11-18T03:00:00.000Z")
                        .put("created_by_ref", sharer)
                        .put("sighting_of_ref", indicator)
                        .put("count", 1 + n % 7);
                sighting.set("where_sighted_refs", JSON.createArrayNode().add(victim));
                sighting.set("object_marking_refs", JSON.createArrayNode().add(marking));
                out.add(sighting);
            }
        }
        ((ObjectNode) request.path("stix")).set("objects", out);
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The share of {@link #stixShare} with a containment chain: {@code objects} notes, the first
     * about the victim's identity and each later one about the note before it, so that a review
     * that removes what refers to a removed object must follow the whole chain. A review that
     * walks the bundle again for every link is quadratic in the chain; one that is linear takes
     * ten times as long for ten times the notes.
     */
    public static byte[] stixChain(int objects) {
        ObjectNode request = JSON.readValue(stixShare(0), ObjectNode.class);
        ArrayNode out = (ArrayNode) request.at("/stix/objects");
        String sharer = out.get(0).path("id").asString();
        String previous = out.get(4).path("id").asString();
        for (int n = 1; n <= objects; n++) {
            String note = "note--" + uuid("n" + n);
            out.add(JSON.createObjectNode()
                    .put("type", "note")
                    .put("spec_version", "2.1")
                    .put("id", note)
                    .put("created", "2026-11-18T03:00:00.000Z")
                    .put("modified", "2026-11-18T03:00:00.000Z")
                    .put("created_by_ref", sharer)
                    .put("content", "Follow-up " + n + " on the previous note")
                    .set("object_refs", JSON.createArrayNode().add(previous)));
            previous = note;
        }
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String sha(int n) {
        StringBuilder sb = new StringBuilder();
        String hex = Integer.toHexString(n * 2654435761L > 0 ? (int) (n * 2654435761L) : n);
        while (sb.length() < 64) {
            sb.append(hex);
        }
        return sb.substring(0, 64).replaceAll("[^0-9a-f]", "a");
    }
}
