package io.kakunin.kb.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.JcStarSelfCheck;
import io.kakunin.api.model.Organization;
import io.kakunin.api.model.Product;
import io.kakunin.api.model.UnknownConstraintBody;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ContractConstraints#prepare} reads a body's class and every class of the model it holds,
 * at start-up, and refuses a constraint it does not check there rather than on a request. (The body
 * with such a constraint is a test class in the model's package: only the model's classes are walked.)
 */
class ContractConstraintsPrepareTests {

    @Test
    void readsTheBodyAndEveryClassOfTheModelItHolds() {
        assertThat(ContractConstraints.isPrepared(AssessmentRequest.class)).isFalse();

        List<Class<?>> read = ContractConstraints.prepare(AssessmentRequest.class);

        assertThat(read.get(0)).isEqualTo(AssessmentRequest.class);
        assertThat(read)
                .contains(Organization.class, Product.class, JcStarSelfCheck.class)
                .doesNotHaveDuplicates()
                .allSatisfy(c -> assertThat(c.getPackageName()).isEqualTo("io.kakunin.api.model"))
                .noneMatch(Class::isEnum);
        assertThat(ContractConstraints.isPrepared(AssessmentRequest.class)).isTrue();
        assertThat(ContractConstraints.isPrepared(Product.class)).isFalse();
    }

    @Test
    void aConstraintItDoesNotCheckStopsThePreparationOfEveryBodyThatHoldsIt() {
        assertThatThrownBy(() -> ContractConstraints.prepare(UnknownConstraintBody.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@Email")
                .hasMessageContaining("Inner.getContact");
        assertThat(ContractConstraints.isPrepared(UnknownConstraintBody.class)).isFalse();
    }
}
