package io.kakunin.service.console;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The answers of a questionnaire form, to a request and back. "Don't know" (and a blank field)
 * leaves a fact out, so that the verdict asks for it again. A number or a date is put in the
 * request as typed when it does not read as one: the request reader then refuses it with the
 * field named and the API's own words, so the form says what the API would say. A structure
 * answered as JSON that is not JSON is the one fault named here.
 */
final class Answers {

    static final String YES = "yes";
    static final String NO = "no";
    static final String UNKNOWN = "unknown";

    private static final Pattern WHOLE = Pattern.compile("-?\\d{1,30}");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d{1,30}(\\.\\d{1,30})?");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A request made from a form, and the answers given as JSON that could not be read (by request pointer). */
    record Read(ObjectNode request, Map<String, String> notJson) {}

    private Answers() {}

    /** The request the answers make: {@code organization} and one product, with every fact answered. */
    static Read read(Questionnaire questionnaire, Map<String, List<String>> form, JsonMapper json) {
        ObjectNode request = NODES.objectNode();
        ObjectNode organization = request.putObject("organization");
        ObjectNode product = request.putArray("products").addObject();
        Map<String, String> notJson = new LinkedHashMap<>();
        text(form, "organization:/id").ifPresent(v -> organization.put("id", v));
        text(form, "organization:/name").ifPresent(v -> organization.put("name", v));
        text(form, "product:/id").ifPresent(v -> product.put("id", v));
        text(form, "product:/name").ifPresent(v -> product.put("name", v));
        for (Questionnaire.Question q : questionnaire.questions()) {
            List<String> values = form.getOrDefault(q.field(), List.of()).stream()
                    .map(String::strip)
                    .filter(v -> !v.isEmpty() && !v.equals(UNKNOWN))
                    .toList();
            if (values.isEmpty()) {
                continue;
            }
            ObjectNode subject = q.subject() == Questionnaire.Subject.ORGANIZATION ? organization : product;
            JsonNode value = value(q, values, json, notJson, q.requestPointer());
            if (value != null) {
                put(subject, q.pointer(), value);
            }
        }
        return new Read(request, notJson);
    }

    /** The prefix of a follow-up answer's field: the fact's pointer in the request the verdict decided. */
    static final String AT = "at:";

    /**
     * The request a verdict decided with the follow-up answers put in: each field {@code at:<pointer>}
     * names a fact the verdict asked for where that request lacks it (any of its products), so
     * nothing else of the request changes.
     */
    static Read followUp(
            Questionnaire questionnaire, ObjectNode decided, Map<String, List<String>> form, JsonMapper json) {
        ObjectNode request = decided.deepCopy();
        Map<String, String> notJson = new LinkedHashMap<>();
        form.forEach((field, given) -> {
            if (!field.startsWith(AT)) {
                return;
            }
            String pointer = field.substring(AT.length());
            questionnaire.questionAt(pointer).ifPresent(q -> {
                List<String> values = given.stream()
                        .map(String::strip)
                        .filter(v -> !v.isEmpty() && !v.equals(UNKNOWN))
                        .toList();
                JsonNode value = values.isEmpty() ? null : value(q, values, json, notJson, pointer);
                if (value != null) {
                    put(request, pointer, value);
                }
            });
        });
        return new Read(request, notJson);
    }

    private static JsonNode value(
            Questionnaire.Question q,
            List<String> values,
            JsonMapper json,
            Map<String, String> notJson,
            String pointer) {
        return switch (q.kind()) {
            case BOOLEAN ->
                values.get(0).equals(YES)
                        ? NODES.booleanNode(true)
                        : values.get(0).equals(NO) ? NODES.booleanNode(false) : NODES.stringNode(values.get(0));
            case CHOICES -> {
                ArrayNode array = NODES.arrayNode();
                values.forEach(array::add);
                yield array;
            }
            case TEXTS -> {
                ArrayNode array = NODES.arrayNode();
                values.get(0)
                        .lines()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty())
                        .forEach(array::add);
                yield array;
            }
            case WHOLE_NUMBER ->
                WHOLE.matcher(values.get(0)).matches()
                        ? NODES.numberNode(new BigInteger(values.get(0)))
                        : NODES.stringNode(values.get(0));
            case NUMBER ->
                DECIMAL.matcher(values.get(0)).matches()
                        ? NODES.numberNode(new BigDecimal(values.get(0)))
                        : NODES.stringNode(values.get(0));
            case JSON -> {
                try {
                    yield json.readTree(values.get(0));
                } catch (JacksonException e) {
                    notJson.put(pointer, values.get(0));
                    yield null;
                }
            }
            default -> NODES.stringNode(values.get(0));
        };
    }

    /** The form's values for a request: what a follow-up or a new draft starts from. */
    static Map<String, List<String>> of(Questionnaire questionnaire, JsonNode request, JsonMapper json) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        JsonNode organization = request.path("organization");
        JsonNode product = request.path("products").path(0);
        copy(form, "organization:/id", organization.path("id"));
        copy(form, "organization:/name", organization.path("name"));
        copy(form, "product:/id", product.path("id"));
        copy(form, "product:/name", product.path("name"));
        for (Questionnaire.Question q : questionnaire.questions()) {
            JsonNode subject = q.subject() == Questionnaire.Subject.ORGANIZATION ? organization : product;
            JsonNode value = subject.at(q.pointer());
            if (value.isMissingNode() || value.isNull()) {
                continue;
            }
            List<String> values = new ArrayList<>();
            switch (q.kind()) {
                case BOOLEAN -> values.add(value.isBoolean() ? (value.asBoolean() ? YES : NO) : value.asString());
                case CHOICES -> value.forEach(v -> values.add(v.asString()));
                case TEXTS -> {
                    List<String> lines = new ArrayList<>();
                    value.forEach(v -> lines.add(v.asString()));
                    values.add(String.join("\n", lines));
                }
                case JSON -> values.add(json.writerWithDefaultPrettyPrinter().writeValueAsString(value));
                default -> values.add(value.isString() ? value.asString() : value.toString());
            }
            form.put(q.field(), values);
        }
        return form;
    }

    private static void copy(Map<String, List<String>> form, String field, JsonNode value) {
        if (value.isString()) {
            form.put(field, List.of(value.asString()));
        }
    }

    private static java.util.Optional<String> text(Map<String, List<String>> form, String field) {
        return form.getOrDefault(field, List.of()).stream()
                .map(String::strip)
                .filter(v -> !v.isEmpty())
                .findFirst();
    }

    /**
     * Sets a value at a pointer, making the objects on the way; an element of a list must exist
     * already (a follow-up answers about a product the request has, never adds one).
     */
    static void put(ObjectNode root, String pointer, JsonNode value) {
        String[] names = pointer.substring(1).split("/");
        JsonNode at = root;
        for (int i = 0; i < names.length - 1; i++) {
            if (at instanceof ObjectNode object) {
                JsonNode next = object.get(names[i]);
                at = next instanceof ObjectNode || next instanceof ArrayNode ? next : object.putObject(names[i]);
            } else if (at instanceof ArrayNode array
                    && names[i].matches("\\d{1,9}")
                    && Integer.parseInt(names[i]) < array.size()) {
                at = array.get(Integer.parseInt(names[i]));
            } else {
                return;
            }
        }
        if (at instanceof ObjectNode object) {
            object.set(names[names.length - 1], value);
        }
    }
}
