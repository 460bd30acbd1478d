package io.kakunin.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.service.Http;
import io.kakunin.service.TestKeys;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/** Nobody can lock every administrator out. (Its own service: it revokes the shared test keys.) */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@DirtiesContext
class LastAdministratorKeyTests {

    @LocalServerPort
    int port;

    @Test
    void theLastAdministratorKeyCannotBeRevoked() {
        Http admin = new Http(port).as(TestKeys.ADMIN);
        Http.Response fresh =
                admin.postJson("/v1/api-keys", "{\"name\":\"the last administrator\",\"roles\":[\"ADMIN\"]}");
        String lastId = fresh.json().path("apiKey").path("id").asString();
        Http last = new Http(port).as(fresh.json().path("key").asString());
        List<String> others = new ArrayList<>();
        admin.get("/v1/api-keys").json().path("items").forEach(k -> {
            List<String> roles = new ArrayList<>();
            k.path("roles").forEach(r -> roles.add(r.asString()));
            if (roles.contains("ADMIN") && !k.path("id").asString().equals(lastId)) {
                others.add(k.path("id").asString());
            }
        });
        assertThat(others)
                .as("the provisioned ADMIN and all-roles test keys, and any other test made")
                .hasSizeGreaterThanOrEqualTo(2);
        for (String id : others) {
            assertThat(last.send("DELETE", "/v1/api-keys/" + id, null, null).status())
                    .isEqualTo(204);
        }
        Http.Response refused = last.send("DELETE", "/v1/api-keys/" + lastId, null, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("type").asString()).isEqualTo("urn:kakunin:problem:last-admin-key");
        assertThat(last.get("/v1/api-keys").status()).as("still administrable").isEqualTo(200);
        assertThat(admin.get("/v1/api-keys").status())
                .as("the revoked one is refused")
                .isEqualTo(401);
    }
}
