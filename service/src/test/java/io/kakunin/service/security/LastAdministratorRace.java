package io.kakunin.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.Role;
import io.kakunin.service.web.ApiProblem;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

/**
 * The last administrator key survives two administrators revoking each other's key at the same
 * moment: with exactly two ADMIN keys, two threads released together each revoke one of them,
 * many times over (enough that counting without a lock lets both through). Exactly one succeeds
 * each time, the other is the 409 of the last administrator key, and one ADMIN key is left. Run
 * on each database the service supports, since the lock is the database's.
 */
abstract class LastAdministratorRace {

    private static final int ROUNDS = 25;
    private static final Caller ROOT = new Caller("test", EnumSet.allOf(Role.class));

    @Autowired
    ApiKeys keys;

    @Test
    void twoAdministratorsRevokingEachOthersKeyNeverBothSucceed() throws Exception {
        UUID a = administrator("race 0a");
        UUID b = administrator("race 0b");
        for (UUID other : activeAdministrators()) {
            if (!other.equals(a) && !other.equals(b)) {
                keys.revoke(other);
            }
        }
        assertThat(activeAdministrators()).containsExactlyInAnyOrder(a, b);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 1; round <= ROUNDS; round++) {
                CyclicBarrier together = new CyclicBarrier(2);
                UUID first = a;
                UUID second = b;
                Future<Boolean> one = threads.submit(() -> revoked(together, first));
                Future<Boolean> two = threads.submit(() -> revoked(together, second));
                List<Boolean> outcomes = List.of(one.get(30, TimeUnit.SECONDS), two.get(30, TimeUnit.SECONDS));
                assertThat(outcomes)
                        .as("round %d: exactly one revocation succeeds", round)
                        .containsExactlyInAnyOrder(true, false);
                List<UUID> left = activeAdministrators();
                assertThat(left)
                        .as("round %d: one administrator key is left", round)
                        .hasSize(1)
                        .containsAnyOf(a, b);
                a = left.get(0);
                b = administrator("race " + round);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Whether revoking succeeded; refused only as the last administrator key. */
    private boolean revoked(CyclicBarrier together, UUID id) throws Exception {
        together.await(30, TimeUnit.SECONDS);
        try {
            keys.revoke(id);
            return true;
        } catch (ApiProblem refused) {
            assertThat(refused.status()).isEqualTo(HttpStatus.CONFLICT);
            assertThat(refused.slug()).isEqualTo("last-admin-key");
            return false;
        }
    }

    private UUID administrator(String name) {
        return keys.create(name, Set.of(Role.ADMIN), ROOT).record().id();
    }

    private List<UUID> activeAdministrators() {
        List<UUID> ids = new ArrayList<>();
        for (ApiKeyRecord r : keys.list()) {
            if (r.revokedAt() == null && ApiKeys.roles(r.roles()).contains(Role.ADMIN)) {
                ids.add(r.id());
            }
        }
        return ids;
    }
}
