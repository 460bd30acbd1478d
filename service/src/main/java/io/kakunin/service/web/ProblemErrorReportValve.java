package io.kakunin.service.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;

/**
 * The error report of the servlet container itself, as a problem detail instead of an HTML
 * page: for requests Tomcat refuses before any filter or servlet sees them (a request line or
 * headers over {@code server.max-http-request-header-size}, a CR or NUL in a header, an
 * encoded NUL or bad escape in the path, a method or protocol it does not speak). The body is made
 * by {@link Problems} like every other one. It names no server, version or stack, and repeats
 * nothing that was sent but the path, as every problem does, and only when the path is a valid
 * URI: the request was refused as malformed, and may be hostile.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    private final Problems problems;

    public ProblemErrorReportValve(Problems problems) {
        this.problems = problems;
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As the HTML report: nothing for a success, nothing if a body was written (the API's own
        // problem details), and once only.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        try {
            byte[] body = body(status, response.getMessage(), throwable, path(request));
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(new String(body, StandardCharsets.UTF_8));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away, or the response can no longer be written: nothing to report to
        }
    }

    /** The problem detail of a refusal by the container, made and written as every other one. */
    byte[] body(int status, String message, Throwable throwable, String path) {
        return problems.toJson(problems.create(
                HttpStatusCode.valueOf(status), null, null, detail(status, message, throwable), path, Map.of()));
    }

    /** The path of the request, when the container got as far as reading one; the factory leaves out one that is not a URI. */
    private static String path(Request request) {
        try {
            return request.getCoyoteRequest().requestURI().isNull() ? null : request.getRequestURI();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String detail(int status, String message, Throwable throwable) {
        String cause = ((message == null ? "" : message) + " " + (throwable == null ? "" : throwable.getMessage()))
                .toLowerCase(Locale.ROOT);
        if (status == 400 || status == 414 || status == 431) {
            if (cause.contains("too large") || cause.contains("too long") || status != 400) {
                return "The request was refused before it reached the API: its URL and headers together are larger than the server "
                        + "accepts (8 KB by default). Nothing was done.";
            }
            return "The request was refused before it reached the API: its request line or headers are malformed (for example "
                    + "an encoded NUL (%00), an invalid escape or bytes that are not UTF-8 in the URL; a CR or NUL in a header, a "
                    + "header without a name, two Host or two Content-Length headers). Nothing was done.";
        }
        if (status == 505) {
            return "The request's HTTP version is not supported; use HTTP/1.1. Nothing was done.";
        }
        if (status == 501) {
            return "The request uses a transfer coding or method the server does not implement. Nothing was done.";
        }
        if (status == 417) {
            return "The request's Expect header asks for an expectation the server does not support; only 100-continue is. Nothing was done.";
        }
        if (status >= 500) {
            return "The server failed to handle the request.";
        }
        HttpStatus known = HttpStatus.resolve(status);
        return "The request was refused before it reached the API ("
                + (known == null ? status : known.getReasonPhrase()) + ").";
    }
}
