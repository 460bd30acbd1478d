package io.kakunin.kb.ruleset;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The files that make up a ruleset, by path relative to the ruleset root ({@code /} as the
 * separator), and the revision computed over them.
 *
 * <p>A ruleset root holds rule files ({@code *.drl}, decision tables {@code *.drl.xlsx},
 * {@code *.drl.xls}, {@code *.drl.csv}), {@code catalog.yaml}, {@code thresholds.properties}
 * and the message bundles {@code messages_en.properties}, {@code messages_ja.properties},
 * {@code messages_zh_TW.properties}. Fixtures under {@code fixtures/} travel with a ruleset but
 * are not part of its revision: they test the ruleset, they do not decide verdicts.
 */
public final class RulesetFiles {

    /** The classpath folder of the built-in ruleset. */
    public static final String BUILT_IN_ROOT = "io/kakunin/rules/";

    private final SortedMap<String, byte[]> files;
    private final String revision;
    private volatile String ruleSourcesDigest;

    private RulesetFiles(SortedMap<String, byte[]> files) {
        this.files = Collections.unmodifiableSortedMap(files);
        this.revision = digest(files);
    }

    /** Creates a ruleset from files already in memory (for example an upload to validate). */
    public static RulesetFiles of(Map<String, byte[]> files) {
        SortedMap<String, byte[]> kept = new TreeMap<>();
        files.forEach((path, bytes) -> {
            String normalized = normalize(path);
            if (isRulesetFile(normalized)) {
                kept.put(normalized, bytes.clone());
            }
        });
        return new RulesetFiles(kept);
    }

    /**
     * Reads every ruleset file below a directory. The directory may be a symbolic link (a
     * release published by switching a link): it is resolved once, so that every file comes
     * from the same target even if the link is switched meanwhile. Links inside it are
     * followed too; a link that leads back to a folder already being read is skipped.
     */
    public static RulesetFiles fromDirectory(Path root) {
        SortedMap<String, byte[]> files = new TreeMap<>();
        walk(root, (relative, file) -> {
            if (isRulesetFile(relative)) {
                files.put(relative, Files.readAllBytes(file));
            }
        });
        return new RulesetFiles(files);
    }

    /** What {@link #walk} calls for each regular file: its path relative to the root ({@code /}-separated), and the file. */
    @FunctionalInterface
    public interface FileVisitor {
        void visit(String relative, Path file) throws IOException;
    }

    /**
     * Visits every regular file below a directory, following symbolic links (the root's too)
     * and skipping links that would loop, in no particular order.
     *
     * @throws UncheckedIOException when the directory or a file cannot be read
     */
    public static void walk(Path root, FileVisitor visitor) {
        Path real;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read directory " + root, e);
        }
        try {
            Files.walkFileTree(
                    real, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                            if (attributes.isRegularFile()) {
                                visitor.visit(normalize(real.relativize(file).toString()), file);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                            if (e instanceof FileSystemLoopException) {
                                return FileVisitResult.CONTINUE;
                            }
                            if (e instanceof NoSuchFileException && Files.isSymbolicLink(file)) {
                                // A dangling link holds nothing to read.
                                return FileVisitResult.CONTINUE;
                            }
                            throw e;
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read directory " + root, e);
        }
    }

    /**
     * Reads the built-in ruleset from the classpath, whether it is a directory (in the IDE or
     * the build) or inside a jar (also a jar nested in a Spring Boot executable jar).
     */
    public static RulesetFiles builtIn(ClassLoader loader) {
        URL marker = loader.getResource(BUILT_IN_ROOT + "catalog.yaml");
        if (marker == null) {
            throw new IllegalStateException(
                    "the built-in ruleset is not on the classpath: " + BUILT_IN_ROOT + "catalog.yaml");
        }
        SortedMap<String, byte[]> files = new TreeMap<>();
        try {
            if ("file".equals(marker.getProtocol())) {
                Path root = Path.of(marker.toURI()).getParent();
                return fromDirectory(root);
            }
            JarURLConnection connection = (JarURLConnection) marker.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                for (JarEntry entry : Collections.list(jar.entries())) {
                    String name = entry.getName();
                    if (!entry.isDirectory() && name.startsWith(BUILT_IN_ROOT)) {
                        String relative = name.substring(BUILT_IN_ROOT.length());
                        if (isRulesetFile(relative)) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                files.put(relative, in.readAllBytes());
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in ruleset", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return new RulesetFiles(files);
    }

    /** Whether a path names a file that belongs to a ruleset's revision. */
    public static boolean isRulesetFile(String path) {
        if (path.startsWith("fixtures/") || path.contains("/fixtures/")) {
            return false;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return isRuleFile(name)
                || name.equals("catalog.yaml")
                || name.equals("thresholds.properties")
                || (name.startsWith("messages_") && name.endsWith(".properties"));
    }

    /** Whether a file name is a rule source the Drools compiler reads. */
    public static boolean isRuleFile(String name) {
        return name.endsWith(".drl")
                || name.endsWith(".drl.xlsx")
                || name.endsWith(".drl.xls")
                || name.endsWith(".drl.csv");
    }

    private static String normalize(String path) {
        String p = path.replace('\\', '/');
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p;
    }

    /** The SHA-256 digest over every path and its bytes, in path order: {@code sha256:<hex>}. */
    private static String digest(SortedMap<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                byte[] name = file.getKey().getBytes(StandardCharsets.UTF_8);
                sha.update(longBytes(name.length));
                sha.update(name);
                sha.update(longBytes(file.getValue().length));
                sha.update(file.getValue());
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[8];
        for (int i = 7; i >= 0; i--) {
            bytes[i] = (byte) value;
            value >>>= 8;
        }
        return bytes;
    }

    /** Returns a copy of this ruleset with one file replaced or added; the revision follows. */
    public RulesetFiles with(String path, byte[] content) {
        SortedMap<String, byte[]> copy = new TreeMap<>(files);
        copy.put(normalize(path), content.clone());
        return new RulesetFiles(copy);
    }

    public String revision() {
        return revision;
    }

    /**
     * The digest of the rule files alone (DRL and decision tables): what the rule compiler reads.
     * Two rulesets with the same one compile to the same knowledge base, whatever their catalog,
     * texts and thresholds (which are read at evaluation, not compiled).
     */
    public String ruleSourcesDigest() {
        String digest = ruleSourcesDigest;
        if (digest == null) {
            SortedMap<String, byte[]> sources = new TreeMap<>();
            files.forEach((path, bytes) -> {
                if (isRuleFile(path.substring(path.lastIndexOf('/') + 1))) {
                    sources.put(path, bytes);
                }
            });
            digest = digest(sources);
            ruleSourcesDigest = digest;
        }
        return digest;
    }

    /** Writes every file below a directory (which is created), for officers to start from. */
    public void writeTo(Path root) {
        try {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path target = root.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ruleset to " + root, e);
        }
    }

    public SortedMap<String, byte[]> files() {
        return files;
    }

    public Optional<byte[]> file(String path) {
        return Optional.ofNullable(files.get(path));
    }

    /**
     * The text of a file, decoded strictly as UTF-8 (a byte-order mark is skipped).
     *
     * @throws RulesetException when the ruleset has no such file, or it is not valid UTF-8
     */
    public String text(String path) {
        byte[] bytes = files.get(path);
        if (bytes == null) {
            throw new RulesetException(
                    "the ruleset has no " + path, List.of(Diagnostic.error(path, "the ruleset has no " + path)));
        }
        return decode(path, bytes);
    }

    /**
     * Every text file of this ruleset (all but Excel workbooks) that is not valid UTF-8, each
     * reported at the line and column of its first invalid byte.
     */
    public List<Diagnostic> encodingProblems() {
        List<Diagnostic> problems = new ArrayList<>();
        files.forEach((path, bytes) -> {
            if (isText(path)) {
                utf8Problem(path, bytes).ifPresent(problems::add);
            }
        });
        return problems;
    }

    /** Whether a ruleset file is text (everything but {@code *.drl.xlsx} and {@code *.drl.xls}). */
    public static boolean isText(String path) {
        return !path.endsWith(".xlsx") && !path.endsWith(".xls");
    }

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** The bytes without a leading UTF-8 byte-order mark, which some Windows editors write. */
    public static byte[] withoutBom(byte[] bytes) {
        if (bytes.length >= 3 && bytes[0] == BOM[0] && bytes[1] == BOM[1] && bytes[2] == BOM[2]) {
            return java.util.Arrays.copyOfRange(bytes, 3, bytes.length);
        }
        return bytes;
    }

    /**
     * Decodes a file strictly as UTF-8, without a leading byte-order mark. Unlike
     * {@code new String(bytes, UTF_8)}, which silently puts U+FFFD in place of every byte it
     * cannot read, this refuses the file, naming the line and column of the first bad byte.
     *
     * @throws RulesetException with that diagnostic
     */
    public static String decode(String path, byte[] bytes) {
        byte[] content = withoutBom(bytes);
        try {
            return strictUtf8().decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            Diagnostic problem = utf8Problem(path, bytes).orElseGet(() -> Diagnostic.error(path, "is not valid UTF-8"));
            throw new RulesetException(path + " is not valid UTF-8", List.of(problem));
        }
    }

    /** Where a file stops being valid UTF-8, if it does. */
    public static Optional<Diagnostic> utf8Problem(String path, byte[] bytes) {
        byte[] content = withoutBom(bytes);
        CharsetDecoder decoder = strictUtf8();
        ByteBuffer in = ByteBuffer.wrap(content);
        CharBuffer out = CharBuffer.allocate(Math.max(16, content.length));
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (!result.isError()) {
            return Optional.empty();
        }
        int bad = in.position();
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < bad; i++) {
            if (content[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        // The column counts characters, as an editor does (a byte-order mark is not one); the
        // line up to the bad byte is valid.
        String before = new String(content, lineStart, bad - lineStart, StandardCharsets.UTF_8);
        int column = before.codePointCount(0, before.length()) + 1;
        return Optional.of(new Diagnostic(
                path,
                line,
                column,
                Diagnostic.Severity.ERROR,
                "not valid UTF-8 (was it saved as Shift_JIS?): byte 0x"
                        + HexFormat.of().toHexDigits(content[bad])
                        + " cannot start or continue a character here; save the file as UTF-8"));
    }

    private static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
