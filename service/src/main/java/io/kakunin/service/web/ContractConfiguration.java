package io.kakunin.service.web;

import io.swagger.v3.core.util.Yaml;
import io.swagger.v3.oas.models.OpenAPI;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * springdoc serves the contract itself, the very file the interfaces are generated from, at
 * {@code /v3/api-docs} (and {@code .yaml}) and in Swagger UI. It scans no code
 * ({@code springdoc.packages-to-scan}), so nothing is re-derived and nothing can drift.
 */
@Configuration(proxyBeanMethods = false)
class ContractConfiguration {

    static final String CONTRACT = "openapi/kakunin.yaml";

    @Bean
    OpenAPI contract() {
        try (InputStream in = ContractConfiguration.class.getClassLoader().getResourceAsStream(CONTRACT)) {
            if (in == null) {
                throw new IllegalStateException("the contract " + CONTRACT + " is not on the classpath");
            }
            return Yaml.mapper().readValue(in, OpenAPI.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the contract " + CONTRACT, e);
        }
    }
}
