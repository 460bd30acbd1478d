package io.kakunin.service.rulesets;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * The files of an activated ruleset, by revision: enough to compile it again on any instance.
 *
 * @param filesJson a JSON object from each file's path to its content in base64 (rule files
 *                  may be spreadsheets)
 */
@Table("ruleset_revision")
record RulesetRevisionRecord(@Id String revision, String version, String source, Instant storedAt, String filesJson) {
}
