package io.kakunin.service.web;

import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The servlet container answers in the API's terms too:
 *
 * <ul>
 * <li>an encoded slash ({@code %2F}) in a path is passed on to the application instead of being
 * refused with an HTML page: the security firewall then refuses it with a problem response like
 * every other refusal;</li>
 * <li>what Tomcat refuses itself, before any filter runs (headers or URL over the size limit, CR
 * or NUL in a header, {@code %00} in the path), is reported as a problem detail by
 * {@link ProblemErrorReportValve}, which replaces the HTML error report on the host;</li>
 * <li>a request refused for who sent it is not read to its end ({@link RefusedBodiesValve}).</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class TomcatConfiguration {

    @Bean
    TomcatConnectorCustomizer encodedSlashesReachTheFirewall() {
        return connector -> connector.setEncodedSolidusHandling("passthrough");
    }

    /** Refusals of the caller close the connection instead of reading the rest of the body. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> refusedBodiesAreNotRead() {
        return factory -> factory.addEngineValves(new RefusedBodiesValve());
    }

    @Bean
    ProblemErrorReports problemErrorReports(Problems problems) {
        return new ProblemErrorReports(problems);
    }

    /**
     * Runs after Spring Boot's own customizer, which adds an HTML ErrorReportValve to the host:
     * that one is removed, and the host is told the problem valve is its error report valve, so
     * that it adds no default one when it starts.
     */
    static final class ProblemErrorReports
            implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        private final Problems problems;

        ProblemErrorReports(Problems problems) {
            this.problems = problems;
        }

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                    for (Valve valve : host.getPipeline().getValves()) {
                        if (valve instanceof ErrorReportValve) {
                            host.getPipeline().removeValve(valve);
                        }
                    }
                    host.getPipeline().addValve(new ProblemErrorReportValve(problems));
                }
            });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
