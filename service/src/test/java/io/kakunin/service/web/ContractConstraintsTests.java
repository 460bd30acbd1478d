package io.kakunin.service.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kakunin.api.model.AssessmentBatchLine;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.input.ContractConstraints;
import io.kakunin.kb.input.InputFault;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.input.ReadFaults;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Size;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.HibernateValidatorConfiguration;
import org.hibernate.validator.cfg.ConstraintMapping;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The request reader checks the contract's constraints itself ({@link ContractConstraints}), in
 * place of Hibernate Validator's second walk over the bound request. It must find exactly what
 * Hibernate Validator finds, as the service configures it (lengths in code points): every
 * fixture's request is taken, and every member of every object in it is broken in each way the
 * contract can refuse (absent, empty, too long, not matching, out of range, too many elements),
 * one at a time and all at once, and both are asked.
 */
class ContractConstraintsTests {

    private static final Validator HIBERNATE = hibernate();

    private static Validator hibernate() {
        HibernateValidatorConfiguration configuration =
                Validation.byProvider(HibernateValidator.class).configure();
        ConstraintMapping mapping = configuration.createConstraintMapping();
        mapping.constraintDefinition(Size.class)
                .includeExistingValidators(true)
                .validatedBy(CodePointLengths.StringSize.class);
        return configuration.addMapping(mapping).buildValidatorFactory().getValidator();
    }

    /** What Hibernate Validator finds, as the service has told it until now. */
    private static List<InputFault> hibernate(Object request) {
        List<InputFault> faults = new ArrayList<>();
        HIBERNATE
                .validate(request)
                .forEach(v -> faults.add(Problems.fault(
                        BadInput.pointerOfProperty(v.getPropertyPath().toString()), v)));
        faults.sort(ContractConstraints.BY_POINTER.thenComparing(f -> f.kind().name()));
        return faults;
    }

    private static List<InputFault> reader(Object request) {
        List<InputFault> faults = new ArrayList<>(ContractConstraints.check(request));
        faults.sort(ContractConstraints.BY_POINTER.thenComparing(f -> f.kind().name()));
        return faults;
    }

    /** The ways a value of each type can break the contract. */
    private static final Map<String, UnaryOperator<Object>> BREAKS = new LinkedHashMap<>();

    static {
        BREAKS.put("absent", v -> null);
        BREAKS.put("empty", v -> v instanceof String ? "" : v instanceof List<?> ? new ArrayList<>() : v);
        BREAKS.put("too long", v -> v instanceof String ? "x".repeat(5_001) : v);
        // 300 characters outside the BMP: 600 UTF-16 units, which only a count in code points accepts under 500.
        BREAKS.put("emoji", v -> v instanceof String ? "\uD83D\uDE00".repeat(300) : v);
        BREAKS.put("not matching", v -> v instanceof String ? " spaced / out " : v);
        BREAKS.put("below", v -> v instanceof Integer ? -1 : v instanceof Long ? -1L : v);
        BREAKS.put("above", v -> v instanceof Integer ? 1_000_000 : v instanceof Long ? 10_000_000_000L : v);
        BREAKS.put("too many", v -> {
            if (v instanceof List<?> list && !list.isEmpty()) {
                return new ArrayList<>(Collections.nCopies(1_001, list.get(0)));
            }
            return v;
        });
        BREAKS.put("long element", v -> {
            if (v instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof String) {
                List<Object> copy = new ArrayList<>(list);
                copy.add("y".repeat(600));
                return copy;
            }
            return v;
        });
    }

    private static List<Object> requests() {
        List<Object> requests = new ArrayList<>();
        for (FixtureCase fixture : FixtureCase.load(Fixtures.root())) {
            Class<?> type = fixture.topic().equals(FixtureCase.INFORMATION_SHARING)
                    ? SharingReviewRequest.class
                    : AssessmentRequest.class;
            try {
                requests.add(Json.mapper().readValue(fixture.request(), type));
            } catch (RuntimeException unreadable) {
                // A fixture of a request the reader refuses is not a request to break further.
            }
        }
        return requests;
    }

    @Test
    void everyMemberBrokenInEveryWayIsFoundAsHibernateValidatorFindsIt() {
        List<Object> requests = requests();
        assertThat(requests).hasSizeGreaterThan(50);
        Set<String> tried = new LinkedHashSet<>();
        int cases = 0;
        int refused = 0;
        for (Object request : requests) {
            assertThat(reader(request)).as("an unbroken fixture request").isEqualTo(hibernate(request));
            for (String member : members(request, "")) {
                for (Map.Entry<String, UnaryOperator<Object>> breaking : BREAKS.entrySet()) {
                    if (!tried.add(request.getClass().getSimpleName()
                            + member.replaceAll("/\\d+", "/#")
                            + breaking.getKey())) {
                        continue;
                    }
                    Object broken = copy(request);
                    if (!set(broken, member, breaking.getValue())) {
                        continue;
                    }
                    cases++;
                    List<InputFault> expected = hibernate(broken);
                    refused += expected.isEmpty() ? 0 : 1;
                    assertThat(reader(broken))
                            .as("%s, %s %s", request.getClass().getSimpleName(), member, breaking.getKey())
                            .isEqualTo(expected);
                }
            }
        }
        // The generation reaches far: most members, most ways, and many refusals.
        assertThat(cases).as("cases").isGreaterThan(150);
        assertThat(refused).as("refused of %d cases", cases).isGreaterThan(cases / 3);
    }

    @Test
    void everythingBrokenAtOnceIsFoundAtOnceInTheOrderOfThePointers() {
        for (String way : BREAKS.keySet()) {
            for (Object request : requests().subList(0, 10)) {
                Object broken = copy(request);
                // The deepest members first, so that a list broken later does not hide what lay in it.
                List<String> members = members(broken, "");
                Collections.reverse(members);
                for (String member : members) {
                    set(broken, member, BREAKS.get(way));
                }
                List<InputFault> checked = ContractConstraints.check(broken);
                assertThat(reader(broken)).as(way).isEqualTo(hibernate(broken));
                assertThat(checked).isSortedAccordingTo(ContractConstraints.BY_POINTER);
            }
        }
    }

    @Test
    void theRequestReaderNamesTheContractsFaultsWithItsOwnInOneRefusal() {
        JsonMapper requests =
                ReadFaults.checkingContract(Json.mapper().rebuild()).build();
        String body = """
                {"assessmentDate": "2026-12-32", "organization": {"id": " bad id", "name": "%s"}, "products": []}""".formatted("n".repeat(501));
        assertThatThrownBy(() -> requests.readValue(body, AssessmentRequest.class))
                .isInstanceOfSatisfying(
                        ReadFaults.ReadFaultsException.class,
                        e -> assertThat(e.faults())
                                .extracting(InputFault::pointer, InputFault::kind)
                                .containsExactly(
                                        org.assertj.core.groups.Tuple.tuple(
                                                "/assessmentDate", InputFault.Kind.NOT_A_DATE),
                                        org.assertj.core.groups.Tuple.tuple(
                                                "/organization/id", InputFault.Kind.PATTERN),
                                        org.assertj.core.groups.Tuple.tuple(
                                                "/organization/name", InputFault.Kind.LENGTH),
                                        org.assertj.core.groups.Tuple.tuple("/products", InputFault.Kind.ELEMENTS)));
        // Read without the contract (a stored record, the officers' tools), the same text is read.
        assertThat(Json.mapper().readValue(body.replace("2026-12-32", "2026-12-31"), AssessmentRequest.class))
                .isNotNull();
        // A batch line is a request too.
        assertThatThrownBy(() -> requests.readValue("{\"organization\": {\"name\": \"A\"}}", AssessmentBatchLine.class))
                .isInstanceOfSatisfying(
                        ReadFaults.ReadFaultsException.class,
                        e -> assertThat(e.faults())
                                .extracting(InputFault::pointer)
                                .contains("/products"));
    }

    // ------------------------------------------------------------------ the model, walked by its getters and setters

    /** Pointers of every member of every object of the model in {@code value}, list elements included. */
    private static List<String> members(Object value, String at) {
        List<String> found = new ArrayList<>();
        if (value == null || !value.getClass().getPackageName().equals("io.kakunin.api.model")) {
            return found;
        }
        for (Method getter : getters(value.getClass())) {
            String name = property(getter);
            Object v = invoke(getter, value);
            found.add(at + "/" + name);
            if (v instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    found.addAll(members(list.get(i), at + "/" + name + "/" + i));
                }
            } else {
                found.addAll(members(v, at + "/" + name));
            }
        }
        return found;
    }

    /** Sets the member at {@code pointer} to what {@code change} makes of it; false where nothing changes. */
    @SuppressWarnings("unchecked")
    private static boolean set(Object root, String pointer, UnaryOperator<Object> change) {
        String[] tokens = pointer.substring(1).split("/");
        Object owner = root;
        for (int i = 0; i < tokens.length - 1; i++) {
            if (tokens[i].matches("\\d+") && Integer.parseInt(tokens[i]) >= ((List<Object>) owner).size()) {
                return false;
            }
            Object next = tokens[i].matches("\\d+")
                    ? ((List<Object>) owner).get(Integer.parseInt(tokens[i]))
                    : invoke(getter(owner.getClass(), tokens[i]), owner);
            if (next == null) {
                return false;
            }
            owner = next;
        }
        String last = tokens[tokens.length - 1];
        if (last.matches("\\d+")) {
            List<Object> list = (List<Object>) owner;
            if (Integer.parseInt(last) >= list.size()) return false;
            Object before = list.get(Integer.parseInt(last));
            Object after = change.apply(before);
            if (after == before) return false;
            list.set(Integer.parseInt(last), after);
            return true;
        }
        Method getter = getter(owner.getClass(), last);
        Object before = invoke(getter, owner);
        Object after = change.apply(before);
        if (after == before || (after != null && !getter.getReturnType().isInstance(after))) {
            return false;
        }
        for (Method m : owner.getClass().getMethods()) {
            if (m.getName().equals("set" + getter.getName().substring(3)) && m.getParameterCount() == 1) {
                invokeSet(m, owner, after);
                return true;
            }
        }
        return false;
    }

    private static List<Method> getters(Class<?> type) {
        List<Method> getters = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers())
                    && m.getParameterCount() == 0
                    && m.getName().startsWith("get")
                    && m.getDeclaringClass() != Object.class) {
                getters.add(m);
            }
        }
        getters.sort(java.util.Comparator.comparing(Method::getName));
        return getters;
    }

    private static Method getter(Class<?> type, String property) {
        for (Method m : getters(type)) {
            if (property(m).equals(property)) return m;
        }
        throw new IllegalArgumentException(type.getSimpleName() + "." + property);
    }

    private static String property(Method getter) {
        com.fasterxml.jackson.annotation.JsonProperty json =
                getter.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
        if (json != null && !json.value().isEmpty()) return json.value();
        String bare = getter.getName().substring(3);
        return Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
    }

    private static Object invoke(Method getter, Object owner) {
        try {
            return getter.invoke(owner);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void invokeSet(Method setter, Object owner, Object value) {
        try {
            setter.invoke(owner, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object copy(Object request) {
        return Json.mapper().readValue(Json.mapper().writeValueAsBytes(request), request.getClass());
    }
}
