package io.kakunin.service.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy between the service and its database, with plain sockets, that makes the faults an
 * operator meets: the database stopped (connections cut, new ones refused), frozen or cut off by
 * the network (nothing forwarded either way, connections left hanging), and a COMMIT whose reply
 * never arrives (the COMMIT reaches the database and is carried out, its reply is dropped and the
 * connection cut). {@link #pass()} ends a fault: held connections go on as after a SIGCONT, new
 * ones pass.
 */
final class TcpProxy implements AutoCloseable {

    enum Mode {
        PASS,
        /** The database is stopped: every connection is cut, and new ones are closed at once. */
        CUT,
        /** The database is frozen or unreachable: nothing is forwarded, connections hang. */
        BLACK_HOLE
    }

    /**
     * The text of a COMMIT as the client sends it, in a simple query or a Parse message (with
     * {@code prepareThreshold=0} pgjdbc sends the text every time, never a prepared statement's name).
     */
    private static final byte[] COMMIT = {'C', 'O', 'M', 'M', 'I', 'T', 0};

    private final ServerSocket server;
    private final int target;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean loseNextCommitReply = new AtomicBoolean();
    private final Object modeChanged = new Object();
    private volatile Mode mode = Mode.PASS;
    private volatile boolean closed;

    TcpProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void pass() {
        mode(Mode.PASS);
    }

    void cut() {
        mode(Mode.CUT);
        links.forEach(Link::close);
    }

    void blackHole() {
        mode(Mode.BLACK_HOLE);
    }

    /** The next COMMIT any connection sends reaches the database; its reply is dropped and the connection cut. */
    void loseNextCommitReply() {
        loseNextCommitReply.set(true);
    }

    /** Whether the COMMIT armed by {@link #loseNextCommitReply()} has been met. */
    boolean commitReplyLost() {
        return !loseNextCommitReply.get();
    }

    private void mode(Mode next) {
        synchronized (modeChanged) {
            mode = next;
            modeChanged.notifyAll();
        }
    }

    /** Waits while the database is black-holed; false when the link is to be cut. */
    private boolean mayForward() {
        synchronized (modeChanged) {
            while (mode == Mode.BLACK_HOLE && !closed) {
                try {
                    modeChanged.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return mode == Mode.PASS && !closed;
        }
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (mode == Mode.CUT) {
                closeQuietly(client);
                continue;
            }
            Socket database;
            try {
                database = new Socket(InetAddress.getLoopbackAddress(), target);
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            Link link = new Link(client, database);
            links.add(link);
            link.start();
        }
    }

    @Override
    public void close() {
        closed = true;
        mode(Mode.CUT);
        closeQuietly(server);
        links.forEach(Link::close);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
    }

    /** One connection through the proxy: a pump each way. */
    private final class Link {
        private final Socket client;
        private final Socket database;
        private volatile boolean dropReply;

        Link(Socket client, Socket database) {
            this.client = client;
            this.database = database;
        }

        void start() {
            Thread up = new Thread(() -> pump(client, database, true), "tcp-proxy-up");
            Thread down = new Thread(() -> pump(database, client, false), "tcp-proxy-down");
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        private void pump(Socket from, Socket to, boolean toDatabase) {
            byte[] buffer = new byte[64 * 1024];
            byte[] tail = new byte[0];
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (!mayForward()) {
                        break;
                    }
                    if (!toDatabase && dropReply) {
                        break; // the COMMIT's reply: dropped, and the connection cut
                    }
                    if (toDatabase) {
                        byte[] seen = new byte[tail.length + n];
                        System.arraycopy(tail, 0, seen, 0, tail.length);
                        System.arraycopy(buffer, 0, seen, tail.length, n);
                        if (contains(seen, COMMIT) && loseNextCommitReply.compareAndSet(true, false)) {
                            dropReply = true;
                        }
                        tail = java.util.Arrays.copyOfRange(
                                seen, Math.max(0, seen.length - COMMIT.length), seen.length);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side went away
            } finally {
                close();
            }
        }

        void close() {
            links.remove(this);
            closeQuietly(client);
            closeQuietly(database);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
