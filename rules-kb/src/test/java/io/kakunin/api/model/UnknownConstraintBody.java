package io.kakunin.api.model;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import java.util.List;

/**
 * A body (a test class in the model's package) that holds, two levels down, a member with a
 * constraint the contract's reader does not check ({@code ContractConstraintsPrepareTests}).
 */
public class UnknownConstraintBody {
    public List<@Valid Middle> getMiddles() {
        return List.of();
    }

    public static class Middle {
        public Inner getInner() {
            return new Inner();
        }
    }

    public static class Inner {
        @Email
        public String getContact() {
            return "";
        }
    }
}
