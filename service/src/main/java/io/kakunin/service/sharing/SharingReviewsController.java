package io.kakunin.service.sharing;

import io.kakunin.api.SharingReviewsApi;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.SharingDecision;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewList;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.service.web.ReturnPreference;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Sharing reviews over HTTP: see {@link SharingReviews}, which the console's pages call too. */
@RestController
class SharingReviewsController implements SharingReviewsApi {

    private final SharingReviews reviews;

    SharingReviewsController(SharingReviews reviews) {
        this.reviews = reviews;
    }

    @Override
    public ResponseEntity<Object> createSharingReview(
            SharingReviewRequest request, String idempotencyKey, String acceptLanguage, String prefer) {
        SharingReviews.Created created =
                reviews.create(request, idempotencyKey, acceptLanguage, "POST /v1/sharing-reviews");
        ReturnPreference preference = ReturnPreference.of(prefer);
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri()
                .path("/{id}")
                .buildAndExpand(created.id())
                .toUri();
        ResponseEntity.BodyBuilder response = preference.mark(ResponseEntity.created(location));
        if (created.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        if (preference == ReturnPreference.MINIMAL) {
            return response.body(created.summary());
        }
        return response.header(HttpHeaders.CONTENT_LANGUAGE, created.review().getLocale())
                .body(created.review());
    }

    @Override
    public ResponseEntity<SharingReview> getSharingReview(UUID id, String acceptLanguage) {
        SharingReview review = reviews.find(id, acceptLanguage);
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_LANGUAGE, review.getLocale())
                .body(review);
    }

    @Override
    public ResponseEntity<SharingReviewList> listSharingReviews(
            String organizationId,
            OverallOutcome outcome,
            SharingDecision decision,
            String failedRecommendation,
            String rulesetRevision,
            OffsetDateTime createdFrom,
            OffsetDateTime createdTo,
            Integer limit,
            String cursor) {
        return ResponseEntity.ok(reviews.list(
                new SharingReviews.Filter(
                        organizationId,
                        outcome,
                        decision,
                        failedRecommendation,
                        rulesetRevision,
                        createdFrom,
                        createdTo),
                limit,
                cursor));
    }
}
