package io.kakunin.service.security;

import io.kakunin.api.model.Role;
import io.kakunin.service.KakuninProperties;
import io.kakunin.service.storage.StoreHealth;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.Ids;
import io.kakunin.service.web.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * API keys: created with 256 random bits, shown once, stored as their SHA-256 hash (a key of
 * that strength needs no slow hash; a fast one keeps every request cheap). Lookups are cached
 * briefly, so a flood of requests, with good keys or bad, costs one query per key per period;
 * a revocation clears this instance's cache at once and reaches the others within the period.
 */
@Component
public class ApiKeys {

    static final String PREFIX = "kak_";
    private static final int SHOWN_PREFIX = 12;
    private static final int CACHE_LIMIT = 10_000;

    /** A key just created: its record, and the key itself, which exists nowhere else. */
    public record Created(ApiKeyRecord record, String key) {}

    private record Cached(Optional<Caller> caller, long expiresAt) {}

    private final ApiKeyStore store;
    private final StoreHealth storeHealth;
    private final Clock clock;
    private final long cacheNanos;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    ApiKeys(ApiKeyStore store, StoreHealth storeHealth, Clock clock, KakuninProperties properties) {
        this.store = store;
        this.storeHealth = storeHealth;
        this.clock = clock;
        this.cacheNanos = properties.security().keyCacheTtl().toNanos();
    }

    /**
     * Creates a key for {@code creator}, with roles it holds itself: ADMIN manages keys but grants
     * no more than it has, so no key reaches further than the key that made it (an ADMIN-only key
     * that could mint a key with every role would in effect hold every role). Any role the creator
     * lacks is a 403 naming it.
     */
    public Created create(String name, Set<Role> roles, Caller creator) {
        Set<Role> notHeld = EnumSet.noneOf(Role.class);
        notHeld.addAll(roles);
        notHeld.removeAll(creator.roles());
        if (!notHeld.isEmpty()) {
            throw new ApiProblem(
                    HttpStatus.FORBIDDEN,
                    null,
                    "A key can grant only roles it holds; these credentials do not hold "
                            + names(notHeld).replace(",", ", ") + " (their roles: "
                            + String.join(", ", creator.roleNames()) + ").");
        }
        return create(name, roles, creator.id());
    }

    /**
     * The key a fresh installation starts from, the root of every other: it holds every role,
     * because a key grants only roles it holds.
     */
    Created createBootstrap(String name) {
        return create(name, EnumSet.allOf(Role.class), "bootstrap");
    }

    /** Creates a key with fresh random bits. */
    private Created create(String name, Set<Role> roles, String createdBy) {
        byte[] bits = new byte[32];
        random.nextBytes(bits);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
        return new Created(store(name, roles, key.substring(0, SHOWN_PREFIX), hash(key), createdBy), key);
    }

    /**
     * Stores a key an operator provisioned in the configuration, by the key or by its SHA-256;
     * nothing happens when it is stored already, so every instance and restart may provision.
     */
    public void provision(String name, Set<Role> roles, String key, String sha256) {
        String keyHash = key != null ? hash(key) : sha256.toLowerCase(java.util.Locale.ROOT);
        if (store.findByHash(keyHash).isPresent()) {
            return;
        }
        String prefix = key != null
                ? key.substring(0, Math.min(SHOWN_PREFIX, key.length()))
                : "sha256:" + keyHash.substring(0, 5);
        try {
            store(name, roles, prefix, keyHash, "configuration");
        } catch (RuntimeException e) {
            if (store.findByHash(keyHash).isEmpty()) {
                throw e;
            }
        }
    }

    /**
     * What a key's name may hold, as the contract's {@code ApiKeyRequest.name} says: no control
     * character (C0, DEL, C1), and nothing invisible or that changes the direction of the text
     * around it (soft hyphen, zero-width characters, bidi marks, embeddings, overrides and isolates,
     * line and paragraph separators, word joiners, the byte order mark, Hangul fillers): a name is
     * written to the log and shown in lists, and must read there as what it is.
     */
    static final String NAME_PATTERN = "^[^\\x00-\\x1F\\x7F-\\x9F\\u00AD\\u061C\\u115F\\u1160\\u180E"
            + "\\u200B-\\u200F\\u2028-\\u202E\\u2060-\\u206F\\u3164\\uFEFF\\uFFA0\\uFFF9-\\uFFFB]+$";

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(NAME_PATTERN);

    /**
     * The name as stored: without surrounding white space, and refused (400 naming {@code name})
     * when nothing visible is left or it holds a character {@link #NAME_PATTERN} excludes. Every
     * way a key is made (the API, the configuration, the bootstrap) passes here.
     */
    static String checkedName(String name) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty()) {
            throw ApiProblem.invalid("name", "must hold a visible character, not only white space");
        }
        if (stripped.length() > 200) {
            throw ApiProblem.invalid("name", "is longer than 200 characters");
        }
        if (!NAME.matcher(stripped).matches()) {
            throw ApiProblem.invalid(
                    "name",
                    "holds a control, invisible or direction-changing character (such as a zero-width space or a "
                            + "right-to-left override); use visible characters only");
        }
        return stripped;
    }

    private ApiKeyRecord store(String name, Set<Role> roles, String prefix, String keyHash, String createdBy) {
        ApiKeyRecord record = new ApiKeyRecord(
                Ids.newId(clock), checkedName(name), names(roles), prefix, keyHash, clock.instant(), createdBy, null);
        store.insert(record);
        return record;
    }

    /** The caller a presented key stands for, if it is a key of this service and not revoked. */
    public Optional<Caller> authenticate(String presented) {
        return authenticateHash(hash(presented));
    }

    /**
     * The caller a key stands for, by the key's hash: how a console session, which keeps the hash
     * and never the key, checks on each request that its key has not been revoked since sign-in.
     */
    Optional<Caller> authenticateHash(String keyHash) {
        long now = System.nanoTime();
        Cached cached = cache.get(keyHash);
        if (cached != null && cached.expiresAt() - now > 0) {
            return cached.caller();
        }
        Optional<ApiKeyRecord> record;
        try {
            record = store.findByHash(keyHash);
        } catch (RuntimeException e) {
            storeHealth.failed(e); // health, asked next, need not wait for the store again
            throw e;
        }
        Optional<Caller> caller =
                record.filter(r -> r.revokedAt() == null).map(r -> new Caller("key:" + r.id(), roles(r.roles())));
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(keyHash, new Cached(caller, now + cacheNanos));
        return caller;
    }

    public List<ApiKeyRecord> list() {
        return store.all();
    }

    public boolean anyActive() {
        return store.anyActive();
    }

    /** Revokes a key; the last working administrator key stays, or nobody could manage keys again. */
    @Transactional
    public void revoke(UUID id) {
        ApiKeyRecord record = store.find(id).orElseThrow(() -> new NotFoundException("API key", id));
        if (record.revokedAt() != null) {
            return;
        }
        // The active keys are locked before they are counted: two administrators revoking each
        // other's key at the same moment are served one after the other, and the second sees
        // that only its own key is left.
        if (roles(record.roles()).contains(Role.ADMIN)
                && store.lockActive().stream()
                        .noneMatch(r -> !r.id().equals(id) && roles(r.roles()).contains(Role.ADMIN))) {
            throw ApiProblem.conflict(
                    "last-admin-key",
                    "The last administrator key cannot be revoked",
                    "Key " + id
                            + " is the only working key with the ADMIN role; create another administrator key first.");
        }
        store.revoke(id, clock.instant());
        cache.clear();
    }

    static Set<Role> roles(String names) {
        if (names == null || names.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(names.split(","))
                .map(String::strip)
                .map(Role::fromValue)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Role.class)));
    }

    static String names(Set<Role> roles) {
        return roles.stream().sorted().map(Role::getValue).collect(Collectors.joining(","));
    }

    static String hash(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
