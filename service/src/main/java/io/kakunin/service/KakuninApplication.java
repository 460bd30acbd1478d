package io.kakunin.service;

import io.kakunin.kb.Ruleset;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ApplicationListener;

/** The Kakunin compliance verdict service. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class KakuninApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(KakuninApplication.class);
        application.addListeners(new PreloadBuiltInRules());
        application.run(args);
    }

    /**
     * Builds the built-in knowledge base (about a second) on a second core while Spring builds the
     * context, when the configuration says the built-in rules are the ones served.
     */
    static final class PreloadBuiltInRules implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
        @Override
        public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
            String path = event.getEnvironment().getProperty("kakunin.rules.path");
            if (path == null || path.isBlank()) {
                Ruleset.preloadBuiltIn();
            }
        }
    }
}
