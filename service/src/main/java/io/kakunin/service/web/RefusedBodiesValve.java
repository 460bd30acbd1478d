package io.kakunin.service.web;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.Set;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * A request refused for who sent it (401, 403, 429) is answered without waiting for its body:
 * what of the body has already reached the server is read and dropped (without waiting for more);
 * if more is to come, the answer says {@code Connection: close} and Tomcat is told not to read and
 * drop the rest (which it would otherwise do, up to {@code server.tomcat.max-swallow-size}) but to
 * close the connection. A caller without valid credentials who sends its body a byte a second thus
 * holds a worker thread for no longer than it takes to write the refusal, however many such
 * callers there are; a client that sent its whole body at once keeps its connection, and never
 * has unread bytes of its own reset the answer away.
 *
 * <p>It is an engine valve, so that it acts after the host has finished the answer (told earlier,
 * the host would take the closing connection for an error and replace the answer with its error
 * page) and before the answer is sent (the refusals are small and still in the buffer).
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
            if (!response.isCommitted()) {
                response.setHeader("Connection", "close");
            }
            request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        }
    }

    private static boolean hasBody(Request request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /**
     * Reads and drops the bytes of the body that have reached the server, asking the socket
     * without blocking; true when that was the whole body.
     */
    private static boolean drainArrived(Request request) {
        org.apache.coyote.Request coyote = request.getCoyoteRequest();
        try {
            java.io.InputStream in = request.getStream();
            byte[] buffer = new byte[8192];
            while (!coyote.isFinished()) {
                coyote.action(ActionCode.AVAILABLE, Boolean.TRUE);
                if (coyote.getAvailable() <= 0 || in.read(buffer) < 0) {
                    break;
                }
            }
            return coyote.isFinished();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
