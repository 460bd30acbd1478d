package io.kakunin.service.recommendations;

import io.kakunin.api.RecommendationsApi;
import io.kakunin.api.model.Recommendation;
import io.kakunin.api.model.RecommendationList;
import io.kakunin.kb.ruleset.Locales;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

/** The catalog of the active ruleset, with the sources that back each item and the rules that implement it. */
@RestController
class RecommendationsController implements RecommendationsApi {

    private final Recommendations recommendations;

    RecommendationsController(Recommendations recommendations) {
        this.recommendations = recommendations;
    }

    @Override
    public ResponseEntity<RecommendationList> listRecommendations(String acceptLanguage) {
        Locale locale = Locales.resolve(acceptLanguage);
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_LANGUAGE, Locales.tag(locale))
                .body(recommendations.list(locale));
    }

    @Override
    public ResponseEntity<Recommendation> getRecommendation(String id, String acceptLanguage) {
        Locale locale = Locales.resolve(acceptLanguage);
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_LANGUAGE, Locales.tag(locale))
                .body(recommendations.find(id, locale));
    }
}
