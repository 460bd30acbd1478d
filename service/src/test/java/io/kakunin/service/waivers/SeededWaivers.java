package io.kakunin.service.waivers;

import io.kakunin.api.model.Waiver;
import io.kakunin.kb.Waivers;
import io.kakunin.kb.input.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;

/**
 * Waivers put in the store as the API will put them (requested, then approved by someone else),
 * for the tests of the evaluation paths: the fixtures' {@code waivers.yaml} over HTTP, and the
 * every-path test. Through {@link WaiverStore} itself, so the two-person rule and the history hold.
 */
public final class SeededWaivers {

    private SeededWaivers() {}

    /**
     * Stores each waiver, requested by its {@code requestedBy} at its {@code requestedAt} (else
     * {@code now}), and approved by its {@code approvedBy} at its {@code approvedAt} (else
     * {@code now}) when it names one. A waiver stored already (by its id) is left as it is.
     */
    public static void seed(WaiverStore store, Collection<Waiver> waivers, Instant now) {
        for (Waiver given : waivers) {
            if (store.find(given.getId(), now).isPresent()) {
                continue;
            }
            Waiver w = Json.mapper().convertValue(given, Waiver.class);
            if (w.getRequestedAt() == null) {
                w.requestedAt(now.atOffset(ZoneOffset.UTC));
            }
            if (w.getExpiresAt() == null) {
                w.expiresAt(Waivers.expiresAt(w).atOffset(ZoneOffset.UTC));
            }
            store.create(w);
            if (w.getApprovedBy() != null) {
                WaiverStore.Change approved = store.approve(
                        w.getId(),
                        w.getApprovedBy(),
                        w.getApprovedAt() == null ? now : w.getApprovedAt().toInstant());
                if (approved != WaiverStore.Change.DONE) {
                    throw new IllegalStateException("waiver " + w.getId() + " could not be approved: " + approved);
                }
            }
        }
    }

    /** Revokes a stored waiver, at {@code at}. */
    public static void revoke(WaiverStore store, java.util.UUID id, String by, Instant at) {
        WaiverStore.Change revoked = store.revoke(id, by, at, "revoked by a test");
        if (revoked != WaiverStore.Change.DONE) {
            throw new IllegalStateException("waiver " + id + " could not be revoked: " + revoked);
        }
    }
}
