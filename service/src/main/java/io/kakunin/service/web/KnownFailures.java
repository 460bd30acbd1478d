package io.kakunin.service.web;

import java.util.Optional;

/**
 * Failures that are not bugs of the service but states of something it depends on (the store
 * is down, say), each known to the part of the service that owns that thing, which says what
 * the client is to be answered. Every place that answers an exception nobody else handled (the
 * problem handler of Spring MVC, the error controller behind the servlet filters) asks these
 * before it answers {@code 500}.
 */
public interface KnownFailures {

    /** What the request had done when it failed, as far as the one answering knows. */
    enum Done {
        /** It only reads (GET, HEAD): nothing it did needs saying. */
        READ_ONLY,
        /** Its operation ran, and may have changed something before it failed. */
        MAYBE_CHANGED,
        /** It failed before its operation ran (in a filter, looking up its API key, say): it changed nothing. */
        NOTHING
    }

    /**
     * The refusal a failure stands for, if it is one of this part's; empty otherwise.
     *
     * @param failure the exception, as thrown (its causes are looked at too)
     * @param done    what the request had done, for the answer to say what is known of it
     */
    Optional<ApiProblem> refusal(Throwable failure, Done done);
}
