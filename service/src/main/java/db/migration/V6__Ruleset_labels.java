package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where the rules came from is shown to callers as a label ({@code kakunin.rules.label}), never
 * as a server path; the path is kept apart, for RULE_ADMIN callers. Records stored before named
 * the rules directory by its path: in the ruleset history (the path moves to {@code server_path}), in
 * the stored revisions, and in every stored verdict and review ({@code ruleset.source}). Each
 * becomes {@code rules directory}, the default label; {@code built-in} stays as it is. Nothing
 * else of a stored verdict changes, byte for byte. Records are otherwise written once and never
 * updated: this is the one relabelling, on upgrade.
 */
public class V6__Ruleset_labels extends BaseJavaMigration {

    static final String BUILT_IN = "built-in";
    static final String RULES_DIRECTORY = "rules directory";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE ruleset_event ADD COLUMN server_path VARCHAR(1000)");
            // The right-hand sides read the row as it was: server_path gets the old source.
            statement.executeUpdate("UPDATE ruleset_event SET server_path = source, source = '" + RULES_DIRECTORY
                    + "' WHERE source <> '" + BUILT_IN + "'");
            statement.executeUpdate("UPDATE ruleset_revision SET source = '" + RULES_DIRECTORY + "' WHERE source <> '"
                    + BUILT_IN + "'");
        }
        relabel(connection, "assessment", "verdict_json");
        relabel(connection, "sharing_review", "review_json");
    }

    private static void relabel(Connection connection, String table, String column) throws Exception {
        try (Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery("SELECT id, " + column + " FROM " + table);
                PreparedStatement update =
                        connection.prepareStatement("UPDATE " + table + " SET " + column + " = ? WHERE id = ?")) {
            int pending = 0;
            while (rows.next()) {
                String relabelled = relabel(rows.getString(column));
                if (relabelled != null) {
                    update.setString(1, relabelled);
                    update.setObject(2, rows.getObject("id"));
                    update.addBatch();
                    if (++pending == 500) {
                        update.executeBatch();
                        pending = 0;
                    }
                }
            }
            if (pending > 0) {
                update.executeBatch();
            }
        }
    }

    /**
     * A stored verdict or review with {@code ruleset.source} relabelled, or null when it needs no
     * change. The one value is replaced in the text, so that the rest stays exactly as stored; the
     * result is checked against the same change made on the parsed document.
     */
    static String relabel(String stored) {
        JsonNode document = JSON.readTree(stored);
        JsonNode ruleset = document.path("ruleset");
        JsonNode source = ruleset.path("source");
        if (!source.isString() || source.asString().equals(BUILT_IN)) {
            return null;
        }
        ObjectNode expected = (ObjectNode) document.deepCopy();
        ((ObjectNode) expected.get("ruleset")).put("source", RULES_DIRECTORY);

        String from = "\"source\":" + JSON.writeValueAsString(source.asString());
        int at = stored.indexOf("\"ruleset\":{");
        int value = at < 0 ? -1 : stored.indexOf(from, at);
        if (value >= 0) {
            String relabelled = stored.substring(0, value)
                    + "\"source\":" + JSON.writeValueAsString(RULES_DIRECTORY)
                    + stored.substring(value + from.length());
            if (JSON.readTree(relabelled).equals(expected)) {
                return relabelled;
            }
        }
        return JSON.writeValueAsString(expected);
    }
}
