package io.kakunin.service.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors that never reach a controller (the servlet container or the security firewall
 * refused the request: a malformed or suspicious URL, say; or a filter failed, as the lookup of
 * an API key does while the store is down) are answered in the same problem format as everything
 * else, instead of an HTML page or Spring Boot's default error body. A failure of something the
 * service depends on is answered as its owner says ({@link KnownFailures}).
 */
@RestController
class ProblemErrorController implements ErrorController {

    private final Problems problems;
    private final List<KnownFailures> known;

    ProblemErrorController(Problems problems, List<KnownFailures> known) {
        this.problems = problems;
        this.known = List.copyOf(known);
    }

    // No "produces": the answer is a problem detail whatever the Accept header says (or whether it can be parsed at
    // all).
    @RequestMapping(path = "/error")
    ResponseEntity<byte[]> error(HttpServletRequest request) {
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri instanceof String p ? p : null;
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure) {
            // Here from a filter (what the controllers throw is answered by the problem handler): the operation
            // never ran.
            // An error dispatch is a GET (Servlet 6.1); the request's own method is kept in this attribute.
            Object original = request.getAttribute("jakarta.servlet.error.method");
            String method = original instanceof String m ? m : request.getMethod();
            KnownFailures.Done done = "GET".equals(method) || "HEAD".equals(method)
                    ? KnownFailures.Done.READ_ONLY
                    : KnownFailures.Done.NOTHING;
            Optional<ApiProblem> refusal = known.stream()
                    .map(k -> k.refusal(failure, done))
                    .flatMap(Optional::stream)
                    .findFirst();
            if (refusal.isPresent()) {
                ProblemDetail problem = problems.of(refusal.get(), path);
                return ResponseEntity.status(problem.getStatus())
                        .headers(refusal.get().headers())
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(problems.toJson(problem));
            }
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Asked for directly, /error is a path like any other that names no resource: 404, not
        // the 500 of an error dispatch that lost its status.
        HttpStatus status = request.getDispatcherType() != DispatcherType.ERROR
                ? HttpStatus.NOT_FOUND
                : code instanceof Integer value && HttpStatus.resolve(value) != null
                        ? HttpStatus.resolve(value)
                        : HttpStatus.INTERNAL_SERVER_ERROR;
        String detail = switch (status) {
            case BAD_REQUEST ->
                "The request was refused before it reached the API: its URL, headers or body framing are malformed or not allowed.";
            case NOT_FOUND -> "There is no such resource.";
            case METHOD_NOT_ALLOWED -> "This resource does not support that method.";
            case CONTENT_TOO_LARGE -> "The request body is too large.";
            default ->
                status.is5xxServerError()
                        ? "The service failed to handle the request. The failure is logged."
                        : status.getReasonPhrase() + ".";
        };
        // A URI that was refused for being malformed is not repeated back: the factory leaves it out. Written
        // as the factory writes it, so that Spring MVC does not fill the missing instance in with "/error".
        ProblemDetail problem = problems.create(status, null, null, detail, path, Map.of());
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problems.toJson(problem));
    }
}
