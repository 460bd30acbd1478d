package io.kakunin.kb.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The check agrees with the JDK's strict UTF-8 decoder on every byte string, whatever the sizes of
 * the reads it is given, and a fault is reported at the first byte of its sequence.
 */
class StrictUtf8Tests {

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Reads the bytes through the check in reads of {@code chunk} bytes; true when no fault. */
    private static boolean checkAccepts(byte[] bytes, int chunk) {
        try (InputStream in = new StrictUtf8.Checked(new ByteArrayInputStream(bytes))) {
            byte[] buffer = new byte[chunk];
            while (in.read(buffer, 0, chunk) >= 0) {
                // read on
            }
            return true;
        } catch (StrictUtf8.MalformedUtf8Exception e) {
            return false;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void agreesWithTheJdksStrictDecoderOnGeneratedByteStrings() {
        Random random = new Random(20261203);
        // Bytes drawn mostly from the boundaries where UTF-8's rules change.
        int[] interesting = {
            0x00, 0x2F, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xAF, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED,
            0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFE, 0xFF
        };
        int rejected = 0;
        for (int n = 0; n < 200_000; n++) {
            byte[] bytes = new byte[1 + random.nextInt(6)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte)
                        (random.nextInt(4) == 0
                                ? random.nextInt(256)
                                : interesting[random.nextInt(interesting.length)]);
            }
            boolean expected = jdkAccepts(bytes);
            rejected += expected ? 0 : 1;
            for (int chunk : new int[] {1, 2, 3, 8192}) {
                assertThat(checkAccepts(bytes, chunk))
                        .as(
                                "%s in reads of %d",
                                java.util.HexFormat.ofDelimiter(" ").formatHex(bytes), chunk)
                        .isEqualTo(expected);
            }
        }
        assertThat(rejected).as("the generator reaches both sides").isBetween(10_000, 190_000);
    }

    @Test
    void textInEveryScriptPasses() {
        String text = "ASCII, é, 株式会社, 稽核, 😀, \u0800, \uFFFD, \uD800\uDC00, \uDBFF\uDFFF";
        assertThat(checkAccepts(text.getBytes(StandardCharsets.UTF_8), 5)).isTrue();
    }

    @Test
    void theEngineMapperRefusesAnOverlongSlash() {
        byte[] json = {'{', '"', 'i', 'd', '"', ':', '"', 'a', (byte) 0xC0, (byte) 0xAF, 'b', '"', '}'};
        assertThatThrownBy(() -> Json.mapper().readTree(json))
                .hasRootCauseInstanceOf(StrictUtf8.MalformedUtf8Exception.class)
                .rootCause()
                .hasMessageContaining("at byte 8")
                .hasMessageContaining("overlong");
    }
}
