package io.kakunin.service.benchmark;

import io.kakunin.api.model.AssessmentRequest;
import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP benchmark's baseline, present only with the {@code benchmark} profile, never in
 * production: the same server, filters, credentials check, JSON reading and validation as
 * {@code POST /v1/assessments}, and nothing else: the body is parsed into the same model and
 * returned. The assessment endpoint's throughput is reported as a share of this one's.
 */
@RestController
@Profile("benchmark")
class EchoController {

    @PostMapping(
            path = "/benchmark/echo",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    AssessmentRequest echo(@RequestBody AssessmentRequest request) {
        return request;
    }
}
