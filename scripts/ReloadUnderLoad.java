import io.kakunin.cli.Kakunin;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishing under load, against the packaged service: starts it on an exported copy of the
 * built-in rules, keeps several clients submitting assessments over loopback, saves edits that
 * alternate between good and broken, and counts failed or truncated responses and the
 * revisions responses name. Run through scripts/reload-under-load.sh.
 */
public class ReloadUnderLoad {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static String base;
    /** A key the script provisions for its own service: every role it needs. */
    static final String KEY = "kak_reload_under_load_" + java.util.UUID.randomUUID().toString().replace("-", "");

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        Map<String, String> options = new TreeMap<>(Map.of("--clients", "4", "--edits", "20", "--root", "."));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Path root = Path.of(options.get("--root")).toAbsolutePath().normalize();
        int clients = Integer.parseInt(options.get("--clients"));
        int edits = Integer.parseInt(options.get("--edits"));
        Path jar;
        try (var files = Files.list(root.resolve("service/target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("service-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no service jar; run ./mvnw -DskipTests package first"));
        }
        byte[] body = Files.readAllBytes(root.resolve("test-fixtures/fixtures/product-security/ps-4.2-shared-default-password-fails/request.json"));

        Path work = Files.createTempDirectory("kakunin-reload-under-load");
        Path rules = work.resolve("rules");
        List<String> export = new ArrayList<>(List.of("export", rules.toString()));
        // The service publishes only rulesets with fixtures (the publication gate): the shipped ones unless others are given.
        export.addAll(List.of("--fixtures", root.resolve(options.getOrDefault("--fixtures", "test-fixtures/fixtures")).toString()));
        if (new Kakunin(System.out, System.err, root).run(export.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("export failed");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        Process service = new ProcessBuilder("java", "-jar", jar.toString(), "--server.port=" + port,
                "--kakunin.rules.path=" + rules, "--kakunin.rules.watch-quiet-period=200ms",
                "--spring.datasource.url=jdbc:h2:mem:reload-under-load;DB_CLOSE_DELAY=-1", "--logging.level.root=WARN",
                "--kakunin.security.provisioned-keys[0].name=reload-under-load",
                "--kakunin.security.provisioned-keys[0].key=" + KEY,
                "--kakunin.security.provisioned-keys[0].roles=SUBMITTER,AUDITOR,RULE_ADMIN")
                .redirectErrorStream(true).redirectOutput(work.resolve("service.log").toFile()).start();
        int exit = 1;
        try {
            awaitUp(service, work);
            exit = run(rules, body, clients, edits);
        } finally {
            service.destroy();
            service.waitFor();
        }
        System.out.println("service log: " + work.resolve("service.log"));
        System.exit(exit);
    }

    static int run(Path rules, byte[] body, int clientCount, int edits) throws Exception {
        Path file = rules.resolve("product/policy.drl");
        String original = Files.readString(file);
        Set<String> activated = ConcurrentHashMap.newKeySet();
        Set<String> refused = ConcurrentHashMap.newKeySet();
        activated.add(get("/v1/rulesets/active").path("revision").asString());

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger responses = new AtomicInteger();
        Map<String, AtomicInteger> byRevision = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < clientCount; c++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/assessments"))
                                .header("Content-Type", "application/json").header("X-API-Key", KEY).timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                        JsonNode verdict = JSON.readTree(r.body());
                        String revision = verdict.path("ruleset").path("revision").asString();
                        if (r.statusCode() != 201 || verdict.path("results").isEmpty() || revision.isEmpty()) {
                            failures.add(r.statusCode() + " " + r.body());
                        } else {
                            byRevision.computeIfAbsent(revision, k -> new AtomicInteger()).incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                    responses.incrementAndGet();
                }
            });
            t.start();
            clients.add(t);
        }

        List<Long> good = new ArrayList<>();
        List<Long> broken = new ArrayList<>();
        String goodText = original;
        for (int edit = 1; edit <= edits; edit++) {
            Thread.sleep(300);
            String lastEvent = get("/v1/rulesets?limit=1").path("items").get(0).path("id").asString();
            long start = System.nanoTime();
            boolean isGood = edit % 2 == 1;
            if (isGood) {
                goodText = original + "\n// edit " + edit + ": reviewed by the compliance office\n";
                Files.writeString(file, goodText);
            } else {
                Files.writeString(file, goodText + "\nrule \"broken by edit " + edit + "\"\nwhen\n    $o : Organization( \nthen\nend\n");
            }
            JsonNode event = await("/v1/rulesets?limit=1", n -> !n.path("items").get(0).path("id").asString().equals(lastEvent))
                    .path("items").get(0);
            long millis = (System.nanoTime() - start) / 1_000_000;
            String outcome = event.path("outcome").asString();
            if (isGood && outcome.equals("ACTIVATED")) {
                activated.add(event.path("revision").asString());
                good.add(millis);
            } else if (!isGood && outcome.equals("REFUSED")) {
                refused.add(event.path("revision").asString());
                broken.add(millis);
            } else {
                failures.add("edit " + edit + " was expected to be " + (isGood ? "activated" : "refused") + " but was " + outcome);
            }
            System.out.printf("edit %2d (%s): %s in %d ms%n", edit, isGood ? "good  " : "broken", outcome, millis);
        }
        Thread.sleep(500);
        running.set(false);
        for (Thread t : clients) {
            t.join();
        }

        Set<String> unknown = new HashSet<>(byRevision.keySet());
        unknown.removeAll(activated);
        int decided = byRevision.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.printf("%n%d responses from %d clients during %d edits; %d failed or truncated%n", responses.get(), clientCount, edits, failures.size());
        System.out.printf("responses naming an activated revision: %d of %d; revisions seen: %d (activated %d, refused %d)%n",
                decided - unknown.stream().mapToInt(r -> byRevision.get(r).get()).sum(), responses.get(), byRevision.size(), activated.size(), refused.size());
        System.out.printf("good edit to active, ms: %s%nbroken edit to refusal, ms: %s%n", good, broken);
        failures.stream().limit(10).forEach(f -> System.out.println("FAILURE: " + f));
        boolean ok = failures.isEmpty() && unknown.isEmpty() && decided == responses.get();
        System.out.println(ok ? "OK: no request failed and every response named an activated revision" : "FAILED");
        return ok ? 0 : 1;
    }

    static void awaitUp(Process service, Path work) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException("the service exited; see " + work.resolve("service.log"));
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the service did not come up within 120 s");
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("X-API-Key", KEY).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return JSON.readTree(r.body());
    }

    static JsonNode await(String path, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode n = get(path);
            if (condition.test(n)) {
                return n;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("timed out waiting on " + path);
    }
}
