package io.kakunin.kb;

import io.kakunin.api.model.NetworkService;
import io.kakunin.api.model.Product;

/**
 * A network service a product offers ({@code networkServices}), inserted as a fact of its own with its product and the product's position
 * in the request ({@link ProductAt}), so that rules match it directly and join it to its product on
 * the position ({@code NetworkServiceOf( productIndex == $i, ... )}) instead of reaching into the list with
 * {@code from}. Its identity is the element's: two equal elements of one list are two facts, as
 * {@code from} made them.
 */
public final class NetworkServiceOf {

    private final int productIndex;
    private final Product product;
    private final NetworkService networkService;

    NetworkServiceOf(int productIndex, Product product, NetworkService networkService) {
        this.productIndex = productIndex;
        this.product = product;
        this.networkService = networkService;
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
    public NetworkService getNetworkService() {
        return networkService;
    }
}
