package io.kakunin.service.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * What an operation of the API takes, checked before it runs, from the very declaration its
 * interface was generated with (the contract): so nothing is evaluated or stored for a request
 * the operation would have misunderstood.
 *
 * <ul>
 * <li><b>Query parameters</b>: one the operation does not declare (a misspelt filter such as
 * {@code ?decision=} on assessments, {@code ?base=} on validation, {@code ?cursor=} where there is
 * no paging) is refused, naming it and the ones accepted, instead of being ignored: an ignored
 * filter answers with everything. So is a declared one without a value ({@code ?outcome=}), which
 * would silently mean "no filter".</li>
 * <li><b>Idempotency-Key</b> on an operation that does not honour one is refused rather than
 * ignored: the client would retry believing the retry safe.</li>
 * <li><b>Accept</b>: the answer of a success is what the operation declares for it
 * ({@code application/json}, or NDJSON for the batch), never a problem type; a client that accepts
 * none of those gets 406 before anything is done. Problem details are errors only.</li>
 * </ul>
 */
class OperationContract implements HandlerInterceptor {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** What one operation takes and answers with, read once from its method. */
    record Operation(String name, Set<String> parameters, boolean takesIdempotencyKey, Set<MediaType> answers) {

        static Operation of(HandlerMethod method) {
            Set<String> parameters = new TreeSet<>();
            boolean idempotent = false;
            for (MethodParameter parameter : method.getMethodParameters()) {
                RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
                if (param != null) {
                    parameters.add(
                            !param.value().isEmpty()
                                    ? param.value()
                                    : !param.name().isEmpty() ? param.name() : parameter.getParameterName());
                }
                RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
                if (header != null
                        && (IDEMPOTENCY_KEY.equalsIgnoreCase(header.value())
                                || IDEMPOTENCY_KEY.equalsIgnoreCase(header.name()))) {
                    idempotent = true;
                }
            }
            Set<MediaType> answers = new LinkedHashSet<>();
            RequestMapping mapping = org.springframework.core.annotation.AnnotatedElementUtils.findMergedAnnotation(
                    method.getMethod(), RequestMapping.class);
            if (mapping != null) {
                for (String produces : mapping.produces()) {
                    MediaType type = MediaType.parseMediaType(produces);
                    if (!type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)) {
                        answers.add(type);
                    }
                }
            }
            return new Operation(
                    method.getMethod().getName(),
                    Collections.unmodifiableSet(parameters),
                    idempotent,
                    Collections.unmodifiableSet(answers));
        }
    }

    private final Map<java.lang.reflect.Method, Operation> operations = new ConcurrentHashMap<>();

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        if (!(handler instanceof HandlerMethod method)
                || !request.getRequestURI().startsWith(request.getContextPath() + "/v1/")) {
            return true;
        }
        Operation operation = operations.computeIfAbsent(method.getMethod(), m -> Operation.of(method));
        checkParameters(request, operation);
        checkIdempotencyKey(request, operation);
        checkAccept(request, operation);
        return true;
    }

    private static void checkParameters(HttpServletRequest request, Operation operation) {
        String query = request.getQueryString();
        if (query == null) {
            return;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String name;
            try {
                name = URLDecoder.decode(
                        pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.invalid("", "the query string is not validly encoded");
            }
            if (!operation.parameters().contains(name)) {
                String shown = name.length() > 100 ? name.substring(0, 100) + "…" : name;
                throw ApiProblem.invalid(
                        shown,
                        "is not a query parameter of this operation; "
                                + (operation.parameters().isEmpty()
                                        ? "it takes none"
                                        : "it takes " + String.join(", ", operation.parameters())));
            }
            // An empty value would be read as no value (no filter, the default): say so instead.
            if (pair.indexOf('=') < 0 || pair.indexOf('=') == pair.length() - 1) {
                throw ApiProblem.invalid(name, "has no value; give one, or leave the parameter out");
            }
        }
    }

    private static void checkIdempotencyKey(HttpServletRequest request, Operation operation) {
        if (operation.takesIdempotencyKey()
                || request.getHeader(IDEMPOTENCY_KEY) == null
                || HttpMethod.GET.matches(request.getMethod())
                || HttpMethod.HEAD.matches(request.getMethod())) {
            return;
        }
        String detail = "createAssessmentBatch".equals(operation.name())
                ? "a batch takes its keys per line: give each line an idempotencyKey member of its own, and a line sent "
                        + "again with its key is answered with the record stored the first time, never stored twice; so to retry "
                        + "an interrupted batch, send again, with their keys, the lines that got no 201 result line"
                : "this operation does not take one; a retry would not be recognized as one, so it is refused rather than ignored";
        throw new ApiProblem(HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, IDEMPOTENCY_KEY + ": " + detail + ".")
                .with("errors", List.of(new FieldProblem(IDEMPOTENCY_KEY, detail)));
    }

    private static void checkAccept(HttpServletRequest request, Operation operation)
            throws HttpMediaTypeNotAcceptableException {
        if (operation.answers().isEmpty()) {
            return;
        }
        // Success bodies are negotiated among the success types only: never labelled as a problem.
        request.setAttribute(HandlerMapping.PRODUCIBLE_MEDIA_TYPES_ATTRIBUTE, operation.answers());
        List<String> values = Collections.list(request.getHeaders(HttpHeaders.ACCEPT));
        if (values.isEmpty()) {
            return;
        }
        List<MediaType> accepted;
        try {
            accepted = MediaType.parseMediaTypes(values);
        } catch (InvalidMediaTypeException e) {
            throw new HttpMediaTypeNotAcceptableException("Could not parse 'Accept' header: " + e.getMessage());
        }
        if (accepted.isEmpty()) {
            return;
        }
        for (MediaType type : accepted) {
            if (type.getQualityValue() > 0 && operation.answers().stream().anyMatch(type::isCompatibleWith)) {
                return;
            }
        }
        throw new HttpMediaTypeNotAcceptableException(new ArrayList<>(operation.answers()));
    }
}
