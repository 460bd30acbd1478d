package io.kakunin.service.security;

import io.kakunin.api.model.Role;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Which roles may call which endpoint: the one table that {@link SecurityConfiguration}
 * authorizes requests by, and that a 403 reads to name the roles the operation needs. The roles
 * are separate duties:
 *
 * <table>
 * <tr><th>endpoint</th><th>roles</th></tr>
 * <tr><td>POST assessments (one or a batch), sharing reviews</td><td>SUBMITTER</td></tr>
 * <tr><td>GET an assessment's re-evaluation</td><td>AUDITOR</td></tr>
 * <tr><td>GET and list assessments (and an assessment's ★1 checklist), sharing reviews</td><td>SUBMITTER (its own), AUDITOR (all)</td></tr>
 * <tr><td>GET recommendations, the active ruleset</td><td>any role</td></tr>
 * <tr><td>GET ruleset history</td><td>AUDITOR, RULE_ADMIN</td></tr>
 * <tr><td>POST validate, reload rulesets</td><td>RULE_ADMIN</td></tr>
 * <tr><td>impact previews: start, follow, cancel</td><td>RULE_ADMIN</td></tr>
 * <tr><td>API keys</td><td>ADMIN</td></tr>
 * <tr><td>POST waivers (ask for one)</td><td>SUBMITTER, RISK_OWNER</td></tr>
 * <tr><td>POST a waiver's approval or revocation</td><td>RISK_OWNER (never the credentials that asked for it:
 * the two-person rule, kept by the waiver store)</td></tr>
 * <tr><td>GET and list waivers</td><td>SUBMITTER (its own), AUDITOR, RISK_OWNER (all)</td></tr>
 * </table>
 *
 * The first rule that matches a request decides; a request no rule matches needs credentials
 * of any role.
 */
final class AccessRules {

    /**
     * One row of the table.
     *
     * @param method the HTTP method, or null for every method
     */
    record Rule(HttpMethod method, List<String> paths, Set<Role> roles) {

        Rule {
            paths = List.copyOf(paths);
            roles = Set.copyOf(EnumSet.copyOf(roles));
        }

        RequestMatcher matcher() {
            return new OrRequestMatcher(paths.stream()
                    .map(p -> (RequestMatcher)
                            PathPatternRequestMatcher.withDefaults().matcher(method, p))
                    .toList());
        }

        /** The role names as Spring Security's {@code hasAnyRole} takes them, in the contract's order. */
        String[] roleNames() {
            return Arrays.stream(Role.values())
                    .filter(roles::contains)
                    .map(Role::getValue)
                    .toArray(String[]::new);
        }
    }

    static final List<Rule> RULES = List.of(
            new Rule(
                    HttpMethod.POST,
                    List.of("/v1/assessments", "/v1/assessments:batch", "/v1/sharing-reviews"),
                    Set.of(Role.SUBMITTER)),
            new Rule(HttpMethod.GET, List.of("/v1/assessments/*/reevaluation"), Set.of(Role.AUDITOR)),
            new Rule(HttpMethod.POST, List.of("/v1/waivers"), Set.of(Role.SUBMITTER, Role.RISK_OWNER)),
            new Rule(
                    HttpMethod.POST,
                    List.of("/v1/waivers/*/approval", "/v1/waivers/*/revocation"),
                    Set.of(Role.RISK_OWNER)),
            new Rule(
                    HttpMethod.GET,
                    List.of("/v1/waivers", "/v1/waivers/*"),
                    Set.of(Role.SUBMITTER, Role.AUDITOR, Role.RISK_OWNER)),
            new Rule(
                    HttpMethod.GET,
                    List.of(
                            "/v1/assessments",
                            "/v1/assessments/*",
                            "/v1/assessments/*/jc-star",
                            "/v1/sharing-reviews",
                            "/v1/sharing-reviews/*"),
                    Set.of(Role.SUBMITTER, Role.AUDITOR)),
            new Rule(
                    HttpMethod.GET,
                    List.of("/v1/recommendations", "/v1/recommendations/*", "/v1/rulesets/active"),
                    EnumSet.allOf(Role.class)),
            new Rule(HttpMethod.GET, List.of("/v1/rulesets"), Set.of(Role.AUDITOR, Role.RULE_ADMIN)),
            new Rule(HttpMethod.POST, List.of("/v1/rulesets/validate", "/v1/rulesets/reload"), Set.of(Role.RULE_ADMIN)),
            new Rule(
                    null,
                    List.of("/v1/rulesets/impact", "/v1/rulesets/impact/*", "/v1/rulesets/impact/*/cancellation"),
                    Set.of(Role.RULE_ADMIN)),
            new Rule(null, List.of("/v1/api-keys", "/v1/api-keys/*"), Set.of(Role.ADMIN)));

    /**
     * The console's pages, by the same duties as the API operations they show or call: who may
     * submit an assessment may fill in the self-assessment; who may read records may open them;
     * re-evaluation is the auditor's; ruleset history is the auditor's and the rule
     * administrator's; validation and the impact preview are the rule administrator's. The catalog
     * is open to every role, as {@code GET /v1/recommendations} is. A page no row names needs a
     * signed-in caller of any role.
     */
    static final List<Rule> CONSOLE = List.of(
            new Rule(null, List.of("/console/assess", "/console/assess/**"), Set.of(Role.SUBMITTER)),
            new Rule(null, List.of("/console/assessments/*/follow-up"), Set.of(Role.SUBMITTER)),
            new Rule(null, List.of("/console/assessments/*/reevaluation"), Set.of(Role.AUDITOR)),
            new Rule(
                    HttpMethod.GET,
                    List.of("/console/assessments", "/console/assessments/*"),
                    Set.of(Role.SUBMITTER, Role.AUDITOR)),
            new Rule(null, List.of("/console/sharing-reviews/new"), Set.of(Role.SUBMITTER)),
            new Rule(
                    HttpMethod.GET,
                    List.of(
                            "/console/sharing-reviews",
                            "/console/sharing-reviews/*",
                            "/console/sharing-reviews/*/bundle"),
                    Set.of(Role.SUBMITTER, Role.AUDITOR)),
            new Rule(
                    null,
                    List.of("/console/rulesets/validate", "/console/rulesets/impact/**"),
                    Set.of(Role.RULE_ADMIN)),
            new Rule(
                    HttpMethod.GET,
                    List.of("/console/rulesets", "/console/rulesets/diff", "/console/rulesets/revisions/**"),
                    Set.of(Role.AUDITOR, Role.RULE_ADMIN)),
            new Rule(HttpMethod.GET, List.of("/console/catalog", "/console/catalog/**"), EnumSet.allOf(Role.class)));

    private static final List<RequestMatcher> MATCHERS =
            RULES.stream().map(Rule::matcher).toList();

    private AccessRules() {}

    /** The rule that decides whether a request may be made, if one does. */
    static Optional<Rule> ruleFor(HttpServletRequest request) {
        for (int i = 0; i < RULES.size(); i++) {
            if (MATCHERS.get(i).matches(request)) {
                return Optional.of(RULES.get(i));
            }
        }
        return Optional.empty();
    }

    /** "the role AUDITOR", "one of the roles SUBMITTER, AUDITOR". */
    static String describe(Rule rule) {
        String[] names = rule.roleNames();
        return names.length == 1
                ? "the role " + names[0]
                : "one of the roles " + Arrays.stream(names).collect(Collectors.joining(", "));
    }
}
