package io.kakunin.kb;

import io.kakunin.api.model.Finding;
import io.kakunin.api.model.Product;

/**
 * A finding of a product's security testing ({@code verification.findings}), inserted as a fact of its own with its product and the product's position
 * in the request ({@link ProductAt}), so that rules match it directly and join it to its product on
 * the position ({@code FindingOf( productIndex == $i, ... )}) instead of reaching into the list with
 * {@code from}. Its identity is the element's: two equal elements of one list are two facts, as
 * {@code from} made them.
 */
public final class FindingOf {

    private final int productIndex;
    private final Product product;
    private final Finding finding;

    FindingOf(int productIndex, Product product, Finding finding) {
        this.productIndex = productIndex;
        this.product = product;
        this.finding = finding;
    }

    /** The position in the request's {@code products} of the product whose list holds the element. */
    public int getProductIndex() {
        return productIndex;
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
