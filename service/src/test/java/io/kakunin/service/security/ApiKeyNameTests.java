package io.kakunin.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kakunin.service.web.ApiProblem;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A key's name reads in a log line and a list as what it is: the contract and the service exclude
 * the same characters, and every kind of invisible or direction-changing character is among them.
 */
class ApiKeyNameTests {

    @Test
    void theContractAndTheServiceExcludeTheSameCharacters() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("openapi/kakunin.yaml")) {
            JsonNode contract = YAMLMapper.builder().build().readTree(in);
            assertThat(contract.at("/components/schemas/ApiKeyRequest/properties/name/pattern")
                            .asString())
                    .isEqualTo(ApiKeys.NAME_PATTERN);
        }
    }

    @Test
    void namesThatWouldReadAsSomethingElseAreRefused() {
        for (String name : List.of(
                "ops\u202Egpj.exe",
                "ad\u200Bmin",
                "ad\u200Dmin",
                "ops\u2028forged",
                "ops\u2029forged",
                "\uFEFFops",
                "ops\u2066x\u2069",
                "ops\u200Fx",
                "ops\u061Cx",
                "ops\u0085next",
                "ops\u00ADx",
                "ops\u2060x",
                "ops\u0007",
                "line\nbreak")) {
            assertThatThrownBy(() -> ApiKeys.checkedName(name))
                    .as(
                            "U+%04X",
                            (int) name.chars()
                                    .filter(c -> c > 0x7E || c < 0x20)
                                    .findFirst()
                                    .orElse(0))
                    .isInstanceOf(ApiProblem.class)
                    .hasMessageStartingWith("name: ");
        }
    }

    @Test
    void aNameOfWhiteSpaceIsRefusedAndSurroundingSpaceDropped() {
        for (String blank : List.of("", "   ", "\t", "\u3000\u3000", " \u2003 ")) {
            assertThatThrownBy(() -> ApiKeys.checkedName(blank))
                    .isInstanceOf(ApiProblem.class)
                    .hasMessageContaining("visible");
        }
        assertThat(ApiKeys.checkedName("  ERP integration (production)  ")).isEqualTo("ERP integration (production)");
    }

    @Test
    void ordinaryNamesInAnyScriptAreKept() {
        for (String name : List.of("ERP 連携（本番）", "稽核系統", "Détection — SOC", "ops 🔐 team", "a")) {
            assertThat(ApiKeys.checkedName(name)).isEqualTo(name);
        }
    }
}
