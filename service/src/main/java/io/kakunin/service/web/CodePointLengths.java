package io.kakunin.service.web;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.HibernateValidatorConfiguration;
import org.hibernate.validator.cfg.ConstraintMapping;
import org.springframework.boot.validation.autoconfigure.ValidationConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The contract's {@code minLength} and {@code maxLength} count characters, as JSON Schema does
 * (Unicode code points); Bean Validation's {@code @Size}, which the generated models carry, counts
 * UTF-16 units, so a name of 300 emoji would break a {@code maxLength} of 500. Strings are
 * measured in code points here; collections and maps keep Hibernate Validator's own validators
 * (this one is more specific than its {@code CharSequence} validator, so it is the one chosen).
 */
@Configuration(proxyBeanMethods = false)
class CodePointLengths {

    @Bean
    ValidationConfigurationCustomizer sizeOfStringsInCodePoints() {
        return configuration -> {
            if (configuration instanceof HibernateValidatorConfiguration hibernate) {
                ConstraintMapping mapping = hibernate.createConstraintMapping();
                mapping.constraintDefinition(Size.class)
                        .includeExistingValidators(true)
                        .validatedBy(StringSize.class);
                hibernate.addMapping(mapping);
            }
        };
    }

    /** {@code @Size} of a string, in code points. */
    public static final class StringSize implements ConstraintValidator<Size, String> {

        private int min;
        private int max;

        @Override
        public void initialize(Size size) {
            this.min = size.min();
            this.max = size.max();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            // Cheap first: UTF-16 units are never fewer than code points.
            if (value.length() >= min && value.length() <= max) {
                return true;
            }
            int characters = value.codePointCount(0, value.length());
            return characters >= min && characters <= max;
        }
    }
}
