package io.kakunin.kb.input;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Constraint;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contract's constraints on what a request holds (required members, patterns, lengths,
 * list sizes, ranges), checked on the objects the reader has just built, in one walk that builds
 * a pointer only for a fault. The constraints are the Bean Validation annotations the contract's
 * model is generated with, read once per class: nothing here is written per field, and a
 * constraint of a kind this class does not know stops it at once (when its class is first met),
 * so that a new kind in the contract can never be skipped silently.
 *
 * <p>The meaning is Bean Validation's, with one difference the contract asks for: a string's
 * length counts characters (Unicode code points), as JSON Schema's {@code minLength} and
 * {@code maxLength} do, not UTF-16 units. Only classes of the contract's model are walked;
 * anything else (a STIX bundle, read as a map) is free-form and has no constraints here.
 */
public final class ContractConstraints {

    private static final String MODEL_PACKAGE = "io.kakunin.api.model";

    /** The constraint kinds the contract's generator writes, and so the ones checked here. */
    private static final List<Class<? extends Annotation>> KNOWN =
            List.of(NotNull.class, Size.class, Pattern.class, Min.class, Max.class, DecimalMin.class, DecimalMax.class);

    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);

    private static final Map<Class<?>, List<Member>> MEMBERS = new ConcurrentHashMap<>();

    private ContractConstraints() {}

    /** Faults in the order of their pointers, elements of a list by their index. */
    public static final Comparator<InputFault> BY_POINTER =
            Comparator.comparing(InputFault::pointer, ContractConstraints::comparePointers);

    /** What the contract's constraints find in {@code value} (an object of the model), by pointer. */
    public static List<InputFault> check(Object value) {
        List<InputFault> faults = new ArrayList<>();
        walk(value, "", faults);
        faults.sort(BY_POINTER);
        return faults;
    }

    /**
     * What the contract's constraints find in an object read with faults, but not at or under a
     * member already named, nor above one (a list that lost an element to a fault is not also
     * too short).
     */
    public static List<InputFault> checkBeside(Object value, List<InputFault> read) {
        return check(value).stream()
                .filter(f -> read.stream()
                        .noneMatch(r -> f.pointer().equals(r.pointer())
                                || f.pointer().startsWith(r.pointer() + "/")
                                || r.pointer().startsWith(f.pointer() + "/")))
                .toList();
    }

    /** Walks an object of the model; a pointer is built only for a fault or for an object walked into. */
    private static void walk(Object value, String pointer, List<InputFault> faults) {
        if (value == null || !inModel(value.getClass())) {
            return;
        }
        for (Member member : members(value.getClass())) {
            Object v = member.get(value);
            member.checks.check(v, pointer, member.name, faults);
            if (v instanceof List<?> list) {
                if (list.isEmpty() || (member.elementChecks == Checks.NONE && !member.cascade)) {
                    continue;
                }
                String at = pointer + "/" + member.name;
                for (int i = 0; i < list.size(); i++) {
                    Object element = list.get(i);
                    if (member.elementChecks != Checks.NONE) {
                        member.elementChecks.check(element, at, Integer.toString(i), faults);
                    }
                    if (member.cascade && element != null && inModel(element.getClass())) {
                        walk(element, at + "/" + i, faults);
                    }
                }
            } else if (v instanceof Map<?, ?> map) {
                if (member.cascade) {
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        if (e.getValue() != null && inModel(e.getValue().getClass())) {
                            walk(
                                    e.getValue(),
                                    pointer + "/" + member.name + "/" + escape(String.valueOf(e.getKey())),
                                    faults);
                        }
                    }
                }
            } else if (member.cascade && v != null && inModel(v.getClass())) {
                walk(v, pointer + "/" + member.name, faults);
            }
        }
    }

    private static List<Member> members(Class<?> type) {
        return MEMBERS.computeIfAbsent(type, ContractConstraints::read);
    }

    /** The members of a model class with what the contract says of each, from its getters. */
    private static List<Member> read(Class<?> type) {
        List<Member> members = new ArrayList<>();
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        for (Method getter : type.getMethods()) {
            if (Modifier.isStatic(getter.getModifiers())
                    || getter.getParameterCount() != 0
                    || getter.getDeclaringClass() == Object.class
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))) {
                continue;
            }
            Checks checks = checks(getter.getAnnotations(), type, getter);
            Checks elementChecks = Checks.NONE;
            boolean cascade = getter.isAnnotationPresent(Valid.class);
            AnnotatedType returned = getter.getAnnotatedReturnType();
            if (returned instanceof AnnotatedParameterizedType parameterized) {
                AnnotatedType[] arguments = parameterized.getAnnotatedActualTypeArguments();
                AnnotatedType element = arguments[arguments.length - 1];
                cascade |= element.isAnnotationPresent(Valid.class);
                elementChecks = checks(element.getAnnotations(), type, getter);
            }
            if (checks == Checks.NONE && elementChecks == Checks.NONE && !cascade && !holdsModel(getter)) {
                continue;
            }
            if (Collection.class.isAssignableFrom(getter.getReturnType())
                    && !List.class.isAssignableFrom(getter.getReturnType())
                    && (elementChecks != Checks.NONE || holdsModel(getter))) {
                // The elements of a set have no index to name them by: the contract has none such today.
                throw new IllegalStateException("The contract's model has a set whose elements carry constraints: "
                        + type.getSimpleName() + "." + getter.getName());
            }
            JsonProperty json = getter.getAnnotation(JsonProperty.class);
            String name = json != null && !json.value().isEmpty() ? json.value() : property(getter.getName());
            try {
                members.add(new Member(
                        escape(name),
                        lookup.unreflect(getter).asType(GETTER),
                        checks,
                        elementChecks,
                        cascade || holdsModel(getter)));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("The contract's model class " + type.getName() + " cannot be read", e);
            }
        }
        members.sort(Comparator.comparing(m -> m.name));
        return List.copyOf(members);
    }

    /** A getter whose value is (or holds) an object of the model: walked, as Bean Validation's {@code @Valid} would. */
    private static boolean holdsModel(Method getter) {
        Type type = getter.getGenericReturnType();
        if (type instanceof ParameterizedType parameterized) {
            Type[] arguments = parameterized.getActualTypeArguments();
            type = arguments[arguments.length - 1];
        }
        return type instanceof Class<?> c && inModel(c) && !c.isEnum();
    }

    private static Checks checks(Annotation[] annotations, Class<?> type, Method getter) {
        List<Check> checks = new ArrayList<>();
        for (Annotation a : annotations) {
            Class<? extends Annotation> kind = a.annotationType();
            if (!kind.isAnnotationPresent(Constraint.class)) {
                continue;
            }
            if (!KNOWN.contains(kind)) {
                throw new IllegalStateException("The contract's model carries a constraint that is not checked: @"
                        + kind.getSimpleName() + " on " + type.getSimpleName() + "." + getter.getName());
            }
            checks.add(check(a));
        }
        return checks.isEmpty() ? Checks.NONE : new Checks(List.copyOf(checks));
    }

    private static Check check(Annotation a) {
        if (a instanceof NotNull) {
            return (v, parent, token, faults) -> {
                if (v == null) faults.add(InputFault.of(parent + "/" + token, InputFault.Kind.REQUIRED));
            };
        }
        if (a instanceof Size size) {
            Integer min = size.min() > 0 ? size.min() : null;
            Integer max = size.max() < Integer.MAX_VALUE ? size.max() : null;
            return (v, parent, token, faults) -> {
                if (v instanceof CharSequence s) {
                    if (s.length() >= size.min() && s.length() <= size.max()) {
                        return; // UTF-16 units are never fewer than code points
                    }
                    int characters = Character.codePointCount(s, 0, s.length());
                    if (characters < size.min() || characters > size.max()) {
                        faults.add(InputFault.of(parent + "/" + token, InputFault.Kind.LENGTH, "min", min, "max", max));
                    }
                } else if (v instanceof Collection<?> c && (c.size() < size.min() || c.size() > size.max())) {
                    faults.add(InputFault.of(parent + "/" + token, InputFault.Kind.ELEMENTS, "min", min, "max", max));
                } else if (v instanceof Map<?, ?> m && (m.size() < size.min() || m.size() > size.max())) {
                    faults.add(InputFault.of(parent + "/" + token, InputFault.Kind.ELEMENTS, "min", min, "max", max));
                }
            };
        }
        if (a instanceof Pattern pattern) {
            java.util.regex.Pattern compiled = java.util.regex.Pattern.compile(pattern.regexp());
            return (v, parent, token, faults) -> {
                if (v instanceof CharSequence s && !compiled.matcher(s).matches()) {
                    faults.add(
                            InputFault.of(parent + "/" + token, InputFault.Kind.PATTERN, "pattern", pattern.regexp()));
                }
            };
        }
        if (a instanceof Min min) {
            BigDecimal bound = BigDecimal.valueOf(min.value());
            return (v, parent, token, faults) -> {
                if (integral(v) ? ((Number) v).longValue() < min.value() : below(v, bound)) {
                    faults.add(InputFault.of(parent + "/" + token, InputFault.Kind.TOO_SMALL, "min", min.value()));
                }
            };
        }
        if (a instanceof Max max) {
            BigDecimal bound = BigDecimal.valueOf(max.value());
            return (v, parent, token, faults) -> {
                if (integral(v) ? ((Number) v).longValue() > max.value() : above(v, bound)) {
                    faults.add(InputFault.of(parent + "/" + token, InputFault.Kind.TOO_LARGE, "max", max.value()));
                }
            };
        }
        if (a instanceof DecimalMin min) {
            BigDecimal bound = new BigDecimal(min.value());
            return (v, parent, token, faults) -> {
                BigDecimal n = number(v);
                if (n != null && (min.inclusive() ? n.compareTo(bound) < 0 : n.compareTo(bound) <= 0)) {
                    faults.add(InputFault.of(parent + "/" + token, InputFault.Kind.TOO_SMALL, "min", min.value()));
                }
            };
        }
        DecimalMax max = (DecimalMax) a;
        BigDecimal bound = new BigDecimal(max.value());
        return (v, parent, token, faults) -> {
            BigDecimal n = number(v);
            if (n != null && (max.inclusive() ? n.compareTo(bound) > 0 : n.compareTo(bound) >= 0)) {
                faults.add(InputFault.of(parent + "/" + token, InputFault.Kind.TOO_LARGE, "max", max.value()));
            }
        };
    }

    private static boolean integral(Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte;
    }

    private static boolean below(Object v, BigDecimal bound) {
        BigDecimal n = number(v);
        return n != null && n.compareTo(bound) < 0;
    }

    private static boolean above(Object v, BigDecimal bound) {
        BigDecimal n = number(v);
        return n != null && n.compareTo(bound) > 0;
    }

    private static BigDecimal number(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
        }
        return null;
    }

    private static boolean inModel(Class<?> c) {
        return c.getPackageName().equals(MODEL_PACKAGE);
    }

    private static String property(String getter) {
        String bare = getter.startsWith("is") ? getter.substring(2) : getter.substring(3);
        return bare.isEmpty() ? bare : Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
    }

    /** A name as one reference token of a JSON Pointer (RFC 6901). */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static int comparePointers(String a, String b) {
        String[] x = a.split("/", -1);
        String[] y = b.split("/", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].matches("\\d{1,9}") && y[i].matches("\\d{1,9}")
                    ? Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]))
                    : x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    /** One constraint of a member, checked on its value. */
    @FunctionalInterface
    private interface Check {
        void check(Object value, String parent, String token, List<InputFault> faults);
    }

    /** The constraints of a member (or of each element of a list member). */
    private record Checks(List<Check> all) {
        static final Checks NONE = new Checks(List.of());

        void check(Object value, String parent, String token, List<InputFault> faults) {
            for (Check c : all) {
                c.check(value, parent, token, faults);
            }
        }
    }

    /** A member of a model class: its JSON name, its getter, and what the contract says of it. */
    private record Member(String name, MethodHandle getter, Checks checks, Checks elementChecks, boolean cascade) {
        Object get(Object bean) {
            try {
                return getter.invokeExact(bean);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
