package io.kakunin.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP benchmark, over loopback, with the load generator in this process and the packaged
 * service in another: {@code POST /v1/assessments} (verdict stored durably) against the
 * baseline {@code POST /benchmark/echo} (same server, filters, credentials and JSON reading,
 * nothing else), in alternating phases of the same run so that the machine's noise falls on
 * both, on H2 and on PostgreSQL; then the streamed batch; then start-up time and the smallest
 * heap that holds. {@code scripts/bench-http.sh}; options below.
 */
public final class HttpLoad {

    private static final JsonMapper JSON = JsonMapper.builder().build();
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
                "3",
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
        o.put("--batch-runs", "3");
        o.put("--batch-warmup-products", "0");
        // The batch size after each run of which an impact preview replays what that batch stored (0: none).
        o.put("--impact-products", "100000");
        o.put("--service-jar", "");
        o.put("--service-args", "");
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        Path root = Path.of(o.get("--root")).toAbsolutePath().normalize();
        Path jar = o.get("--service-jar").isBlank()
                ? builtJar(root)
                // Another build's service (the one before a change), driven by the same load generator.
                : Path.of(o.get("--service-jar")).toAbsolutePath();
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
                // Settings of the service for this run (a batch of a million products needs
                // --kakunin.limits.max-batch-body=4GB), separated by spaces.
                for (String arg : o.get("--service-args").split(" ")) {
                    if (!arg.isBlank()) {
                        db.add(arg);
                    }
                }
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

    private static Path builtJar(Path root) throws IOException {
        try (var files = Files.list(root.resolve("service/target"))) {
            return files.filter(p -> p.getFileName().toString().matches("service-.*\\.jar"))
                    .findFirst()
                    .orElseThrow(
                            () -> new IllegalStateException("no service jar; run ./mvnw -DskipTests package first"));
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
            Target echo = new Target("/benchmark/echo", 200, null);
            Target assess = new Target("/v1/assessments", 201, null);
            Target minimal = new Target("/v1/assessments", 201, "return=minimal");
            long warmupEnd = System.nanoTime()
                    + Duration.ofSeconds(Integer.parseInt(o.get("--warmup-seconds")))
                            .toNanos();
            while (System.nanoTime() < warmupEnd) {
                load(service, echo, typical, connections, 2, null);
                load(service, assess, typical, connections, 2, null);
                load(service, minimal, typical, connections, 2, null);
            }
            Stats echoStats = new Stats();
            Stats assessStats = new Stats();
            Stats minimalStats = new Stats();
            int rounds = Integer.parseInt(o.get("--rounds"));
            double[] full = new double[rounds];
            double[] lean = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                // Each round puts its endpoints side by side, so each ratio is taken within a round.
                Stats e = new Stats();
                Stats a = new Stats();
                Stats m = new Stats();
                load(service, echo, typical, connections, phase, e);
                load(service, assess, typical, connections, phase, a);
                load(service, minimal, typical, connections, phase, m);
                full[round] = a.throughput() / e.throughput();
                lean[round] = m.throughput() / e.throughput();
                echoStats.add(e);
                assessStats.add(a);
                minimalStats.add(m);
            }
            if (service.jfr() != null) {
                // An extra phase, not counted: the recording's overhead must not bias the ratio.
                service.jcmd("JFR.start", "name=assessments", "settings=profile");
                load(service, assess, typical, connections, phase, null);
                service.jcmd("JFR.dump", "name=assessments", "filename=" + service.jfr());
                service.jcmd("JFR.stop", "name=assessments");
            }
            if (rounds > 0) {
                System.out.println(echoStats.line("baseline POST /benchmark/echo"));
                System.out.println(assessStats.line("POST /v1/assessments (stored)"));
                System.out.println(minimalStats.line("POST /v1/assessments, Prefer: return=minimal"));
                System.out.println(target(database + ": POST /v1/assessments ÷ baseline, full verdict", full, 0.5));
                System.out.println(target(database + ": POST /v1/assessments ÷ baseline, return=minimal", lean, 0.8));
            }
            int warmup = Integer.parseInt(o.get("--batch-warmup-products"));
            if (warmup > 0) {
                System.out.print("warm-up, not counted: ");
                batch(service, warmup);
            }
            int runs = Integer.parseInt(o.get("--batch-runs"));
            int impactProducts = Integer.parseInt(o.get("--impact-products"));
            double[] impactRatios = new double[impactProducts > 0 ? runs : 0];
            for (String size : o.get("--batch-products").split(",")) {
                if (!size.isBlank()) {
                    double[] rates = new double[runs];
                    for (int run = 0; run < runs; run++) {
                        Instant from = Instant.now();
                        rates[run] = batch(service, Integer.parseInt(size.strip()));
                        if (Integer.parseInt(size.strip()) == impactProducts) {
                            // The impact preview over exactly the assessments this batch stored, beside it.
                            double products =
                                    impact(service, from, Instant.now().plusSeconds(1), impactProducts);
                            impactRatios[run] = products / rates[run];
                        }
                    }
                    if (runs > 1) {
                        System.out.println(target(
                                String.format(
                                        Locale.ROOT,
                                        "%s: batch of %,d products, products/s",
                                        database,
                                        Integer.parseInt(size.strip())),
                                rates,
                                20_000));
                    }
                }
            }
            if (impactRatios.length > 1) {
                System.out.println(target(
                        String.format(
                                Locale.ROOT,
                                "%s: impact preview ÷ batch, products/s over the same %,d",
                                database,
                                impactProducts),
                        impactRatios,
                        1.0));
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
                Target assess = new Target("/v1/assessments", 201, null);
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

    /** An endpoint, the status it answers when it works, and the {@code Prefer} header sent to it (or none). */
    record Target(String path, int status, String prefer) {}

    /**
     * One target's line: the median and range of its figure over the rounds, the bound, and
     * whether the median meets it.
     */
    static String target(String what, double[] figures, double atLeast) {
        double[] sorted = figures.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        String number = atLeast >= 100 ? "%,.0f" : "%.2f";
        return String.format(
                Locale.ROOT,
                "%-62s " + number + " [" + number + "–" + number + "]  target >= " + number + "  %s",
                what,
                median,
                sorted[0],
                sorted[sorted.length - 1],
                atLeast,
                median >= atLeast ? "MET" : String.format(Locale.ROOT, "MISSED by %.1f ×", atLeast / median));
    }

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

        /** Adds another phase's latencies, counts and time. */
        synchronized void add(Stats other) {
            add(other.latencies, other.n, other.failures);
            nanos += other.nanos;
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
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(service.base() + target.path()))
                .header("Content-Type", "application/json")
                .header("X-API-Key", KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (target.prefer() != null) {
            builder.header("Prefer", target.prefer());
        }
        HttpRequest request = builder.build();
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

    /** Sends one batch and reads its result lines; returns products per second. */
    private static double batch(Service service, int products) throws Exception {
        int perLine = Math.min(10, products);
        int lines = products / perLine;
        byte[] line = Requests.assessment(perLine);
        HeapSampler heap = HeapSampler.start(service);
        // Sent and read at once over a socket of its own: the JDK client reads an HTTP/1.1 answer only
        // once the whole body is sent, so past a few MB of result lines both sides would wait for the other.
        long start = System.nanoTime();
        long stored = 0;
        long failed = 0;
        URI base = URI.create(service.base());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            out.write(("POST /v1/assessments:batch HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                            + "\r\nContent-Type: application/x-ndjson\r\nX-API-Key: " + KEY
                            + "\r\nConnection: close\r\nContent-Length: " + (long) lines * (line.length + 1)
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            AtomicReference<IOException> sendFailed = new AtomicReference<>();
            Thread sender = new Thread(() -> {
                try {
                    for (int i = 0; i < lines; i++) {
                        out.write(line);
                        out.write('\n');
                    }
                    out.flush();
                } catch (IOException e) {
                    sendFailed.set(e);
                }
            });
            sender.start();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            String status = headerLine(in);
            boolean chunked = false;
            for (String header = headerLine(in); !header.isEmpty(); header = headerLine(in)) {
                chunked |=
                        header.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:") && header.contains("chunked");
            }
            if (!status.startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException("the batch was answered " + status);
            }
            InputStream body = chunked ? new Dechunked(in) : in;
            try (var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String result;
                while ((result = reader.readLine()) != null) {
                    if (result.contains("\"status\":201")) {
                        stored++;
                    } else {
                        failed++;
                    }
                }
            }
            sender.join();
            if (sendFailed.get() != null) {
                throw sendFailed.get();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        heap.stop();
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
                heap.maxHeap() / 1048576.0,
                heap.maxLive() / 1048576.0);
        return products / seconds;
    }

    // ------------------------------------------------------------------ impact preview

    /**
     * Runs an impact preview of the active revision against itself over the assessments stored
     * between two instants (one batch's), as {@code POST /v1/rulesets/impact} does for an officer:
     * every stored request is evaluated twice and compared. Retries while the service answers 503
     * or 429 (another job holds the worker). Returns products per second, as the job counts its
     * rate (from its first comparison to its last, without the queueing).
     */
    private static double impact(Service service, Instant from, Instant to, int products) throws Exception {
        String revision = JSON.readTree(service.call("GET", "/v1/rulesets/active", 200))
                .path("revision")
                .asString();
        String query = "?revision=" + revision + "&createdFrom=" + from + "&createdTo=" + to;
        HeapSampler heap = HeapSampler.start(service);
        long start = System.nanoTime();
        JsonNode job = JSON.readTree(service.call("POST", "/v1/rulesets/impact" + query, 202));
        String id = job.path("id").asString();
        while (job.path("state").asString().matches("QUEUED|RUNNING")) {
            Thread.sleep(200);
            job = JSON.readTree(service.call("GET", "/v1/rulesets/impact/" + id, 200));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        heap.stop();
        if (!job.path("state").asString().equals("DONE")) {
            throw new IllegalStateException("the impact preview ended " + job);
        }
        long assessments = job.path("progress").path("counted").asLong();
        double perSecond = job.path("assessmentsPerSecond").asDouble();
        double productsPerSecond = perSecond * products / assessments;
        System.out.printf(
                Locale.ROOT,
                "impact preview of %,d stored assessments (%,d products, each evaluated by both rulesets): %.1f s"
                        + " request to result, %,.0f assessments/s = %,.0f products/s, %d changed, %d failed; service"
                        + " heap used at most %.0f MB, live data after GC at most %.0f MB%n",
                assessments,
                products,
                seconds,
                perSecond,
                productsPerSecond,
                job.path("summary").path("assessmentsChanged").asLong(),
                job.path("summary").path("evaluationFailures").asLong(),
                heap.maxHeap() / 1048576.0,
                heap.maxLive() / 1048576.0);
        return productsPerSecond;
    }

    /** The service's heap used and live data after a collection, sampled every 100 ms while something runs. */
    private static final class HeapSampler {
        private final AtomicLong maxHeap = new AtomicLong();
        private final AtomicLong maxLive = new AtomicLong();
        private final AtomicBoolean sampling = new AtomicBoolean(true);
        private Thread thread;

        static HeapSampler start(Service service) {
            HeapSampler sampler = new HeapSampler();
            sampler.thread = new Thread(() -> {
                while (sampler.sampling.get()) {
                    sampler.maxHeap.accumulateAndGet(service.metric("jvm.memory.used?tag=area:heap"), Math::max);
                    sampler.maxLive.accumulateAndGet(service.metric("jvm.gc.live.data.size"), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.thread.start();
            return sampler;
        }

        void stop() throws InterruptedException {
            sampling.set(false);
            thread.join();
        }

        long maxHeap() {
            return maxHeap.get();
        }

        long maxLive() {
            return maxLive.get();
        }
    }

    /** One line of the answer's head, without its CRLF. */
    private static String headerLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the answer ended in its head");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** The body of a chunked answer, without its chunk sizes. */
    private static final class Dechunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean end;

        Dechunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (end) {
                return -1;
            }
            if (left == 0) {
                String size = headerLine(in);
                if (size.isEmpty()) {
                    size = headerLine(in); // the CRLF after the previous chunk
                }
                int extension = size.indexOf(';');
                left = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).strip(), 16);
                if (left == 0) {
                    end = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("the answer ended within a chunk");
            }
            left -= n;
            return n;
        }
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
                    "--kakunin.security.provisioned-keys[0].roles=SUBMITTER,AUDITOR,RULE_ADMIN"));
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

        /**
         * Calls the service with the benchmark's key and returns the body of the answer with the
         * status expected; waits and retries while it answers 503 or 429 (as long as Retry-After says).
         */
        String call(String method, String path, int expected) throws Exception {
            for (int attempt = 0; ; attempt++) {
                HttpResponse<String> answer = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .header("X-API-Key", KEY)
                                .method(method, HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == expected) {
                    return answer.body();
                }
                if ((answer.statusCode() == 503 || answer.statusCode() == 429) && attempt < 100) {
                    long wait = answer.headers().firstValueAsLong("Retry-After").orElse(1);
                    Thread.sleep(
                            Duration.ofSeconds(Math.max(1, Math.min(wait, 30))).toMillis());
                    continue;
                }
                throw new IllegalStateException(
                        method + " " + path + " was answered " + answer.statusCode() + ": " + answer.body());
            }
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
