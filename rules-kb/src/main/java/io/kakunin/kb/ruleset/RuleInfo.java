package io.kakunin.kb.ruleset;

/**
 * What the engine knows of one rule: its name and package, the recommendation it decides, the
 * reason and remedy it declares, and where it is written.
 */
public record RuleInfo(
        String name,
        String packageName,
        String recommendationId,
        String reason,
        String remedy,
        String file,
        int line) {}
