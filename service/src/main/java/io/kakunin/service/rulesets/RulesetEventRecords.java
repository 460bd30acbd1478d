package io.kakunin.service.rulesets;

import java.util.List;
import java.util.UUID;

import org.springframework.data.domain.Limit;
import org.springframework.data.repository.Repository;

/** Stored ruleset events. */
interface RulesetEventRecords extends Repository<RulesetEventRecord, UUID> {

    List<RulesetEventRecord> findAllByOrderByOccurredAtDescIdDesc(Limit limit);
}
