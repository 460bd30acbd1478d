package io.kakunin.service.security;

import io.kakunin.service.KakuninProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/**
 * What every JWT bearer token must hold, whichever way its keys are configured (issuer URI, JWK
 * set URI or public key): the configured issuer, the configured audience, a subject, and an
 * expiry not past (with the configured clock skew). Spring Boot's decoder runs every
 * {@code OAuth2TokenValidator<Jwt>} bean besides its own; the timestamp validator given here
 * takes the place of its default one, so that the skew and the required {@code exp} are ours.
 */
@Configuration(proxyBeanMethods = false)
class JwtValidation {

    static final String ISSUER_URI = "spring.security.oauth2.resourceserver.jwt.issuer-uri";

    @Bean
    OAuth2TokenValidator<Jwt> kakuninJwtTimestamps(KakuninProperties properties) {
        JwtTimestampValidator timestamps =
                new JwtTimestampValidator(properties.security().jwt().clockSkew());
        timestamps.setAllowEmptyExpiryClaim(false);
        return timestamps;
    }

    @Bean
    OAuth2TokenValidator<Jwt> kakuninJwtClaims(KakuninProperties properties, Environment environment, Clock clock) {
        KakuninProperties.Jwt jwt = properties.security().jwt();
        String issuer = issuer(jwt, environment);
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        // Without an issuer or audience the service does not start (problem()); should it be
        // reached anyway, nothing is accepted.
        validators.add(issuer == null ? refuse("no issuer is configured") : new JwtIssuerValidator(issuer));
        validators.add(
                jwt.audience() == null
                        ? refuse("no audience is configured")
                        : new JwtAudienceValidator(jwt.audience()));
        validators.add(
                new JwtClaimValidator<Object>(JwtClaimNames.SUB, sub -> sub instanceof String text && !text.isEmpty()));
        validators.add(issuedRecently(jwt, clock));
        return new DelegatingOAuth2TokenValidator<>(validators);
    }

    /**
     * A token whose {@code iat} lies more than {@code max-age} in the past (or later than the clock
     * skew in the future) is refused, whatever its {@code exp}: a token minted ten years ago with an
     * expiry far away is a leaked or forged one. A token without {@code iat} is judged by
     * {@code exp} alone.
     */
    static OAuth2TokenValidator<Jwt> issuedRecently(KakuninProperties.Jwt jwt, Clock clock) {
        return token -> {
            Instant issued = token.getIssuedAt();
            if (issued == null) {
                return OAuth2TokenValidatorResult.success();
            }
            Instant now = clock.instant();
            if (issued.isBefore(now.minus(jwt.maxAge()).minus(jwt.clockSkew()))) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error(
                        OAuth2ErrorCodes.INVALID_TOKEN,
                        "The token was issued (iat) more than " + jwt.maxAge() + " ago; ask the issuer for a new one.",
                        null));
            }
            if (issued.isAfter(now.plus(jwt.clockSkew()))) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error(
                        OAuth2ErrorCodes.INVALID_TOKEN, "The token's issue time (iat) lies in the future.", null));
            }
            return OAuth2TokenValidatorResult.success();
        };
    }

    /** The issuer tokens must name: Kakunin's setting, or else the issuer URI. */
    static String issuer(KakuninProperties.Jwt jwt, Environment environment) {
        String uri = environment.getProperty(ISSUER_URI);
        return jwt.issuer() != null ? jwt.issuer() : uri == null || uri.isBlank() ? null : uri;
    }

    /** Why tokens cannot be checked as configured, or null when they can. */
    static String problem(KakuninProperties.Jwt jwt, Environment environment) {
        String uri = environment.getProperty(ISSUER_URI);
        if (issuer(jwt, environment) == null) {
            return "JWT bearer tokens are configured but no issuer: set kakunin.security.jwt.issuer (or " + ISSUER_URI
                    + ")";
        }
        if (jwt.issuer() != null && uri != null && !uri.isBlank() && !uri.equals(jwt.issuer())) {
            return "kakunin.security.jwt.issuer and " + ISSUER_URI
                    + " name different issuers; no token could pass both";
        }
        if (jwt.audience() == null) {
            return "JWT bearer tokens are configured but no audience: set kakunin.security.jwt.audience";
        }
        return null;
    }

    private static OAuth2TokenValidator<Jwt> refuse(String why) {
        return token -> OAuth2TokenValidatorResult.failure(new OAuth2Error(
                OAuth2ErrorCodes.INVALID_TOKEN, "The bearer token cannot be checked: " + why + ".", null));
    }
}
