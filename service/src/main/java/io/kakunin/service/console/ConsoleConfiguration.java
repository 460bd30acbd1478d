package io.kakunin.service.console;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The console's language ({@link ConsoleLocale}), for its pages only. */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration implements WebMvcConfigurer {

    private final ConsoleLocale locale = new ConsoleLocale();

    /** The console's texts in three languages; Spring looks this bean up by its name. */
    @Bean
    ConsoleMessages messageSource() {
        return new ConsoleMessages();
    }

    /** Spring MVC looks this bean up by its name. */
    @Bean
    LocaleResolver localeResolver() {
        return locale;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(locale).addPathPatterns("/console", "/console/**");
    }
}
