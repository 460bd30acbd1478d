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

    /**
     * The refusal a failure stands for, if it is one of this part's; empty otherwise.
     *
     * @param failure the exception, as thrown (its causes are looked at too)
     * @param reading whether the request only reads (GET, HEAD): then nothing it did needs saying
     */
    Optional<ApiProblem> refusal(Throwable failure, boolean reading);
}
