package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kakunin.api.model.Waiver;
import io.kakunin.api.model.WaiverEvent;
import io.kakunin.api.model.WaiverEventType;
import io.kakunin.api.model.WaiverList;
import io.kakunin.api.model.WaiverRequest;
import io.kakunin.api.model.WaiverRevocation;
import io.kakunin.api.model.WaiverStatus;
import io.kakunin.client.ApiClient;
import io.kakunin.client.ApiException;
import io.kakunin.client.ApiResponse;
import io.kakunin.client.api.WaiversApi;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Waivers over HTTP, through the generated Java client an integrator would use: asked for,
 * approved by another risk owner (never by the one who asked), revoked; an expiry given as a day
 * ends at midnight in the time zone the waiver states; faults the schema cannot express are named
 * field by field in the caller's language; listings filter and page. The service's clock is one
 * this test can stop at a chosen instant, so that expiry is seen at its exact instant without
 * waiting for it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class WaiverApiTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The system's time, or an instant it is stopped at. */
    static final class StoppableClock extends Clock {

        private volatile Instant stopped;

        void stopAt(Instant instant) {
            stopped = instant;
        }

        void run() {
            stopped = null;
        }

        @Override
        public Instant instant() {
            Instant at = stopped;
            return at != null ? at : Instant.now();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the service's clock is UTC");
        }
    }

    @TestConfiguration
    static class Clocks {

        @Bean
        @Primary
        StoppableClock stoppableClock() {
            return new StoppableClock();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    StoppableClock clock;

    String organization;

    @BeforeEach
    void anOrganizationOfItsOwn() {
        organization = "org-" + UUID.randomUUID();
    }

    @AfterEach
    void timeRunsAgain() {
        clock.run();
    }

    private WaiversApi as(String key) {
        ApiClient client = new ApiClient();
        client.setRequestInterceptor(request -> request.header("X-API-Key", key));
        client.updateBaseUri("http://localhost:" + port);
        return new WaiversApi(client);
    }

    private WaiverRequest request() {
        return new WaiverRequest()
                .organizationId(organization)
                .productId("cam-100")
                .recommendationId("PS-4.2")
                .justification("Legacy NetCam 100 hardware cannot hold per-device secrets; replaced in March 2027.")
                .evidence("https://grc.example.jp/risk-register/RA-2026-114")
                .startsAt(OffsetDateTime.parse("2026-12-01T00:00:00+09:00"))
                .expiresOn(LocalDate.parse("2027-03-31"))
                .timeZone("Asia/Tokyo");
    }

    /** The answer's problem, after checking its status and type. */
    private static JsonNode refused(ThrowingCallable call, int status, String type) {
        List<JsonNode> problem = new ArrayList<>();
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.getCode()).as(e.getResponseBody()).isEqualTo(status);
            assertThat(e.getResponseHeaders().firstValue("Content-Type").orElse(""))
                    .startsWith("application/problem+json");
            JsonNode body = JSON.readTree(e.getResponseBody());
            assertThat(body.path("type").asString()).isEqualTo("urn:kakunin:problem:" + type);
            assertThat(body.path("status").asInt()).isEqualTo(status);
            problem.add(body);
        });
        return problem.get(0);
    }

    private static List<WaiverEventType> steps(Waiver w) {
        return w.getHistory().stream().map(WaiverEvent::getType).toList();
    }

    @Test
    void aWaiverAskedForByOneRiskOwnerIsApprovedByAnotherAndNeverByTheOneWhoAsked() throws Exception {
        WaiversApi asker = as(TestKeys.RISK_OWNER);
        WaiversApi other = as(TestKeys.RISK_OWNER_2);

        ApiResponse<Waiver> created = asker.createWaiverWithHttpInfo(request(), null);
        assertThat(created.getStatusCode()).isEqualTo(201);
        Waiver w = created.getData();
        assertThat(created.getHeaders().get("location").get(0)).endsWith("/v1/waivers/" + w.getId());
        assertThat(w.getStatus()).isEqualTo(WaiverStatus.REQUESTED);
        assertThat(w.getRequestedBy()).startsWith("key:");
        assertThat(w.getApprovedBy()).isNull();
        assertThat(steps(w)).containsExactly(WaiverEventType.REQUESTED);

        JsonNode own = refused(() -> asker.approveWaiver(w.getId()), 409, "own-request");
        assertThat(own.path("detail").asString()).contains(w.getId().toString(), "another RISK_OWNER");
        Waiver unchanged = asker.getWaiver(w.getId());
        assertThat(unchanged.getStatus()).as("nothing recorded").isEqualTo(WaiverStatus.REQUESTED);
        assertThat(steps(unchanged)).containsExactly(WaiverEventType.REQUESTED);

        refused(() -> as(TestKeys.SUBMITTER_A).approveWaiver(w.getId()), 403, "forbidden");

        Waiver approved = other.approveWaiver(w.getId());
        assertThat(approved.getStatus()).isEqualTo(WaiverStatus.APPROVED);
        assertThat(approved.getApprovedBy()).startsWith("key:").isNotEqualTo(w.getRequestedBy());
        assertThat(approved.getApprovedAt()).isNotNull();
        assertThat(steps(approved)).containsExactly(WaiverEventType.REQUESTED, WaiverEventType.APPROVED);
        assertThat(asker.getWaiver(w.getId())).isEqualTo(approved);
        refused(() -> other.approveWaiver(w.getId()), 409, "waiver-approved");

        Waiver revoked = asker.revokeWaiver(w.getId(), new WaiverRevocation().reason("The legacy cameras are gone."));
        assertThat(revoked.getStatus()).isEqualTo(WaiverStatus.REVOKED);
        assertThat(revoked.getRevokedBy()).isEqualTo(w.getRequestedBy());
        assertThat(steps(revoked))
                .containsExactly(WaiverEventType.REQUESTED, WaiverEventType.APPROVED, WaiverEventType.REVOKED);
        assertThat(revoked.getHistory().get(2).getNote()).isEqualTo("The legacy cameras are gone.");
        refused(() -> other.revokeWaiver(w.getId(), new WaiverRevocation().reason("again")), 409, "waiver-revoked");

        Waiver withdrawn = asker.createWaiver(request(), null);
        assertThat(other.revokeWaiver(withdrawn.getId(), new WaiverRevocation().reason("Not needed after all."))
                        .getStatus())
                .isEqualTo(WaiverStatus.REVOKED);
        refused(() -> other.approveWaiver(withdrawn.getId()), 409, "waiver-revoked");

        refused(() -> other.approveWaiver(UUID.randomUUID()), 404, "not-found");
    }

    /** A submitter may ask; a risk owner, even one holding every other role, approves. */
    @Test
    void aSubmitterAsksAndSeesOnlyItsOwnWaivers() throws Exception {
        Waiver mine = as(TestKeys.SUBMITTER_A).createWaiver(request(), null);
        assertThat(mine.getStatus()).isEqualTo(WaiverStatus.REQUESTED);
        assertThat(as(TestKeys.SUBMITTER_A).getWaiver(mine.getId())).isEqualTo(mine);
        refused(() -> as(TestKeys.SUBMITTER_B).getWaiver(mine.getId()), 404, "not-found");
        assertThat(as(TestKeys.SUBMITTER_B)
                        .listWaivers(organization, null, null, null, null, null, null)
                        .getItems())
                .isEmpty();
        assertThat(as(TestKeys.AUDITOR)
                        .listWaivers(organization, null, null, null, null, null, null)
                        .getItems())
                .extracting(Waiver::getId)
                .containsExactly(mine.getId());
        assertThat(as(TestKeys.ALL).approveWaiver(mine.getId()).getStatus()).isEqualTo(WaiverStatus.APPROVED);
        refused(() -> as(TestKeys.AUDITOR).createWaiver(request(), null), 403, "forbidden");
    }

    @Test
    void anExpiryGivenAsADayEndsAtMidnightInTheTimeZoneTheWaiverStates() throws Exception {
        WaiversApi asker = as(TestKeys.RISK_OWNER);
        WaiversApi approver = as(TestKeys.RISK_OWNER_2);
        Waiver tokyo =
                approver.approveWaiver(asker.createWaiver(request(), null).getId());
        Waiver losAngeles = approver.approveWaiver(
                asker.createWaiver(request().productId("cam-200").timeZone("America/Los_Angeles"), null)
                        .getId());
        Waiver pending = asker.createWaiver(request().productId("cam-300"), null);

        Instant endInTokyo = Instant.parse("2027-03-31T15:00:00Z");
        Instant endInLosAngeles = Instant.parse("2027-04-01T07:00:00Z");
        assertThat(tokyo.getExpiresAt().toInstant()).isEqualTo(endInTokyo);
        assertThat(tokyo.getExpiresOn()).isEqualTo(LocalDate.parse("2027-03-31"));
        assertThat(tokyo.getTimeZone()).isEqualTo("Asia/Tokyo");
        assertThat(losAngeles.getExpiresAt().toInstant())
                .as("midnight in Los Angeles, on daylight saving time (UTC-7)")
                .isEqualTo(endInLosAngeles);

        clock.stopAt(endInTokyo.minusMillis(1));
        assertThat(asker.getWaiver(tokyo.getId()).getStatus()).isEqualTo(WaiverStatus.APPROVED);
        assertThat(asker.getWaiver(losAngeles.getId()).getStatus()).isEqualTo(WaiverStatus.APPROVED);

        clock.stopAt(endInTokyo);
        Waiver expired = asker.getWaiver(tokyo.getId());
        assertThat(expired.getStatus()).isEqualTo(WaiverStatus.EXPIRED);
        WaiverEvent last = expired.getHistory().get(expired.getHistory().size() - 1);
        assertThat(last.getType()).isEqualTo(WaiverEventType.EXPIRED);
        assertThat(last.getAt().toInstant()).isEqualTo(endInTokyo);
        assertThat(last.getBy()).as("time alone brings it").isNull();
        assertThat(asker.getWaiver(losAngeles.getId()).getStatus()).isEqualTo(WaiverStatus.APPROVED);
        assertThat(asker.listWaivers(organization, null, null, null, WaiverStatus.EXPIRED, null, null)
                        .getItems())
                .extracting(Waiver::getId)
                .containsExactlyInAnyOrder(tokyo.getId(), pending.getId());
        JsonNode late = refused(() -> approver.approveWaiver(pending.getId()), 409, "waiver-expired");
        assertThat(late.path("detail").asString()).contains("covers nothing");
        refused(
                () -> approver.revokeWaiver(tokyo.getId(), new WaiverRevocation().reason("too late")),
                409,
                "waiver-expired");

        clock.stopAt(endInLosAngeles.minusMillis(1));
        assertThat(asker.getWaiver(losAngeles.getId()).getStatus()).isEqualTo(WaiverStatus.APPROVED);
        clock.stopAt(endInLosAngeles);
        assertThat(asker.getWaiver(losAngeles.getId()).getStatus()).isEqualTo(WaiverStatus.EXPIRED);
    }

    /**
     * What the schema cannot say (a recommendation or a measure, an instant or a day, a time zone
     * that exists, an expiry after the start) is refused with every field at fault named, in the
     * caller's language, naming nothing of the implementation; nothing is stored.
     */
    @Test
    void faultsBeyondTheSchemaNameEveryFieldInTheCallersLanguage() throws Exception {
        WaiversApi asker = as(TestKeys.RISK_OWNER);
        WaiverRequest everythingTwice = request()
                .measure("PS-4")
                .expiresAt(OffsetDateTime.parse("2027-03-31T15:00:00Z"))
                .timeZone("Mars/Olympus_Mons");
        WaiverRequest nothing = request().recommendationId(null).expiresOn(null).timeZone(null);
        WaiverRequest dayWithoutZone = request().timeZone(null);
        WaiverRequest backwards =
                request().expiresOn(null).timeZone(null).expiresAt(OffsetDateTime.parse("2026-11-30T15:00:00Z"));

        record Case(WaiverRequest request, String language, List<String> pointers, String words) {}
        for (Case c : List.of(
                new Case(everythingTwice, "ja", List.of("/measure", "/expiresOn", "/timeZone"), "タイムゾーン"),
                new Case(nothing, "en", List.of("/recommendationId", "/expiresAt"), "or 'measure' is required"),
                new Case(dayWithoutZone, "zh-TW", List.of("/timeZone"), "時區"),
                new Case(backwards, "en", List.of("/expiresAt"), "must come after 'startsAt'"))) {
            Consumer<JsonNode> check = problem -> {
                List<String> pointers = new ArrayList<>();
                problem.path("errors")
                        .forEach(e -> pointers.add(e.path("pointer").asString()));
                assertThat(pointers).as(c.language()).containsExactlyElementsOf(c.pointers());
                assertThat(problem.toString()).as(c.language()).contains(c.words());
                assertThat(problem.path("detail").asString())
                        .startsWith(c.pointers().get(0) + ": ");
                assertThat(problem.toString()).doesNotContain("java.", "Exception", "io.kakunin", "Waivers", "Fault");
            };
            List<ApiException> thrown = new ArrayList<>();
            assertThatThrownBy(() -> asker.createWaiver(c.request(), c.language()))
                    .isInstanceOfSatisfying(ApiException.class, thrown::add);
            ApiException e = thrown.get(0);
            assertThat(e.getCode()).as(e.getResponseBody()).isEqualTo(400);
            assertThat(e.getResponseHeaders().firstValue("Content-Language")).hasValue(c.language());
            JsonNode problem = JSON.readTree(e.getResponseBody());
            assertThat(problem.path("type").asString()).isEqualTo("urn:kakunin:problem:invalid-request");
            check.accept(problem);
        }
        JsonNode japanese = refused(() -> asker.createWaiver(everythingTwice, "ja"), 400, "invalid-request");
        assertThat(japanese.path("title").asString()).isEqualTo("リクエストが正しくありません");
        assertThat(japanese.path("detail").asString()).contains("（ほか 2 件）");
        assertThat(asker.listWaivers(organization, null, null, null, null, null, null)
                        .getItems())
                .as("nothing stored")
                .isEmpty();
    }

    /**
     * The contract's limits count characters, and the store keeps what the contract allows: texts at
     * their limit in characters outside the BMP (two UTF-16 units each) are stored and read back whole.
     */
    @Test
    void textsAtTheirLimitInCharactersOutsideTheBmpAreKeptWhole() throws Exception {
        String face = new String(Character.toChars(0x1F600));
        Waiver asked = as(TestKeys.RISK_OWNER)
                .createWaiver(request().justification(face.repeat(2000)).evidence(face.repeat(1000)), null);
        Waiver read = as(TestKeys.RISK_OWNER_2).getWaiver(asked.getId());
        assertThat(read.getJustification()).isEqualTo(face.repeat(2000));
        assertThat(read.getEvidence()).isEqualTo(face.repeat(1000));
        Waiver revoked =
                as(TestKeys.RISK_OWNER_2).revokeWaiver(asked.getId(), new WaiverRevocation().reason(face.repeat(2000)));
        assertThat(revoked.getHistory().get(revoked.getHistory().size() - 1).getNote())
                .isEqualTo(face.repeat(2000));
        refused(
                () -> as(TestKeys.RISK_OWNER).createWaiver(request().justification(face.repeat(2001)), null),
                400,
                "invalid-request");
    }

    @Test
    void listingsFilterByScopeAndStatusAndPageNewestFirst() throws Exception {
        WaiversApi asker = as(TestKeys.RISK_OWNER);
        WaiversApi approver = as(TestKeys.RISK_OWNER_2);
        List<UUID> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(asker.createWaiver(request(), null).getId());
        }
        UUID measure = asker.createWaiver(
                        request().productId(null).recommendationId(null).measure("PS-4"), null)
                .getId();
        created.add(measure);
        UUID otherProduct =
                asker.createWaiver(request().productId("cam-200"), null).getId();
        created.add(otherProduct);
        approver.approveWaiver(created.get(0));
        approver.approveWaiver(measure);
        approver.revokeWaiver(created.get(1), new WaiverRevocation().reason("withdrawn"));

        List<UUID> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            WaiverList page = asker.listWaivers(organization, null, null, null, null, 2, cursor);
            assertThat(page.getItems()).hasSizeLessThanOrEqualTo(2);
            page.getItems().forEach(w -> paged.add(w.getId()));
            cursor = page.getNextCursor();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(paged).containsExactlyElementsOf(newestFirst(created));

        assertThat(ids(asker.listWaivers(organization, null, null, "PS-4", null, null, null)))
                .containsExactly(measure);
        assertThat(ids(asker.listWaivers(organization, "cam-200", null, null, null, null, null)))
                .containsExactly(otherProduct);
        assertThat(ids(asker.listWaivers(organization, "cam-100", "PS-4.2", null, null, null, null)))
                .containsExactly(created.get(2), created.get(1), created.get(0));
        assertThat(ids(asker.listWaivers(organization, null, null, null, WaiverStatus.APPROVED, null, null)))
                .containsExactly(measure, created.get(0));
        assertThat(ids(asker.listWaivers(organization, null, null, null, WaiverStatus.REVOKED, null, null)))
                .containsExactly(created.get(1));
        assertThat(ids(asker.listWaivers(organization, null, null, null, WaiverStatus.REQUESTED, null, null)))
                .containsExactly(otherProduct, created.get(2));
        assertThat(ids(as(TestKeys.AUDITOR).listWaivers(organization, null, null, null, null, 50, null)))
                .containsExactlyElementsOf(newestFirst(created));

        refused(() -> asker.listWaivers(organization, null, null, "PS-4.2", null, null, null), 400, "invalid-request");
    }

    private static List<UUID> newestFirst(List<UUID> created) {
        List<UUID> reversed = new ArrayList<>(created);
        java.util.Collections.reverse(reversed);
        return reversed;
    }

    private static List<UUID> ids(WaiverList page) {
        return page.getItems().stream().map(Waiver::getId).toList();
    }
}
