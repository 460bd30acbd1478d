package io.kakunin.kb;

import io.kakunin.api.model.Product;
import io.kakunin.api.model.RiskAcceptance;

/**
 * A residual risk a product accepted ({@code riskAcceptances}), inserted as a fact of its own with its product and the product's position
 * in the request ({@link ProductAt}), so that rules match it directly and join it to its product on
 * the position ({@code RiskAcceptanceOf( productIndex == $i, ... )}) instead of reaching into the list with
 * {@code from}. Its identity is the element's: two equal elements of one list are two facts, as
 * {@code from} made them.
 */
public final class RiskAcceptanceOf {

    private final int productIndex;
    private final Product product;
    private final RiskAcceptance riskAcceptance;

    RiskAcceptanceOf(int productIndex, Product product, RiskAcceptance riskAcceptance) {
        this.productIndex = productIndex;
        this.product = product;
        this.riskAcceptance = riskAcceptance;
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
    public RiskAcceptance getRiskAcceptance() {
        return riskAcceptance;
    }
}
