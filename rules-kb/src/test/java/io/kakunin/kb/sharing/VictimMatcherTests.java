package io.kakunin.kb.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.IdentifierFlag;
import io.kakunin.api.model.VictimProfile;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VictimMatcherTests {

    private static final VictimMatcher ACME = new VictimMatcher(new VictimProfile()
            .names(List.of("ACME Manufacturing K.K.", "ACME Mfg"))
            .brands(List.of("AcmeDrive"))
            .domains(List.of("acme-mfg.co.jp"))
            .ipRanges(List.of("198.51.100.0/24", "2001:db8:acme::/48".replace("acme", "a")))
            .sector("manufacturing"));
    private static final VictimMatcher NONE = new VictimMatcher(null);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            nullValues = "NULL",
            value = {
                "10.0.0.1, INTERNAL_IP",
                "10.255.255.255, INTERNAL_IP",
                "172.16.0.1, INTERNAL_IP",
                "172.31.255.254, INTERNAL_IP",
                "172.15.255.255, NULL",
                "172.32.0.1, NULL",
                "192.168.1.10, INTERNAL_IP",
                "127.0.0.1, INTERNAL_IP",
                "169.254.3.4, INTERNAL_IP",
                "100.64.0.9, INTERNAL_IP",
                "203.0.113.45, NULL",
                "198.51.100.23, VICTIM_PUBLIC_IP",
                "198.51.101.23, NULL",
                "fd12:3456::1, INTERNAL_IP",
                "fe80::1, INTERNAL_IP",
                "2001:db8:a::5, VICTIM_PUBLIC_IP",
                "2001:db8:b::5, NULL",
                "not-an-address, NULL",
                "999.1.1.1, NULL"
            })
    void addressesAreClassified(String address, IdentifierFlag expected) {
        assertThat(ACME.classifyAddress(address)).isEqualTo(expected);
    }

    @Test
    void privateAddressesAreFoundWithoutAProfile() {
        assertThat(NONE.classifyAddress("10.1.2.3")).isEqualTo(IdentifierFlag.INTERNAL_IP);
        assertThat(NONE.classifyAddress("198.51.100.23")).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            nullValues = "NULL",
            value = {
                "acme-mfg.co.jp, VICTIM_DOMAIN",
                "mail.acme-mfg.co.jp, VICTIM_DOMAIN",
                "ACME-MFG.CO.JP., VICTIM_DOMAIN",
                "acme-mfg-login.example, LOOKALIKE_DOMAIN",
                "acme-mfg.co.jp.secure-portal.example, LOOKALIKE_DOMAIN",
                "acrne-mfg.co.jp, LOOKALIKE_DOMAIN",
                "acme-mgf.co.jp, LOOKALIKE_DOMAIN",
                "mfg-acme-partners.co.jp, NULL",
                "acmemfg-support.com, LOOKALIKE_DOMAIN",
                "acmedrive-update.net, LOOKALIKE_DOMAIN",
                "example.com, NULL",
                "evil.example, NULL"
            })
    void domainsAreClassified(String domain, IdentifierFlag expected) {
        assertThat(ACME.classifyDomain(domain)).isEqualTo(expected);
    }

    @Test
    void namesAreFoundOnWordBoundariesAndIgnoringWidthAndCase() {
        assertThat(ACME.inText("Seen at acme mfg's gateway"))
                .extracting(VictimMatcher.Match::kind)
                .contains(IdentifierFlag.ORG_NAME);
        assertThat(ACME.inText("Seen at ＡＣＭＥ Ｍｆｇ"))
                .extracting(VictimMatcher.Match::kind)
                .contains(IdentifierFlag.ORG_NAME);
        assertThat(ACME.inText("Seen at ACME Mfgworks"))
                .extracting(VictimMatcher.Match::kind)
                .doesNotContain(IdentifierFlag.ORG_NAME);
        assertThat(ACME.inText("mail to bob@acme-mfg.co.jp"))
                .extracting(VictimMatcher.Match::kind)
                .contains(IdentifierFlag.EMAIL);
    }

    @Test
    void userPathsAreFoundButGenericOnesAreNot() {
        assertThat(NONE.inText("dropped in C:\\Users\\tanaka\\AppData\\Local\\Temp"))
                .extracting(VictimMatcher.Match::found)
                .containsExactly("C:\\Users\\tanaka");
        assertThat(NONE.inText("dropped in /home/h.sato/.cache"))
                .extracting(VictimMatcher.Match::found)
                .containsExactly("/home/h.sato");
        assertThat(NONE.inText("C:\\Users\\Public\\Downloads")).isEmpty();
    }

    @Test
    void maskingHidesEverythingTheProfileMatches() {
        String masked =
                ACME.mask("ACME Mfg (acme-mfg.co.jp) lost files; beacon from 198.51.100.23 to acme-mfg-login.example");
        assertThat(masked).doesNotContainIgnoringCase("acme").doesNotContain("198.51.100.23");
        assertThat(NONE.mask("ACME Mfg")).isEqualTo("ACME Mfg");
    }

    @Test
    void urlHostsAreExtracted() {
        assertThat(VictimMatcher.hostOf("https://user@portal.acme-mfg.co.jp:8443/login?x=1"))
                .isEqualTo("portal.acme-mfg.co.jp");
        assertThat(VictimMatcher.hostOf("http://[fe80::1]/x")).isEqualTo("fe80::1");
        assertThat(VictimMatcher.hostOf("acme-mfg-login.example/path")).isEqualTo("acme-mfg-login.example");
    }

    @Test
    void foldedNamesAreFoundAndMaskedAsTheyWereWritten() {
        VictimMatcher heating = new VictimMatcher(new VictimProfile().names(List.of("HEIZÖLRÜCKSTOSSABDÄMPFUNG GmbH")));
        assertThat(heating.inText("Kunde: Heizölrückstoßabdämpfung GmbH, Werk 2"))
                .extracting(VictimMatcher.Match::found)
                .containsExactly("Heizölrückstoßabdämpfung GmbH");
        assertThat(heating.mask("Kunde: Heizölrückstoßabdämpfung GmbH, Werk 2")).isEqualTo("Kunde: [victim], Werk 2");
        assertThat(ACME.inText("Seen at ＡＣＭＥ Ｍｆｇ today"))
                .extracting(VictimMatcher.Match::found)
                .containsExactly("ＡＣＭＥ Ｍｆｇ");
        assertThat(ACME.mask("Seen at ＡＣＭＥ Ｍｆｇ today")).isEqualTo("Seen at [victim] today");
    }

    @Test
    void ipv6AddressesInTextAreFoundAndMasked() {
        String header = "Received: from mx ([2001:db8:a:0:0:8a2e:370:7334]) by relay; X-Peer: fe80::1%eth0 at 12:30:45";
        assertThat(ACME.addressesIn(header))
                .extracting(VictimMatcher.Match::kind)
                .containsExactly(IdentifierFlag.VICTIM_PUBLIC_IP, IdentifierFlag.INTERNAL_IP);
        assertThat(ACME.mask(header))
                .doesNotContain("2001:db8:a:0")
                .contains("[victim-address]")
                .contains("12:30:45");
    }

    @Test
    void hostNamesOfTheVictimsInternalNetworkAreItsOwn() {
        assertThat(ACME.classifyDomain("fileserver01.corp.acme-mfg.local")).isEqualTo(IdentifierFlag.VICTIM_DOMAIN);
        assertThat(ACME.classifyDomain("dc1.acme-mfg.internal")).isEqualTo(IdentifierFlag.VICTIM_DOMAIN);
        assertThat(ACME.classifyDomain("printer.example.local")).isNull();
    }

    @Test
    void userPathsWithTheDoubledSeparatorsOfDetectionRulesAreFound() {
        assertThat(NONE.inText("Image|endswith: 'C:\\\\Users\\\\tyamada\\\\AppData\\\\x.exe'"))
                .extracting(VictimMatcher.Match::found)
                .containsExactly("C:\\\\Users\\\\tyamada");
    }

    private static final VictimMatcher VICTIM = new VictimMatcher(new VictimProfile()
            .names(List.of("Victim Holdings K.K."))
            .brands(List.of("Examplebank"))
            .domains(List.of("victim.co.jp", "example.com"))
            .ipRanges(List.of("198.51.100.0/24")));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            nullValues = "NULL",
            value = {
                "examp1e.com, LOOKALIKE_DOMAIN",
                "exarnple.com, LOOKALIKE_DOMAIN",
                "ex\u0430mple.com, LOOKALIKE_DOMAIN",
                "exampel.com, LOOKALIKE_DOMAIN",
                "example-login.net, LOOKALIKE_DOMAIN",
                "secure-example.org, LOOKALIKE_DOMAIN",
                "example.co.uk, LOOKALIKE_DOMAIN",
                "v1ctim.co.jp, LOOKALIKE_DOMAIN",
                "victim.com, LOOKALIKE_DOMAIN",
                "examplebank-support.com, LOOKALIKE_DOMAIN",
                "mail.victim[.]co[.]jp, VICTIM_DOMAIN",
                "sample.org, NULL",
                "exempt.com, NULL"
            })
    void lookAlikesAreReadFromConfusablesEditDistanceAndOtherPublicSuffixes(String domain, IdentifierFlag expected) {
        String value = domain.replace("\\u0430", "\u0430");
        assertThat(VICTIM.classifyDomain(value)).isEqualTo(expected);
    }

    @Test
    void lookAlikesInFreeTextAreFoundAndMasked() {
        String text = "Phishing from hxxps://examp1e-login[.]net/reset and login.exarnple.com";
        assertThat(VICTIM.inText(text))
                .extracting(VictimMatcher.Match::kind)
                .containsOnly(IdentifierFlag.LOOKALIKE_DOMAIN)
                .hasSize(2);
        assertThat(VICTIM.mask(text))
                .doesNotContain("examp1e")
                .doesNotContain("exarnple")
                .contains("[victim-lookalike]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "198.51.100[.]81|VICTIM_PUBLIC_IP",
                "198.051.100.079|VICTIM_PUBLIC_IP",
                "198(.)51(.)100(.)7|VICTIM_PUBLIC_IP",
            })
    void defangedAndZeroPaddedAddressesAreTheVictims(String text, IdentifierFlag expected) {
        assertThat(VICTIM.addressesIn("beacon to " + text + " seen"))
                .extracting(VictimMatcher.Match::kind)
                .containsExactly(expected);
        assertThat(VICTIM.mask("beacon to " + text + " seen")).isEqualTo("beacon to [victim-address] seen");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "mail.victim[.]co[.]jp",
                "hxxp://portal.victim[.]co.jp/login",
                "Victim%20Holdings",
                "Vic\u200btim Holdings",
                "Vic\u00adtim Holdings",
                "Victim   Holdings",
                "Victim Hold\u0456ngs",
            })
    void alternativeSpellingsAreReadAsTheVictimsValues(String written) {
        String text = "Seen at "
                + written.replace("\\u200b", "\u200b")
                        .replace("\\u00ad", "\u00ad")
                        .replace("\\u0456", "\u0456")
                + " yesterday";
        assertThat(VICTIM.inText(text)).isNotEmpty();
        assertThat(VICTIM.mask(text).replaceAll("\\[victim(-domain|-lookalike)?\\]", ""))
                .doesNotContainIgnoringCase("victim")
                .doesNotContainIgnoringCase("holdings");
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        String text =
                "The actor used example tooling against version 1.2.3 of sample.org, see https://attack.mitre.org";
        assertThat(VICTIM.inText(text)).isEmpty();
    }
}
