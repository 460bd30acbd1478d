package io.kakunin.service.security;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/** The race on H2, the database of a single instance. (Its own service: it revokes the shared test keys.) */
@SpringBootTest
@ActiveProfiles("test")
@DirtiesContext
class LastAdministratorRaceTests extends LastAdministratorRace {}
