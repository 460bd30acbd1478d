package io.kakunin.service.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import java.net.URI;

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

    // No "produces": the answer is a problem detail whatever the Accept header says (or whether it can be parsed at all).
    @RequestMapping(path = "/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null ? HttpStatus.resolve(value)
                : HttpStatus.INTERNAL_SERVER_ERROR;
        String detail = switch (status) {
            case BAD_REQUEST -> "The request was refused before it reached the API: its URL, headers or body framing are malformed or not allowed.";
            case NOT_FOUND -> "There is no such resource.";
            case METHOD_NOT_ALLOWED -> "This resource does not support that method.";
            case CONTENT_TOO_LARGE -> "The request body is too large.";
            default -> status.is5xxServerError() ? "The service failed to handle the request; nothing was stored. The failure is logged."
                    : status.getReasonPhrase() + ".";
        };
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status.getReasonPhrase());
        problem.setType(URI.create(ProblemHandler.TYPE_PREFIX + status.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')));
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (uri instanceof String path) {
            try {
                problem.setInstance(URI.create(path));
            } catch (IllegalArgumentException e) {
                // a URI that was refused for being malformed is not repeated back
            }
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
