package io.kakunin.service.security;

import io.kakunin.api.model.Role;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is calling: the identifier stored with everything they create ({@code key:<id>}, or for a
 * JWT the pair (issuer, subject) as {@link CallerJwtConverter#identity} writes it), and their
 * roles.
 */
public record Caller(String id, Set<Role> roles) implements java.io.Serializable {

    public Caller {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    /** The caller of the request being handled; only called behind the security filter chain. */
    public static Caller current() {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof CallerAuthentication caller) {
            return caller.caller();
        }
        throw new IllegalStateException("no authenticated caller");
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** Whether the caller may see records other callers created. */
    public boolean readsEverything() {
        return has(Role.AUDITOR);
    }

    /** Whether the caller may see a record created by {@code creator}. */
    public boolean maySee(String creator) {
        return readsEverything() || id.equals(creator);
    }

    Collection<GrantedAuthority> authorities() {
        return roles.stream()
                .map(r -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + r.getValue()))
                .toList();
    }

    List<String> roleNames() {
        return roles.stream().map(Role::getValue).sorted().toList();
    }
}
