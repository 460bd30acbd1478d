package io.kakunin.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP/1.1 over a plain socket: the exact bytes a broken or hostile client sends, which HTTP
 * client libraries refuse to send (a CR, NUL or 0x85 in a header, a header repeated, an 8 KB
 * header, a URL of 10,000 characters, {@code %00} in the path). Each request is sent on its own
 * connection, which the server closes after answering.
 */
public final class RawHttp {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The answer: status, header lines as received, and the body with any chunked coding removed. */
    public record Response(int status, List<String> headers, String body) {

        public String header(String name) {
            for (String line : headers) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        public String contentType() {
            String type = header("Content-Type");
            return type == null ? "" : type;
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private final int port;

    public RawHttp(int port) {
        this.port = port;
    }

    /**
     * Sends a request made of the given lines (request line, then headers) joined with CRLF,
     * with {@code Host} and {@code Connection: close} added, and the body.
     */
    public Response send(String requestLine, List<String> headerLines, byte[] body) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(latin1(requestLine + "\r\n"));
        boolean host =
                headerLines.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("host:"));
        if (!host) {
            request.writeBytes(latin1("Host: localhost:" + port + "\r\n"));
        }
        for (String line : headerLines) {
            request.writeBytes(latin1(line + "\r\n"));
        }
        if (body != null
                && headerLines.stream()
                        .noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("content-length:")
                                || h.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:"))) {
            request.writeBytes(latin1("Content-Length: " + body.length + "\r\n"));
        }
        request.writeBytes(latin1("Connection: close\r\n\r\n"));
        if (body != null) {
            request.writeBytes(body);
        }
        return send(request.toByteArray());
    }

    /** Sends the bytes as they are and reads the answer until the server closes the connection. */
    public Response send(byte[] request) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before it has read everything (a header over the limit): read the
                // answer
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError(
                        "no complete answer within 30 s; received: " + received.toString(StandardCharsets.ISO_8859_1),
                        e);
            } catch (IOException e) {
                // a reset after the answer was sent
            }
            return parse(received.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response parse(byte[] bytes) {
        String all = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("not an HTTP response: " + all);
        }
        String[] lines = all.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
        byte[] rest = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        Response head = new Response(status, headers, "");
        if ("chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
            rest = dechunk(rest);
        }
        return new Response(status, headers, new String(rest, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < chunked.length) {
            int lineEnd = indexOf(chunked, i);
            if (lineEnd < 0) {
                break;
            }
            String sizeLine = new String(chunked, i, lineEnd - i, StandardCharsets.ISO_8859_1);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            i = lineEnd + 2;
            if (size == 0) {
                break;
            }
            out.write(chunked, i, Math.min(size, chunked.length - i));
            i += size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Text as bytes one for one (U+0085 is the byte 0x85): how a client puts raw bytes into a header. */
    public static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
