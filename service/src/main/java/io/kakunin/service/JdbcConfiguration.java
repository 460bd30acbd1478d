package io.kakunin.service;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.relational.core.mapping.RelationalMappingContext;

@Configuration(proxyBeanMethods = false)
class JdbcConfiguration {

    /**
     * One schema serves H2 and PostgreSQL only if identifiers are not quoted: each database then
     * folds the names of the migrations and of the queries the same way (H2 to upper case,
     * PostgreSQL to lower case). Spring Data JDBC quotes by default.
     */
    @Bean
    static BeanPostProcessor unquotedIdentifiers() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof RelationalMappingContext context) {
                    context.setForceQuote(false);
                }
                return bean;
            }
        };
    }
}
