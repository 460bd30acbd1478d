package io.kakunin.service;

import java.io.File;
import org.springframework.boot.health.application.DiskSpaceHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * The {@code diskSpace} component of health, as Spring Boot's own (free and total bytes, the
 * threshold, DOWN below it) without the server path it measures, which callers of health have
 * no use for. Spring Boot's indicator is switched off ({@code management.health.diskspace.enabled}
 * false) in favour of this one; {@code management.health.diskspace.*} still sets its path and
 * threshold.
 */
@Component("diskSpace")
class DiskSpaceHealth implements HealthIndicator {

    private final DiskSpaceHealthIndicator measured;

    DiskSpaceHealth(
            @org.springframework.beans.factory.annotation.Value("${management.health.diskspace.path:.}") File path,
            @org.springframework.beans.factory.annotation.Value("${management.health.diskspace.threshold:10MB}")
                    DataSize threshold) {
        this.measured = new DiskSpaceHealthIndicator(path, threshold);
    }

    @Override
    public Health health() {
        Health health = measured.health();
        Health.Builder shown = Health.status(health.getStatus());
        health.getDetails().forEach((name, value) -> {
            if (!"path".equals(name)) {
                shown.withDetail(name, value);
            }
        });
        return shown.build();
    }
}
