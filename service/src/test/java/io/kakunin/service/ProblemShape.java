package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.Problem;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * The one shape of every error body of the API, as tests check it: RFC 9457's members
 * ({@code type}, {@code title}, {@code status}, {@code detail}, {@code instance}), {@code errors}
 * (a member of the contract's Problem) exactly when a field is named, and nothing else; one type
 * prefix; the status of the answer.
 */
public final class ProblemShape {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_PREFIX = "urn:kakunin:problem:";

    private static final Set<String> CORE = Set.of("type", "title", "status", "detail", "instance");

    private ProblemShape() {}

    /**
     * Asserts the shape of a problem answered with {@code status} on {@code path}.
     *
     * @param namesAField whether the refusal is about a field, header or parameter, which {@code errors} then names
     */
    public static void assertShape(JsonNode problem, int status, String path, boolean namesAField) {
        Set<String> members = new TreeSet<>(problem.propertyNames());
        Set<String> expected = new TreeSet<>(CORE);
        if (namesAField) {
            expected.add(Problem.JSON_PROPERTY_ERRORS);
        }
        assertThat(members).as(problem.toString()).isEqualTo(expected);
        assertThat(problem.path("type").asString())
                .as(problem.toString())
                .startsWith(TYPE_PREFIX)
                .hasSizeGreaterThan(TYPE_PREFIX.length());
        assertThat(problem.path("status").isInt()).as(problem.toString()).isTrue();
        assertThat(problem.path("status").asInt()).as(problem.toString()).isEqualTo(status);
        assertThat(problem.path("title").asString()).as(problem.toString()).isNotBlank();
        assertThat(problem.path("detail").asString()).as(problem.toString()).isNotBlank();
        assertThat(problem.path("instance").asString()).as(problem.toString()).isEqualTo(path);
        if (namesAField) {
            assertThat(problem.path("errors"))
                    .as(problem.toString())
                    .isNotEmpty()
                    .allSatisfy(e -> {
                        assertThat(new TreeSet<>(e.propertyNames())).containsExactly("detail", "pointer");
                        assertThat(e.path("detail").asString()).isNotBlank();
                    });
        }
    }
}
