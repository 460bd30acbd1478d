package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Set;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fills the listing tables of V4 for the records stored before them: the product identifiers
 * and failed recommendations of each assessment, the sharer and failed recommendations of each
 * sharing review, read from the stored request and verdict. New records get them when stored.
 */
public class V5__Index_stored_records extends BaseJavaMigration {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        try (Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery("SELECT id, request_json, verdict_json FROM assessment");
                PreparedStatement product = connection.prepareStatement(
                        "INSERT INTO assessment_product (assessment_id, product_index, product_id) VALUES (?, ?, ?)");
                PreparedStatement failure = connection.prepareStatement(
                        "INSERT INTO assessment_failure (assessment_id, recommendation_id) VALUES (?, ?)")) {
            while (rows.next()) {
                Object id = rows.getObject("id");
                JsonNode products =
                        JSON.readTree(rows.getString("request_json")).path("products");
                for (int i = 0; i < products.size(); i++) {
                    String productId = products.get(i).path("id").asString(null);
                    if (productId != null) {
                        product.setObject(1, id);
                        product.setInt(2, i);
                        product.setString(3, productId);
                        product.addBatch();
                    }
                }
                for (String recommendation : failed(rows.getString("verdict_json"))) {
                    failure.setObject(1, id);
                    failure.setString(2, recommendation);
                    failure.addBatch();
                }
            }
            product.executeBatch();
            failure.executeBatch();
        }
        try (Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery("SELECT id, review_json FROM sharing_review");
                PreparedStatement failure = connection.prepareStatement(
                        "INSERT INTO sharing_review_failure (sharing_review_id, recommendation_id) VALUES (?, ?)")) {
            while (rows.next()) {
                for (String recommendation : failed(rows.getString("review_json"))) {
                    failure.setObject(1, rows.getObject("id"));
                    failure.setString(2, recommendation);
                    failure.addBatch();
                }
            }
            failure.executeBatch();
        }
    }

    private static Set<String> failed(String verdictJson) {
        Set<String> failed = new LinkedHashSet<>();
        for (JsonNode result : JSON.readTree(verdictJson).path("results")) {
            if ("FAIL".equals(result.path("outcome").asString(null))) {
                failed.add(result.path("recommendationId").asString());
            }
        }
        return failed;
    }
}
