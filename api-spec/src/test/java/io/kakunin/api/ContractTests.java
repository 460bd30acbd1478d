package io.kakunin.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The house rules of the contract that the generator's own validation does not check: every
 * property is described and has an example of its own that its schema accepts, operations are
 * named as the style guide says, and every error is a problem detail.
 */
class ContractTests {

    private static JsonNode spec;

    @BeforeAll
    static void readTheContract() {
        spec = new YAMLMapper()
                .readTree(Path.of("src/main/openapi/kakunin.yaml").toFile());
    }

    /**
     * The schema a property or item stands for: a {@code $ref} is followed, and so is the
     * {@code allOf} of a single {@code $ref} that lets a property carry its own description and
     * example (OpenAPI 3.0 ignores the siblings of a {@code $ref}).
     */
    private static JsonNode resolve(JsonNode schema) {
        JsonNode ref = schema.get("$ref");
        if (ref != null) {
            String name = ref.asString().substring("#/components/schemas/".length());
            JsonNode target = spec.path("components").path("schemas").get(name);
            assertThat(target).as("schema %s", name).isNotNull();
            return resolve(target);
        }
        JsonNode allOf = schema.get("allOf");
        if (allOf != null && allOf.size() == 1 && !schema.has("type") && !schema.has("properties")) {
            return resolve(allOf.get(0));
        }
        return schema;
    }

    @Test
    void everyPropertyHasADescriptionAndAnExample() {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, JsonNode> schema :
                spec.path("components").path("schemas").properties()) {
            assertThat(schema.getValue().has("description"))
                    .as("schema %s has a description", schema.getKey())
                    .isTrue();
            for (Map.Entry<String, JsonNode> property :
                    schema.getValue().path("properties").properties()) {
                String where = schema.getKey() + "." + property.getKey();
                JsonNode p = property.getValue();
                JsonNode target = resolve(p);
                if (!p.has("description") && !target.has("description")) {
                    missing.add(where + ": description");
                }
                // Objects and lists too: the examples of their items or properties do not count.
                if (!p.has("example") && !target.has("example")) {
                    missing.add(where + ": example");
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyExampleIsValidAgainstItsSchema() {
        List<String> invalid = new ArrayList<>();
        int examples = 0;
        for (Map.Entry<String, JsonNode> schema :
                spec.path("components").path("schemas").properties()) {
            examples += checkExamples(schema.getValue(), "#/components/schemas/" + schema.getKey(), invalid);
        }
        for (Map.Entry<String, JsonNode> parameter :
                spec.path("components").path("parameters").properties()) {
            examples += checkExamples(
                    parameter.getValue().path("schema"), "#/components/parameters/" + parameter.getKey(), invalid);
        }
        for (Map.Entry<String, JsonNode> header :
                spec.path("components").path("headers").properties()) {
            examples +=
                    checkExamples(header.getValue().path("schema"), "#/components/headers/" + header.getKey(), invalid);
        }
        for (Map.Entry<String, JsonNode> path : spec.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                String where = op.getKey() + " " + path.getKey();
                for (JsonNode parameter : op.getValue().path("parameters")) {
                    examples += checkExamples(
                            parameter.path("schema"),
                            where + " parameter " + parameter.path("name").asString(),
                            invalid);
                }
                for (Map.Entry<String, JsonNode> media :
                        op.getValue().path("requestBody").path("content").properties()) {
                    examples += checkExamples(
                            media.getValue().path("schema"), where + " request " + media.getKey(), invalid);
                }
                for (Map.Entry<String, JsonNode> response :
                        op.getValue().path("responses").properties()) {
                    for (Map.Entry<String, JsonNode> header :
                            response.getValue().path("headers").properties()) {
                        examples += checkExamples(
                                header.getValue().path("schema"),
                                where + " " + response.getKey() + " header " + header.getKey(),
                                invalid);
                    }
                    for (Map.Entry<String, JsonNode> media :
                            response.getValue().path("content").properties()) {
                        examples += checkExamples(
                                media.getValue().path("schema"),
                                where + " " + response.getKey() + " " + media.getKey(),
                                invalid);
                    }
                }
            }
        }
        assertThat(examples).as("examples checked").isGreaterThan(300);
        assertThat(invalid).as("examples that their own schema refuses").isEmpty();
    }

    /** Checks the example of a schema and of every schema nested in it; returns how many it checked. */
    private static int checkExamples(JsonNode schema, String where, List<String> invalid) {
        if (!schema.isObject()) {
            return 0;
        }
        int checked = 0;
        if (schema.has("example")) {
            validate(schema, schema.get("example"), where + " example", invalid);
            checked++;
        }
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            checked += checkExamples(property.getValue(), where + "." + property.getKey(), invalid);
        }
        checked += checkExamples(schema.path("items"), where + "[]", invalid);
        for (String composition : List.of("allOf", "oneOf", "anyOf")) {
            for (JsonNode part : schema.path(composition)) {
                checked += checkExamples(part, where + " " + composition, invalid);
            }
        }
        if (schema.path("additionalProperties").isObject()) {
            checked += checkExamples(schema.path("additionalProperties"), where + ".*", invalid);
        }
        return checked;
    }

    /**
     * What the contract promises about a value, checked as JSON Schema would: type, enum,
     * format (date, date-time, uuid, uri), length, pattern, range, item count and uniqueness,
     * required and unknown properties, through {@code $ref} and {@code allOf}.
     */
    private static void validate(JsonNode schema, JsonNode value, String at, List<String> invalid) {
        if (schema.has("$ref")) {
            validate(resolve(schema), value, at, invalid);
            return;
        }
        for (JsonNode part : schema.path("allOf")) {
            validate(part, value, at, invalid);
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false) && (schema.has("type") || schema.has("enum"))) {
                invalid.add(at + ": null");
            }
            return;
        }
        String type = schema.path("type").asString("");
        boolean typed = switch (type) {
            case "" -> true;
            case "string" -> value.isString();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "array" -> value.isArray();
            case "object" -> value.isObject();
            default -> false;
        };
        if (!typed) {
            invalid.add(at + ": " + value + " is not of type " + type);
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.get("enum")) {
                listed |= allowed.equals(value);
            }
            if (!listed) {
                invalid.add(at + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (value.isString()) {
            String text = value.asString();
            int length = text.codePointCount(0, text.length());
            if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
                invalid.add(at + ": longer than " + schema.get("maxLength").asInt());
            }
            if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
                invalid.add(at + ": shorter than " + schema.get("minLength").asInt());
            }
            if (schema.has("pattern")
                    && !Pattern.compile(schema.get("pattern").asString())
                            .matcher(text)
                            .find()) {
                invalid.add(at + ": '" + text + "' does not match "
                        + schema.get("pattern").asString());
            }
            String format = schema.path("format").asString("");
            if (!format.isEmpty() && !hasFormat(format, text)) {
                invalid.add(at + ": '" + text + "' is not a " + format);
            }
        }
        if (value.isNumber()) {
            if (schema.has("minimum")
                    && value.decimalValue().compareTo(schema.get("minimum").decimalValue()) < 0) {
                invalid.add(at + ": below " + schema.get("minimum"));
            }
            if (schema.has("maximum")
                    && value.decimalValue().compareTo(schema.get("maximum").decimalValue()) > 0) {
                invalid.add(at + ": above " + schema.get("maximum"));
            }
        }
        if (value.isArray()) {
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                invalid.add(at + ": more than " + schema.get("maxItems").asInt() + " items");
            }
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                invalid.add(at + ": fewer than " + schema.get("minItems").asInt() + " items");
            }
            Set<JsonNode> seen = new HashSet<>();
            int index = 0;
            for (JsonNode item : value) {
                if (schema.path("uniqueItems").asBoolean(false) && !seen.add(item)) {
                    invalid.add(at + ": " + item + " twice, but items must be unique");
                }
                if (schema.has("items")) {
                    validate(schema.get("items"), item, at + "/" + index, invalid);
                }
                index++;
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asString())) {
                    invalid.add(at + ": required " + required.asString() + " is missing");
                }
            }
            JsonNode properties = schema.path("properties");
            boolean closed = !schema.path("additionalProperties").asBoolean(true);
            for (Map.Entry<String, JsonNode> member : value.properties()) {
                if (properties.has(member.getKey())) {
                    validate(properties.get(member.getKey()), member.getValue(), at + "/" + member.getKey(), invalid);
                } else if (closed) {
                    invalid.add(at + ": unknown property " + member.getKey());
                }
            }
        }
    }

    private static boolean hasFormat(String format, String text) {
        try {
            switch (format) {
                case "date" -> LocalDate.parse(text);
                case "date-time" -> OffsetDateTime.parse(text);
                case "uuid" -> {
                    if (!text.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
                        return false;
                    }
                }
                case "uri" -> new URI(text);
                default -> {
                    // int32, binary and the like say nothing about a string example
                }
            }
            return true;
        } catch (DateTimeParseException | URISyntaxException e) {
            return false;
        }
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
        for (Map.Entry<String, JsonNode> response :
                spec.path("components").path("responses").properties()) {
            JsonNode content = response.getValue().path("content");
            if (!content.has("application/problem+json") || content.size() != 1) {
                wrong.add(response.getKey());
            }
        }
        for (Map.Entry<String, JsonNode> path : spec.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                for (Map.Entry<String, JsonNode> r :
                        op.getValue().path("responses").properties()) {
                    if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                        if (!r.getValue().has("$ref")
                                || !r.getValue().path("$ref").asString().startsWith("#/components/responses/")) {
                            wrong.add(op.getKey() + " " + path.getKey() + " " + r.getKey());
                        }
                    }
                }
            }
        }
        assertThat(wrong)
                .as("error responses that are not the shared problem responses")
                .isEmpty();
    }

    /**
     * The service checks every request the same way before the operation runs: query
     * parameters, headers and {@code Accept} on every operation, the body's media type on every
     * operation that takes one. So every operation can answer 400 and 406, and 415 when it has a
     * body, and its contract must say so. An operation that needs credentials (it declares 401) can
     * also answer 429: its caller's address failed to authenticate too often.
     */
    @Test
    void everyOperationDeclaresTheRefusalsEveryRequestCanGet() {
        List<String> missing = new ArrayList<>();
        int operations = 0;
        for (Map.Entry<String, JsonNode> path : spec.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                operations++;
                JsonNode responses = op.getValue().path("responses");
                Map<String, String> expected = new java.util.LinkedHashMap<>();
                expected.put("400", "BadRequest");
                expected.put("406", "NotAcceptable");
                if (op.getValue().has("requestBody")) {
                    expected.put("415", "UnsupportedMediaType");
                }
                if (responses.has("401")) {
                    expected.put("429", "TooManyFailedAuthentications");
                }
                expected.forEach((status, response) -> {
                    if (!responses
                            .path(status)
                            .path("$ref")
                            .asString("")
                            .equals("#/components/responses/" + response)) {
                        missing.add(op.getKey() + " " + path.getKey() + " " + status + " " + response);
                    }
                });
            }
        }
        assertThat(operations).isGreaterThan(0);
        assertThat(missing)
                .as("refusals an operation can give but does not declare")
                .isEmpty();
    }

    /**
     * Every {@code /v1} operation needs the store: its API key is looked up there (or the
     * operation reads or writes records), so while the store is down it answers 503, and its
     * contract must say so.
     */
    @Test
    void everyOperationOnTheStoreDeclaresThatItCanBeUnavailable() {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : spec.path("paths").properties()) {
            if (!path.getKey().startsWith("/v1/")) {
                continue;
            }
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (!op.getValue().path("responses").has("503")) {
                    missing.add(op.getKey() + " " + path.getKey());
                }
            }
        }
        assertThat(missing)
                .as("operations that do not declare 503 (store unavailable)")
                .isEmpty();
    }

    /**
     * A batch line is an AssessmentRequest with an optional key: the same members, each the same
     * schema, so that a line means what a single request means.
     */
    @Test
    void aBatchLineIsAnAssessmentRequestWithAKey() {
        JsonNode schemas = spec.path("components").path("schemas");
        JsonNode request = schemas.path("AssessmentRequest");
        JsonNode line = schemas.path("AssessmentBatchLine");
        Set<String> expected = new TreeSet<>(request.path("properties").propertyNames());
        expected.add("idempotencyKey");
        assertThat(new TreeSet<>(line.path("properties").propertyNames())).isEqualTo(expected);
        request.path("properties")
                .properties()
                .forEach(p -> assertThat(line.path("properties").path(p.getKey()))
                        .as("AssessmentBatchLine.%s", p.getKey())
                        .isEqualTo(p.getValue()));
        assertThat(line.path("required")).isEqualTo(request.path("required"));
        assertThat(line.path("additionalProperties").asBoolean(true)).isFalse();
        // The key of a line is held to what the Idempotency-Key header is held to.
        JsonNode key = line.path("properties").path("idempotencyKey");
        JsonNode header = spec.path("components")
                .path("parameters")
                .path("IdempotencyKey")
                .path("schema");
        for (String constraint : List.of("type", "minLength", "maxLength", "pattern")) {
            assertThat(key.path(constraint)).as("idempotencyKey.%s", constraint).isEqualTo(header.path(constraint));
        }
    }

    @Test
    void requestSchemasRejectUnknownProperties() {
        for (String name : List.of("AssessmentRequest", "AssessmentBatchLine", "Organization", "Product")) {
            assertThat(spec.path("components")
                            .path("schemas")
                            .path(name)
                            .path("additionalProperties")
                            .asBoolean(true))
                    .as("%s.additionalProperties", name)
                    .isFalse();
        }
    }
}
