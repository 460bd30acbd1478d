package io.kakunin.kb;

import io.kakunin.api.model.Product;

/**
 * A product of the request with its position in {@code products}, inserted beside the product
 * itself. Rules that weigh a product's requirements, test coverage or findings as a whole
 * ({@code not}, {@code exists}, {@code forall}) start from it and join those parts on the
 * position ({@code FindingOf( productIndex == $i, ... )}): a join on a number is hashed and
 * compared as a number, where a join on the product would hash and compare the whole product,
 * and two products with the same content stay two subjects.
 */
public final class ProductAt {

    private final int productIndex;
    private final Product product;

    ProductAt(int productIndex, Product product) {
        this.productIndex = productIndex;
        this.product = product;
    }

    /** The product's position in the request's {@code products}, from 0. */
    public int getProductIndex() {
        return productIndex;
    }

    /** The product, as submitted: what a rule reads and what its outcome is about. */
    public Product getProduct() {
        return product;
    }
}
