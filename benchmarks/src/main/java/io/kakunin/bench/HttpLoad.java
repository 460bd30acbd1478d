package io.kakunin.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP benchmark, over loopback, with the load generator in this process and the packaged
 * service in another: {@code POST /v1/assessments} (verdict stored durably) against the
 * baseline {@code POST /benchmark/echo} (same server, filters, credentials and JSON reading,
 * nothing else), in alternating phases of the same run so that the machine's noise falls on
 * both, on H2 and on PostgreSQL; then the streamed batch; then start-up time and the smallest
 * heap that holds. {@code scripts/bench-http.sh}; options below.
 */
public final class HttpLoad {

    static final String KEY = "kak_http_load_benchmark_0000000000000000000000";
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private HttpLoad() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        Map<String, String> o = new LinkedHashMap<>(Map.of(
                "--databases",
                "h2,postgres",
                "--connections",
                "8",
                "--phase-seconds",
                "10",
                "--rounds",
                "2",
                "--warmup-seconds",
                "15",
                "--xmx",
                "256m",
                "--batch-products",
                "1000,100000",
                "--heaps",
                "",
                "--root",
                ".",
                "--jfr",
                "false"));
        o.put("--startup-runs", "5");
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        Path root = Path.of(o.get("--root")).toAbsolutePath().normalize();
        Path jar;
        try (var files = Files.list(root.resolve("service/target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("service-.*\\.jar"))
                    .findFirst()
                    .orElseThrow(
                            () -> new IllegalStateException("no service jar; run ./mvnw -DskipTests package first"));
        }
        byte[] typical = Requests.assessment(3);
        System.out.printf(
                Locale.ROOT,
                "typical request: 1 organization, 3 products, %d bytes; %d connections; phases of %s s x %s rounds%n",
                typical.length,
                Integer.parseInt(o.get("--connections")),
                o.get("--phase-seconds"),
                o.get("--rounds"));
        EmbeddedPostgres postgres = null;
        try {
            for (String database : o.get("--databases").split(",")) {
                List<String> db = new ArrayList<>();
                if (database.equals("postgres")) {
                    if (postgres == null) {
                        postgres = EmbeddedPostgres.builder().start();
                    }
                    String name = "bench_" + System.nanoTime();
                    try (Connection c = postgres.getPostgresDatabase().getConnection();
                            Statement s = c.createStatement()) {
                        s.execute("CREATE DATABASE " + name);
                    }
                    db.addAll(List.of(
                            "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", name),
                            "--spring.datasource.username=postgres",
                            "--spring.datasource.password=postgres"));
                }
                run(database, jar, db, typical, o);
            }
            int startups = Integer.parseInt(o.get("--startup-runs"));
            if (startups > 0) {
                startup(root, jar, startups, o.get("--xmx"));
            }
            String heaps = o.get("--heaps");
            if (!heaps.isBlank()) {
                smallestHeap(jar, typical, heaps.split(","), o);
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private static void run(String database, Path jar, List<String> db, byte[] typical, Map<String, String> o)
            throws Exception {
        Service service = Service.start(jar, o.get("--xmx"), List.of(), db, Boolean.parseBoolean(o.get("--jfr")));
        try {
            System.out.printf(
                    Locale.ROOT, "%n==================== %s, -Xmx%s ====================%n", database, o.get("--xmx"));
            System.out.printf(
                    Locale.ROOT,
                    "start-up: process start to ready %.2f s (Spring Boot reports %s)%n",
                    service.startupSeconds(),
                    service.bootReport());
            int connections = Integer.parseInt(o.get("--connections"));
            int phase = Integer.parseInt(o.get("--phase-seconds"));
            Target echo = new Target("/benchmark/echo", 200);
            Target assess = new Target("/v1/assessments", 201);
            long warmupEnd = System.nanoTime()
                    + Duration.ofSeconds(Integer.parseInt(o.get("--warmup-seconds")))
                            .toNanos();
            while (System.nanoTime() < warmupEnd) {
                load(service, echo, typical, connections, 2, null);
                load(service, assess, typical, connections, 2, null);
            }
            Stats echoStats = new Stats();
            Stats assessStats = new Stats();
            int rounds = Integer.parseInt(o.get("--rounds"));
            for (int round = 0; round < rounds; round++) {
                load(service, echo, typical, connections, phase, echoStats);
                load(service, assess, typical, connections, phase, assessStats);
            }
            if (service.jfr() != null) {
                // An extra phase, not counted: the recording's overhead must not bias the ratio.
                service.jcmd("JFR.start", "name=assessments", "settings=profile");
                load(service, assess, typical, connections, phase, null);
                service.jcmd("JFR.dump", "name=assessments", "filename=" + service.jfr());
                service.jcmd("JFR.stop", "name=assessments");
            }
            System.out.println(echoStats.line("baseline POST /benchmark/echo"));
            System.out.println(assessStats.line("POST /v1/assessments (stored)"));
            System.out.printf(
                    Locale.ROOT,
                    "throughput ratio assessments / baseline: %.2f (target >= 0.5)%n",
                    assessStats.throughput() / echoStats.throughput());
            for (String size : o.get("--batch-products").split(",")) {
                if (!size.isBlank()) {
                    batch(service, Integer.parseInt(size.strip()));
                }
            }
        } finally {
            service.stop();
            if (service.jfr() != null && Files.exists(service.jfr())) {
                System.out.println("profile of the service JVM during an extra, uncounted assessments phase (JFR): "
                        + service.jfr());
                JfrSummary.print(service.jfr(), 20);
            }
        }
    }

    /**
     * Start-up to ready (health answers 200), median of {@code runs} starts on a fresh H2 database:
     * the fat jar as built, then the layout the build makes in {@code service/target/cds} (extracted
     * jar and a class-data-sharing archive from a training run).
     */
    private static void startup(Path root, Path jar, int runs, String xmx) throws Exception {
        System.out.printf(
                Locale.ROOT,
                "%n==================== start-up to ready, median of %d, -Xmx%s ====================%n",
                runs,
                xmx);
        // The layout the build makes (service/pom.xml: the extracted jar and a class-data-sharing archive).
        Path cds = jar.resolveSibling("cds");
        if (!Files.exists(cds.resolve("kakunin.jsa"))) {
            throw new IllegalStateException("no " + cds.resolve("kakunin.jsa") + ": run ./mvnw -DskipTests package");
        }
        Path extracted = cds.resolve(jar.getFileName());
        String[][] modes = {
            {"fat jar (java -jar service.jar)", jar.toString(), ""},
            {
                "extracted + CDS (service/target/cds, made by the build)",
                extracted.toString(),
                "-XX:SharedArchiveFile=" + cds.resolve("kakunin.jsa")
            }
        };
        for (String[] mode : modes) {
            double[] seconds = new double[runs];
            String boot = "";
            for (int i = 0; i < runs; i++) {
                Service service = Service.start(
                        Path.of(mode[1]), xmx, mode[2].isEmpty() ? List.of() : List.of(mode[2]), List.of(), false);
                seconds[i] = service.startupSeconds();
                boot = service.bootReport();
                service.stop();
            }
            Arrays.sort(seconds);
            System.out.printf(
                    Locale.ROOT,
                    "%-42s median %.2f s, min %.2f s, max %.2f s (last: Spring Boot reports %s) (target <= 5 s)%n",
                    mode[0],
                    seconds[runs / 2],
                    seconds[0],
                    seconds[runs - 1],
                    boot);
        }
    }

    /** Finds the smallest heap (of those given) under which the load run completes without a failure. */
    private static void smallestHeap(Path jar, byte[] typical, String[] heaps, Map<String, String> o) throws Exception {
        System.out.printf(
                Locale.ROOT,
                "%n==================== heap (H2, %s connections, 10 s of assessments each) ====================%n",
                o.get("--connections"));
        for (String heap : heaps) {
            Service service;
            try {
                service = Service.start(jar, heap.strip(), List.of(), List.of(), false);
            } catch (IllegalStateException e) {
                System.out.printf(Locale.ROOT, "-Xmx%s: does not start (%s)%n", heap, e.getMessage());
                continue;
            }
            try {
                Target assess = new Target("/v1/assessments", 201);
                load(service, assess, typical, Integer.parseInt(o.get("--connections")), 5, null);
                Stats stats = new Stats();
                load(service, assess, typical, Integer.parseInt(o.get("--connections")), 10, stats);
                System.out.printf(
                        Locale.ROOT,
                        "-Xmx%-5s %s; service alive: %s%n",
                        heap,
                        stats.line("assessments"),
                        service.process().isAlive());
            } finally {
                service.stop();
            }
        }
    }

    // ------------------------------------------------------------------ load

    record Target(String path, int status) {}

    /** Latencies (ns) and counts of one endpoint over the measured phases. */
    static final class Stats {
        private long[] latencies = new long[1 << 16];
        private int n;
        private long failures;
        private long nanos;

        synchronized void add(long[] values, int count, long failed) {
            while (n + count > latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            System.arraycopy(values, 0, latencies, n, count);
            n += count;
            failures += failed;
        }

        synchronized void time(long elapsed) {
            nanos += elapsed;
        }

        double throughput() {
            return n / (nanos / 1e9);
        }

        String line(String what) {
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            return String.format(
                    Locale.ROOT,
                    "%-32s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests, %d failed)",
                    what,
                    throughput(),
                    sorted.length == 0 ? 0 : sorted[sorted.length / 2] / 1e6,
                    sorted.length == 0 ? 0 : sorted[(int) (sorted.length * 0.99)] / 1e6,
                    n,
                    failures);
        }
    }

    private static void load(Service service, Target target, byte[] body, int connections, int seconds, Stats stats)
            throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.base() + target.path()))
                .header("Content-Type", "application/json")
                .header("X-API-Key", KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                long[] latencies = new long[1 << 14];
                int n = 0;
                long failed = 0;
                while (running.get()) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != target.status()) {
                            failed++;
                            continue;
                        }
                    } catch (IOException | InterruptedException e) {
                        failed++;
                        continue;
                    }
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = System.nanoTime() - t0;
                }
                if (stats != null) {
                    stats.add(latencies, n, failed);
                }
            });
            t.start();
            threads.add(t);
        }
        Thread.sleep(seconds * 1000L);
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        if (stats != null) {
            stats.time(System.nanoTime() - start);
        }
    }

    // ------------------------------------------------------------------ batch

    private static void batch(Service service, int products) throws Exception {
        int perLine = Math.min(10, products);
        int lines = products / perLine;
        byte[] line = Requests.assessment(perLine);
        AtomicLong maxHeap = new AtomicLong();
        AtomicLong maxLive = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                maxHeap.accumulateAndGet(service.metric("jvm.memory.used?tag=area:heap"), Math::max);
                maxLive.accumulateAndGet(service.metric("jvm.gc.live.data.size"), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        InputStream body = new InputStream() {
            private int sent;
            private int position = line.length + 1;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position > line.length) {
                    if (sent == lines) {
                        return -1;
                    }
                    sent++;
                    position = 0;
                }
                if (position == line.length) {
                    b[off] = '\n';
                    position++;
                    return 1;
                }
                int n = Math.min(len, line.length - position);
                System.arraycopy(line, position, b, off, n);
                position += n;
                return n;
            }
        };
        long start = System.nanoTime();
        HttpResponse<InputStream> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(service.base() + "/v1/assessments:batch"))
                        .header("Content-Type", "application/x-ndjson")
                        .header("X-API-Key", KEY)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long stored = 0;
        long failed = 0;
        try (var reader =
                new java.io.BufferedReader(new java.io.InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String result;
            while ((result = reader.readLine()) != null) {
                if (result.contains("\"status\":201")) {
                    stored++;
                } else {
                    failed++;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        sampling.set(false);
        sampler.join();
        System.out.printf(
                Locale.ROOT,
                "batch of %,d products (%,d lines of %d): %.1f s, %,.0f products/s (target >= 20,000), %d lines stored, "
                        + "%d failed; service heap used at most %.0f MB, live data after GC at most %.0f MB%n",
                products,
                lines,
                perLine,
                seconds,
                products / seconds,
                stored,
                failed,
                maxHeap.get() / 1048576.0,
                maxLive.get() / 1048576.0);
    }

    // ------------------------------------------------------------------ the service process

    record Service(Process process, String base, double startupSeconds, String bootReport, Path work, Path jfr) {

        static Service start(Path jar, String xmx, List<String> jvm, List<String> database, boolean jfr)
                throws Exception {
            Path work = Files.createTempDirectory("kakunin-bench");
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of("java", "-Xmx" + xmx));
            command.addAll(jvm);
            Path recording = null;
            if (jfr) {
                recording = work.resolve("assessments.jfr");
            }
            command.addAll(List.of(
                    "-jar",
                    jar.toString(),
                    "--spring.profiles.active=benchmark",
                    "--server.port=" + port,
                    "--logging.level.root=WARN",
                    "--logging.level.io.kakunin.service.KakuninApplication=INFO",
                    "--kakunin.security.provisioned-keys[0].name=http-load",
                    "--kakunin.security.provisioned-keys[0].key=" + KEY,
                    "--kakunin.security.provisioned-keys[0].roles=SUBMITTER,AUDITOR"));
            command.addAll(database);
            long t0 = System.nanoTime();
            Process process = new ProcessBuilder(command)
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("service.log").toFile())
                    .start();
            String base = "http://127.0.0.1:" + port;
            long deadline = t0 + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the service exited; see " + work.resolve("service.log"));
                }
                try {
                    if (HTTP.send(
                                            HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200) {
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        Matcher m = Pattern.compile(
                                        "Started \\w+ in ([0-9.]+ seconds \\(process running for [0-9.]+\\))")
                                .matcher(Files.readString(work.resolve("service.log")));
                        return new Service(process, base, seconds, m.find() ? m.group(1) : "n/a", work, recording);
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(20);
            }
            process.destroyForcibly();
            throw new IllegalStateException("the service did not start within 120 s");
        }

        /** A gauge of the service's actuator metrics endpoint (benchmark profile only), 0 if unavailable. */
        long metric(String nameAndTags) {
            try {
                String body = HTTP.send(
                                HttpRequest.newBuilder(URI.create(base + "/actuator/metrics/" + nameAndTags))
                                        .header("X-API-Key", KEY)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                Matcher m = Pattern.compile("\"value\":([0-9.E+]+)").matcher(body);
                return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
            } catch (IOException | InterruptedException e) {
                return 0;
            }
        }

        void jcmd(String... command) throws Exception {
            List<String> args = new ArrayList<>(List.of("jcmd", Long.toString(process.pid())));
            args.addAll(List.of(command));
            new ProcessBuilder(args)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(true)
                    .start()
                    .waitFor();
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
