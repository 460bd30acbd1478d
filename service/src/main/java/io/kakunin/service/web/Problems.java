package io.kakunin.service.web;

import io.kakunin.api.model.Problem;
import io.kakunin.kb.input.ContractConstraints;
import io.kakunin.kb.input.InputFault;
import io.kakunin.kb.input.InputFaultTexts;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.kb.input.ReadFaults;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one maker of the API's error bodies: RFC 9457 problem details, sent as
 * {@code application/problem+json}, in the shape the contract declares as {@code Problem}. Every
 * path that refuses a request calls it, so that every refusal looks the same wherever it is made:
 * the problem handler of Spring MVC ({@code ProblemHandler}), the security entry point and
 * access-denied handler, the error controller, the servlet container's error report valve, and
 * the result lines of a batch.
 *
 * <p>It owns the shape: the type URI ({@link #TYPE_PREFIX} and a slug, by default the status's
 * name), the title (one per type), the instance (the request's path, when it is a valid URI), and
 * the extension members (only those the contract declares). It also owns what may be repeated of
 * a request: nothing of what a feature declared {@link NeverEchoed}.
 */
@Component
public class Problems {

    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    /** Every problem type of the API is this prefix followed by a slug. */
    public static final String TYPE_PREFIX = "urn:kakunin:problem:";

    // The store failed (storage.StoreFailures says which): each a 503 with Retry-After.
    public static final String STORE_UNAVAILABLE = "store-unavailable";
    public static final String STORE_FULL = "store-full";
    public static final String OUTCOME_UNKNOWN = "outcome-unknown";

    private static final Map<String, String> STORE_TITLES = Map.of(
            STORE_UNAVAILABLE,
            "The store is unavailable",
            STORE_FULL,
            "The store's disk is full",
            OUTCOME_UNKNOWN,
            "Whether the record was stored is unknown");

    public static final String INVALID_REQUEST = "invalid-request";
    public static final String PAYLOAD_TOO_LARGE = "payload-too-large";
    public static final String REJECTED_REQUEST = "rejected-request";
    public static final String INTERNAL_ERROR = "internal-error";
    public static final String TOO_MANY_FAILED_AUTHENTICATIONS = "too-many-failed-authentications";

    /** The members a problem may carry besides RFC 9457's own: those of the contract's Problem. */
    static final Set<String> EXTENSIONS = Set.of(
            Problem.JSON_PROPERTY_ERRORS,
            Problem.JSON_PROPERTY_DIAGNOSTICS,
            Problem.JSON_PROPERTY_RULE,
            Problem.JSON_PROPERTY_REVISION,
            Problem.JSON_PROPERTY_EVENT_ID);

    /**
     * The title of each type that says more than its status; the title of any other type is the
     * reason phrase of its status ("Not Found"). One title per type, the same for every occurrence.
     */
    private static final Map<String, String> TITLES = Map.of(
            INVALID_REQUEST,
            "The request is invalid",
            PAYLOAD_TOO_LARGE,
            "The request body is too large",
            REJECTED_REQUEST,
            "The request was rejected",
            INTERNAL_ERROR,
            "Internal error",
            "unauthorized",
            "Credentials are missing or not valid",
            "forbidden",
            "The credentials do not allow this",
            "busy",
            "The service is busy",
            TOO_MANY_FAILED_AUTHENTICATIONS,
            "Too many failed authentications");

    /** The statuses whose type is not their name: 413 and 500 are the same kind wherever they are answered. */
    private static final Map<Integer, String> STATUS_TYPES = Map.of(
            HttpStatus.CONTENT_TOO_LARGE.value(), PAYLOAD_TOO_LARGE,
            HttpStatus.INTERNAL_SERVER_ERROR.value(), INTERNAL_ERROR);

    private final JsonMapper json;
    private final List<NeverEchoed> neverEchoed;

    @Autowired
    Problems(JsonMapper json, ObjectProvider<NeverEchoed> neverEchoed) {
        this.json = json;
        this.neverEchoed = neverEchoed.orderedStream().toList();
    }

    // ------------------------------------------------------------------ the shape

    /**
     * A problem detail of the API.
     *
     * @param status   the HTTP status it is answered with
     * @param slug     its type after {@link #TYPE_PREFIX}; null for the type named after the status
     * @param title    null for the type's own title, which is what every caller should want
     * @param detail   what went wrong in this occurrence
     * @param path     the request's path, for {@code instance}; left out when null or not a valid URI
     *                 (a path refused as malformed is not repeated)
     * @param members  extension members ({@code errors}, {@code rule}, ...): only those the contract declares, and
     *                 none that is null; {@code errors} only when it names a field
     */
    public ProblemDetail create(
            HttpStatusCode status, String slug, String title, String detail, String path, Map<String, ?> members) {
        String type = slug == null ? slug(status) : slug;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_PREFIX + type));
        problem.setTitle(title == null ? title(type, status) : title);
        URI instance = instance(path);
        if (instance != null) {
            problem.setInstance(instance);
        }
        (members == null ? Map.<String, Object>of() : members).forEach((name, value) -> {
            if (!EXTENSIONS.contains(name)) {
                // A member the contract does not declare would make this answer unlike every other one.
                log.warn("Problem member '{}' is not declared by the contract's Problem; left out", name);
            } else if (value != null
                    && !(Problem.JSON_PROPERTY_ERRORS.equals(name)
                            && value instanceof List<?> list
                            && list.isEmpty())) {
                problem.setProperty(name, value);
            }
        });
        return problem;
    }

    /** 400 {@code invalid-request}: the fields named, the detail saying the first of them. */
    public ProblemDetail invalid(List<FieldProblem> fields, String path) {
        return invalid(summary(fields), fields, path);
    }

    /** 400 {@code invalid-request} with a detail of its own. */
    public ProblemDetail invalid(String detail, List<FieldProblem> fields, String path) {
        return create(
                HttpStatus.BAD_REQUEST,
                INVALID_REQUEST,
                null,
                detail,
                path,
                Map.of(Problem.JSON_PROPERTY_ERRORS, fields));
    }

    /** The problem a refusal of the contract ({@link ApiProblem}) describes; its headers are the caller's to send. */
    public ProblemDetail of(ApiProblem refusal, String path) {
        return create(
                refusal.status(), refusal.slug(), refusal.title(), refusal.getMessage(), path, refusal.properties());
    }

    /**
     * The type after the prefix of a problem named after its status: the status's name
     * ({@code not-found}, {@code method-not-allowed}), or the API's own name for it where it has one.
     */
    static String slug(HttpStatusCode status) {
        String own = STATUS_TYPES.get(status.value());
        if (own != null) {
            return own;
        }
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null
                ? Integer.toString(status.value())
                : known.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The title of a type: its own, or the reason phrase of its status. */
    static String title(String slug, HttpStatusCode status) {
        String own = TITLES.getOrDefault(slug, STORE_TITLES.get(slug));
        if (own != null) {
            return own;
        }
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "Error " + status.value() : known.getReasonPhrase();
    }

    private static URI instance(String path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        try {
            return new URI(path);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The one-line detail of a list of field problems: the first, and how many more. */
    public static String summary(List<FieldProblem> fields) {
        if (fields.isEmpty()) {
            return "The request is invalid.";
        }
        FieldProblem first = fields.get(0);
        String head = (first.pointer().isEmpty() ? "" : first.pointer() + ": ") + first.detail();
        return fields.size() == 1 ? head : head + " (and " + (fields.size() - 1) + " more)";
    }

    // ------------------------------------------------------------------ bad input, in the caller's language

    /**
     * 400 {@code invalid-request} naming every fault, in the caller's language: the title, the
     * detail (the first fault, and how many more) and one entry per fault. Values under a part of
     * the request that is {@link NeverEchoed} are not repeated.
     *
     * @param truncated whether there were more faults than these, which the detail then says
     */
    public ProblemDetail invalid(List<InputFault> faults, boolean truncated, Locale locale, String path) {
        List<InputFault> listed = faults.size() > ReadFaults.MAX ? faults.subList(0, ReadFaults.MAX) : faults;
        List<FieldProblem> fields = listed.stream()
                .map(f -> echoable(f))
                .map(f -> new FieldProblem(f.pointer(), InputFaultTexts.detail(f, locale)))
                .toList();
        return create(
                HttpStatus.BAD_REQUEST,
                INVALID_REQUEST,
                InputFaultTexts.text("problem.title", locale),
                summary(fields, truncated || listed.size() < faults.size(), locale),
                path,
                Map.of(Problem.JSON_PROPERTY_ERRORS, fields));
    }

    /**
     * The problem of a body that could not be read: every fault the reader stepped over, then
     * those the contract's constraints find in what was read (a field the reader could not read is
     * not also reported missing); or, when reading stopped, the one fault it stopped at.
     */
    public ProblemDetail unreadable(JacksonException e, Locale locale, String path) {
        if (e instanceof ReadFaults.ReadFaultsException read) {
            // The request reader has checked the contract's constraints on what it read, too.
            return invalid(read.faults(), read.truncated(), locale, path);
        }
        return invalid(List.of(ReadFaults.describe(e)), false, locale, path);
    }

    /**
     * A fault as it may be told: under a part of the request that is {@link NeverEchoed}, no value
     * is quoted, and a member the object does not define is not named either (its name is input
     * too, put in the wrong place): its object is.
     */
    private InputFault echoable(InputFault fault) {
        if (neverEchoed.stream().noneMatch(n -> n.covers(fault.pointer()))) {
            return fault;
        }
        if (fault.kind() == InputFault.Kind.UNKNOWN_FIELD) {
            return fault.at(fault.pointer()
                            .substring(0, Math.max(0, fault.pointer().lastIndexOf('/'))))
                    .without("name");
        }
        return fault.without("value").without("token").without("name").without("character");
    }

    /** Bean-validation violations as faults named by JSON Pointer, in pointer order. */
    public List<InputFault> faults(Set<? extends ConstraintViolation<?>> violations) {
        List<InputFault> faults = new ArrayList<>();
        for (ConstraintViolation<?> v : violations) {
            faults.add(fault(BadInput.pointerOfProperty(v.getPropertyPath().toString()), v));
        }
        faults.sort(BY_POINTER);
        return faults;
    }

    /** Faults in the order of their pointers, elements of a list by their index. */
    public static final Comparator<InputFault> BY_POINTER = ContractConstraints.BY_POINTER;

    /** What a violated constraint of the contract says, as a fault at {@code pointer}. */
    public static InputFault fault(String pointer, ConstraintViolation<?> v) {
        Annotation constraint = v.getConstraintDescriptor() == null
                ? null
                : v.getConstraintDescriptor().getAnnotation();
        if (constraint instanceof NotNull) {
            return InputFault.of(pointer, InputFault.Kind.REQUIRED);
        }
        if (constraint instanceof Pattern pattern) {
            return InputFault.of(pointer, InputFault.Kind.PATTERN, "pattern", pattern.regexp());
        }
        if (constraint instanceof Size size) {
            return InputFault.of(
                    pointer,
                    v.getInvalidValue() instanceof CharSequence ? InputFault.Kind.LENGTH : InputFault.Kind.ELEMENTS,
                    "min",
                    size.min() > 0 ? size.min() : null,
                    "max",
                    size.max() < Integer.MAX_VALUE ? size.max() : null);
        }
        if (constraint instanceof Min min) {
            return InputFault.of(pointer, InputFault.Kind.TOO_SMALL, "min", min.value());
        }
        if (constraint instanceof Max max) {
            return InputFault.of(pointer, InputFault.Kind.TOO_LARGE, "max", max.value());
        }
        if (constraint instanceof DecimalMin min) {
            return InputFault.of(pointer, InputFault.Kind.TOO_SMALL, "min", min.value());
        }
        if (constraint instanceof DecimalMax max) {
            return InputFault.of(pointer, InputFault.Kind.TOO_LARGE, "max", max.value());
        }
        return InputFault.of(pointer, InputFault.Kind.INVALID, "message", v.getMessage());
    }

    /** The one-line detail of a localised list: the first field, and how many more (or that the list was cut). */
    static String summary(List<FieldProblem> fields, boolean truncated, Locale locale) {
        if (fields.isEmpty()) {
            return InputFaultTexts.text("problem.title", locale);
        }
        FieldProblem first = fields.get(0);
        String head = (first.pointer().isEmpty() ? "" : first.pointer() + ": ") + first.detail();
        if (truncated) {
            return InputFaultTexts.text("problem.truncated", locale, "first", head, "max", ReadFaults.MAX);
        }
        return fields.size() == 1
                ? head
                : InputFaultTexts.text("problem.more", locale, "first", head, "more", fields.size() - 1);
    }

    /** The facts the engine refused, as fields. */
    public List<FieldProblem> fields(InvalidFactsException e) {
        return e.problems().stream()
                .map(p -> new FieldProblem(p.pointer(), p.detail()))
                .toList();
    }

    // ------------------------------------------------------------------ writing it

    /** The body as it is sent. */
    public byte[] toJson(ProblemDetail problem) {
        return json.writeValueAsBytes(problem);
    }

    /** Answers with the problem, for code that runs outside Spring MVC (security's handlers). */
    public void write(ProblemDetail problem, HttpServletResponse response) throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(toJson(problem));
    }

    /** The problem as the contract's model, where it is a member of another answer (a batch result line). */
    public Problem toContract(ProblemDetail problem) {
        return json.readValue(toJson(problem), Problem.class);
    }
}
