package io.kakunin.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The API contract as data, for tests that ask what a field is allowed to hold. */
final class Contract {

    private static final JsonNode SPEC = load();

    private Contract() {}

    private static JsonNode load() {
        try (InputStream in = Contract.class.getClassLoader().getResourceAsStream("openapi/kakunin.yaml")) {
            return YAMLMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema of the value at a JSON Pointer in a request of the given schema, $refs resolved. */
    static JsonNode schemaAt(String rootSchema, String pointer) {
        JsonNode schema = resolve(SPEC.path("components").path("schemas").path(rootSchema));
        for (String segment : pointer.substring(1).split("/")) {
            if (schema.path("type").asString("").equals("array")) {
                schema = resolve(schema.path("items"));
            } else {
                schema = resolve(schema.path("properties")
                        .path(segment.replace("~1", "/").replace("~0", "~")));
            }
            if (schema.isMissingNode()) {
                throw new IllegalArgumentException("the contract has no " + pointer + " in " + rootSchema);
            }
        }
        return schema;
    }

    /** Follows a $ref, and the allOf of a single $ref that gives a property its own description and example. */
    private static JsonNode resolve(JsonNode schema) {
        while (true) {
            if (schema.has("$ref")) {
                String ref = schema.path("$ref").asString();
                schema = SPEC.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
            } else if (schema.path("allOf").size() == 1 && !schema.has("properties")) {
                schema = schema.path("allOf").get(0);
            } else {
                return schema;
            }
        }
    }
}
