package io.kakunin.service.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.service.JsonConfiguration;
import io.kakunin.service.KakuninProperties;
import io.kakunin.service.sharing.VictimProfilePrivacy;
import jakarta.validation.Valid;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every kind of fault a request body can have is told in the language the caller asks for
 * ({@code Accept-Language}: English, Japanese, Traditional Chinese), naming the field and what
 * the contract allows, and nothing of the implementation; and a body with several faults is
 * answered with all of them at once. In a Spring MVC slice with the service's strict reading, the
 * problem factory and a controller that takes the contract's assessment request.
 */
@WebMvcTest(
        controllers = InputFaultMessagesTests.Stimuli.class,
        properties = {"kakunin.limits.max-body-size=64KB", "kakunin.limits.max-string-length=1000"})
@Import({InputFaultMessagesTests.Stimuli.class, Problems.class, JsonConfiguration.class, VictimProfilePrivacy.class})
@EnableConfigurationProperties(KakuninProperties.class)
class InputFaultMessagesTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PATH = "/stimuli/assessment";

    @Autowired
    MockMvc mvc;

    @RestController
    static class Stimuli {
        @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE)
        void assessment(@Valid @RequestBody AssessmentRequest request) {}
    }

    record Answer(int status, String language, JsonNode problem) {}

    private Answer send(byte[] body, String language) throws Exception {
        var request = post(PATH).contentType(MediaType.APPLICATION_JSON).content(body);
        if (language != null) {
            request.header("Accept-Language", language);
        }
        MvcResult result = mvc.perform(request).andReturn();
        return new Answer(
                result.getResponse().getStatus(),
                result.getResponse().getHeader("Content-Language"),
                JSON.readTree(result.getResponse().getContentAsString(StandardCharsets.UTF_8)));
    }

    private Answer send(String body, String language) throws Exception {
        return send(body.getBytes(StandardCharsets.UTF_8), language);
    }

    private static String product(String members) {
        return "{\"organization\":{},\"products\":[{" + members + "}]}";
    }

    private static String many(int faults) {
        StringBuilder json = new StringBuilder("{\"organization\":{},\"products\":[");
        for (int i = 0; i < faults; i++) {
            json.append(i == 0 ? "" : ",").append("{\"defaultPasswordPolicy\":\"NOPE\"}");
        }
        return json.append("]}").toString();
    }

    private static byte[] overlong() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"organization\":{\"id\":\"acme".getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[] {(byte) 0xC0, (byte) 0xAF});
        body.writeBytes("x\"},\"products\":[{}]}".getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    static final String ALLOWED_POLICIES = "UNIQUE_PER_DEVICE, USER_SET_AT_FIRST_USE, NO_PASSWORD_AUTH, SHARED";
    static final String IDENTIFIER = "^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$";

    /** Kind, body, the pointer of the first entry, and its detail in English, Japanese and Traditional Chinese. */
    static Stream<Arguments> kinds() {
        return Stream.of(
                arguments(
                        "unknown field",
                        "{\"organization\":{\"nmae\":\"Acme\"},\"products\":[{}]}",
                        "/organization/nmae",
                        "'nmae' is not a field of this object; its fields are: contactWindow, ",
                        "「nmae」はこのオブジェクトのフィールドではありません。指定できるフィールド: contactWindow, ",
                        "「nmae」不是此物件的欄位。可用的欄位：contactWindow, "),
                arguments(
                        "wrong type",
                        "{\"organization\":{\"id\":7},\"products\":[{}]}",
                        "/organization/id",
                        "'id' must be a string, not a number",
                        "「id」には文字列を指定してください（数値が指定されています）",
                        "「id」必須是字串，而非數值"),
                arguments(
                        "a string for a number",
                        product("\"networkServices\":[{\"port\":\"22\"}]"),
                        "/products/0/networkServices/0/port",
                        "'port' must be a whole number, not a string",
                        "「port」には整数を指定してください（文字列が指定されています）",
                        "「port」必須是整數，而非字串"),
                arguments(
                        "a number JSON can write but no field can hold",
                        product("\"networkServices\":[{\"port\":1e309}]"),
                        "/products/0/networkServices/0/port",
                        "'port' must be a whole number, not a number with a fraction or an exponent",
                        "「port」には整数を指定してください（小数または指数表記の数値が指定されています）",
                        "「port」必須是整數，而非含小數或指數的數值"),
                arguments(
                        "bad enum value",
                        product("\"defaultPasswordPolicy\":\"SHARED \""),
                        "/products/0/defaultPasswordPolicy",
                        "'defaultPasswordPolicy' does not allow 'SHARED '; allowed values: " + ALLOWED_POLICIES,
                        "「defaultPasswordPolicy」に「SHARED 」は指定できません。指定できる値: " + ALLOWED_POLICIES,
                        "「defaultPasswordPolicy」不接受「SHARED 」。可用的值：" + ALLOWED_POLICIES),
                arguments(
                        "impossible date",
                        "{\"assessmentDate\":\"2026-02-30\",\"organization\":{},\"products\":[{}]}",
                        "/assessmentDate",
                        "'assessmentDate' must be a date that exists, written YYYY-MM-DD; '2026-02-30' is not",
                        "「assessmentDate」には実在する日付を YYYY-MM-DD 形式で指定してください（「2026-02-30」は日付として正しくありません）",
                        "「assessmentDate」必須是以 YYYY-MM-DD 格式表示的有效日期（「2026-02-30」不是有效的日期）"),
                arguments(
                        "number out of range",
                        product("\"networkServices\":[{\"port\":99999999999}]"),
                        "/products/0/networkServices/0/port",
                        "'port' must be a whole number from 0 to 65535; 99999999999 is out of range",
                        "「port」には 0 から 65535 までの整数を指定してください（99999999999 は範囲外です）",
                        "「port」必須是介於 0 到 65535 之間的整數（99999999999 超出範圍）"),
                arguments(
                        "number above the contract's maximum",
                        product("\"networkServices\":[{\"port\":70000}]"),
                        "/products/0/networkServices/0/port",
                        "'port' must be at most 65535",
                        "「port」には 65535 以下の値を指定してください",
                        "「port」不得大於 65535"),
                arguments(
                        "string longer than the contract allows",
                        "{\"organization\":{\"id\":\"" + "x".repeat(201) + "\"},\"products\":[{}]}",
                        "/organization/id",
                        "'id' must be from 1 to 200 characters long",
                        "「id」は 1 文字以上 200 文字以内で指定してください",
                        "「id」的長度須介於 1 到 200 個字元之間"),
                arguments(
                        "string longer than the service reads",
                        "{\"organization\":{\"name\":\"" + "x".repeat(1001) + "\"},\"products\":[{}]}",
                        "/organization/name",
                        "'name' is longer than 1000 characters, the most this service reads in one string",
                        "「name」の文字列が、このサービスで受け付ける上限の 1000 文字を超えています",
                        "「name」的字串超過本服務可接受的上限 1000 個字元"),
                arguments(
                        "pattern",
                        "{\"organization\":{\"id\":\"acme corp\"},\"products\":[{}]}",
                        "/organization/id",
                        "'id' must match the pattern " + IDENTIFIER,
                        "「id」には正規表現 " + IDENTIFIER + " に一致する値を指定してください",
                        "「id」必須符合正規表示式 " + IDENTIFIER),
                arguments(
                        "required member missing",
                        "{\"products\":[{}]}",
                        "/organization",
                        "'organization' is required",
                        "「organization」は必須です",
                        "「organization」為必填欄位"),
                arguments(
                        "empty list",
                        "{\"organization\":{},\"products\":[]}",
                        "/products",
                        "'products' must hold from 1 to 200 elements",
                        "「products」の要素は 1 個以上 200 個以内にしてください",
                        "「products」須包含 1 到 200 個元素"),
                arguments(
                        "control character",
                        "{\"organization\":{\"name\":\"Ac\\u0007me\"},\"products\":[{}]}",
                        "/organization/name",
                        "'name' contains the control character U+0007 (character 3); only tab, line feed and carriage return are allowed",
                        "「name」の 3 文字目に制御文字 U+0007 が含まれています。使用できる制御文字はタブ、改行（LF）、復帰（CR）のみです",
                        "「name」的第 3 個字元是控制字元 U+0007。僅允許使用定位字元（Tab）、換行（LF）與歸位（CR）"),
                arguments(
                        "malformed JSON",
                        "{\"organization\":{},\"products\":[{",
                        "/products/0",
                        "the body is not valid JSON at line 1, column 33: the body ends before the JSON value is complete",
                        "本文の 1 行 33 列目が JSON として正しくありません: JSON の値が完結する前に本文が終わっています",
                        "內容的第 1 行第 33 欄不是有效的 JSON：JSON 值尚未完整，內容就已結束"),
                arguments(
                        "a bare word",
                        product("\"defaultPasswordPolicy\":SHARED"),
                        "/products/0/defaultPasswordPolicy",
                        "the body is not valid JSON at line 1, column 57: 'SHARED' is not a JSON value (strings are written in double quotes; NaN and Infinity are not numbers in JSON)",
                        "本文の 1 行 57 列目が JSON として正しくありません: 「SHARED」は JSON の値ではありません（文字列は二重引用符で囲みます。NaN や Infinity は JSON の数値ではありません）",
                        "內容的第 1 行第 57 欄不是有效的 JSON：「SHARED」不是 JSON 值（字串須以雙引號括住；NaN 與 Infinity 不是 JSON 的數值）"),
                arguments(
                        "a field given twice",
                        "{\"organization\":{\"id\":\"a\",\"id\":\"b\"},\"products\":[{}]}",
                        "/organization/id",
                        "the body is not valid JSON at line 1, column 31: the field 'id' is given twice in one object",
                        "本文の 1 行 31 列目が JSON として正しくありません: 1 つのオブジェクトにフィールド「id」が 2 回指定されています",
                        "內容的第 1 行第 31 欄不是有效的 JSON：同一個物件中的欄位「id」出現了兩次"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void eachKindOfFaultIsToldInTheCallersLanguage(
            String kind, String body, String pointer, String english, String japanese, String chinese)
            throws Exception {
        String[][] languages = {
            {null, "en", english},
            {"en-US", "en", english},
            {"ja", "ja", japanese},
            {"ja-JP,ja;q=0.9,en;q=0.8", "ja", japanese},
            {"zh-TW", "zh-TW", chinese},
            {"zh", "zh-TW", chinese}
        };
        for (String[] language : languages) {
            Answer answer = send(body, language[0]);
            assertThat(answer.status())
                    .as("%s in %s: %s", kind, language[0], answer.problem())
                    .isEqualTo(400);
            assertThat(answer.language()).as("Content-Language").isEqualTo(language[1]);
            JsonNode first = answer.problem().path("errors").get(0);
            assertThat(first.path("pointer").asString()).as(kind).isEqualTo(pointer);
            assertThat(first.path("detail").asString())
                    .as("%s in %s", kind, language[0])
                    .startsWith(language[2]);
            assertThat(answer.problem().path("detail").asString()).startsWith(pointer + ": " + language[2]);
            assertThat(answer.problem().path("title").asString())
                    .isEqualTo(
                            switch (language[1]) {
                                case "ja" -> "リクエストが正しくありません";
                                case "zh-TW" -> "請求無效";
                                default -> "The request is invalid";
                            });
        }
    }

    @Test
    void bytesThatAreNotUtf8AreToldInTheCallersLanguage() throws Exception {
        assertThat(send(overlong(), "en")
                        .problem()
                        .path("errors")
                        .get(0)
                        .path("detail")
                        .asString())
                .isEqualTo("'id' holds bytes that are not well-formed UTF-8 (at byte 27 of the body); "
                        + "send the text as UTF-8, each character in its shortest form");
        assertThat(send(overlong(), "ja")
                        .problem()
                        .path("errors")
                        .get(0)
                        .path("detail")
                        .asString())
                .isEqualTo("「id」に UTF-8 として正しくないバイト列が含まれています（本文の 27 バイト目）。" + "テキストは、各文字を最短の形式で表した UTF-8 で送信してください");
        assertThat(send(overlong(), "zh-TW")
                        .problem()
                        .path("errors")
                        .get(0)
                        .path("detail")
                        .asString())
                .isEqualTo("「id」含有不符合 UTF-8 規範的位元組（位於內容的第 27 個位元組）。" + "請以 UTF-8 傳送文字，且每個字元皆使用最短的編碼形式");
    }

    @Test
    void aHundredFaultsAreListedAndTheDetailSaysThereAreMore() throws Exception {
        String first = "/products/0/defaultPasswordPolicy: 'defaultPasswordPolicy' does not allow 'NOPE'";
        Answer en = send(many(150), "en");
        assertThat(en.problem().path("errors")).hasSize(100);
        assertThat(en.problem().path("detail").asString())
                .startsWith(first)
                .endsWith("(and more: the request has more than 100 faults, of which the first 100 are listed)");
        assertThat(send(many(150), "ja").problem().path("detail").asString())
                .endsWith("（ほかにも誤りがあります。誤りが 100 件を超えるため、最初の 100 件のみを示します）");
        assertThat(send(many(150), "zh-TW").problem().path("detail").asString())
                .endsWith("（另有其他錯誤：錯誤超過 100 項，僅列出前 100 項）");
        // Exactly as many as are listed is not "more".
        Answer hundred = send(many(100), "en");
        assertThat(hundred.problem().path("errors")).hasSize(100);
        assertThat(hundred.problem().path("detail").asString()).endsWith("(and 99 more)");
        assertThat(send(many(100), "ja").problem().path("detail").asString()).endsWith("（ほか 99 件）");
        assertThat(send(many(100), "zh-TW").problem().path("detail").asString()).endsWith("（另有 99 項）");
    }

    /**
     * The five faults of issue 15 (an enum value with a trailing space, a day that does not exist,
     * a string for a number, a misspelt member, an identifier off its pattern) are five entries:
     * those the reader found in document order, then what the contract's constraints find in what
     * was read; a field the reader could not read is not also reported missing.
     */
    @Test
    void aBodyWithFiveFaultsIsAnsweredWithFive() throws Exception {
        String body = """
                {"assessmentDate":"2026-02-30",
                 "organization":{"id":"acme corp","monitoringIntervalDays":"30","nmae":"Acme"},
                 "products":[{"defaultPasswordPolicy":"SHARED "}]}""";
        JsonNode problem = send(body, "en").problem();

        List<String> pointers = new ArrayList<>();
        problem.path("errors").forEach(e -> pointers.add(e.path("pointer").asString()));
        assertThat(pointers)
                .containsExactly(
                        "/assessmentDate",
                        "/organization/monitoringIntervalDays",
                        "/organization/nmae",
                        "/products/0/defaultPasswordPolicy",
                        "/organization/id");
        assertThat(problem.path("detail").asString())
                .isEqualTo("/assessmentDate: 'assessmentDate' must be a date that exists, written YYYY-MM-DD;"
                        + " '2026-02-30' is not (and 4 more)");
        assertThat(send(body, "ja").problem().path("detail").asString()).endsWith("（ほか 4 件）");
    }

    @Test
    void aRequiredFieldThatCouldNotBeReadIsNamedOnceForWhatItIs() throws Exception {
        JsonNode problem = send("{\"organization\":5,\"products\":[{}]}", "en").problem();

        assertThat(problem.path("errors")).hasSize(1);
        assertThat(problem.path("errors").get(0).path("detail").asString())
                .isEqualTo("'organization' must be an object, not a number");
    }

    @Test
    void noMessageNamesTheImplementation() throws Exception {
        List<String> bodies = new ArrayList<>();
        kinds().forEach(a -> bodies.add((String) a.get()[1]));
        bodies.add(many(150));
        for (String body : bodies) {
            for (String language : List.of("en", "ja", "zh-TW")) {
                String answer = send(body, language).problem().toString();
                assertThat(answer)
                        .as(body.length() > 200 ? body.substring(0, 200) : body)
                        .doesNotContain("StreamReadConstraints")
                        .doesNotContain("Infinity'")
                        .doesNotContain("Jackson")
                        .doesNotContain("java.")
                        .doesNotContain("tools.")
                        .doesNotContainPattern("[A-Za-z]+(?:Exception|Error)\\b")
                        .doesNotContainPattern("\\b(?:get|set)[A-Z][A-Za-z]+\\(");
            }
        }
    }
}
