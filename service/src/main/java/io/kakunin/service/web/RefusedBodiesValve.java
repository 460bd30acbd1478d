package io.kakunin.service.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.Set;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * A request refused for who sent it (401, 403, 429) is answered without waiting for its body: what
 * has already arrived is dropped, and if more is to come, Tomcat is told not to read and drop the
 * rest (which it would otherwise do, up to {@code server.tomcat.max-swallow-size}) and to close the
 * connection instead. A caller
 * without valid credentials who sends its body a byte a second thus holds a worker thread for no
 * longer than it takes to write the refusal, however many such callers there are.
 *
 * <p>It is an engine valve, so that it acts after the host has finished the answer: told earlier,
 * the host would take the closing connection for an error and replace the answer with its error
 * page.
 *
 * <p>Only refusals of the caller are treated so. A body refused for its content (413, 400) is
 * still drained within the swallow size, so that a client which sent it whole reads its answer.
 */
final class RefusedBodiesValve extends ValveBase {

    private static final Set<Integer> REFUSED_CALLERS = Set.of(401, 403, 429);

    RefusedBodiesValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        getNext().invoke(request, response);
        if (REFUSED_CALLERS.contains(response.getStatus()) && hasBody(request) && !drainArrived(request)) {
            // Said in the answer (it is not sent yet): Tomcat closes the connection without saying
            // so, and a client that keeps connections would send its next request into it and get
            // no answer at all.
            if (!response.isCommitted()) {
                response.setHeader("Connection", "close");
            }
            request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        }
    }

    /**
     * Reads and drops what of the body has already arrived, without waiting for more; true when
     * that was all of it. A client that sent its whole body with its headers (most do) keeps its
     * connection and reads its answer intact: closing a connection with unread data would send it
     * a reset, which can destroy the answer on its way.
     */
    private static boolean drainArrived(Request request) {
        try {
            ServletInputStream in = (ServletInputStream) request.getStream();
            byte[] buffer = new byte[8192];
            while (!in.isFinished() && in.available() > 0) {
                if (in.read(buffer) < 0) {
                    break;
                }
            }
            return in.isFinished();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean hasBody(Request request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }
}
