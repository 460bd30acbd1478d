package io.kakunin.service.web;

import java.lang.reflect.Method;
import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** Spring MVC: every operation is held to what its contract declares before it runs ({@link OperationContract}). */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new OperationContract()).addPathPatterns("/v1/**");
    }

    /**
     * An operation whose success has no body (revoking a key: 204) is generated with only its error
     * type, {@code application/problem+json}, as what it produces; Spring would then answer 406 to a
     * client that sends {@code Accept: application/json}, which is every HTTP client's default. Such
     * a mapping produces nothing on success: it is matched whatever the client accepts, and errors
     * are still problem details ({@link OperationContract} negotiates success types).
     */
    @Bean
    WebMvcRegistrations problemOnlyMappingsMatchAnyAccept() {
        return new WebMvcRegistrations() {
            @Override
            public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
                return new RequestMappingHandlerMapping() {
                    @Override
                    protected RequestMappingInfo getMappingForMethod(Method method, Class<?> handlerType) {
                        RequestMappingInfo info = super.getMappingForMethod(method, handlerType);
                        if (info == null || info.getProducesCondition().isEmpty()) {
                            return info;
                        }
                        boolean problemsOnly = info.getProducesCondition().getProducibleMediaTypes().stream()
                                .allMatch(type -> type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
                        return problemsOnly ? info.mutate().produces().build() : info;
                    }
                };
            }
        };
    }
}
