package io.kakunin.service.waivers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.Waiver;
import io.kakunin.api.model.WaiverEvent;
import io.kakunin.api.model.WaiverEventType;
import io.kakunin.api.model.WaiverStatus;
import io.kakunin.kb.Waivers;
import io.kakunin.service.storage.Page;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the waiver store must do, on every database the service supports: a waiver is written
 * once and never changed, its approval and revocation are events of their own, the requester
 * cannot approve it, listings filter and page, and the waivers an evaluation reads are those that
 * can apply.
 */
abstract class WaiverStoreContract {

    private static final Instant REQUESTED = Instant.parse("2026-11-28T02:10:00Z");

    @Autowired
    WaiverStore store;

    @Autowired
    JdbcTemplate jdbc;

    private static UUID newId() {
        return io.kakunin.service.web.Ids.newId(java.time.Clock.systemUTC());
    }

    private Waiver requested(String org) {
        Waiver w = new Waiver()
                .id(newId())
                .requestedAt(REQUESTED.atOffset(ZoneOffset.UTC))
                .requestedBy("key:requester")
                .organizationId(org)
                .productId("cam-100")
                .recommendationId("PS-4.2")
                .justification("Legacy hardware; replaced in the March 2027 refresh.")
                .evidence("https://grc.example.jp/risk-register/RA-2026-114")
                .startsAt(OffsetDateTime.parse("2026-12-01T00:00:00+09:00"))
                .expiresOn(LocalDate.parse("2027-03-31"))
                .timeZone("Asia/Tokyo");
        w.expiresAt(Waivers.expiresAt(w).atOffset(ZoneOffset.UTC));
        store.create(w);
        return w;
    }

    private Waiver read(UUID id, Instant now) {
        return store.find(id, now).orElseThrow();
    }

    private Map<String, Object> row(UUID id) {
        return jdbc.queryForMap("SELECT * FROM waiver WHERE id = ?", id);
    }

    @Test
    void aWaiverIsKeptAsRequestedAndItsStepsAreEventsNeverUpdates() {
        Waiver w = requested("org-" + UUID.randomUUID());
        Map<String, Object> asRequested = row(w.getId());
        Instant now = Instant.parse("2026-12-02T00:00:00Z");

        Waiver read = read(w.getId(), now);
        assertThat(read.getStatus()).isEqualTo(WaiverStatus.REQUESTED);
        assertThat(read.getExpiresAt()).isEqualTo(OffsetDateTime.parse("2027-03-31T15:00:00Z"));
        assertThat(read.getExpiresOn()).isEqualTo(LocalDate.parse("2027-03-31"));
        assertThat(read.getTimeZone()).isEqualTo("Asia/Tokyo");
        assertThat(read.getStartsAt()).isEqualTo(OffsetDateTime.parse("2026-11-30T15:00:00Z"));
        assertThat(read.getHistory()).extracting(WaiverEvent::getType).containsExactly(WaiverEventType.REQUESTED);

        Instant approvedAt = Instant.parse("2026-11-29T06:00:00Z");
        assertThat(store.approve(w.getId(), "key:risk-owner", approvedAt)).isEqualTo(WaiverStore.Change.DONE);
        read = read(w.getId(), now);
        assertThat(read.getStatus()).isEqualTo(WaiverStatus.APPROVED);
        assertThat(read.getApprovedBy()).isEqualTo("key:risk-owner");
        assertThat(read.getApprovedAt().toInstant()).isEqualTo(approvedAt);

        Instant revokedAt = Instant.parse("2027-01-15T01:00:00Z");
        assertThat(store.revoke(w.getId(), "key:risk-owner-2", revokedAt, "The cameras are gone."))
                .isEqualTo(WaiverStore.Change.DONE);
        read = read(w.getId(), revokedAt);
        assertThat(read.getStatus()).isEqualTo(WaiverStatus.REVOKED);
        assertThat(read.getHistory())
                .extracting(e -> e.getType() + " " + e.getBy() + " " + e.getNote())
                .containsExactly(
                        "REQUESTED key:requester null",
                        "APPROVED key:risk-owner null",
                        "REVOKED key:risk-owner-2 The cameras are gone.");
        assertThat(row(w.getId())).as("the request's row is never changed").isEqualTo(asRequested);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM waiver_event WHERE waiver_id = ?", Integer.class, w.getId()))
                .isEqualTo(2);
    }

    @Test
    void theRequesterCannotApproveTheirOwnWaiver() {
        Waiver w = requested("org-" + UUID.randomUUID());
        assertThat(store.approve(w.getId(), "key:requester", Instant.now())).isEqualTo(WaiverStore.Change.OWN_REQUEST);
        assertThat(read(w.getId(), Instant.now()).getStatus()).isNotEqualTo(WaiverStatus.APPROVED);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM waiver_event WHERE waiver_id = ?", Integer.class, w.getId()))
                .isZero();
        assertThat(store.approve(w.getId(), "key:risk-owner", Instant.now())).isEqualTo(WaiverStore.Change.DONE);
    }

    @Test
    void eachStepIsRecordedOnceAndARevokedWaiverCannotBeApproved() {
        Waiver approved = requested("org-" + UUID.randomUUID());
        assertThat(store.approve(approved.getId(), "key:risk-owner", Instant.now()))
                .isEqualTo(WaiverStore.Change.DONE);
        assertThat(store.approve(approved.getId(), "key:risk-owner-2", Instant.now()))
                .isEqualTo(WaiverStore.Change.ALREADY);

        Waiver withdrawn = requested("org-" + UUID.randomUUID());
        assertThat(store.revoke(withdrawn.getId(), "key:risk-owner", Instant.now(), null))
                .isEqualTo(WaiverStore.Change.DONE);
        assertThat(store.revoke(withdrawn.getId(), "key:risk-owner", Instant.now(), null))
                .isEqualTo(WaiverStore.Change.ALREADY);
        assertThat(store.approve(withdrawn.getId(), "key:risk-owner", Instant.now()))
                .isEqualTo(WaiverStore.Change.REVOKED);

        assertThat(store.approve(UUID.randomUUID(), "key:risk-owner", Instant.now()))
                .isEqualTo(WaiverStore.Change.NOT_FOUND);
        assertThat(store.find(UUID.randomUUID(), Instant.now())).isEmpty();
    }

    @Test
    void ofTwoRiskOwnersApprovingAtOnceOneRecordsTheApproval() throws Exception {
        Waiver w = requested("org-" + UUID.randomUUID());
        CyclicBarrier start = new CyclicBarrier(2);
        List<WaiverStore.Change> changes = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(2);
        for (String owner : List.of("key:risk-owner", "key:risk-owner-2")) {
            new Thread(() -> {
                        try {
                            start.await(10, TimeUnit.SECONDS);
                            changes.add(store.approve(w.getId(), owner, Instant.now()));
                        } catch (Exception e) {
                            changes.add(null);
                        } finally {
                            done.countDown();
                        }
                    })
                    .start();
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(changes).containsExactlyInAnyOrder(WaiverStore.Change.DONE, WaiverStore.Change.ALREADY);
        assertThat(read(w.getId(), Instant.now()).getHistory())
                .filteredOn(e -> e.getType() == WaiverEventType.APPROVED)
                .hasSize(1);
    }

    @Test
    void aWaiverIsShownExpiredFromTheExactInstantItsExpiryPasses() {
        Waiver w = requested("org-" + UUID.randomUUID());
        store.approve(w.getId(), "key:risk-owner", Instant.parse("2026-11-29T06:00:00Z"));
        Instant expiry = Instant.parse("2027-03-31T15:00:00Z");
        assertThat(read(w.getId(), expiry.minusNanos(1000)).getStatus()).isEqualTo(WaiverStatus.APPROVED);
        Waiver expired = read(w.getId(), expiry);
        assertThat(expired.getStatus()).isEqualTo(WaiverStatus.EXPIRED);
        WaiverEvent last = expired.getHistory().get(expired.getHistory().size() - 1);
        assertThat(last.getType()).isEqualTo(WaiverEventType.EXPIRED);
        assertThat(last.getAt().toInstant()).isEqualTo(expiry);
        assertThat(last.getBy()).isNull();
    }

    @Test
    void anEvaluationReadsTheApprovedWaiversOfItsOrganizationThatCanStillApply() {
        String org = "org-" + UUID.randomUUID();
        Waiver approved = requested(org);
        store.approve(approved.getId(), "key:risk-owner", Instant.parse("2026-11-29T06:00:00Z"));
        Waiver revoked = requested(org);
        store.approve(revoked.getId(), "key:risk-owner", Instant.parse("2026-11-29T06:00:00Z"));
        store.revoke(revoked.getId(), "key:risk-owner", Instant.parse("2027-01-15T01:00:00Z"), null);
        requested(org); // awaiting approval
        Waiver elsewhere = requested("org-" + UUID.randomUUID());
        store.approve(elsewhere.getId(), "key:risk-owner", Instant.parse("2026-11-29T06:00:00Z"));

        Instant decided = Instant.parse("2027-01-01T00:00:00Z");
        List<Waiver> read = store.approved(org, decided);
        assertThat(read).extracting(Waiver::getId).containsExactlyInAnyOrder(approved.getId(), revoked.getId());
        // As of then, the later revocation had not happened: both applied.
        assertThat(read).allSatisfy(w -> assertThat(Waivers.inForce(w, decided)).isTrue());
        assertThat(read)
                .filteredOn(w -> Waivers.inForce(w, Instant.parse("2027-02-01T00:00:00Z")))
                .extracting(Waiver::getId)
                .containsExactly(approved.getId());
        assertThat(store.approved(org, Instant.parse("2027-03-31T15:00:00Z")))
                .as("expired at that instant")
                .isEmpty();
    }

    @Test
    void listingsFilterAndPageNewestFirst() {
        String org = "org-" + UUID.randomUUID();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(requested(org).getId());
        }
        Waiver measure = new Waiver()
                .id(newId())
                .requestedAt(REQUESTED.atOffset(ZoneOffset.UTC))
                .requestedBy("key:other")
                .organizationId(org)
                .measure("PS-4")
                .justification("j")
                .evidence("e")
                .startsAt(OffsetDateTime.parse("2026-12-01T00:00:00Z"))
                .expiresAt(OffsetDateTime.parse("2027-01-01T00:00:00Z"));
        store.create(measure);

        Instant now = Instant.now();
        WaiverStore.Filter all = new WaiverStore.Filter(null, org, null, null, null);
        Set<UUID> seen = new HashSet<>();
        List<UUID> order = new ArrayList<>();
        String cursor = null;
        do {
            Page<Waiver> page = store.list(all, 2, cursor, now);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
            page.items().forEach(w -> {
                assertThat(seen.add(w.getId())).as("each once").isTrue();
                order.add(w.getId());
            });
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(order).hasSize(6);
        assertThat(order).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        assertThat(store.list(new WaiverStore.Filter("key:other", org, null, null, null), 50, null, now)
                        .items())
                .extracting(Waiver::getId)
                .containsExactly(measure.getId());
        assertThat(store.list(new WaiverStore.Filter(null, org, null, null, "PS-4"), 50, null, now)
                        .items())
                .extracting(Waiver::getId)
                .containsExactly(measure.getId());
        assertThat(store.list(new WaiverStore.Filter(null, org, "cam-100", "PS-4.2", null), 50, null, now)
                        .items())
                .extracting(Waiver::getId)
                .containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aListingByStatusKeepsTheWaiversThatStandSoAtItsInstant() {
        String org = "org-" + UUID.randomUUID();
        Waiver requested = requested(org);
        Waiver approved = requested(org);
        store.approve(approved.getId(), "key:risk-owner", Instant.parse("2026-11-29T06:00:00Z"));
        Waiver revoked = requested(org);
        store.approve(revoked.getId(), "key:risk-owner", Instant.parse("2026-11-29T06:00:00Z"));
        store.revoke(revoked.getId(), "key:risk-owner", Instant.parse("2027-01-15T01:00:00Z"), "gone");
        Waiver withdrawn = requested(org);
        store.revoke(withdrawn.getId(), "key:risk-owner", Instant.parse("2026-11-29T06:00:00Z"), "not needed");

        Instant before = Instant.parse("2027-03-31T14:59:59.999Z");
        Instant expiry = Instant.parse("2027-03-31T15:00:00Z");
        for (Instant now : List.of(before, expiry)) {
            for (WaiverStatus status : WaiverStatus.values()) {
                List<Waiver> listed = store.list(
                                new WaiverStore.Filter(null, org, null, null, null, status), 50, null, now)
                        .items();
                assertThat(listed)
                        .as("%s at %s: what the listing keeps is what each waiver shows", status, now)
                        .allSatisfy(w -> assertThat(w.getStatus()).isEqualTo(status));
                assertThat(listed.size())
                        .as("%s at %s: every waiver that shows it", status, now)
                        .isEqualTo(
                                store
                                        .list(new WaiverStore.Filter(null, org, null, null, null), 50, null, now)
                                        .items()
                                        .stream()
                                        .filter(w -> w.getStatus() == status)
                                        .count());
            }
        }
        assertThat(store.list(
                                new WaiverStore.Filter(null, org, null, null, null, WaiverStatus.REQUESTED),
                                50,
                                null,
                                before)
                        .items())
                .extracting(Waiver::getId)
                .containsExactly(requested.getId());
        assertThat(store.list(
                                new WaiverStore.Filter(null, org, null, null, null, WaiverStatus.APPROVED),
                                50,
                                null,
                                before)
                        .items())
                .extracting(Waiver::getId)
                .containsExactly(approved.getId());
        assertThat(store.list(
                                new WaiverStore.Filter(null, org, null, null, null, WaiverStatus.REVOKED),
                                50,
                                null,
                                before)
                        .items())
                .extracting(Waiver::getId)
                .containsExactlyInAnyOrder(revoked.getId(), withdrawn.getId());
        assertThat(store.list(
                                new WaiverStore.Filter(null, org, null, null, null, WaiverStatus.EXPIRED),
                                50,
                                null,
                                expiry)
                        .items())
                .as("from the instant of their expiry, the approved and the requested alike")
                .extracting(Waiver::getId)
                .containsExactlyInAnyOrder(requested.getId(), approved.getId());
    }
}
