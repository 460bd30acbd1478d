package io.kakunin.service.security;

import io.kakunin.service.KakuninProperties;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * At startup: stores the keys the configuration provisions, then, if no key works at all,
 * creates an administrator key with every role (a key grants only roles it holds, so the first
 * key must hold them all) and logs it this once, so that a fresh installation can be
 * administered and nothing is ever open.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiKeyBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyBootstrap.class);

    private final ApiKeys keys;
    private final KakuninProperties properties;

    ApiKeyBootstrap(ApiKeys keys, KakuninProperties properties) {
        this.keys = keys;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (KakuninProperties.ProvisionedKey key : properties.security().provisionedKeys()) {
            keys.provision(key.name(), EnumSet.copyOf(key.roles()), key.key(), key.sha256());
        }
        if (!keys.anyActive()) {
            ApiKeys.Created admin = keys.createBootstrap("administrator (created at first start)");
            log.warn("""

                    ==========================================================================
                    No API key existed, so an administrator key was created (id {}):

                        {}

                    It holds every role, since a key can grant only roles it holds. It is shown
                    this once and stored only as a hash. Keep it safe; use it to create keys
                    for people and systems (POST /v1/api-keys, header X-API-Key).
                    ==========================================================================""", admin.record().id(), admin.key());
        }
    }
}
