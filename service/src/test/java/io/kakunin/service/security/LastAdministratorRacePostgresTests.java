package io.kakunin.service.security;

import io.kakunin.service.storage.Postgres;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The race on a real PostgreSQL server, where several instances share the keys. */
@SpringBootTest
@ActiveProfiles("test")
@DirtiesContext
class LastAdministratorRacePostgresTests extends LastAdministratorRace {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        String url = Postgres.newDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", Postgres::user);
        registry.add("spring.datasource.password", Postgres::password);
    }
}
