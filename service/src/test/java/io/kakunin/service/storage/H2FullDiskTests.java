package io.kakunin.service.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kakunin.service.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The embedded H2 store, in file mode as shipped, on a disk that fills up ({@link FullDisk}).
 * While it is full every write is answered 503, saying so (a read too, if the database cannot be
 * opened to read it, never saying that nothing was stored); once space is back the
 * service stores again by itself, without a restart (H2 closes itself on the failed write; the
 * pool drops the connections it broke and the next one opens the database again), and every
 * record acknowledged before is there.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class H2FullDiskTests {

    @DynamicPropertySource
    static void onADiskThatFillsUp(DynamicPropertyRegistry registry) throws Exception {
        Path directory = Files.createTempDirectory("kakunin-full-disk");
        registry.add(
                "spring.datasource.url",
                () -> "jdbc:h2:" + FullDisk.prefix() + directory.resolve("kakunin")
                        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
    }

    @LocalServerPort
    int port;

    @AfterEach
    void spaceIsBack() {
        FullDisk.free();
    }

    private static String assessment(String organization) {
        return "{\"organization\":{\"id\":\"" + organization
                + "\"},\"products\":[{\"id\":\"cam\",\"defaultPasswordPolicy\":\"SHARED\"}]}";
    }

    @Test
    void aFullDiskIsAnswered503AndTheStoreWorksAgainWithoutARestartOnceSpaceIsBack() {
        Http http = new Http(port);
        Http.Response before = http.postJson("/v1/assessments", assessment("before-" + UUID.randomUUID()));
        assertThat(before.status()).as(before.body()).isEqualTo(201);
        String stored = before.header("Location");

        FullDisk.fill();
        List<Http.Response> whileFull = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            whileFull.add(http.postJson("/v1/assessments", assessment("while-full-" + UUID.randomUUID())));
        }
        assertThat(whileFull).allSatisfy(r -> {
            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isNotNull();
            assertThat(r.json().path("type").asString())
                    .isIn("urn:kakunin:problem:store-full", "urn:kakunin:problem:outcome-unknown");
        });
        Http.Response full = whileFull.get(whileFull.size() - 1);
        assertThat(full.json().path("type").asString()).isEqualTo("urn:kakunin:problem:store-full");
        assertThat(full.json().path("title").asString()).isEqualTo("The store's disk is full");
        assertThat(full.json().path("detail").asString())
                .contains("disk is full")
                .contains("Nothing was stored");

        Http.Response read = http.get(stored);
        assertThat(read.status()).as(read.body()).isIn(200, 503);
        if (read.status() == 503) {
            assertThat(read.json().path("type").asString()).isEqualTo("urn:kakunin:problem:store-full");
            assertThat(read.json().path("detail").asString())
                    .contains("Nothing could be read")
                    .doesNotContain("Nothing was stored");
        }

        FullDisk.free();
        String after = "after-" + UUID.randomUUID();
        await("the store to take writes again, without a restart")
                .atMost(Duration.ofSeconds(20))
                .until(() -> http.postJson("/v1/assessments", assessment(after)).status() == 201);
        Http.Response again = http.get(stored);
        assertThat(again.status())
                .as("the record acknowledged before the disk filled")
                .isEqualTo(200);
        assertThat(again.json().path("id")).isEqualTo(before.json().path("id"));
        await("health to say so")
                .atMost(Duration.ofSeconds(5))
                .until(() -> http.as(null).get("/actuator/health").status() == 200);
    }
}
