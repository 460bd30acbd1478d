package io.kakunin.service.sharing;

import io.kakunin.api.SharingReviewsApi;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.kb.Json;
import io.kakunin.kb.Locales;
import io.kakunin.kb.Ruleset;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.web.Ids;
import io.kakunin.service.web.NotFoundException;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import tools.jackson.databind.json.JsonMapper;

/**
 * Sharing reviews: review, store, return; fetch again later. What is stored has the victim
 * profile removed and everything it matched masked; a 201 means the record is committed.
 */
@RestController
class SharingReviewsController implements SharingReviewsApi {

    private final ActiveRuleset active;
    private final SharingReviewRecords records;
    private final JdbcAggregateTemplate jdbc;
    private final JsonMapper json;
    private final Clock clock;

    SharingReviewsController(ActiveRuleset active, SharingReviewRecords records, JdbcAggregateTemplate jdbc, JsonMapper json, Clock clock) {
        this.active = active;
        this.records = records;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public ResponseEntity<SharingReview> createSharingReview(SharingReviewRequest request, String acceptLanguage) {
        Locale locale = Locales.resolve(acceptLanguage);
        Ruleset ruleset = active.ruleset();
        SharingReview review = ruleset.review(request, locale).id(Ids.newId(clock));
        jdbc.insert(new SharingReviewRecord(review.getId(), review.getCreatedAt().toInstant(), "anonymous",
                review.getDecision().getValue(), review.getOverallOutcome().getValue(), review.getTlp().getLevel().getValue(),
                review.getInput().getKind(), digestWithoutProfile(request), request.getVictimProfile() != null,
                ruleset.revision(), ruleset.version(), review.getLocale(),
                json.writeValueAsString(Ruleset.storableSharingRequest(request)),
                json.writeValueAsString(Ruleset.storableSharingReview(request, review))));
        review.getRuleset().available(true);
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(review.getId()).toUri();
        return ResponseEntity.created(location).header(HttpHeaders.CONTENT_LANGUAGE, review.getLocale()).body(review);
    }

    @Override
    public ResponseEntity<SharingReview> getSharingReview(UUID id, String acceptLanguage) {
        SharingReviewRecord record = records.findById(id).orElseThrow(() -> new NotFoundException("sharing review", id));
        SharingReview review = json.readValue(record.reviewJson(), SharingReview.class);
        Locale wanted = Locales.resolve(acceptLanguage);
        if (acceptLanguage != null && !Locales.tag(wanted).equals(review.getLocale())) {
            active.byRevision(record.rulesetRevision()).ifPresent(ruleset -> ruleset.localize(review, wanted));
        }
        review.getRuleset().available(active.isAvailable(record.rulesetRevision()));
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_LANGUAGE, review.getLocale()).body(review);
    }

    /** SHA-256 of the request as submitted, without the victim profile (canonical JSON of the model). */
    private static String digestWithoutProfile(SharingReviewRequest request) {
        tools.jackson.databind.node.ObjectNode tree = Json.mapper().valueToTree(request);
        tree.remove("victimProfile");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Json.mapper().writeValueAsBytes(tree));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
