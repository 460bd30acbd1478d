package io.kakunin.service;

import io.kakunin.kb.input.Json;
import io.kakunin.kb.input.StrictUtf8;
import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadConstraints;

/**
 * The service reads requests exactly as strictly as the engine's tools do, within the
 * configured limits: nesting, string and number lengths are checked by the parser as it reads,
 * so a request over a limit is refused before it costs more than the bytes read so far; and its
 * bytes must be well-formed UTF-8 ({@link StrictUtf8}).
 */
@Configuration(proxyBeanMethods = false)
public class JsonConfiguration {

    @Bean
    JsonMapperBuilderCustomizer strictRequests() {
        return Json::strict;
    }

    @Bean
    JsonFactoryBuilderCustomizer readLimits(KakuninProperties properties) {
        KakuninProperties.Limits limits = properties.limits();
        return factory -> factory.inputDecorator(new StrictUtf8())
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxNumberLength(limits.maxNumberLength())
                        .maxNameLength(1_000)
                        .build());
    }
}
