package io.kakunin.service.security;

import io.kakunin.api.model.Role;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A JWT from the configured issuer as a caller: {@code jwt:<issuer>#<subject>}, with the roles
 * its roles claim lists (names as in the API, any case; a {@code kakunin:} prefix is allowed;
 * others are ignored). A token with no role of ours authenticates but may do nothing.
 */
class CallerJwtConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    private final String rolesClaim;

    CallerJwtConverter(String rolesClaim) {
        this.rolesClaim = rolesClaim;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Object claim = jwt.getClaims().get(rolesClaim);
        Collection<?> values = claim instanceof Collection<?> list ? list
                : claim instanceof String text ? java.util.Arrays.asList(text.split("[ ,]+")) : java.util.List.of();
        for (Object value : values) {
            String name = String.valueOf(value).toUpperCase(Locale.ROOT).replaceFirst("^KAKUNIN:", "").replace('-', '_');
            for (Role role : Role.values()) {
                if (role.getValue().equals(name)) {
                    roles.add(role);
                }
            }
        }
        String issuer = jwt.getIssuer() == null ? "" : jwt.getIssuer().toString();
        String id = "jwt:" + issuer + "#" + jwt.getSubject();
        return new CallerAuthentication(new Caller(id.length() > 200 ? id.substring(0, 200) : id, roles));
    }
}
