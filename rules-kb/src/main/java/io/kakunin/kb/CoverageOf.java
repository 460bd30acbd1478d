package io.kakunin.kb;

import io.kakunin.api.model.Product;
import io.kakunin.api.model.TestCoverage;

/**
 * A test's coverage of a requirement, of a product's verification ({@code verification.coverage}), inserted as a fact of its own beside its product, so that rules join on it
 * ({@code CoverageOf( product == $p, ... )}) instead of reaching into the list with {@code from}. Its
 * identity is the element's: two equal elements of one list are two facts, as {@code from} made them.
 */
public final class CoverageOf {

    private final Product product;
    private final TestCoverage coverage;

    CoverageOf(Product product, TestCoverage coverage) {
        this.product = product;
        this.coverage = coverage;
    }

    /** The product whose list holds the element. */
    public Product getProduct() {
        return product;
    }

    /** The element, as submitted: what a rule reads and what its outcome points at. */
    public TestCoverage getCoverage() {
        return coverage;
    }
}
