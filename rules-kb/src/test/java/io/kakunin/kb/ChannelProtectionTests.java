package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.Communication;
import io.kakunin.api.model.CryptoPolicy;
import io.kakunin.api.model.Encryption;
import io.kakunin.api.model.Organization;
import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.Product;
import io.kakunin.api.model.Result;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PS-4.8 for every protection a channel can declare: each value of the contract's {@code Encryption}
 * is judged on one channel that carries protected data, under CRYPTREC. A value added to the contract
 * without a verdict here fails the first test, so no protection is accepted or refused by accident.
 */
class ChannelProtectionTests {

    private static final Ruleset KB = Ruleset.builtIn();

    /** What PS-4.8 decides for each value; the link-layer modes whose key an eavesdropper recovers fail. */
    private static final Map<Encryption, Outcome> EXPECTED = Map.ofEntries(
            Map.entry(Encryption.NONE, Outcome.FAIL),
            Map.entry(Encryption.TLS12_PLUS, Outcome.PASS),
            Map.entry(Encryption.DTLS12_PLUS, Outcome.PASS),
            Map.entry(Encryption.SSH, Outcome.PASS),
            Map.entry(Encryption.BLE_LE_SECURE_CONNECTIONS, Outcome.PASS),
            Map.entry(Encryption.BLE_LEGACY_PAIRING, Outcome.FAIL),
            Map.entry(Encryption.THREAD_MAC_SECURITY, Outcome.PASS),
            Map.entry(Encryption.MATTER_CASE_PASE, Outcome.PASS),
            Map.entry(Encryption.ZIGBEE_3_INSTALL_CODE, Outcome.PASS),
            Map.entry(Encryption.ZIGBEE_DEFAULT_LINK_KEY, Outcome.FAIL),
            Map.entry(Encryption.PROPRIETARY, Outcome.FAIL));

    @Test
    void everyProtectionTheContractOffersHasAnExpectedVerdict() {
        assertThat(EXPECTED.keySet()).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(Encryption.class));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Encryption.class)
    void protectedDataOnAChannelIsJudgedByItsProtection(Encryption encryption) {
        Product product = new Product()
                .cryptoPolicy(CryptoPolicy.CRYPTREC)
                .communications(new ArrayList<>(List.of(new Communication()
                        .channel("device to hub")
                        .encryption(encryption)
                        .carriesProtectedData(true))));
        AssessmentRequest request =
                new AssessmentRequest().organization(new Organization()).products(new ArrayList<>(List.of(product)));

        Result result = KB.assess(request, Locale.ENGLISH).getResults().stream()
                .filter(r -> r.getRecommendationId().equals("PS-4.8"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no PS-4.8 result"));

        assertThat(result.getOutcome()).isEqualTo(EXPECTED.get(encryption));
        if (result.getOutcome() == Outcome.FAIL) {
            assertThat(result.getEvidence()).containsExactly("/products/0/communications/0/encryption");
        }
    }
}
