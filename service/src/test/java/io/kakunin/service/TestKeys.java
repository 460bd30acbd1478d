package io.kakunin.service;

import java.util.List;

/**
 * The API keys tests use, provisioned through configuration exactly as a deployment can
 * (application-test.yaml, or {@link #arguments()} for services a test starts itself).
 */
public final class TestKeys {

    /** Every role: for tests about something other than access control. */
    public static final String ALL = "kak_test_all_roles_0000000000000000000000";

    public static final String SUBMITTER_A = "kak_test_submitter_a_00000000000000000000";
    public static final String SUBMITTER_B = "kak_test_submitter_b_00000000000000000000";
    public static final String AUDITOR = "kak_test_auditor_000000000000000000000000";
    public static final String RULE_ADMIN = "kak_test_rule_admin_000000000000000000000";
    public static final String ADMIN = "kak_test_admin_00000000000000000000000000";
    /** Two risk owners: one asks for a waiver, the other approves it (two-person rule). */
    public static final String RISK_OWNER = "kak_test_risk_owner_000000000000000000000";

    public static final String RISK_OWNER_2 = "kak_test_risk_owner_2_0000000000000000000";

    private TestKeys() {}

    /**
     * Command-line arguments that provision the keys of one role each ({@link #SUBMITTER_A},
     * {@link #AUDITOR}, {@link #RULE_ADMIN}), to go with {@link #arguments()}: for a service a test
     * starts itself and calls with each role.
     */
    public static List<String> roleArguments() {
        List<String> arguments = new java.util.ArrayList<>();
        String[][] keys = {
            {"submitter A", SUBMITTER_A, "SUBMITTER"},
            {"auditor", AUDITOR, "AUDITOR"},
            {"rule administrator", RULE_ADMIN, "RULE_ADMIN"}
        };
        for (int i = 0; i < keys.length; i++) {
            String key = "--kakunin.security.provisioned-keys[" + (i + 1) + "].";
            arguments.add(key + "name=" + keys[i][0]);
            arguments.add(key + "key=" + keys[i][1]);
            arguments.add(key + "roles=" + keys[i][2]);
        }
        return arguments;
    }

    /** Command-line arguments that provision {@link #ALL}. */
    public static List<String> arguments() {
        return List.of(
                "--kakunin.security.provisioned-keys[0].name=test (all roles)",
                "--kakunin.security.provisioned-keys[0].key=" + ALL,
                "--kakunin.security.provisioned-keys[0].roles=SUBMITTER,AUDITOR,RULE_ADMIN,ADMIN,RISK_OWNER");
    }
}
