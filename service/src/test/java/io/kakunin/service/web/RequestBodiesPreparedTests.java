package io.kakunin.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.AssessmentBatchLine;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.kb.input.ContractConstraints;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.MethodParameter;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every body the service reads has its contract constraints read when the service starts, not
 * on its first request (a request's check never counts as preparing it).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class RequestBodiesPreparedTests {

    @Autowired
    List<RequestMappingHandlerMapping> mappings;

    @Test
    void everyBodyAHandlerReadsAndTheBatchLineArePreparedAtStartUp() {
        List<Class<?>> bodies = mappings.stream()
                .flatMap(m -> m.getHandlerMethods().values().stream())
                .flatMap(h -> Arrays.stream(h.getMethodParameters()))
                .filter(p -> p.hasParameterAnnotation(RequestBody.class))
                .<Class<?>>map(MethodParameter::getParameterType)
                .filter(c -> c.getPackageName().equals("io.kakunin.api.model"))
                .distinct()
                .toList();

        assertThat(bodies).contains(AssessmentRequest.class, SharingReviewRequest.class);
        assertThat(bodies)
                .allSatisfy(body -> assertThat(ContractConstraints.isPrepared(body))
                        .as("%s prepared at start-up", body.getSimpleName())
                        .isTrue());
        assertThat(ContractConstraints.isPrepared(AssessmentBatchLine.class)).isTrue();
    }
}
