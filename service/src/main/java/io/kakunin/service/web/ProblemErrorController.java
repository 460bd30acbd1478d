package io.kakunin.service.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors that never reach a controller (the servlet container or the security firewall
 * refused the request: a malformed or suspicious URL, say) are answered in the same problem
 * format as everything else, instead of an HTML page or Spring Boot's default error body.
 */
@RestController
class ProblemErrorController implements ErrorController {

    private final Problems problems;

    ProblemErrorController(Problems problems) {
        this.problems = problems;
    }

    // No "produces": the answer is a problem detail whatever the Accept header says (or whether it can be parsed at
    // all).
    @RequestMapping(path = "/error")
    ResponseEntity<byte[]> error(HttpServletRequest request) {
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
                        ? "The service failed to handle the request; nothing was stored. The failure is logged."
                        : status.getReasonPhrase() + ".";
        };
        // A URI that was refused for being malformed is not repeated back: the factory leaves it out. Written
        // as the factory writes it, so that Spring MVC does not fill the missing instance in with "/error".
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        ProblemDetail problem =
                problems.create(status, null, null, detail, uri instanceof String path ? path : null, Map.of());
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problems.toJson(problem));
    }
}
