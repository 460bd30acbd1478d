package io.kakunin.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.service.Http;
import io.kakunin.service.TestKeys;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Callers without credentials cannot hold the worker pool: 200 connections each announce a body
 * and send it a byte at a time, slowly; each is answered 401 before its body is read, and its
 * connection is closed without reading the rest. Meanwhile a caller with a key is answered within a
 * second. Before the refusal closed the connection, Tomcat read and dropped each body to its end
 * (16 MB allowed), one worker thread per slow client: 200 of them hold all 200 threads.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class SlowClientTests {

    private static final int SLOW_CLIENTS = 200;
    private static final int BODY = 1_000;

    @LocalServerPort
    int port;

    @Test
    void slowUnauthenticatedBodiesHoldNoWorkerAndANormalRequestIsAnsweredWithinASecond() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        Thread trickle = null;
        try {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                Socket socket = new Socket("localhost", port);
                socket.setSoTimeout(10_000);
                sockets.add(socket);
                String path = i % 2 == 0 ? "/v1/assessments" : "/v1/rulesets/validate";
                String type = i % 2 == 0 ? "application/json" : "multipart/form-data; boundary=XyZ";
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + type
                                + "\r\nContent-Length: " + BODY + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            // Each is answered at once, before a byte of its body has been sent.
            for (Socket socket : sockets) {
                String head = head(socket.getInputStream());
                assertThat(head).as("answered before the body was read").startsWith("HTTP/1.1 401");
                assertThat(head).contains("application/problem+json");
                assertThat(head)
                        .as("says the connection closes, so that a client that keeps connections does not send "
                                + "its next request into it")
                        .containsIgnoringCase("\r\nConnection: close\r\n");
            }
            // The bodies keep coming, a byte per client every 100 ms.
            trickle = new Thread(() -> {
                byte[] one = {'x'};
                for (int sent = 0; sent < BODY && !Thread.currentThread().isInterrupted(); sent++) {
                    for (Socket socket : sockets) {
                        try {
                            socket.getOutputStream().write(one);
                        } catch (java.io.IOException closed) {
                            // closed by the server, as it should be
                        }
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            trickle.setDaemon(true);
            trickle.start();
            // Every worker thread would be reading a slow body now, had the refusals kept them.
            Http.Response normal = CompletableFuture.supplyAsync(
                            () -> new Http(port).as(TestKeys.AUDITOR).get("/v1/recommendations"))
                    .get(1, TimeUnit.SECONDS);
            assertThat(normal.status()).isEqualTo(200);
            // And the server has closed every refused connection instead of reading the rest.
            for (Socket socket : sockets) {
                assertThat(endOfStream(socket.getInputStream()))
                        .as("the refused connection is closed by the server")
                        .isTrue();
            }
        } finally {
            if (trickle != null) {
                trickle.interrupt();
            }
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** The answer's status line and headers. */
    private static String head(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** Whether the stream ends (the server closed the connection) within the socket's timeout. */
    private static boolean endOfStream(InputStream in) {
        byte[] buffer = new byte[4096];
        try {
            while (true) {
                if (in.read(buffer) < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException reset) {
            return true;
        }
    }
}
