package io.kakunin.service.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * A disk that can fill up, for the embedded H2 store: files opened under the {@code fulldisk:}
 * prefix ({@code jdbc:h2:fulldisk:/path/db}) are real files, whose writes fail with the error a
 * full disk gives ("No space left on device") while {@link #fill()} holds, and succeed again
 * after {@link #free()}. Reading is never affected, as on a real full disk.
 */
public final class FullDisk extends FilePathWrapper {

    private static volatile boolean full;

    /** For H2, which makes a wrapper for every path it opens under the prefix. */
    public FullDisk() {}

    static {
        FilePath.register(new FullDisk());
    }

    /** Makes the prefix known to H2 (once per JVM). */
    static String prefix() {
        return "fulldisk:";
    }

    static void fill() {
        full = true;
    }

    static void free() {
        full = false;
    }

    @Override
    public String getScheme() {
        return "fulldisk";
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        FileChannel base = getBase().open(mode);
        return new FileBase() {
            @Override
            public long position() throws IOException {
                return base.position();
            }

            @Override
            public long size() throws IOException {
                return base.size();
            }

            @Override
            public int read(ByteBuffer dst) throws IOException {
                return base.read(dst);
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return base.read(dst, position);
            }

            @Override
            public FileChannel position(long position) throws IOException {
                base.position(position);
                return this;
            }

            @Override
            public FileChannel truncate(long size) throws IOException {
                checkSpace();
                base.truncate(size);
                return this;
            }

            @Override
            public void force(boolean metaData) throws IOException {
                checkSpace();
                base.force(metaData);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                checkSpace();
                return base.write(src);
            }

            @Override
            public int write(ByteBuffer src, long position) throws IOException {
                checkSpace();
                return base.write(src, position);
            }

            @Override
            public FileLock tryLock(long position, long size, boolean shared) throws IOException {
                return base.tryLock(position, size, shared);
            }

            @Override
            protected void implCloseChannel() throws IOException {
                base.close();
            }
        };
    }

    private static void checkSpace() throws IOException {
        if (full) {
            throw new IOException("No space left on device");
        }
    }
}
