package io.kakunin.kb.input;

import java.io.ByteArrayInputStream;
import java.io.CharConversionException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import tools.jackson.core.io.IOContext;
import tools.jackson.core.io.InputDecorator;

/**
 * Every JSON byte stream read as a request is well-formed UTF-8 (RFC 3629), checked as the bytes
 * are read: an overlong form ({@code C0 AF} for {@code /}), an encoded surrogate
 * ({@code ED A0 80}), a code point above U+10FFFF, a byte UTF-8 never uses, a sequence cut short
 * or a continuation byte where none may stand is refused with {@link MalformedUtf8Exception}
 * instead of being decoded to something else. The JSON reader decodes overlong forms silently, so
 * {@code acme/../secret} could otherwise be sent without a {@code /} in its bytes.
 *
 * <p>Installed on the JSON factory of the engine's mapper ({@link Json}) and the service's, so
 * every reader of requests checks alike. Text already decoded (a {@link Reader}) is passed through.
 */
public final class StrictUtf8 extends InputDecorator {

    private static final long serialVersionUID = 1L;

    @Override
    public InputStream decorate(IOContext context, InputStream in) {
        return new Checked(in);
    }

    @Override
    public InputStream decorate(IOContext context, byte[] src, int offset, int length) {
        return new Checked(new ByteArrayInputStream(src, offset, length));
    }

    @Override
    public Reader decorate(IOContext context, Reader reader) {
        return reader;
    }

    /** Bytes that are not well-formed UTF-8, and where. */
    public static final class MalformedUtf8Exception extends CharConversionException {

        private static final long serialVersionUID = 1L;

        private final long offset;

        MalformedUtf8Exception(long offset, String what) {
            super("the body is not well-formed UTF-8 at byte " + offset + ": " + what);
            this.offset = offset;
        }

        /** The 0-based offset of the first byte of the faulty sequence. */
        public long offset() {
            return offset;
        }
    }

    /** The stream, checked byte by byte with the state of a sequence carried across reads. */
    static final class Checked extends FilterInputStream {

        /** Continuation bytes still expected in the current sequence. */
        private int pending;
        /** The allowed range of the next continuation byte (tighter after E0, ED, F0, F4). */
        private int low = 0x80;

        private int high = 0xBF;
        private long position;
        private long start;
        /** A fault found in bytes not yet handed on: thrown by the next read. */
        private MalformedUtf8Exception fault;

        Checked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            if (fault != null) {
                throw fault;
            }
            int b = in.read();
            if (b < 0) {
                end();
            } else {
                check(b);
            }
            return b;
        }

        /**
         * Hands on the bytes before a faulty sequence and keeps the fault for the next read, so
         * that the JSON reader, which reads ahead, fails inside the value that holds the fault and
         * can say which one it is.
         */
        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (fault != null) {
                throw fault;
            }
            int n = in.read(buffer, offset, length);
            if (n < 0) {
                end();
                return n;
            }
            for (int i = offset; i < offset + n; i++) {
                int b = buffer[i];
                if (b >= 0 && pending == 0) {
                    position++; // ASCII outside a sequence: the common case
                    continue;
                }
                int sequenceStart = pending == 0 ? i : i - (int) (position - start);
                try {
                    check(b & 0xFF);
                } catch (MalformedUtf8Exception e) {
                    int clean = Math.max(sequenceStart, offset) - offset;
                    if (clean == 0) {
                        throw e;
                    }
                    fault = e;
                    return clean;
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] discard = new byte[(int) Math.min(n, 8192)];
            long skipped = 0;
            while (skipped < n) {
                int r = read(discard, 0, (int) Math.min(discard.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        private void end() throws MalformedUtf8Exception {
            if (pending > 0) {
                throw new MalformedUtf8Exception(start, "the body ends inside a multi-byte sequence");
            }
        }

        private void check(int b) throws MalformedUtf8Exception {
            if (pending > 0) {
                if (b < low || b > high) {
                    throw new MalformedUtf8Exception(start, sequenceFault(b));
                }
                pending--;
                low = 0x80;
                high = 0xBF;
            } else if (b < 0x80) {
                // ASCII
            } else if (b < 0xC2) {
                throw new MalformedUtf8Exception(
                        position,
                        b < 0xC0
                                ? "a continuation byte where a character should start"
                                : "an overlong form (a character written with more bytes than it needs)");
            } else if (b < 0xE0) {
                begin(1, 0x80, 0xBF);
            } else if (b < 0xF0) {
                begin(2, b == 0xE0 ? 0xA0 : 0x80, b == 0xED ? 0x9F : 0xBF);
            } else if (b < 0xF5) {
                begin(3, b == 0xF0 ? 0x90 : 0x80, b == 0xF4 ? 0x8F : 0xBF);
            } else {
                throw new MalformedUtf8Exception(position, "a byte that UTF-8 never uses (above U+10FFFF)");
            }
            position++;
        }

        private void begin(int continuations, int firstLow, int firstHigh) {
            start = position;
            pending = continuations;
            low = firstLow;
            high = firstHigh;
        }

        /** Why a continuation byte is wrong, from the range that was allowed. */
        private String sequenceFault(int b) {
            if (b >= 0x80 && b <= 0xBF) {
                if (low == 0xA0 || low == 0x90) {
                    return "an overlong form (a character written with more bytes than it needs)";
                }
                if (high == 0x9F) {
                    return "an encoded surrogate (U+D800 to U+DFFF are not characters)";
                }
                return "a code point above U+10FFFF";
            }
            return "a multi-byte sequence cut short";
        }
    }
}
