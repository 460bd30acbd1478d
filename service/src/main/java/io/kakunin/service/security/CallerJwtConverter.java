package io.kakunin.service.security;

import io.kakunin.api.model.Role;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * A validated JWT as a caller: its identity is the pair (issuer, subject) ({@link #identity}),
 * its roles those its roles claim names exactly as the API does ({@code ADMIN}, or
 * {@code kakunin:ADMIN}); other names, in any other case or spelling, grant nothing and are
 * ignored. A token with no role of ours authenticates but may do nothing.
 */
class CallerJwtConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    private static final Logger LOG = LoggerFactory.getLogger(CallerJwtConverter.class);

    /** The longest identity the store holds (the {@code caller} columns). */
    static final int MAX_ID_LENGTH = 200;

    private static final String PREFIX = "kakunin:";

    private final String rolesClaim;

    CallerJwtConverter(String rolesClaim) {
        this.rolesClaim = rolesClaim;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        String subject = jwt.getSubject();
        if (subject == null || subject.isEmpty()) {
            // The validators refuse it already; this keeps a token without subject from ever
            // becoming a caller, however the decoder is configured.
            throw new InvalidBearerTokenException("The bearer token names no subject (sub).");
        }
        String issuer = jwt.getClaimAsString("iss");
        return new CallerAuthentication(caller(issuer, subject, jwt.getClaims()));
    }

    /**
     * The caller a token's claims name: a bearer token's, or the ID token of a console sign-in by
     * OpenID Connect, which must grant exactly what the same claims grant on the API.
     */
    Caller caller(String issuer, String subject, java.util.Map<String, Object> claims) {
        return new Caller(identity(issuer == null ? "" : issuer, subject), roles(claims.get(rolesClaim)));
    }

    private Set<Role> roles(Object claim) {
        Collection<?> values = claim instanceof Collection<?> list
                ? list
                : claim instanceof String text ? Arrays.asList(text.trim().split("[ ,]+")) : List.of();
        Set<Role> roles = EnumSet.noneOf(Role.class);
        int ignored = 0;
        for (Object value : values) {
            Role role = value instanceof String name
                    ? role(name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name)
                    : null;
            if (role == null) {
                ignored++;
            } else {
                roles.add(role);
            }
        }
        if (ignored > 0 && LOG.isDebugEnabled()) {
            // Only how many: the names are the token's content.
            LOG.debug(
                    "A bearer token named {} role(s) in its '{}' claim that are not Kakunin's; they grant nothing",
                    ignored,
                    rolesClaim);
        }
        return roles;
    }

    /** The role of exactly this name (case-sensitive, no folding), or null. */
    private static Role role(String name) {
        for (Role role : Role.values()) {
            if (role.getValue().equals(name)) {
                return role;
            }
        }
        return null;
    }

    /**
     * The stored identity of the caller (issuer, subject): different pairs never give the same
     * identity, and it always fits the store.
     * <ul>
     * <li>{@code jwt:<length of issuer>:<issuer>#<subject>} when both are printable ASCII and the
     * whole fits in {@value #MAX_ID_LENGTH} characters: the length says where the issuer ends, so
     * a {@code #} in either value cannot move the boundary;</li>
     * <li>otherwise {@code jwt:sha256:<base64url of SHA-256 of the two values, each as its UTF-16
     * code units preceded by their length in bytes as four bytes>}: nothing is cut off, and it cannot be read
     * as the first form (no digits after {@code jwt:}).</li>
     * </ul>
     */
    static String identity(String issuer, String subject) {
        String readable = "jwt:" + issuer.length() + ":" + issuer + "#" + subject;
        if (readable.length() <= MAX_ID_LENGTH && printableAscii(issuer) && printableAscii(subject)) {
            return readable;
        }
        // Each value's UTF-16 code units as they are: an unpaired surrogate too, which any
        // charset encoder would replace (and so make two subjects the same).
        ByteBuffer pair = ByteBuffer.allocate(8 + 2 * (issuer.length() + subject.length()));
        for (String value : List.of(issuer, subject)) {
            pair.putInt(2 * value.length());
            value.chars().forEach(c -> pair.putChar((char) c));
        }
        try {
            return "jwt:sha256:"
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(MessageDigest.getInstance("SHA-256").digest(pair.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static boolean printableAscii(String value) {
        return value.chars().allMatch(c -> c >= 0x20 && c <= 0x7E);
    }
}
