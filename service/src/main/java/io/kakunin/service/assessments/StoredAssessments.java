package io.kakunin.service.assessments;

import io.kakunin.service.storage.Page;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Stored assessments as a replay reads them (the impact preview): selected by the filters of the
 * listing ({@code GET /v1/assessments}), a page at a time by cursor, so that a replay over a
 * million records holds one page. Reads every caller's records: the roles that may replay are
 * decided by the endpoint that does.
 */
@Component
public class StoredAssessments {

    /** What a replay needs of one stored assessment: its request, language and time. */
    public record Stored(UUID id, Instant createdAt, String organizationId, String locale, String requestJson) {}

    private final AssessmentStore store;

    StoredAssessments(AssessmentStore store) {
        this.store = store;
    }

    /** A page of stored assessments, newest first, after {@code cursor} (from the newest when null). */
    public Page<Stored> page(Assessments.Filter selection, int limit, String cursor) {
        Page<AssessmentRecord> page = store.records(filter(selection), limit, cursor);
        return new Page<>(
                page.items().stream()
                        .map(r -> new Stored(r.id(), r.createdAt(), r.organizationId(), r.locale(), r.requestJson()))
                        .toList(),
                page.nextCursor());
    }

    /** How many stored assessments the selection holds now. */
    public long count(Assessments.Filter selection) {
        return store.count(filter(selection));
    }

    private static AssessmentStore.Filter filter(Assessments.Filter s) {
        return new AssessmentStore.Filter(
                null,
                s.organizationId(),
                s.productId(),
                s.outcome(),
                s.failedRecommendation(),
                s.rulesetRevision(),
                s.createdFrom(),
                s.createdTo());
    }
}
