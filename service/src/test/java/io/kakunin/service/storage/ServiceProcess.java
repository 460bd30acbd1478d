package io.kakunin.service.storage;

import static org.awaitility.Awaitility.await;

import io.kakunin.service.Http;
import io.kakunin.service.KakuninApplication;
import io.kakunin.service.TestKeys;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The service in a process of its own, started from the test's classpath in a working directory
 * of the test's (which holds the embedded store's ./data), so that it can be killed for real.
 */
record ServiceProcess(Process process, int port) {

    static ServiceProcess start(Path workingDirectory, List<String> database) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                KakuninApplication.class.getName(),
                "--server.port=" + port,
                "--logging.level.root=WARN"));
        command.addAll(database);
        command.addAll(TestKeys.arguments());
        Process process = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        workingDirectory.resolve("service.log").toFile()))
                .start();
        Http http = new Http(port).as(null);
        try {
            await("the service to start")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(
                                    "the service exited; see " + workingDirectory.resolve("service.log"));
                        }
                        try {
                            return http.get("/actuator/health").status() == 200;
                        } catch (RuntimeException e) {
                            return false; // not listening yet
                        }
                    });
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the service did not start within 120 s");
        }
        return new ServiceProcess(process, port);
    }

    /** SIGKILL: no shutdown hook, no graceful stop, no flush. */
    void kill() throws InterruptedException, IOException {
        process.destroyForcibly();
        process.waitFor();
    }
}
