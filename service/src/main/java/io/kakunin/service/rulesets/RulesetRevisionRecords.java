package io.kakunin.service.rulesets;

import java.util.Optional;

import org.springframework.data.repository.Repository;

/** Stored ruleset revisions. */
interface RulesetRevisionRecords extends Repository<RulesetRevisionRecord, String> {

    Optional<RulesetRevisionRecord> findById(String revision);

    boolean existsById(String revision);
}
