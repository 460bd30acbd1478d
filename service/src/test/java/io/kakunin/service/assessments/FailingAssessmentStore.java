package io.kakunin.service.assessments;

import io.kakunin.service.storage.BulkInsert;
import io.kakunin.service.storage.Idempotency;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The real assessment store, which throws a given failure on its next write, or on the next that
 * holds a given organization's assessment, once: a fault injected where a write runs (inside the
 * group commit's transaction, or a batch chunk's), through the container like the store it stands
 * in for.
 */
public class FailingAssessmentStore extends AssessmentStore {

    private final AtomicReference<Throwable> next = new AtomicReference<>();
    private final AtomicReference<Map.Entry<String, Throwable>> ofOrganization = new AtomicReference<>();

    public FailingAssessmentStore(NamedParameterJdbcTemplate sql, Idempotency idempotency, BulkInsert bulk) {
        super(sql, idempotency, bulk);
    }

    /** The next write throws {@code failure}; the ones after it write. */
    public void failNextWith(Throwable failure) {
        next.set(failure);
    }

    /** The next write that holds an assessment of {@code organizationId} throws {@code failure}; the others write. */
    public void failWriteOf(String organizationId, Throwable failure) {
        ofOrganization.set(Map.entry(organizationId, failure));
    }

    public void reset() {
        next.set(null);
        ofOrganization.set(null);
    }

    @Override
    void insert(List<NewAssessment> assessments) {
        Throwable failure = next.getAndSet(null);
        Map.Entry<String, Throwable> of = ofOrganization.get();
        if (failure == null
                && of != null
                && assessments.stream()
                        .anyMatch(a -> of.getKey().equals(a.record().organizationId()))
                && ofOrganization.compareAndSet(of, null)) {
            failure = of.getValue();
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        super.insert(assessments);
    }
}
