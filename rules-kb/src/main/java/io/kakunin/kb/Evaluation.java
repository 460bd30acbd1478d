package io.kakunin.kb;

import io.kakunin.api.model.ItemCategory;
import io.kakunin.kb.ruleset.Catalog;
import io.kakunin.kb.ruleset.Thresholds;
import java.time.LocalDate;
import java.util.Set;

/**
 * The one fact every evaluation carries besides the submitted facts: the date the facts are
 * evaluated for, and the ruleset's thresholds. Rules read thresholds through it by name:
 *
 * <pre>
 * Evaluation( $cutoff : monthsBefore("policyReviewIntervalMonths") )
 * Organization( productSecurityPolicy.lastReviewDate &lt; $cutoff )
 * </pre>
 */
public final class Evaluation {

    private final LocalDate date;
    private final Thresholds thresholds;
    private final Set<ItemCategory> damageInformation;

    Evaluation(LocalDate date, Thresholds thresholds, Catalog catalog) {
        this.date = date;
        this.thresholds = thresholds;
        this.damageInformation = catalog.damageInformation();
    }

    /** The item categories the catalog names as the victim's damage or response information. */
    public Set<ItemCategory> getDamageInformation() {
        return damageInformation;
    }

    /** The date the facts describe. */
    public LocalDate getDate() {
        return date;
    }

    /** The value of a named threshold. */
    public int threshold(String name) {
        return thresholds.value(name);
    }

    /** The date that many months (a named threshold) before the evaluation date. */
    public LocalDate monthsBefore(String threshold) {
        return date.minusMonths(thresholds.value(threshold));
    }

    /** The date that many months (a named threshold) after the evaluation date. */
    public LocalDate monthsAfter(String threshold) {
        return date.plusMonths(thresholds.value(threshold));
    }

    /** The date that many days (a named threshold) before the evaluation date. */
    public LocalDate daysBefore(String threshold) {
        return date.minusDays(thresholds.value(threshold));
    }
}
