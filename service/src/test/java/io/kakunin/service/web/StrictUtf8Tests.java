package io.kakunin.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.service.RawHttp;
import io.kakunin.service.TestKeys;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Request bodies are well-formed UTF-8 or refused: every non-shortest form, encoded surrogate,
 * code point above U+10FFFF, truncated sequence and stray byte is a 400 naming the field, on
 * every endpoint that reads JSON (one assessment, a sharing review, a line of a batch, a key),
 * and nothing is stored. Before, {@code C0 AF} was read as {@code /}: an organization ID
 * {@code acme/../secret} was stored without a {@code /} in its bytes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public class StrictUtf8Tests {

    /** Each ill-formed sequence, by what it is. */
    public static final Map<String, byte[]> MALFORMED = new LinkedHashMap<>();

    static {
        MALFORMED.put("an overlong '/' (C0 AF)", new byte[] {(byte) 0xC0, (byte) 0xAF});
        MALFORMED.put("an overlong '/' in three bytes (E0 80 AF)", new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF});
        MALFORMED.put(
                "an overlong '/' in four bytes (F0 80 80 AF)",
                new byte[] {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF});
        MALFORMED.put("an encoded surrogate (ED A0 80)", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
        MALFORMED.put(
                "a code point above U+10FFFF (F4 90 80 80)",
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80});
        MALFORMED.put("a byte UTF-8 never uses (FF)", new byte[] {(byte) 0xFF});
        MALFORMED.put("a stray continuation byte (80)", new byte[] {(byte) 0x80});
        MALFORMED.put("a sequence cut short (E3 81 + 'x')", new byte[] {(byte) 0xE3, (byte) 0x81, 'x'});
    }

    @LocalServerPort
    int port;

    /** The fixture's text with the organization id replaced by "acme" + bad bytes + "secret". */
    private static byte[] withBadId(String fixture, String field, byte[] bad) throws Exception {
        String json = Files.readString(Fixtures.root().resolve(fixture));
        String marker = "\"" + field + "\": \"";
        int at = json.indexOf(marker);
        if (at < 0) {
            marker = "\"" + field + "\":\"";
            at = json.indexOf(marker);
        }
        assertThat(at).as("%s has %s", fixture, field).isGreaterThanOrEqualTo(0);
        int valueStart = at + marker.length();
        int valueEnd = json.indexOf('"', valueStart);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(json.substring(0, valueStart).getBytes(StandardCharsets.UTF_8));
        out.writeBytes("acme".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bad);
        out.writeBytes("secret".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(json.substring(valueEnd).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private RawHttp.Response post(String path, String type, byte[] body) {
        return new RawHttp(port)
                .send(
                        "POST " + path + " HTTP/1.1",
                        List.of("X-API-Key: " + TestKeys.ALL, "Content-Type: " + type),
                        body);
    }

    @Test
    void everyIllFormedSequenceIsRefusedNamingTheFieldOnEveryEndpoint() throws Exception {
        String assessment = "product-security/ps-4.2-shared-default-password-fails/request.json";
        String review =
                "information-sharing/is-clean-de-identified-indicators-between-specialized-organizations-share-without-consent/request.json";
        for (Map.Entry<String, byte[]> bad : MALFORMED.entrySet()) {
            RawHttp.Response one =
                    post("/v1/assessments", "application/json", withBadId(assessment, "id", bad.getValue()));
            assertThat(one.status())
                    .as("assessment, %s: %s", bad.getKey(), one.body())
                    .isEqualTo(400);
            assertThat(one.json().path("errors").get(0).path("pointer").asString())
                    .as(bad.getKey())
                    .isEqualTo("/organization/id");
            assertThat(one.json().path("detail").asString()).contains("UTF-8");

            RawHttp.Response share =
                    post("/v1/sharing-reviews", "application/json", withBadId(review, "id", bad.getValue()));
            assertThat(share.status())
                    .as("review, %s: %s", bad.getKey(), share.body())
                    .isEqualTo(400);
            assertThat(share.json().path("detail").asString()).contains("UTF-8");

            ByteArrayOutputStream key = new ByteArrayOutputStream();
            key.writeBytes("{\"name\":\"ops".getBytes(StandardCharsets.UTF_8));
            key.writeBytes(bad.getValue());
            key.writeBytes("\",\"roles\":[\"AUDITOR\"]}".getBytes(StandardCharsets.UTF_8));
            RawHttp.Response created = post("/v1/api-keys", "application/json", key.toByteArray());
            assertThat(created.status())
                    .as("key, %s: %s", bad.getKey(), created.body())
                    .isEqualTo(400);
            assertThat(created.json().path("errors").get(0).path("pointer").asString())
                    .isEqualTo("/name");

            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            byte[] good = Files.readString(Fixtures.root().resolve(assessment))
                    .replace("\n", " ")
                    .getBytes(StandardCharsets.UTF_8);
            batch.writeBytes(good);
            batch.write('\n');
            batch.writeBytes(new String(withBadId(assessment, "id", bad.getValue()), StandardCharsets.ISO_8859_1)
                    .replace("\n", " ")
                    .getBytes(StandardCharsets.ISO_8859_1));
            batch.write('\n');
            RawHttp.Response lines = post("/v1/assessments:batch", "application/x-ndjson", batch.toByteArray());
            assertThat(lines.status()).isEqualTo(200);
            List<String> results = lines.body().lines().toList();
            assertThat(results).hasSize(2);
            assertThat(results.get(0)).as("the good line is stored").contains("\"status\":201");
            assertThat(results.get(1))
                    .as("the bad line, %s", bad.getKey())
                    .contains("\"status\":400")
                    .contains("UTF-8");
        }
        RawHttp.Response listed = new RawHttp(port)
                .send(
                        "GET /v1/assessments?organizationId=acme%2F..%2Fsecret HTTP/1.1",
                        List.of("X-API-Key: " + TestKeys.ALL), null);
        assertThat(listed.json().path("items").size())
                .as("nothing stored under the decoded id")
                .isZero();
    }

    @Test
    void wellFormedTextInEveryScriptIsRead() throws Exception {
        String assessment = "product-security/ps-4.2-shared-default-password-fails/request.json";
        for (String text : List.of("株式会社", "稽核", "é", "😀", "\u0800", "\uFFFD")) {
            RawHttp.Response one = post(
                    "/v1/assessments",
                    "application/json",
                    withBadId(assessment, "name", text.getBytes(StandardCharsets.UTF_8)));
            assertThat(one.status()).as("%s: %s", text, one.body()).isEqualTo(201);
        }
    }
}
