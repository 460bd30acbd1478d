package io.kakunin.service.rulesets;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/** The ruleset store on the embedded H2 database; a context of its own, so its events stay out of other tests' histories. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@DirtiesContext
class RulesetStoreH2Tests extends RulesetStoreContract {}
