package io.kakunin.service.waivers;

import io.kakunin.api.WaiversApi;
import io.kakunin.api.model.Role;
import io.kakunin.api.model.Waiver;
import io.kakunin.api.model.WaiverList;
import io.kakunin.api.model.WaiverRequest;
import io.kakunin.api.model.WaiverRevocation;
import io.kakunin.api.model.WaiverStatus;
import io.kakunin.kb.Waivers;
import io.kakunin.kb.input.InputFaultTexts;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.service.security.Caller;
import io.kakunin.service.storage.Page;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.FieldProblem;
import io.kakunin.service.web.Ids;
import io.kakunin.service.web.NotFoundException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Waivers over HTTP: asked for by a SUBMITTER or a RISK_OWNER, approved and revoked by a
 * RISK_OWNER, never approved by the credentials that asked (the store keeps that rule, with the
 * data). What the contract's schema cannot say about a request is checked by
 * {@link Waivers#check}, the same check the command line makes of a waivers file, and told in
 * the caller's language.
 */
@RestController
class WaiversController implements WaiversApi {

    private static final Logger log = LoggerFactory.getLogger(WaiversController.class);

    private final WaiverStore store;
    private final Clock clock;

    WaiversController(WaiverStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public ResponseEntity<Waiver> createWaiver(WaiverRequest request, String acceptLanguage) {
        Caller caller = Caller.current();
        List<Waivers.Problem> problems = Waivers.check(
                request.getRecommendationId(),
                request.getMeasure(),
                request.getStartsAt(),
                request.getExpiresAt(),
                request.getExpiresOn(),
                request.getTimeZone());
        if (!problems.isEmpty()) {
            Locale locale = Locales.resolve(acceptLanguage);
            throw ApiProblem.invalid(
                    problems.stream()
                            .map(p -> new FieldProblem(
                                    p.pointer(),
                                    InputFaultTexts.about("waiver." + p.fault().name(), p.pointer(), locale)))
                            .toList(),
                    locale);
        }
        Instant now = clock.instant();
        Waiver waiver = new Waiver()
                .id(Ids.newId(clock))
                .requestedAt(now.atOffset(ZoneOffset.UTC))
                .requestedBy(caller.id())
                .organizationId(request.getOrganizationId())
                .productId(request.getProductId())
                .recommendationId(request.getRecommendationId())
                .measure(request.getMeasure())
                .justification(request.getJustification())
                .evidence(request.getEvidence())
                .startsAt(request.getStartsAt())
                .expiresAt(request.getExpiresAt())
                .expiresOn(request.getExpiresOn())
                .timeZone(request.getTimeZone());
        waiver.expiresAt(Waivers.expiresAt(waiver).atOffset(ZoneOffset.UTC));
        store.create(waiver);
        log.info(
                "Waiver {} of {} for organization {} asked for by {}",
                waiver.getId(),
                waiver.getRecommendationId() != null ? waiver.getRecommendationId() : waiver.getMeasure(),
                waiver.getOrganizationId(),
                caller.id());
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri()
                .path("/{id}")
                .buildAndExpand(waiver.getId())
                .toUri();
        return ResponseEntity.created(location).body(read(waiver.getId(), now));
    }

    @Override
    public ResponseEntity<Waiver> getWaiver(UUID id) {
        Caller caller = Caller.current();
        Waiver waiver = store.find(id, clock.instant())
                .filter(w -> readsEveryWaiver(caller) || caller.id().equals(w.getRequestedBy()))
                .orElseThrow(() -> new NotFoundException("waiver", id));
        return ResponseEntity.ok(waiver);
    }

    @Override
    public ResponseEntity<WaiverList> listWaivers(
            String organizationId,
            String productId,
            String recommendationId,
            String measure,
            WaiverStatus status,
            Integer limit,
            String cursor) {
        Caller caller = Caller.current();
        WaiverStore.Filter filter = new WaiverStore.Filter(
                readsEveryWaiver(caller) ? null : caller.id(),
                organizationId,
                productId,
                recommendationId,
                measure,
                status);
        Page<Waiver> page = store.list(filter, limit == null ? 50 : limit, cursor, clock.instant());
        return ResponseEntity.ok(
                new WaiverList().items(new ArrayList<>(page.items())).nextCursor(page.nextCursor()));
    }

    @Override
    public ResponseEntity<Waiver> approveWaiver(UUID id) {
        Caller caller = Caller.current();
        Instant now = clock.instant();
        Waiver waiver = read(id, now);
        if (waiver.getStatus() == WaiverStatus.EXPIRED) {
            throw expired(id, "approved");
        }
        WaiverStore.Change change = store.approve(id, caller.id(), now);
        switch (change) {
            case DONE -> log.info("Waiver {} approved by {}", id, caller.id());
            case NOT_FOUND -> throw new NotFoundException("waiver", id);
            case ALREADY ->
                throw ApiProblem.conflict(
                        "waiver-approved", "The waiver is approved already", "Waiver " + id + " is approved already.");
            case REVOKED -> throw revoked(id);
            case OWN_REQUEST ->
                throw ApiProblem.conflict(
                        "own-request",
                        "The requester cannot approve their own waiver",
                        "Waiver " + id + " was asked for by these credentials; another RISK_OWNER must approve it.");
        }
        return ResponseEntity.ok(read(id, now));
    }

    @Override
    public ResponseEntity<Waiver> revokeWaiver(UUID id, WaiverRevocation revocation) {
        Caller caller = Caller.current();
        Instant now = clock.instant();
        Waiver waiver = read(id, now);
        if (waiver.getStatus() == WaiverStatus.EXPIRED) {
            throw expired(id, "revoked");
        }
        WaiverStore.Change change = store.revoke(id, caller.id(), now, revocation.getReason());
        switch (change) {
            case DONE -> log.info("Waiver {} revoked by {}", id, caller.id());
            case NOT_FOUND -> throw new NotFoundException("waiver", id);
            case ALREADY, REVOKED -> throw revoked(id);
            default -> {
                // OWN_REQUEST is an approval's: whoever asked for a waiver may see it withdrawn.
            }
        }
        return ResponseEntity.ok(read(id, now));
    }

    /** An AUDITOR reads every record; a RISK_OWNER reads every waiver, which it is there to judge. */
    private static boolean readsEveryWaiver(Caller caller) {
        return caller.readsEverything() || caller.has(Role.RISK_OWNER);
    }

    private Waiver read(UUID id, Instant now) {
        return store.find(id, now).orElseThrow(() -> new NotFoundException("waiver", id));
    }

    private static ApiProblem revoked(UUID id) {
        return ApiProblem.conflict(
                "waiver-revoked", "The waiver is revoked", "Waiver " + id + " is revoked (or withdrawn) already.");
    }

    private static ApiProblem expired(UUID id, String step) {
        return ApiProblem.conflict(
                "waiver-expired",
                "The waiver has expired",
                "Waiver " + id + " has expired and covers nothing; it cannot be " + step
                        + ". Ask for a new waiver instead.");
    }
}
