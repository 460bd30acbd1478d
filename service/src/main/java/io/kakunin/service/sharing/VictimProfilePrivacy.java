package io.kakunin.service.sharing;

import io.kakunin.service.web.NeverEchoed;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The victim profile of a sharing request is repeated nowhere, not even back to its sender in an
 * error: a profile that cannot be read is refused naming the field, without its value, and
 * without the name of a member it does not define (that would be a value too, put in the wrong
 * place). Declared here, by the feature that owns the profile; the problem factory honours it.
 */
@Configuration(proxyBeanMethods = false)
public class VictimProfilePrivacy {

    /** Where a sharing request holds its victim profile. */
    public static final String VICTIM_PROFILE = "/victimProfile";

    @Bean
    NeverEchoed victimProfileIsNeverEchoed() {
        return new NeverEchoed(VICTIM_PROFILE);
    }
}
