package io.kakunin.kb;

import io.kakunin.api.model.Product;
import io.kakunin.api.model.SecurityRequirement;

/**
 * A security requirement of a product ({@code securityRequirements}), inserted as a fact of its own beside its product, so that rules join on it
 * ({@code RequirementOf( product == $p, ... )}) instead of reaching into the list with {@code from}. Its
 * identity is the element's: two equal elements of one list are two facts, as {@code from} made them.
 */
public final class RequirementOf {

    private final Product product;
    private final SecurityRequirement requirement;

    RequirementOf(Product product, SecurityRequirement requirement) {
        this.product = product;
        this.requirement = requirement;
    }

    /** The product whose list holds the element. */
    public Product getProduct() {
        return product;
    }

    /** The element, as submitted: what a rule reads and what its outcome points at. */
    public SecurityRequirement getRequirement() {
        return requirement;
    }
}
