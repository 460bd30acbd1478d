package io.kakunin.service.assessments;

import io.kakunin.service.storage.Idempotency;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The real assessment store, which throws a given failure on its next write, once: a fault
 * injected where a write runs (inside the group commit's transaction), through the container
 * like the store it stands in for.
 */
public class FailingAssessmentStore extends AssessmentStore {

    private final AtomicReference<Throwable> next = new AtomicReference<>();

    public FailingAssessmentStore(NamedParameterJdbcTemplate sql, Idempotency idempotency) {
        super(sql, idempotency);
    }

    /** The next write throws {@code failure}; the ones after it write. */
    public void failNextWith(Throwable failure) {
        next.set(failure);
    }

    public void reset() {
        next.set(null);
    }

    @Override
    void insert(List<NewAssessment> assessments) {
        Throwable failure = next.getAndSet(null);
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        super.insert(assessments);
    }
}
