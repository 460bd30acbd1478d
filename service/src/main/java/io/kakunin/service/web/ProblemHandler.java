package io.kakunin.service.web;

import io.kakunin.kb.InvalidFactsException;
import io.kakunin.kb.RejectedInputException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;

import java.lang.reflect.Method;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.annotation.AnnotatedMethod;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * The one place error responses are made: RFC 9457 problem details
 * ({@code application/problem+json}) with, for bad input, one entry per offending field named by
 * JSON Pointer. No handler builds an error body of its own.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    static final String TYPE_PREFIX = "urn:kakunin:problem:";


    // ------------------------------------------------------------------ request bodies

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        PayloadTooLargeException tooLarge = cause(ex, PayloadTooLargeException.class);
        if (tooLarge != null) {
            return problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "The request body is too large",
                    "The request body is larger than the limit of " + tooLarge.limit() + " bytes.", List.of(), request);
        }
        JacksonException json = cause(ex, JacksonException.class);
        if (json == null) {
            return invalid("The request body is missing or cannot be read.", List.of(new FieldProblem("", "a JSON body is required")), request);
        }
        FieldProblem field = describe(json);
        return invalid(field.pointer().isEmpty() ? field.detail() : field.pointer() + ": " + field.detail(), List.of(field), request);
    }

    static FieldProblem describe(JacksonException e) {
        FieldProblem problem = describeAny(e);
        if (!problem.pointer().startsWith("/victimProfile")) {
            return problem;
        }
        // The victim profile is repeated nowhere, not even back to its sender in an error: no value,
        // and no name of a field it does not define (that would be a value too, put in the wrong place).
        if (e instanceof UnrecognizedPropertyException unknown) {
            String parent = problem.pointer().substring(0, problem.pointer().lastIndexOf('/'));
            Collection<Object> known = unknown.getKnownPropertyIds();
            return new FieldProblem(parent, "holds a field that is not one of its own"
                    + (known == null || known.isEmpty() ? "" : "; known fields: " + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "))));
        }
        return new FieldProblem(problem.pointer(), problem.detail().replaceAll("'[^']*'", "(value withheld)"));
    }

    private static FieldProblem describeAny(JacksonException e) {
        String pointer = pointer(e.getPath());
        if (e instanceof UnrecognizedPropertyException unknown) {
            Collection<Object> known = unknown.getKnownPropertyIds();
            return new FieldProblem(pointer, "is not a field of this object"
                    + (known == null || known.isEmpty() ? "" : "; known fields: " + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "))));
        }
        if (e instanceof StreamConstraintsException limit) {
            return new FieldProblem(pointer, "exceeds a limit of this service: " + abbreviate(limit.getOriginalMessage()
                    .replaceAll("\\s*\\(from `StreamReadConstraints[^)]*\\)", "")));
        }
        if (e instanceof ArrayLimits.ArrayTooLongException tooLong) {
            return new FieldProblem(tooLong.pointer(), tooLong.getOriginalMessage());
        }
        if (e instanceof RejectedInputException rejected) {
            return new FieldProblem(pointer, abbreviate(rejected.getOriginalMessage()));
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            Class<?> target = mismatch.getTargetType();
            String value = e instanceof InvalidFormatException invalid && invalid.getValue() != null
                    ? "'" + abbreviate(String.valueOf(invalid.getValue())) + "' " : "";
            if (target.isEnum()) {
                return new FieldProblem(pointer, (value.isEmpty() ? "unknown value" : "unknown value " + value.strip())
                        + "; allowed: " + enumValues(target));
            }
            return new FieldProblem(pointer, (value.isEmpty() ? "" : value + "is not valid: ") + "must be " + describe(target));
        }
        if (e instanceof ValueInstantiationException instantiation && instantiation.getType() != null
                && instantiation.getType().isEnumType()) {
            return new FieldProblem(pointer, "unknown value; allowed: " + enumValues(instantiation.getType().getRawClass()));
        }
        if (e instanceof StreamReadException read) {
            String where = read.getLocation() == null ? ""
                    : " at line " + read.getLocation().getLineNr() + ", column " + read.getLocation().getColumnNr();
            return new FieldProblem(pointer, "malformed JSON" + where + ": " + abbreviate(withoutSourceNoise(read.getOriginalMessage())));
        }
        // The value could not be turned into the target type (for example an enum factory refused it).
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        Throwable root = rootCause(e);
        if (root instanceof IllegalArgumentException && root != e && root.getMessage() != null) {
            original = root.getMessage();
        }
        return new FieldProblem(pointer, abbreviate(original));
    }

    /** Jackson appends where a token started, as a redacted source; the line and column say it better. */
    private static String withoutSourceNoise(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\(start marker at \\[Source:.*$", "")
                .replaceAll("\\s*at \\[Source:.*$", "");
    }

    private static String enumValues(Class<?> type) {
        return Arrays.stream(type.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
    }

    private static String describe(Class<?> type) {
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == BigInteger.class) return "a whole number within range";
        if (Number.class.isAssignableFrom(type) || type == BigDecimal.class || type == double.class) return "a number";
        if (type == String.class) return "a string";
        if (type == LocalDate.class) return "a date (YYYY-MM-DD)";
        if (type == OffsetDateTime.class) return "a date and time with offset (RFC 3339)";
        if (type == UUID.class) return "a UUID";
        if (Collection.class.isAssignableFrom(type) || type.isArray()) return "an array";
        if (Map.class.isAssignableFrom(type)) return "an object";
        return "an object (" + type.getSimpleName() + ")";
    }

    /** The JSON Pointer of a Jackson path: {@code /products/0/defaultPasswordPolicy}. */
    static String pointer(List<JacksonException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference ref : path) {
            if (ref.getPropertyName() != null) {
                sb.append('/').append(ref.getPropertyName().replace("~", "~0").replace("/", "~1"));
            } else if (ref.getIndex() >= 0) {
                sb.append('/').append(ref.getIndex());
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ bean validation

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        List<FieldProblem> fields = new ArrayList<>();
        for (FieldError error : ex.getBindingResult().getFieldErrors()) {
            fields.add(new FieldProblem(pointerOfProperty(error.getField()), error.getDefaultMessage()));
        }
        ex.getBindingResult().getGlobalErrors().forEach(e -> fields.add(new FieldProblem("", e.getDefaultMessage())));
        fields.sort(java.util.Comparator.comparing(FieldProblem::pointer));
        return invalid(summary(fields), fields, request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex, HttpHeaders headers,
                                                                            HttpStatusCode status, WebRequest request) {
        List<FieldProblem> fields = new ArrayList<>();
        ex.getParameterValidationResults().forEach(result -> {
            if (result instanceof ParameterErrors errors) {
                // A @Valid request body: its fields, by JSON Pointer.
                for (FieldError error : errors.getFieldErrors()) {
                    fields.add(new FieldProblem(pointerOfProperty(error.getField()), error.getDefaultMessage()));
                }
                errors.getGlobalErrors().forEach(e -> fields.add(new FieldProblem("", e.getDefaultMessage())));
                return;
            }
            String name = parameterName(result.getMethodParameter());
            for (MessageSourceResolvable error : result.getResolvableErrors()) {
                fields.add(new FieldProblem(name, error.getDefaultMessage()));
            }
        });
        fields.sort(java.util.Comparator.comparing(FieldProblem::pointer));
        return invalid(summary(fields), fields, request);
    }

    private static String parameterName(org.springframework.core.MethodParameter parameter) {
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        if (header != null && !header.value().isEmpty()) return header.value();
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        if (path != null && !path.value().isEmpty()) return path.value();
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        if (param != null && !param.value().isEmpty()) return param.value();
        return String.valueOf(parameter.getParameterName());
    }

    /**
     * The generated interfaces are {@code @Validated}, so constraints on path variables and
     * headers are checked before the controller runs; the violation names the Java parameter,
     * the answer names the HTTP one.
     */
    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> constraintViolation(ConstraintViolationException ex, WebRequest request) {
        List<FieldProblem> fields = new ArrayList<>();
        for (ConstraintViolation<?> violation : ex.getConstraintViolations()) {
            fields.add(new FieldProblem(httpName(violation), violation.getMessage()));
        }
        fields.sort(java.util.Comparator.comparing(FieldProblem::pointer));
        return invalid(summary(fields), fields, request);
    }

    private static String httpName(ConstraintViolation<?> violation) {
        String methodName = null;
        List<Class<?>> types = List.of();
        int index = -1;
        String last = "";
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.METHOD) {
                methodName = node.getName();
                types = node.as(Path.MethodNode.class).getParameterTypes();
            } else if (node.getKind() == ElementKind.PARAMETER) {
                index = node.as(Path.ParameterNode.class).getParameterIndex();
            }
            last = node.getName();
        }
        if (methodName != null && index >= 0 && violation.getRootBeanClass() != null) {
            try {
                Method method = violation.getRootBeanClass().getMethod(methodName, types.toArray(Class<?>[]::new));
                // AnnotatedMethod sees the annotations of the generated interface's parameters.
                return parameterName(new AnnotatedMethod(method).getMethodParameters()[index]);
            } catch (NoSuchMethodException e) {
                return last;
            }
        }
        return last;
    }

    /** {@code products[0].networkServices[1].port} → {@code /products/0/networkServices/1/port}. */
    static String pointerOfProperty(String path) {
        return "/" + path.replaceAll("\\[(\\d+)]", ".$1").replace('.', '/');
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException ex, WebRequest request) {
        String name = parameterName(ex.getParameter());
        Class<?> type = ex.getRequiredType();
        String value = ex.getValue() == null ? "" : "'" + abbreviate(String.valueOf(ex.getValue()), 100) + "' ";
        String detail;
        if (type != null && type.isEnum()) {
            detail = value + "is not one of the allowed values: " + enumValues(type);
        } else {
            detail = (value.isEmpty() ? "" : value + "is not valid: ") + (type == null ? "the value cannot be read" : "must be " + describe(type));
        }
        return invalid(name + ": " + detail, List.of(new FieldProblem(name, detail)), request);
    }

    /**
     * A character the security firewall refuses, found by code that read a header or parameter
     * lazily. Headers are checked up front ({@link RequestHeadersFilter}), so this is the safety
     * net: a refusal, never a 500. The value is not repeated: it may be a credential.
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<Object> rejected(RequestRejectedException ex, WebRequest request) {
        return problem(HttpStatus.BAD_REQUEST, "rejected-request", "The request was rejected",
                "The request's URL, parameters or headers hold a character the API never accepts (such as a control character).",
                List.of(), request);
    }

    /**
     * A parameter the servlet container cannot decode (a bad percent escape, bytes that are not
     * UTF-8), found when something first reads the parameters. The query string is checked up
     * front ({@link SingleValuedQueryFilter}); this is the safety net.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Object> undecodableParameter(InvalidParameterException ex, WebRequest request) {
        return invalid("The query string or form body is not validly encoded: a parameter is not percent-encoded UTF-8.",
                List.of(new FieldProblem("", "a parameter is not percent-encoded UTF-8")), request);
    }

    // ------------------------------------------------------------------ content negotiation

    /**
     * 406 with a body in every case: the answer is a problem detail, whatever the Accept header
     * allows (RFC 9457 errors are sent as problem+json), so that a client always learns why.
     */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException ex, HttpHeaders headers,
                                                                      HttpStatusCode status, WebRequest request) {
        List<MediaType> answers = ex.getSupportedMediaTypes().stream()
                .filter(t -> !t.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).toList();
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        String detail;
        if (ex.getSupportedMediaTypes().isEmpty() || !parses(accept)) {
            detail = "cannot be read: '" + abbreviate(String.valueOf(accept), 100) + "' is not a list of media types (such as application/json)";
        } else {
            detail = "allows none of the media types this operation answers with: "
                    + (answers.isEmpty() ? "none (it answers without a body)" : answers.stream().map(MediaType::toString)
                    .collect(Collectors.joining(", "))) + " (errors are application/problem+json)";
        }
        return problem(HttpStatus.NOT_ACCEPTABLE, "not-acceptable", "Not Acceptable", "The Accept header " + detail + ".",
                List.of(new FieldProblem(HttpHeaders.ACCEPT, detail)), request);
    }

    private static boolean parses(String accept) {
        try {
            MediaType.parseMediaTypes(accept);
            return true;
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ the engine and records

    @ExceptionHandler(InvalidFactsException.class)
    ResponseEntity<Object> invalidFacts(InvalidFactsException ex, WebRequest request) {
        List<FieldProblem> fields = ex.problems().stream().map(p -> new FieldProblem(p.pointer(), p.detail())).toList();
        return invalid(summary(fields), fields, request);
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<Object> notFound(NotFoundException ex, WebRequest request) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", ex.getMessage(), List.of(), request);
    }

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<Object> apiProblem(ApiProblem ex, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(ex.status(), ex.getMessage());
        problem.setTitle(ex.title());
        decorate(problem, ex.status(), ex.slug(), request);
        ex.properties().forEach(problem::setProperty);
        return ResponseEntity.status(ex.status()).headers(ex.headers()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** A multipart body over {@code spring.servlet.multipart.max-request-size}. */
    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException ex, HttpHeaders headers,
                                                                          HttpStatusCode status, WebRequest request) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "The request body is too large",
                "The multipart body is larger than the limit" + (ex.getMaxUploadSize() > 0 ? " of " + ex.getMaxUploadSize() + " bytes." : "."),
                List.of(), request);
    }

    /** A multipart body that cannot be parsed. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> badMultipart(MultipartException ex, WebRequest request) {
        PayloadTooLargeException tooLarge = cause(ex, PayloadTooLargeException.class);
        if (tooLarge != null || cause(ex, IllegalStateException.class) != null && String.valueOf(rootCause(ex).getMessage()).contains("exceeds")) {
            return problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "The request body is too large",
                    "The multipart body is larger than the limit.", List.of(), request);
        }
        return invalid("The multipart body cannot be read: " + abbreviate(rootCause(ex).getMessage()),
                List.of(new FieldProblem("", "malformed multipart/form-data body")), request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
        log.error("Unexpected failure on {}", describe(request), ex);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "The service failed to handle the request; nothing was stored. The failure is logged.", List.of(), request);
    }

    // ------------------------------------------------------------------ the shape

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, status, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem) {
            decorate(problem, status, null, request);
            // The type is set, not negotiated: an Accept header that allows no problem detail
            // (or cannot be parsed) must not turn the answer into an empty body.
            HttpHeaders preset = new HttpHeaders();
            preset.putAll(response.getHeaders());
            preset.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            return new ResponseEntity<>(problem, preset, response.getStatusCode());
        }
        return response;
    }

    private ResponseEntity<Object> invalid(String detail, List<FieldProblem> fields, WebRequest request) {
        return problem(HttpStatus.BAD_REQUEST, "invalid-request", "The request is invalid", detail, fields, request);
    }

    private ResponseEntity<Object> problem(HttpStatus status, String slug, String title, String detail,
                                           List<FieldProblem> fields, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        decorate(problem, status, slug, request);
        if (!fields.isEmpty()) {
            problem.setProperty("errors", fields);
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static void decorate(ProblemDetail problem, HttpStatusCode status, String slug, WebRequest request) {
        if (slug != null) {
            problem.setType(URI.create(TYPE_PREFIX + slug));
        } else if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            HttpStatus known = HttpStatus.resolve(status.value());
            String name = known == null ? String.valueOf(status.value()) : known.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            problem.setType(URI.create(TYPE_PREFIX + name));
        }
        if (request instanceof ServletWebRequest servlet) {
            HttpServletRequest http = servlet.getRequest();
            problem.setInstance(URI.create(http.getRequestURI()));
        }
    }

    static String summary(List<FieldProblem> fields) {
        if (fields.isEmpty()) {
            return "The request is invalid.";
        }
        FieldProblem first = fields.get(0);
        String head = (first.pointer().isEmpty() ? "" : first.pointer() + ": ") + first.detail();
        return fields.size() == 1 ? head : head + " (and " + (fields.size() - 1) + " more)";
    }

    private static String describe(WebRequest request) {
        return request instanceof ServletWebRequest servlet
                ? servlet.getRequest().getMethod() + " " + servlet.getRequest().getRequestURI() : request.getDescription(false);
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    private static String abbreviate(String text) {
        return abbreviate(text, 300);
    }

    private static String abbreviate(String text, int max) {
        if (text == null) {
            return "";
        }
        String oneLine = text.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
        return oneLine.length() > max ? oneLine.substring(0, max) + "…" : oneLine;
    }
}
