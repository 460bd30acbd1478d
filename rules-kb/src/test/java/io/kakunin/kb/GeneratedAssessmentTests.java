package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.Level;
import io.kakunin.api.model.Organization;
import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Product;
import io.kakunin.api.model.Result;
import io.kakunin.api.model.SubjectType;
import io.kakunin.kb.input.Json;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Product profiles nobody on the team wrote: thousands of requests generated from the contract's
 * own model (every property absent or any value its constraints allow, lists of any length, dates
 * of things done before the assessment date) are evaluated, and the verdict semantics hold for
 * every one: no failure, exactly one result per recommendation and subject, evidence that points
 * at facts the request holds, missing facts that it does not hold, and the overall outcome that
 * the MUST items give.
 */
class GeneratedAssessmentTests {

    private static final Ruleset KB = Ruleset.builtIn();
    private static final LocalDate ASSESSED = LocalDate.of(2026, 11, 30);
    /** Dates of things planned rather than done: they may lie after the assessment date. */
    private static final Set<String> PLANNED = Set.of("designFreezeDate", "supportEndDate");

    @Test
    void theVerdictSemanticsHoldForThousandsOfGeneratedProfiles() {
        Random random = new Random(20261130);
        int organizationItems = (int) KB.catalog().entries().stream()
                .filter(e -> e.subject() == SubjectType.ORGANIZATION)
                .count();
        int productItems = (int) KB.catalog().entries().stream()
                .filter(e -> e.subject() == SubjectType.PRODUCT)
                .count();
        int failures = 0, needs = 0;
        // Every kind of violation once (pointers with their indices generalized), with the first request that showed
        // it.
        java.util.Map<String, Integer> violations = new java.util.TreeMap<>();
        for (int n = 0; n < 1500; n++) {
            AssessmentRequest request = new AssessmentRequest()
                    .assessmentDate(ASSESSED)
                    .organization(fill(new Organization(), random, random.nextDouble()));
            double density = random.nextDouble();
            List<Product> products = new ArrayList<>();
            for (int p = 0, k = 1 + random.nextInt(3); p < k; p++) {
                products.add(fill(new Product(), random, density).id(random.nextBoolean() ? null : "product-" + p));
            }
            request.products(products);

            Assessment verdict = KB.assess(request, Locale.ENGLISH);
            JsonNode facts = Json.mapper().valueToTree(request);

            assertThat(verdict.getResults()).hasSize(organizationItems + productItems * products.size());
            Set<String> seen = new LinkedHashSet<>();
            boolean mustFails = false, mustNeeds = false;
            for (Result r : verdict.getResults()) {
                assertThat(seen.add(r.getRecommendationId() + r.getSubject()))
                        .as("one result per recommendation and subject")
                        .isTrue();
                if (r.getOutcome() == Outcome.FAIL) {
                    failures++;
                    mustFails |= r.getLevel() == Level.MUST;
                    for (String pointer : r.getEvidence() == null ? List.<String>of() : r.getEvidence()) {
                        if (!present(facts, pointer)) {
                            violations.putIfAbsent(
                                    r.getRecommendationId() + " gives as evidence what the request does not hold: "
                                            + pointer.replaceAll("/\\d+", "/N"),
                                    n);
                        }
                    }
                }
                if (r.getOutcome() == Outcome.NEEDS_INFORMATION) {
                    needs++;
                    mustNeeds |= r.getLevel() == Level.MUST;
                    if (r.getMissingFacts() == null || r.getMissingFacts().isEmpty()) {
                        violations.putIfAbsent(r.getRecommendationId() + " needs information without naming it", n);
                    }
                    for (String pointer : r.getMissingFacts() == null ? List.<String>of() : r.getMissingFacts()) {
                        // Absent, or given as empty while something else says there must be some (a product that
                        // updates over the network but lists no communication channel).
                        JsonNode given = facts.at(pointer);
                        if (present(facts, pointer)
                                && !(given.isContainer() && given.isEmpty())
                                && !(given.isString() && given.asString().isBlank())) {
                            violations.putIfAbsent(
                                    r.getRecommendationId() + " asks for what the request gives: "
                                            + pointer.replaceAll("/\\d+", "/N"),
                                    n);
                        }
                    }
                }
            }
            assertThat(verdict.getOverallOutcome())
                    .as("request %d", n)
                    .isEqualTo(
                            mustFails
                                    ? OverallOutcome.NON_COMPLIANT
                                    : mustNeeds ? OverallOutcome.INCOMPLETE : OverallOutcome.COMPLIANT);
        }
        assertThat(violations)
                .as("what the generated verdicts got wrong (kind -> first generated request, seed 20261130)")
                .isEmpty();
        assertThat(failures).as("failures among the generated verdicts").isGreaterThan(1000);
        assertThat(needs).as("follow-up questions among the generated verdicts").isGreaterThan(1000);
    }

    /** Whether a JSON Pointer names a value the request holds (not absent, not null). */
    private static boolean present(JsonNode root, String pointer) {
        JsonNode node = root.at(pointer);
        return !node.isMissingNode() && !node.isNull();
    }

    // ------------------------------------------------------------------ the generator

    /** Sets each property of a model object, with the given probability, to a value its constraints allow. */
    private static <T> T fill(T object, Random random, double density) {
        for (Method getter : object.getClass().getMethods()) {
            JsonProperty json = getter.getAnnotation(JsonProperty.class);
            if (json == null
                    || getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || random.nextDouble() > density) {
                continue;
            }
            Method setter = setter(object.getClass(), getter);
            if (setter == null) {
                continue;
            }
            Object value = value(getter.getGenericReturnType(), getter, json.value(), random, density * 0.8);
            if (value != null) {
                try {
                    setter.invoke(object, value);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return object;
    }

    private static Method setter(Class<?> type, Method getter) {
        try {
            return type.getMethod("set" + getter.getName().substring(3), getter.getReturnType());
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Object value(Type type, Method getter, String name, Random random, double density) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (Collection.class.isAssignableFrom(raw)) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            Size size = getter.getAnnotation(Size.class);
            int min = size == null ? 0 : size.min();
            int max = Math.min(size == null ? 4 : size.max(), min + 4);
            int count = min + random.nextInt(max - min + 1);
            Collection<Object> items = Set.class.isAssignableFrom(raw) ? new LinkedHashSet<>() : new ArrayList<>();
            for (int i = 0; i < count * 3 && items.size() < count; i++) {
                Object item = value(element, null, name, random, density);
                if (item != null) {
                    items.add(item);
                }
            }
            return items.size() >= min ? items : null;
        }
        if (raw.isEnum()) {
            Object[] constants = raw.getEnumConstants();
            return constants[random.nextInt(constants.length)];
        }
        if (raw == Boolean.class) {
            return random.nextBoolean();
        }
        if (raw == Integer.class || raw == Long.class) {
            long min = getter != null && getter.getAnnotation(Min.class) != null
                    ? getter.getAnnotation(Min.class).value()
                    : 0;
            long max = getter != null && getter.getAnnotation(Max.class) != null
                    ? getter.getAnnotation(Max.class).value()
                    : 400;
            long v = min + (long) (random.nextDouble() * (Math.min(max, min + 400) - min + 1));
            return raw == Integer.class ? (Object) (int) v : (Object) v;
        }
        if (raw == BigDecimal.class || raw == Double.class || raw == Float.class) {
            double min = getter != null && getter.getAnnotation(DecimalMin.class) != null
                    ? Double.parseDouble(getter.getAnnotation(DecimalMin.class).value())
                    : 0;
            double max = getter != null && getter.getAnnotation(DecimalMax.class) != null
                    ? Double.parseDouble(getter.getAnnotation(DecimalMax.class).value())
                    : 100;
            double v = min + random.nextDouble() * (max - min);
            return raw == BigDecimal.class
                    ? BigDecimal.valueOf(v)
                    : raw == Double.class ? (Object) v : (Object) (float) v;
        }
        if (raw == LocalDate.class) {
            int days = random.nextInt(6 * 365);
            return PLANNED.contains(name) && random.nextBoolean() ? ASSESSED.plusDays(days) : ASSESSED.minusDays(days);
        }
        if (raw == OffsetDateTime.class) {
            return ASSESSED.minusDays(random.nextInt(365)).atStartOfDay().atOffset(ZoneOffset.ofHours(9));
        }
        if (raw == String.class) {
            Pattern pattern = getter == null ? null : getter.getAnnotation(Pattern.class);
            String text = pattern == null
                    ? (random.nextInt(5) == 0 ? "" : "Text " + random.nextInt(1000) + " ＡＢＣ 日本語")
                    : "id-" + random.nextInt(100000);
            return pattern == null || text.matches(pattern.regexp()) ? text : null;
        }
        if (raw.getPackageName().equals("io.kakunin.api.model")) {
            try {
                return fill(raw.getDeclaredConstructor().newInstance(), random, density);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return null;
    }
}
