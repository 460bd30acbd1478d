package io.kakunin.kb.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written identifier check says exactly what the pattern of the STIX identifier says. */
class StixIdentifierTests {

    private static final String UUID = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

    @Test
    void knownIdentifiersAndNearMisses() {
        for (String ok : new String[] {
            "indicator--" + UUID, "x-acme-widget--" + UUID, "ab--" + UUID.toUpperCase(), "a-b--" + UUID, "a--b--" + UUID
        }) {
            assertThat(StixBundle.isIdentifier(ok)).as(ok).isTrue();
            assertThat(StixBundle.ID.matcher(ok).matches()).as(ok).isTrue();
        }
        for (String bad : new String[] {
            "",
            "--" + UUID,
            "a--" + UUID,
            "-ab--" + UUID,
            "ab---" + UUID,
            "Indicator--" + UUID,
            "indicator-" + UUID,
            "indicator--" + UUID.replace('-', '_'),
            "indicator--" + UUID + "0",
            "indicator--" + UUID.substring(1),
            "indicator--6ba7b810-9dad-11d1-80b4-00c04fd430cg",
            "indicator--6ba7b81-09dad-11d1-80b4-00c04fd430c8",
            "ind icator--" + UUID
        }) {
            assertThat(StixBundle.isIdentifier(bad)).as(bad).isFalse();
            assertThat(StixBundle.ID.matcher(bad).matches()).as(bad).isFalse();
        }
    }

    @Test
    void agreesWithThePatternOnHundredsOfThousandsOfMutatedIdentifiers() {
        Random random = new Random(20261122);
        String alphabet = "abcdefxyz019-_AF.: ";
        int accepted = 0;
        for (int i = 0; i < 300_000; i++) {
            StringBuilder id = new StringBuilder(random.nextBoolean() ? "malware--" : "x-t--").append(UUID);
            for (int edits = random.nextInt(3); edits > 0; edits--) {
                int at = random.nextInt(id.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> id.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> {
                        if (at < id.length()) {
                            id.deleteCharAt(at);
                        }
                    }
                    default -> {
                        if (at < id.length()) {
                            id.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        }
                    }
                }
            }
            String s = id.toString();
            boolean expected = StixBundle.ID.matcher(s).matches();
            assertThat(StixBundle.isIdentifier(s)).as(s).isEqualTo(expected);
            accepted += expected ? 1 : 0;
        }
        assertThat(accepted).as("both kinds of input were tried").isBetween(10_000, 290_000);
    }
}
