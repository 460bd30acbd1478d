package io.kakunin.service.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;

/**
 * The error report of the servlet container itself, as a problem detail instead of an HTML
 * page: for requests Tomcat refuses before any filter or servlet sees them (a request line or
 * headers over {@code server.max-http-request-header-size}, a CR or NUL in a header, an
 * encoded NUL or bad escape in the path, a method or protocol it does not speak). It names no
 * server, version or stack, and never repeats what was sent: the request was refused as
 * malformed, and may be hostile.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    public ProblemErrorReportValve() {
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
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(body(status, response.getMessage(), throwable));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away, or the response can no longer be written: nothing to report to
        }
    }

    /** The problem detail of a refusal by the container. */
    static String body(int status, String message, Throwable throwable) {
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "Error " + status : known.getReasonPhrase();
        String slug = known == null ? Integer.toString(status) : known.name().toLowerCase(Locale.ROOT).replace('_', '-');
        String detail = "{\"type\":\"" + ProblemHandler.TYPE_PREFIX + slug + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + escape(detail(status, message, throwable)) + "\"}";
        return detail;
    }

    private static String detail(int status, String message, Throwable throwable) {
        String cause = ((message == null ? "" : message) + " " + (throwable == null ? "" : throwable.getMessage())).toLowerCase(Locale.ROOT);
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
            return "The server failed to handle the request; nothing was stored.";
        }
        HttpStatus known = HttpStatus.resolve(status);
        return "The request was refused before it reached the API (" + (known == null ? status : known.getReasonPhrase()) + ").";
    }

    private static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
