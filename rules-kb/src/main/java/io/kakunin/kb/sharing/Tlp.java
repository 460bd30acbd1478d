package io.kakunin.kb.sharing;

import io.kakunin.api.model.RedistributionScope;
import io.kakunin.api.model.TlpLevel;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Traffic Light Protocol as STIX carries it: the official OASIS marking-definition IDs of
 * TLP 2.0 and of the TLP 1.0 definitions built into STIX 2.1 (WHITE reads as CLEAR), the order
 * of restrictiveness, and how far each level lets recipients pass information on.
 */
public final class Tlp {

    /** The STIX extension that carries TLP 2.0 in a marking-definition. */
    public static final String TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

    private static final Map<TlpLevel, String> TLP2_IDS = Map.of(
            TlpLevel.CLEAR, "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            TlpLevel.GREEN, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            TlpLevel.AMBER, "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            TlpLevel.AMBER_STRICT, "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            TlpLevel.RED, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");

    private static final Map<String, TlpLevel> TLP1_IDS = Map.of(
            "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", TlpLevel.CLEAR,
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", TlpLevel.GREEN,
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", TlpLevel.AMBER,
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", TlpLevel.RED);

    private Tlp() {}

    /** The TLP 2.0 marking-definition ID of a level. */
    public static String markingId(TlpLevel level) {
        return TLP2_IDS.get(level);
    }

    /** The label of a level: {@code TLP:AMBER+STRICT}. */
    public static String label(TlpLevel level) {
        return "TLP:" + (level == TlpLevel.AMBER_STRICT ? "AMBER+STRICT" : level.getValue());
    }

    /** Whether an ID is one of the official TLP 1.0 or 2.0 marking definitions. */
    public static boolean isOfficialTlpId(String id) {
        return TLP2_IDS.containsValue(id) || TLP1_IDS.containsKey(id);
    }

    /** The level of an official marking-definition ID, TLP 2.0 or 1.0; null for any other ID. */
    public static TlpLevel levelOfOfficialId(String id) {
        for (Map.Entry<TlpLevel, String> e : TLP2_IDS.entrySet()) {
            if (e.getValue().equals(id)) {
                return e.getKey();
            }
        }
        return TLP1_IDS.get(id);
    }

    /** Whether an official ID is a TLP 1.0 one. */
    public static boolean isTlp1(String id) {
        return TLP1_IDS.containsKey(id);
    }

    /**
     * The TLP level a marking-definition object states by its content: the TLP 2.0 extension,
     * or a TLP 1.0 {@code definition_type: tlp}. Used for definitions with unofficial IDs, which
     * some producers mint; null when the object is not a TLP marking.
     */
    public static TlpLevel levelOfDefinition(JsonNode definition) {
        JsonNode ext = definition.path("extensions").path(TLP2_EXTENSION).path("tlp_2_0");
        if (ext.isString()) {
            return parse(ext.asString());
        }
        if ("tlp".equals(definition.path("definition_type").asString(""))) {
            return parse(definition.path("definition").path("tlp").asString(""));
        }
        return null;
    }

    private static TlpLevel parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT).replace("tlp:", "").strip()) {
            case "clear", "white" -> TlpLevel.CLEAR;
            case "green" -> TlpLevel.GREEN;
            case "amber" -> TlpLevel.AMBER;
            case "amber+strict", "amber_strict" -> TlpLevel.AMBER_STRICT;
            case "red" -> TlpLevel.RED;
            default -> null;
        };
    }

    /** The more restrictive of two levels (null counts as absent). */
    public static TlpLevel max(TlpLevel a, TlpLevel b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** How far recipients may pass information of a level on (TLP 2.0 definitions). */
    public static RedistributionScope allowedRedistribution(TlpLevel level) {
        return switch (level) {
            case CLEAR -> RedistributionScope.PUBLIC;
            case GREEN -> RedistributionScope.COMMUNITY;
            case AMBER -> RedistributionScope.ORGANIZATION_AND_CLIENTS;
            case AMBER_STRICT -> RedistributionScope.OWN_ORGANIZATION;
            case RED -> RedistributionScope.NONE;
        };
    }

    /** The TLP 2.0 marking-definition object of a level, exactly as OASIS publishes it. */
    public static ObjectNode definitionObject(TlpLevel level) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode md = f.objectNode();
        md.put("type", "marking-definition");
        md.put("spec_version", "2.1");
        md.put("id", markingId(level));
        md.put("created", "2022-10-01T00:00:00.000Z");
        md.put("name", label(level));
        ObjectNode ext = md.putObject("extensions").putObject(TLP2_EXTENSION);
        ext.put("extension_type", "property-extension");
        ext.put(
                "tlp_2_0",
                level == TlpLevel.AMBER_STRICT
                        ? "amber+strict"
                        : level.getValue().toLowerCase(Locale.ROOT));
        return md;
    }
}
