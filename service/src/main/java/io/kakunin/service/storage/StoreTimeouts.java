package io.kakunin.service.storage;

import com.zaxxer.hikari.HikariDataSource;
import io.kakunin.service.KakuninProperties;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every wait on the store is bounded ({@code kakunin.storage}, see {@link KakuninProperties.Storage}):
 *
 * <ul>
 * <li>a connection: the pool's {@code connection-timeout} (2 s, in {@code application.yaml});
 * <li>a statement: the statement timeout, as the JDBC query timeout of every statement the
 * stores run (both databases cancel a statement past it: a locked table, a slow query);
 * <li>any answer of PostgreSQL: the network timeout, as the driver's {@code socketTimeout} and
 * {@code connectTimeout}, for a database that stopped answering at all (frozen, or its packets
 * dropped), where a cancel cannot reach it either, and for a COMMIT whose reply never comes; the
 * cancel of a statement past its timeout gets what is left of it ({@code cancelSignalTimeout}),
 * since the statement waits for its cancel to end.
 * </ul>
 *
 * Migrations are held to none of these: a migration may rightly take minutes (an index built on
 * a large table), so on PostgreSQL Flyway connects on connections of its own.
 */
@Configuration(proxyBeanMethods = false)
class StoreTimeouts {

    /** Applies the statement and network timeouts to the pool and the template the stores use. */
    @Bean
    static BeanPostProcessor storeTimeoutsPostProcessor(ObjectProvider<KakuninProperties> properties) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof HikariDataSource pool && isPostgreSql(pool.getJdbcUrl())) {
                    KakuninProperties.Storage storage = properties.getObject().storage();
                    long network = wholeSeconds(storage.networkTimeout());
                    // A statement past its timeout is cancelled over a connection of its own, and the statement waits
                    // for the cancel to end: the cancel gets what is left of the network timeout, not its 10 s default.
                    long cancel = wholeSeconds(storage.networkTimeout().minus(storage.statementTimeout()));
                    Map<String, Long> settings =
                            Map.of("socketTimeout", network, "connectTimeout", network, "cancelSignalTimeout", cancel);
                    settings.forEach((setting, seconds) -> {
                        if (!inUrl(pool.getJdbcUrl(), setting)
                                && !pool.getDataSourceProperties().containsKey(setting)) {
                            pool.addDataSourceProperty(setting, Long.toString(seconds));
                        }
                    });
                }
                if (bean instanceof JdbcTemplate template && template.getQueryTimeout() <= 0) {
                    KakuninProperties.Storage storage = properties.getObject().storage();
                    template.setQueryTimeout((int) wholeSeconds(storage.statementTimeout()));
                }
                return bean;
            }
        };
    }

    /** On PostgreSQL, migrations connect with the URL and credentials alone, without the pool's timeouts. */
    @Bean
    FlywayConfigurationCustomizer migrationsWithoutRequestTimeouts(ObjectProvider<JdbcConnectionDetails> connection) {
        return configuration -> {
            JdbcConnectionDetails details = connection.getIfAvailable();
            if (details != null && isPostgreSql(details.getJdbcUrl())) {
                configuration.dataSource(details.getJdbcUrl(), details.getUsername(), details.getPassword());
            }
        };
    }

    static boolean isPostgreSql(String url) {
        return url != null && url.startsWith("jdbc:postgresql:");
    }

    private static boolean inUrl(String url, String setting) {
        int query = url.indexOf('?');
        return query >= 0
                && ("&" + url.substring(query + 1).toLowerCase(Locale.ROOT))
                        .contains("&" + setting.toLowerCase(Locale.ROOT) + "=");
    }

    /** JDBC and the driver count in whole seconds: rounded up, at least one. */
    private static long wholeSeconds(Duration timeout) {
        return Math.max(1, (timeout.toMillis() + 999) / 1000);
    }
}
