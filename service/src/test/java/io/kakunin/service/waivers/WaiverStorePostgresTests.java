package io.kakunin.service.waivers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.service.storage.Postgres;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The waiver store on a real PostgreSQL server, migrated by the same Flyway scripts. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class WaiverStorePostgresTests extends WaiverStoreContract {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        String url = Postgres.newDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", Postgres::user);
        registry.add("spring.datasource.password", Postgres::password);
    }

    @Test
    void itReallyIsPostgreSql() {
        assertThat(jdbc.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
    }
}
