package io.kakunin.service.web;

import io.kakunin.api.model.Problem;
import io.kakunin.kb.input.InputFault;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.kb.ruleset.Locales;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.annotation.AnnotatedMethod;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every exception Spring MVC, a controller or a filter raises, answered as the problem it is
 * ({@link Problems} makes the body): for bad input, one entry per offending field named by JSON
 * Pointer. This class decides which refusal an exception is; it builds no body of its own.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final Problems problems;
    private final List<KnownFailures> known;

    ProblemHandler(Problems problems, List<KnownFailures> known) {
        this.problems = problems;
        this.known = List.copyOf(known);
    }

    // ------------------------------------------------------------------ request bodies

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        PayloadTooLargeException tooLarge = cause(ex, PayloadTooLargeException.class);
        if (tooLarge != null) {
            return tooLarge("The request body is larger than the limit of " + tooLarge.limit() + " bytes.", request);
        }
        JacksonException json = cause(ex, JacksonException.class);
        if (json == null) {
            return invalid(List.of(InputFault.of("", InputFault.Kind.BODY_REQUIRED)), request);
        }
        return localised(problems.unreadable(json, locale(request), path(request)), request);
    }

    // ------------------------------------------------------------------ bean validation

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<InputFault> faults = new ArrayList<>();
        for (FieldError error : ex.getBindingResult().getFieldErrors()) {
            faults.add(fault(BadInput.pointerOfProperty(error.getField()), error));
        }
        ex.getBindingResult()
                .getGlobalErrors()
                .forEach(e -> faults.add(InputFault.of("", InputFault.Kind.INVALID, "message", e.getDefaultMessage())));
        faults.sort(Problems.BY_POINTER);
        return invalid(faults, request);
    }

    /** The fault a field error of bean validation stands for: its constraint's, where Spring kept the violation. */
    private static InputFault fault(String pointer, FieldError error) {
        if (error.contains(ConstraintViolation.class)) {
            return Problems.fault(pointer, error.unwrap(ConstraintViolation.class));
        }
        return InputFault.of(pointer, InputFault.Kind.INVALID, "message", error.getDefaultMessage());
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<InputFault> faults = new ArrayList<>();
        ex.getParameterValidationResults().forEach(result -> {
            if (result instanceof ParameterErrors errors) {
                // A @Valid request body: its fields, by JSON Pointer.
                for (FieldError error : errors.getFieldErrors()) {
                    faults.add(fault(BadInput.pointerOfProperty(error.getField()), error));
                }
                errors.getGlobalErrors()
                        .forEach(e -> faults.add(
                                InputFault.of("", InputFault.Kind.INVALID, "message", e.getDefaultMessage())));
                return;
            }
            String name = parameterName(result.getMethodParameter());
            for (MessageSourceResolvable error : result.getResolvableErrors()) {
                InputFault fault;
                try {
                    fault = Problems.fault(name, result.unwrap(error, ConstraintViolation.class));
                } catch (IllegalArgumentException notAViolation) {
                    fault = InputFault.of(name, InputFault.Kind.INVALID, "message", error.getDefaultMessage());
                }
                faults.add(fault);
            }
        });
        faults.sort(Problems.BY_POINTER);
        return invalid(faults, request);
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
        List<InputFault> faults = new ArrayList<>();
        for (ConstraintViolation<?> violation : ex.getConstraintViolations()) {
            faults.add(Problems.fault(httpName(violation), violation));
        }
        faults.sort(Problems.BY_POINTER);
        return invalid(faults, request);
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

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException ex, WebRequest request) {
        String name = parameterName(ex.getParameter());
        Class<?> type = ex.getRequiredType();
        String value =
                ex.getValue() == null ? "" : "'" + BadInput.abbreviate(String.valueOf(ex.getValue()), 100) + "' ";
        String detail;
        if (type != null && type.isEnum()) {
            detail = value + "is not one of the allowed values: " + BadInput.enumValues(type);
        } else {
            detail = (value.isEmpty() ? "" : value + "is not valid: ")
                    + (type == null ? "the value cannot be read" : "must be " + BadInput.describe(type));
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
        return answer(problems.create(
                HttpStatus.BAD_REQUEST,
                Problems.REJECTED_REQUEST,
                null,
                "The request's URL, parameters or headers hold a character the API never accepts (such as a control character).",
                path(request),
                Map.of()));
    }

    /**
     * A parameter the servlet container cannot decode (a bad percent escape, bytes that are not
     * UTF-8), found when something first reads the parameters. The query string is checked up
     * front ({@link SingleValuedQueryFilter}); this is the safety net.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Object> undecodableParameter(InvalidParameterException ex, WebRequest request) {
        return invalid(
                "The query string or form body is not validly encoded: a parameter is not percent-encoded UTF-8.",
                List.of(new FieldProblem("", "a parameter is not percent-encoded UTF-8")),
                request);
    }

    // ------------------------------------------------------------------ content negotiation

    /**
     * 406 with a body in every case: the answer is a problem detail, whatever the Accept header
     * allows (RFC 9457 errors are sent as problem+json), so that a client always learns why.
     */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(
            HttpMediaTypeNotAcceptableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<MediaType> answers = ex.getSupportedMediaTypes().stream()
                .filter(t -> !t.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .toList();
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        String detail;
        if (ex.getSupportedMediaTypes().isEmpty() || !parses(accept)) {
            detail = "cannot be read: '" + BadInput.abbreviate(String.valueOf(accept), 100)
                    + "' is not a list of media types (such as application/json)";
        } else {
            detail = "allows none of the media types this operation answers with: "
                    + (answers.isEmpty()
                            ? "none (it answers without a body)"
                            : answers.stream().map(MediaType::toString).collect(Collectors.joining(", ")))
                    + " (errors are application/problem+json)";
        }
        return answer(problems.create(
                HttpStatus.NOT_ACCEPTABLE,
                null,
                null,
                "The Accept header " + detail + ".",
                path(request),
                Map.of(Problem.JSON_PROPERTY_ERRORS, List.of(new FieldProblem(HttpHeaders.ACCEPT, detail)))));
    }

    /**
     * 415 naming what to send: a body without a Content-Type (curl -d without -H) is told which
     * types the operation reads, as is one of another type.
     */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
            HttpMediaTypeNotSupportedException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String reads = ex.getSupportedMediaTypes().stream()
                .map(MediaType::toString)
                .distinct()
                .collect(Collectors.joining(" or "));
        String send = reads.isEmpty() ? "" : ": send " + reads;
        String detail = ex.getContentType() == null
                ? "is missing" + send
                : "'" + BadInput.abbreviate(ex.getContentType().toString(), 100)
                        + "' is not a type this operation reads" + send;
        return answer(
                problems.create(
                        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        null,
                        null,
                        "The Content-Type header " + detail + ".",
                        path(request),
                        Map.of(
                                Problem.JSON_PROPERTY_ERRORS,
                                List.of(new FieldProblem(HttpHeaders.CONTENT_TYPE, detail)))),
                headers);
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
        return invalidFields(problems.fields(ex), request);
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<Object> notFound(NotFoundException ex, WebRequest request) {
        return answer(problems.create(HttpStatus.NOT_FOUND, null, null, ex.getMessage(), path(request), Map.of()));
    }

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<Object> apiProblem(ApiProblem ex, WebRequest request) {
        return answer(problems.of(ex, path(request)), ex.headers());
    }

    /** A multipart body over {@code spring.servlet.multipart.max-request-size}. */
    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(
            MaxUploadSizeExceededException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return tooLarge(
                "The multipart body is larger than the limit"
                        + (ex.getMaxUploadSize() > 0 ? " of " + ex.getMaxUploadSize() + " bytes." : "."),
                request);
    }

    /** A multipart body that cannot be parsed. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> badMultipart(MultipartException ex, WebRequest request) {
        PayloadTooLargeException tooLarge = cause(ex, PayloadTooLargeException.class);
        if (tooLarge != null
                || cause(ex, IllegalStateException.class) != null
                        && String.valueOf(rootCause(ex).getMessage()).contains("exceeds")) {
            return tooLarge("The multipart body is larger than the limit.", request);
        }
        return invalid(
                "The multipart body cannot be read: "
                        + BadInput.abbreviate(rootCause(ex).getMessage()),
                List.of(new FieldProblem("", "malformed multipart/form-data body")),
                request);
    }

    /**
     * Anything else: a failure of something the service depends on, answered as its owner says
     * ({@link KnownFailures}: the store being down is a 503, not a fault of the service), or a
     * fault of the service, 500. A 500 says nothing of what was stored: where it came from is not
     * known here.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
        Optional<ApiProblem> refusal = known(ex, request);
        if (refusal.isPresent()) {
            // The cause's class only: a driver's message can quote the rows a statement wrote.
            log.warn(
                    "{} answered {} {} ({})",
                    describe(request),
                    refusal.get().status().value(),
                    refusal.get().slug(),
                    rootCause(ex).getClass().getName());
            return answer(
                    problems.of(refusal.get(), path(request)), refusal.get().headers());
        }
        log.error("Unexpected failure on {}", describe(request), ex);
        return answer(problems.create(
                HttpStatus.INTERNAL_SERVER_ERROR,
                Problems.INTERNAL_ERROR,
                null,
                "The service failed to handle the request. The failure is logged.",
                path(request),
                Map.of()));
    }

    private Optional<ApiProblem> known(Exception ex, WebRequest request) {
        boolean reading = request instanceof ServletWebRequest servlet
                && (HttpMethod.GET.matches(servlet.getRequest().getMethod())
                        || HttpMethod.HEAD.matches(servlet.getRequest().getMethod()));
        KnownFailures.Done done = reading ? KnownFailures.Done.READ_ONLY : KnownFailures.Done.MAYBE_CHANGED;
        return known.stream()
                .map(k -> k.refusal(ex, done))
                .flatMap(Optional::stream)
                .findFirst();
    }

    // ------------------------------------------------------------------ the answer

    /**
     * The refusals Spring MVC answers itself (405, 415, a missing parameter, no such endpoint...):
     * its detail and headers, in the API's shape, with the type named after the status.
     */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, status, request);
        if (response != null && response.getBody() instanceof ProblemDetail spring) {
            return answer(
                    problems.create(status, null, null, spring.getDetail(), path(request), spring.getProperties()),
                    response.getHeaders());
        }
        return response;
    }

    private ResponseEntity<Object> invalidFields(List<FieldProblem> fields, WebRequest request) {
        return answer(problems.invalid(fields, path(request)));
    }

    /** Faults of the body or the parameters, told in the caller's language. */
    private ResponseEntity<Object> invalid(List<InputFault> faults, WebRequest request) {
        return localised(problems.invalid(faults, false, locale(request), path(request)), request);
    }

    /** A problem whose texts are in the caller's language, saying which. */
    private static ResponseEntity<Object> localised(ProblemDetail problem, WebRequest request) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_LANGUAGE, Locales.tag(locale(request)));
        return answer(problem, headers);
    }

    /** The language the caller asked for, as every other answer of the API chooses it. */
    private static Locale locale(WebRequest request) {
        return Locales.resolve(request.getHeader(HttpHeaders.ACCEPT_LANGUAGE));
    }

    private ResponseEntity<Object> invalid(String detail, List<FieldProblem> fields, WebRequest request) {
        return answer(problems.invalid(detail, fields, path(request)));
    }

    private ResponseEntity<Object> tooLarge(String detail, WebRequest request) {
        return answer(problems.create(
                HttpStatus.CONTENT_TOO_LARGE, Problems.PAYLOAD_TOO_LARGE, null, detail, path(request), Map.of()));
    }

    private static ResponseEntity<Object> answer(ProblemDetail problem) {
        return answer(problem, HttpHeaders.EMPTY);
    }

    /**
     * The type is set, not negotiated: an Accept header that allows no problem detail (or cannot
     * be parsed) must not turn the answer into an empty body.
     */
    private static ResponseEntity<Object> answer(ProblemDetail problem, HttpHeaders headers) {
        HttpHeaders preset = new HttpHeaders();
        preset.putAll(headers);
        preset.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(problem, preset, HttpStatusCode.valueOf(problem.getStatus()));
    }

    private static String path(WebRequest request) {
        return request instanceof ServletWebRequest servlet
                ? servlet.getRequest().getRequestURI()
                : null;
    }

    private static String describe(WebRequest request) {
        return request instanceof ServletWebRequest servlet
                ? servlet.getRequest().getMethod() + " " + servlet.getRequest().getRequestURI()
                : request.getDescription(false);
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        return BadInput.cause(t, type);
    }

    private static Throwable rootCause(Throwable t) {
        return BadInput.rootCause(t);
    }
}
