package io.kakunin.service.assessments;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.AssessmentBatchLine;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.kb.input.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A batch line is the request it holds: every member of an AssessmentRequest read from a line is
 * carried into the request that is evaluated and stored, for every product-security fixture
 * (the contract holds the two schemas to the same members; this holds the copy to all of them).
 */
class AssessmentBatchLineTests {

    @Test
    void everyMemberOfTheLineButItsKeyIsTheRequest() throws IOException {
        Path fixtures = Path.of(System.getProperty("kakunin.repository"), "test-fixtures/fixtures/product-security");
        List<Path> requests;
        try (Stream<Path> cases = Files.list(fixtures)) {
            requests = cases.map(c -> c.resolve("request.json"))
                    .filter(Files::exists)
                    .toList();
        }
        assertThat(requests).isNotEmpty();
        for (Path file : requests) {
            ObjectNode line = (ObjectNode) Json.mapper().readTree(file.toFile());
            JsonNode request = line.deepCopy();
            line.put("idempotencyKey", "line-" + file.getParent().getFileName());
            AssessmentRequest read =
                    AssessmentBatch.request(Json.mapper().treeToValue(line, AssessmentBatchLine.class));
            JsonNode carried = Json.mapper().valueToTree(read);
            JsonNode expected = Json.mapper().valueToTree(Json.mapper().treeToValue(request, AssessmentRequest.class));
            assertThat(carried).as("%s", file).isEqualTo(expected);
        }
    }
}
