package io.kakunin.kb.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kakunin.api.model.ApiKeyRequest;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.DefaultPasswordPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

/**
 * The strict reader goes on past every fault it can step over and names them all, in document
 * order, each at its field; what it cannot step over (text that is not JSON) stops it, named alone.
 */
class ReadFaultsTests {

    /** Five faults, one of each kind a hand-written request makes, none of them a syntax error. */
    static final String FIVE_FAULTS = """
            {"assessmentDate":"2026-02-30",
             "organization":{"monitoringIntervalDays":"30","nmae":"Acme"},
             "products":[{"defaultPasswordPolicy":"SHARED ","networkServices":[{"port":99999999999}]}]}""";

    private static ReadFaults.ReadFaultsException read(String json, Class<?> type) {
        return catchThrowableOfType(
                ReadFaults.ReadFaultsException.class, () -> Json.mapper().readValue(json, type));
    }

    @Test
    void everyFaultIsNamedInDocumentOrderAtItsField() {
        ReadFaults.ReadFaultsException e = read(FIVE_FAULTS, AssessmentRequest.class);

        assertThat(e).as("all faults collected").isNotNull();
        assertThat(e.faults())
                .extracting(InputFault::pointer, InputFault::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/assessmentDate", InputFault.Kind.NOT_A_DATE),
                        org.assertj.core.groups.Tuple.tuple(
                                "/organization/monitoringIntervalDays", InputFault.Kind.WRONG_TYPE),
                        org.assertj.core.groups.Tuple.tuple("/organization/nmae", InputFault.Kind.UNKNOWN_FIELD),
                        org.assertj.core.groups.Tuple.tuple(
                                "/products/0/defaultPasswordPolicy", InputFault.Kind.NOT_ALLOWED),
                        org.assertj.core.groups.Tuple.tuple(
                                "/products/0/networkServices/0/port", InputFault.Kind.OUT_OF_RANGE));
        assertThat(e.truncated()).isFalse();
    }

    @Test
    void whatWasReadIsKeptAndEachFaultyFieldLeftUnset() {
        String json = """
                {"organization":{"id":"acme","monitoringIntervalDays":"30"},
                 "products":[{"defaultPasswordPolicy":"SHARED "},{"defaultPasswordPolicy":"SHARED"}]}""";
        AssessmentRequest read =
                (AssessmentRequest) read(json, AssessmentRequest.class).value();

        assertThat(read.getOrganization().getId()).isEqualTo("acme");
        assertThat(read.getOrganization().getMonitoringIntervalDays()).isNull();
        assertThat(read.getProducts()).hasSize(2);
        assertThat(read.getProducts().get(0).getDefaultPasswordPolicy()).isNull();
        assertThat(read.getProducts().get(1).getDefaultPasswordPolicy()).isEqualTo(DefaultPasswordPolicy.SHARED);
    }

    @Test
    void theFactsOfEachFaultAreWhatItsMessageNeeds() {
        List<InputFault> faults = read(FIVE_FAULTS, AssessmentRequest.class).faults();

        assertThat(faults.get(0).facts()).containsEntry("value", "2026-02-30");
        assertThat(faults.get(1).facts())
                .containsEntry("expected", "WHOLE_NUMBER")
                .containsEntry("sent", "STRING");
        assertThat(faults.get(2).facts()).containsEntry("name", "nmae").containsKey("known");
        assertThat(faults.get(3).facts())
                .containsEntry("value", "SHARED ")
                .containsEntry("allowed", "UNIQUE_PER_DEVICE, USER_SET_AT_FIRST_USE, NO_PASSWORD_AUTH, SHARED");
        // The contract's range of a port, not the range of the Java type that holds it.
        assertThat(faults.get(4).facts())
                .containsEntry("value", "99999999999")
                .containsEntry("min", "0")
                .containsEntry("max", "65535");
    }

    @Test
    void elementsOfAListAreReadOnePastAnother() {
        ReadFaults.ReadFaultsException e =
                read("{\"name\":\"ops\",\"roles\":[\"ROOT\",\"AUDITOR\",\"GOD\"]}", ApiKeyRequest.class);

        assertThat(e.faults()).extracting(InputFault::kind).containsOnly(InputFault.Kind.NOT_ALLOWED);
        assertThat(e.faults()).extracting(InputFault::pointer).containsExactly("/roles/0", "/roles/2");
        assertThat(e.faults()).extracting(f -> f.facts().get("value")).containsExactly("ROOT", "GOD");
    }

    @Test
    void aListThatMayHoldEachValueOnceIsNamedWhenItRepeatsOne() {
        ReadFaults.ReadFaultsException e = read(
                "{\"name\":\"ops\",\"roles\":[\"AUDITOR\",\"SUBMITTER\",\"AUDITOR\"],\"nmae\":1}", ApiKeyRequest.class);

        assertThat(e.faults())
                .extracting(InputFault::pointer, InputFault::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/roles", InputFault.Kind.REPEATED_VALUE),
                        org.assertj.core.groups.Tuple.tuple("/nmae", InputFault.Kind.UNKNOWN_FIELD));
    }

    @Test
    void valuesOfTheWrongShapeAreSteppedOver() {
        String json = """
                {"organization":{"name":{"a":[1,{"b":2}]},"id":[1,2],"vulnerabilityHandlingProcedureDocumented":"yes"},
                 "products":5}""";
        ReadFaults.ReadFaultsException e = read(json, AssessmentRequest.class);

        assertThat(e.faults())
                .extracting(InputFault::pointer)
                .containsExactly(
                        "/organization/name",
                        "/organization/id",
                        "/organization/vulnerabilityHandlingProcedureDocumented",
                        "/products");
        assertThat(e.faults()).extracting(InputFault::kind).containsOnly(InputFault.Kind.WRONG_TYPE);
    }

    @Test
    void anElementOfTheWrongShapeIsSteppedOverAndTheNextOneRead() {
        String json = """
                {"organization":{},"products":[{"defaultPasswordPolicy":"NOPE"},5,"cam",{"defaultPasswordPolicy":"NEVER"}]}""";
        ReadFaults.ReadFaultsException e = read(json, AssessmentRequest.class);

        assertThat(e.faults())
                .extracting(InputFault::pointer)
                .containsExactly(
                        "/products/0/defaultPasswordPolicy",
                        "/products/1",
                        "/products/2",
                        "/products/3/defaultPasswordPolicy");
        assertThat(e.faults().get(1).facts())
                .containsEntry("expected", "OBJECT")
                .containsEntry("sent", "WHOLE_NUMBER");
    }

    @Test
    void stringsOfAListAreReadOnePastAnother() {
        String json = """
                {"organization":{},"products":[{"useCases":["ok\\u0007",7,"fine",{"a":1},"\\u0000"]}]}""";
        ReadFaults.ReadFaultsException e = read(json, AssessmentRequest.class);

        assertThat(e.faults())
                .extracting(InputFault::pointer, InputFault::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "/products/0/useCases/0", InputFault.Kind.CONTROL_CHARACTER),
                        org.assertj.core.groups.Tuple.tuple("/products/0/useCases/1", InputFault.Kind.WRONG_TYPE),
                        org.assertj.core.groups.Tuple.tuple("/products/0/useCases/3", InputFault.Kind.WRONG_TYPE),
                        org.assertj.core.groups.Tuple.tuple(
                                "/products/0/useCases/4", InputFault.Kind.CONTROL_CHARACTER));
    }

    @Test
    void afterAHundredFaultsReadingStopsAndSaysSo() {
        StringBuilder json = new StringBuilder("{\"organization\":{},\"products\":[");
        for (int i = 0; i < 150; i++) {
            json.append(i == 0 ? "" : ",").append("{\"defaultPasswordPolicy\":\"NOPE\"}");
        }
        ReadFaults.ReadFaultsException e = read(json.append("]}").toString(), AssessmentRequest.class);

        assertThat(e.faults()).hasSize(ReadFaults.MAX);
        assertThat(e.truncated()).isTrue();
        assertThat(e.faults().get(99).pointer()).isEqualTo("/products/99/defaultPasswordPolicy");
    }

    @Test
    void aSyntaxErrorStopsReadingAndIsNamedAlone() {
        String json = "{\"organization\":{\"nmae\":1},\"products\":[{\"defaultPasswordPolicy\":SHARED}]}";
        JacksonException e = catchThrowableOfType(
                JacksonException.class, () -> Json.mapper().readValue(json, AssessmentRequest.class));

        assertThat(e).isNotInstanceOf(ReadFaults.ReadFaultsException.class);
        InputFault fault = ReadFaults.describe(e);
        assertThat(fault.kind()).isEqualTo(InputFault.Kind.MALFORMED_JSON);
        assertThat(fault.pointer()).isEqualTo("/products/0/defaultPasswordPolicy");
        assertThat(fault.facts()).containsEntry("what", "NOT_A_VALUE").containsEntry("token", "SHARED");
    }

    @Test
    void aGoodRequestIsReadAsBefore() {
        assertThat(Json.mapper()
                        .readValue(
                                "{\"organization\":{\"id\":\"acme\"},\"products\":[{\"defaultPasswordPolicy\":\"SHARED\"}]}",
                                AssessmentRequest.class)
                        .getProducts())
                .hasSize(1);
    }
}
