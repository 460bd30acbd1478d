package io.kakunin.kb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

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

    /** Reads every ruleset file below a directory. */
    public static RulesetFiles fromDirectory(Path root) {
        SortedMap<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String relative = normalize(root.relativize(file).toString());
                if (isRulesetFile(relative)) {
                    files.put(relative, Files.readAllBytes(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ruleset directory " + root, e);
        }
        return new RulesetFiles(files);
    }

    /**
     * Reads the built-in ruleset from the classpath, whether it is a directory (in the IDE or
     * the build) or inside a jar (also a jar nested in a Spring Boot executable jar).
     */
    public static RulesetFiles builtIn(ClassLoader loader) {
        URL marker = loader.getResource(BUILT_IN_ROOT + "catalog.yaml");
        if (marker == null) {
            throw new IllegalStateException("the built-in ruleset is not on the classpath: " + BUILT_IN_ROOT + "catalog.yaml");
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
        return name.endsWith(".drl") || name.endsWith(".drl.xlsx") || name.endsWith(".drl.xls") || name.endsWith(".drl.csv");
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

    public String text(String path) {
        byte[] bytes = files.get(path);
        if (bytes == null) {
            throw new RulesetException("the ruleset has no " + path, List.of(Diagnostic.error(path, "the ruleset has no " + path)));
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
