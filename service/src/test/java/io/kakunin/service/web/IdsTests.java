package io.kakunin.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTests {

    @Test
    void idsAreVersion7AndOrderedByTime() {
        UUID earlier = Ids.newId(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        UUID later = Ids.newId(Clock.fixed(Instant.parse("2026-01-01T00:00:01Z"), ZoneOffset.UTC));
        assertThat(earlier.version()).isEqualTo(7);
        assertThat(earlier.variant()).isEqualTo(2);
        assertThat(earlier.toString()).isLessThan(later.toString());
        assertThat(earlier.getMostSignificantBits() >>> 16)
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    }

    @Test
    void idsDoNotRepeat() {
        Set<UUID> ids = new HashSet<>();
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        for (int i = 0; i < 10_000; i++) {
            ids.add(Ids.newId(clock));
        }
        assertThat(ids).hasSize(10_000);
    }

    @Test
    void beanPathsBecomeJsonPointers() {
        assertThat(BadInput.pointerOfProperty("products[0].networkServices[12].port"))
                .isEqualTo("/products/0/networkServices/12/port");
        assertThat(BadInput.pointerOfProperty("organization")).isEqualTo("/organization");
        assertThat(BadInput.pointerOfProperty("products[0].useCases[1].<list element>"))
                .isEqualTo("/products/0/useCases/1");
    }
}
