package io.kakunin.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The house rules of the contract that the generator's own validation does not check: every
 * property is described and has an example, operations are named as the style guide says, and
 * every error is a problem detail.
 */
class ContractTests {

    private static JsonNode spec;

    @BeforeAll
    static void readTheContract() {
        spec = new YAMLMapper().readTree(Path.of("src/main/openapi/kakunin.yaml").toFile());
    }

    private static JsonNode resolve(JsonNode schema) {
        JsonNode ref = schema.get("$ref");
        if (ref == null) {
            return schema;
        }
        String name = ref.asString().substring("#/components/schemas/".length());
        JsonNode target = spec.path("components").path("schemas").get(name);
        assertThat(target).as("schema %s", name).isNotNull();
        return target;
    }

    private static boolean isObjectLike(JsonNode schema) {
        JsonNode s = resolve(schema);
        if ("object".equals(s.path("type").asString())) {
            return true;
        }
        return "array".equals(s.path("type").asString()) && isObjectLike(s.path("items"));
    }

    @Test
    void everyPropertyHasADescriptionAndAnExample() {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, JsonNode> schema : spec.path("components").path("schemas").properties()) {
            assertThat(schema.getValue().has("description")).as("schema %s has a description", schema.getKey()).isTrue();
            for (Map.Entry<String, JsonNode> property : schema.getValue().path("properties").properties()) {
                String where = schema.getKey() + "." + property.getKey();
                JsonNode p = property.getValue();
                JsonNode target = resolve(p);
                if (!p.has("description") && !target.has("description")) {
                    missing.add(where + ": description");
                }
                // An object (or list of objects) is exemplified by the examples of its own properties.
                if (!p.has("example") && !target.has("example") && !isObjectLike(p)
                        && !(p.path("items").has("example") || resolve(p.path("items")).has("example"))) {
                    missing.add(where + ": example");
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void operationsHaveCamelCaseIdsAndPluralTags() {
        Set<String> ids = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : spec.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                String id = op.getValue().path("operationId").asString();
                assertThat(id).as("%s %s", op.getKey(), path.getKey()).matches("[a-z][a-zA-Z]+");
                assertThat(ids.add(id)).as("operationId %s is unique", id).isTrue();
                op.getValue().path("tags").forEach(t -> assertThat(t.asString()).endsWith("s"));
            }
        }
        assertThat(ids).isNotEmpty();
    }

    @Test
    void everyErrorResponseIsAProblemDetail() {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, JsonNode> response : spec.path("components").path("responses").properties()) {
            JsonNode content = response.getValue().path("content");
            if (!content.has("application/problem+json") || content.size() != 1) {
                wrong.add(response.getKey());
            }
        }
        for (Map.Entry<String, JsonNode> path : spec.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                for (Map.Entry<String, JsonNode> r : op.getValue().path("responses").properties()) {
                    if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                        if (!r.getValue().has("$ref") || !r.getValue().path("$ref").asString().startsWith("#/components/responses/")) {
                            wrong.add(op.getKey() + " " + path.getKey() + " " + r.getKey());
                        }
                    }
                }
            }
        }
        assertThat(wrong).as("error responses that are not the shared problem responses").isEmpty();
    }

    @Test
    void requestSchemasRejectUnknownProperties() {
        for (String name : List.of("AssessmentRequest", "Organization", "Product")) {
            assertThat(spec.path("components").path("schemas").path(name).path("additionalProperties").asBoolean(true))
                    .as("%s.additionalProperties", name).isFalse();
        }
    }
}
