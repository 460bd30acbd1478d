package io.kakunin.service.console;

import io.kakunin.api.model.SubjectType;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.ruleset.Catalog;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The self-assessment's questions, made from the catalog of the active ruleset and the contract,
 * never written field by field: measure by measure (the catalog's order), each item that an
 * organization or a product answers, and for each fact the item needs (a JSON Pointer in the
 * catalog), one question whose kind comes from that fact's schema in the contract (a boolean, one
 * of an enum, several of an enum, a whole number, a date, a list of texts, or a structure given as
 * JSON). A fact several items need is asked once, at the first item that needs it; the others
 * name it. A new item or fact in the catalog is a new question without a change here.
 */
final class Questionnaire {

    /** How a fact is answered, from its schema. */
    enum Kind {
        BOOLEAN,
        CHOICE,
        CHOICES,
        WHOLE_NUMBER,
        NUMBER,
        DATE,
        DATE_TIME,
        TEXT,
        TEXTS,
        JSON
    }

    /** Whose fact it is: where its pointer starts in the request. */
    enum Subject {
        ORGANIZATION("/organization"),
        PRODUCT("/products/0");

        final String root;

        Subject(String root) {
            this.root = root;
        }

        String field(String pointer) {
            return name().toLowerCase(Locale.ROOT) + ":" + pointer;
        }
    }

    /**
     * One question: a fact of one subject.
     *
     * @param pointer the fact's pointer within its subject, as the catalog writes it
     * @param options the values of a choice, in the contract's order
     * @param items   every item that needs the fact
     */
    record Question(Subject subject, String pointer, Kind kind, List<String> options, List<String> items) {
        /** The form field's name: {@code organization:/psirt}, {@code product:/update/signatureVerified}. */
        String field() {
            return subject.field(pointer);
        }

        /** An HTML id for the field. */
        String id() {
            return "q-" + subject.name().toLowerCase(Locale.ROOT) + pointer.replaceAll("[^A-Za-z0-9]", "-");
        }

        /** The pointer in the request ({@code /products/0/update/signatureVerified}). */
        String requestPointer() {
            return subject.root + pointer;
        }
    }

    /** An item with the questions first asked for it, and the facts it needs that another item asked. */
    record Item(String id, String level, Subject subject, List<Question> questions, List<String> askedBefore) {}

    record Measure(String id, List<Item> items) {}

    private final List<Measure> measures;
    private final Map<String, Question> byField;

    private Questionnaire(List<Measure> measures, Map<String, Question> byField) {
        this.measures = measures;
        this.byField = byField;
    }

    List<Measure> measures() {
        return measures;
    }

    Optional<Question> question(String field) {
        return Optional.ofNullable(byField.get(field));
    }

    /** The question for a pointer of a request ({@code /products/0/psirt}...), if the questionnaire asks it. */
    Optional<Question> questionAt(String requestPointer) {
        for (Question q : byField.values()) {
            if (q.requestPointer().equals(requestPointer)) {
                return Optional.of(q);
            }
        }
        // The follow-up of a verdict names product facts by the product's position: any product.
        String product = requestPointer.replaceFirst("^/products/\\d+", Subject.PRODUCT.root);
        return product.equals(requestPointer) ? Optional.empty() : questionAt(product);
    }

    Iterable<Question> questions() {
        return byField.values();
    }

    /** The questionnaire of a ruleset's catalog over the contract's request schemas. */
    static Questionnaire of(Ruleset ruleset, OpenAPI contract) {
        Catalog catalog = ruleset.catalog();
        Map<String, Question> byField = new LinkedHashMap<>();
        Map<String, List<String>> itemsOfField = new LinkedHashMap<>();
        List<Measure> measures = new ArrayList<>();
        List<String> measureIds = new ArrayList<>(catalog.measureIds());
        measureIds.sort(Comparator.comparingInt(catalog::order));
        for (String measureId : measureIds) {
            List<Item> items = new ArrayList<>();
            for (Catalog.Entry entry : catalog.entries()) {
                Subject subject = subject(entry.subject());
                if (!entry.measure().equals(measureId) || subject == null) {
                    continue;
                }
                Schema<?> root = schema(contract, subject == Subject.ORGANIZATION ? "Organization" : "Product");
                List<Question> asked = new ArrayList<>();
                List<String> before = new ArrayList<>();
                for (String fact : entry.facts()) {
                    Schema<?> schema = at(contract, root, fact);
                    if (schema == null) {
                        continue;
                    }
                    String field = subject.field(fact);
                    itemsOfField.computeIfAbsent(field, f -> new ArrayList<>()).add(entry.id());
                    if (byField.containsKey(field)) {
                        before.add(field);
                        continue;
                    }
                    Question q = new Question(
                            subject, fact, kind(contract, schema), options(contract, schema), itemsOfField.get(field));
                    byField.put(field, q);
                    asked.add(q);
                }
                if (!asked.isEmpty() || !before.isEmpty()) {
                    items.add(new Item(entry.id(), String.valueOf(entry.level()), subject, asked, before));
                }
            }
            if (!items.isEmpty()) {
                measures.add(new Measure(measureId, items));
            }
        }
        return new Questionnaire(measures, byField);
    }

    private static Subject subject(SubjectType type) {
        if (type == null) {
            return null;
        }
        return switch (type.getValue()) {
            case "ORGANIZATION" -> Subject.ORGANIZATION;
            case "PRODUCT" -> Subject.PRODUCT;
            default -> null;
        };
    }

    private static Schema<?> schema(OpenAPI contract, String name) {
        Schema<?> schema = contract.getComponents().getSchemas().get(name);
        if (schema == null) {
            throw new IllegalStateException("the contract has no schema " + name);
        }
        return schema;
    }

    /** A schema with its {@code $ref} or single {@code allOf} reference followed. */
    @SuppressWarnings("rawtypes")
    static Schema<?> resolve(OpenAPI contract, Schema<?> schema) {
        for (int i = 0; schema != null && i < 10; i++) {
            if (schema.get$ref() != null) {
                String ref = schema.get$ref();
                schema = contract.getComponents().getSchemas().get(ref.substring(ref.lastIndexOf('/') + 1));
            } else if (schema.getAllOf() != null && schema.getAllOf().size() == 1 && schema.getProperties() == null) {
                schema = (Schema<?>) schema.getAllOf().get(0);
            } else {
                return schema;
            }
        }
        return schema;
    }

    /** The schema of a fact within a subject, following objects by the pointer's names. */
    private static Schema<?> at(OpenAPI contract, Schema<?> root, String pointer) {
        Schema<?> schema = resolve(contract, root);
        for (String name : pointer.substring(1).split("/")) {
            if (schema == null || schema.getProperties() == null) {
                return null;
            }
            schema = resolve(contract, schema.getProperties().get(name));
        }
        return schema;
    }

    private static String type(Schema<?> schema) {
        if (schema.getType() != null) {
            return schema.getType();
        }
        Set<String> types = schema.getTypes();
        if (types != null) {
            return types.stream().filter(t -> !t.equals("null")).findFirst().orElse(null);
        }
        return schema.getProperties() != null ? "object" : null;
    }

    private static Kind kind(OpenAPI contract, Schema<?> schema) {
        String type = type(schema);
        if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
            return Kind.CHOICE;
        }
        if (type == null) {
            return Kind.JSON;
        }
        return switch (type) {
            case "boolean" -> Kind.BOOLEAN;
            case "integer" -> Kind.WHOLE_NUMBER;
            case "number" -> Kind.NUMBER;
            case "string" ->
                "date".equals(schema.getFormat())
                        ? Kind.DATE
                        : "date-time".equals(schema.getFormat()) ? Kind.DATE_TIME : Kind.TEXT;
            case "array" -> {
                Schema<?> items = resolve(contract, schema.getItems());
                if (items != null && items.getEnum() != null && !items.getEnum().isEmpty()) {
                    yield Kind.CHOICES;
                }
                yield items != null && "string".equals(type(items)) && items.getFormat() == null
                        ? Kind.TEXTS
                        : Kind.JSON;
            }
            default -> Kind.JSON;
        };
    }

    private static List<String> options(OpenAPI contract, Schema<?> schema) {
        Schema<?> values = schema;
        if ("array".equals(type(schema))) {
            values = resolve(contract, schema.getItems());
        }
        if (values == null || values.getEnum() == null) {
            return List.of();
        }
        Set<String> options = new LinkedHashSet<>();
        for (Object value : values.getEnum()) {
            if (value != null) {
                options.add(String.valueOf(value));
            }
        }
        return List.copyOf(options);
    }
}
