package io.kakunin.kb;

import io.kakunin.api.model.Finding;
import io.kakunin.api.model.Product;

/**
 * A finding of a product's security testing ({@code verification.findings}), inserted as a fact of its own beside its product, so that rules join on it
 * ({@code FindingOf( product == $p, ... )}) instead of reaching into the list with {@code from}. Its
 * identity is the element's: two equal elements of one list are two facts, as {@code from} made them.
 */
public final class FindingOf {

    private final Product product;
    private final Finding finding;

    FindingOf(Product product, Finding finding) {
        this.product = product;
        this.finding = finding;
    }

    /** The product whose list holds the element. */
    public Product getProduct() {
        return product;
    }

    /** The element, as submitted: what a rule reads and what its outcome points at. */
    public Finding getFinding() {
        return finding;
    }
}
