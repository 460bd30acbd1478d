package io.kakunin.service;

import io.kakunin.kb.fixtures.PublicationGate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.util.unit.DataSize;

/**
 * The service's own settings, under {@code kakunin.*}.
 *
 * @param rules   which ruleset decides verdicts, and how a new one is published
 * @param limits  what a request may cost
 * @param storage how long a request waits for the store
 * @param http    how the service names itself in the URLs it writes
 */
@ConfigurationProperties("kakunin")
public record KakuninProperties(Rules rules, Limits limits, Security security, Storage storage, Http http) {

    public KakuninProperties {
        rules = rules == null ? new Rules(null, null, null, null, null, null, null, null, null) : rules;
        limits = limits == null ? new Limits(null, null, null, null, null, null, null) : limits;
        security = security == null ? new Security(null, null, null, null, null) : security;
        storage = storage == null ? new Storage(null) : storage;
        http = http == null ? new Http(null) : http;
    }

    /**
     * @param publicBaseUrl the URL callers reach the service at ({@code https://kakunin.example.jp}):
     *                      every absolute URL the service writes ({@code Location}, Swagger UI's
     *                      OAuth redirect, actuator links) starts with it, and with an https URL
     *                      every answer carries {@code Strict-Transport-Security} (TLS ends at the
     *                      proxy). Without it they are built from the address the connection
     *                      arrived at, or from {@code X-Forwarded-*} of a proxy Tomcat trusts
     *                      ({@code server.forward-headers-strategy=native} with
     *                      {@code server.tomcat.remoteip.internal-proxies}), never from a
     *                      {@code Host} header a caller chose. The service is served at the root
     *                      of its host: a path is refused
     */
    public record Http(java.net.URI publicBaseUrl) {
        public Http {
            if (publicBaseUrl != null) {
                String scheme = publicBaseUrl.getScheme();
                if (!("http".equals(scheme) || "https".equals(scheme))
                        || publicBaseUrl.getHost() == null
                        || (publicBaseUrl.getRawPath() != null
                                && !publicBaseUrl.getRawPath().isEmpty()
                                && !publicBaseUrl.getRawPath().equals("/"))
                        || publicBaseUrl.getRawQuery() != null
                        || publicBaseUrl.getRawFragment() != null
                        || publicBaseUrl.getRawUserInfo() != null) {
                    throw new IllegalArgumentException("kakunin.http.public-base-url must be an http or https URL "
                            + "with a host and no path, query or user, such as https://kakunin.example.jp "
                            + "(the service is served at the root of its host); got " + publicBaseUrl);
                }
                publicBaseUrl = java.net.URI.create(scheme + "://" + publicBaseUrl.getRawAuthority());
            }
        }
    }

    /**
     * How long anything waits for the store: each wait is bounded, so that while the store is down
     * or stuck every request is answered within a few seconds ({@code 503} with
     * {@code Retry-After}) and holds a thread and a connection no longer. The wait for a
     * connection is the pool's own setting, {@code spring.datasource.hikari.connection-timeout}.
     *
     * @param commitTimeout    how long a request waits for its record to be committed (default 5 s).
     *                         Past it the request is answered 503 with {@code Retry-After}: saying
     *                         that nothing was stored when the write had not started, and that the
     *                         outcome is unknown when it had (a retry with the same
     *                         {@code Idempotency-Key} then settles it)
     * @param statementTimeout the longest one statement may run (default 3 s); it is cancelled
     *                         past it (a locked table, a slow database). Migrations are not held
     *                         to it
     * @param networkTimeout   PostgreSQL only: the longest the driver waits for the database to
     *                         answer at all (default 4 s; its {@code socketTimeout} and
     *                         {@code connectTimeout}), for a database that stopped answering (frozen,
     *                         or the network drops its packets) and for a COMMIT whose reply never
     *                         comes. Longer than the statement timeout, so that a slow statement is
     *                         cancelled before its connection is given up. A value given in the
     *                         JDBC URL wins. Migrations are not held to it
     */
    public record Storage(Duration commitTimeout, Duration statementTimeout, Duration networkTimeout) {
        @ConstructorBinding
        public Storage {
            commitTimeout = positiveOr(commitTimeout, Duration.ofSeconds(5));
            statementTimeout = positiveOr(statementTimeout, Duration.ofSeconds(3));
            networkTimeout = positiveOr(networkTimeout, Duration.ofSeconds(4));
        }

        /** The defaults, but for the commit timeout. */
        public Storage(Duration commitTimeout) {
            this(commitTimeout, null, null);
        }

        private static Duration positiveOr(Duration value, Duration otherwise) {
            return value == null || value.isNegative() || value.isZero() ? otherwise : value;
        }
    }

    /**
     * @param path                     a rules directory to serve instead of the built-in ruleset;
     *                                 it is activated only through the publication gate that
     *                                 {@code kakunin test} runs: its {@code fixtures/} must exist and
     *                                 pass, with the coverage below
     * @param watch                    whether to activate changes to the directory on their own
     *                                 (default true); without, {@code POST /v1/rulesets/reload}
     * @param watchQuietPeriod         how long the directory must stay unchanged before a change is
     *                                 loaded, so that an editor's or a copy's burst of writes is
     *                                 loaded once (default 300 ms)
     * @param thresholds               overrides of the ruleset's {@code thresholds.properties}, by
     *                                 name; the ruleset's revision changes with them
     * @param compiledRevisionsKept    how many earlier revisions stay compiled in memory for
     *                                 re-evaluation and re-localization (default 4); others are
     *                                 compiled again from the store when asked for
     * @param maxConcurrentValidations how many validation requests may compile at once (default 1);
     *                                 a compile takes a core for seconds
     * @param coverageMin              the least rule coverage (percent of rules whose decision a
     *                                 fixture asserts) a ruleset needs to be activated or validated;
     *                                 the same default as {@code kakunin test} (100)
     * @param recompileWait            how long a re-evaluation waits for an earlier revision to be
     *                                 compiled again before it is answered 503 with Retry-After
     *                                 (default 10 s); the compile goes on meanwhile
     * @param label                    what verdicts, the catalog and the ruleset history call
     *                                 where the rules came from ({@code source}): default
     *                                 {@code built-in}, or {@code rules directory} with a path. The
     *                                 path itself is shown to RULE_ADMIN callers only
     */
    public record Rules(
            Path path,
            Boolean watch,
            Duration watchQuietPeriod,
            Map<String, Integer> thresholds,
            Integer compiledRevisionsKept,
            Integer maxConcurrentValidations,
            Double coverageMin,
            Duration recompileWait,
            String label) {

        /** The default label of a rules directory; the built-in ruleset's is {@code built-in}. */
        public static final String RULES_DIRECTORY = "rules directory";

        /** The most characters a label may have. */
        static final int MAX_LABEL = 100;

        public Rules {
            watch = watch == null || watch;
            watchQuietPeriod = watchQuietPeriod == null ? Duration.ofMillis(300) : watchQuietPeriod;
            thresholds = thresholds == null ? Map.of() : Map.copyOf(thresholds);
            compiledRevisionsKept = compiledRevisionsKept == null ? 4 : Math.max(0, compiledRevisionsKept);
            maxConcurrentValidations = maxConcurrentValidations == null ? 1 : Math.max(1, maxConcurrentValidations);
            coverageMin = coverageMin == null ? PublicationGate.Policy.DEFAULT.coverageMin() : coverageMin;
            recompileWait = recompileWait == null ? Duration.ofSeconds(10) : recompileWait;
            if (label == null || label.isBlank()) {
                label = path == null ? io.kakunin.kb.Ruleset.BUILT_IN : RULES_DIRECTORY;
            } else {
                label = label.strip();
                if (label.length() > MAX_LABEL || !label.codePoints().allMatch(c -> c >= 0x20 && c != 0x7F)) {
                    throw new IllegalArgumentException("kakunin.rules.label must be at most " + MAX_LABEL
                            + " characters without control characters, such as 'release rules'; got '" + label + "'");
                }
            }
        }

        /** What the publication gate asks of a ruleset before it is activated or said to be valid. */
        public PublicationGate.Policy gatePolicy() {
            return new PublicationGate.Policy(coverageMin);
        }
    }

    /**
     * What one request may cost. Each limit is checked while the body is read, so a request
     * over it is refused before it costs more than reading up to the limit.
     *
     * @param maxBodySize       the largest request body accepted; larger ones get 413
     * @param maxRulesetUpload  the largest body of {@code POST /v1/rulesets/validate}, a whole
     *                          ruleset with its fixtures (default 8 MB)
     * @param maxNestingDepth   how deeply JSON objects and arrays may nest (default 64; a STIX
     *                          bundle needs about 10)
     * @param maxStringLength   the longest JSON string, in characters (default 262,144); fields
     *                          of the contract have their own, smaller limits
     * @param maxNumberLength   the longest JSON number, in characters (default 64)
     * @param maxArrayItems     the most elements of any one array in a request body or a batch
     *                          line, at any depth (default 10,000): in free-form content such as a
     *                          STIX bundle it is the limit, and an array of the contract is held to
     *                          the smaller of it and its own {@code maxItems}; the reader stops at
     *                          the first element too many (400). Stored records are not held to it
     * @param maxBatchBody      the largest body of {@code POST /v1/assessments:batch} (default
     *                          1 GB); it is streamed, and each line is held to {@code maxBodySize}
     */
    public record Limits(
            DataSize maxBodySize,
            DataSize maxRulesetUpload,
            Integer maxNestingDepth,
            Integer maxStringLength,
            Integer maxNumberLength,
            Integer maxArrayItems,
            DataSize maxBatchBody) {
        public Limits {
            maxBodySize = maxBodySize == null ? DataSize.ofMegabytes(1) : maxBodySize;
            maxRulesetUpload = maxRulesetUpload == null ? DataSize.ofMegabytes(8) : maxRulesetUpload;
            maxNestingDepth = maxNestingDepth == null ? 64 : maxNestingDepth;
            maxStringLength = maxStringLength == null ? 262_144 : maxStringLength;
            maxNumberLength = maxNumberLength == null ? 64 : maxNumberLength;
            maxArrayItems = maxArrayItems == null ? 10_000 : maxArrayItems;
            maxBatchBody = maxBatchBody == null ? DataSize.ofGigabytes(1) : maxBatchBody;
        }
    }

    /**
     * Access control; always on.
     *
     * @param provisionedKeys keys stored at startup if they are not yet (for automated
     *                        deployments and tests); the first start without any key creates an
     *                        administrator key and logs it once
     * @param jwtRolesClaim   the claim of a JWT bearer token that lists its roles (default
     *                        {@code roles}); tokens are accepted only when
     *                        {@code spring.security.oauth2.resourceserver.jwt.*} is configured
     * @param keyCacheTtl     how long a key lookup is reused before the store is asked again
     *                        (default 10 s): how long a revocation takes to reach other instances
     * @param jwt             what a JWT bearer token must hold to be accepted
     * @param failedAuthentication how credentials that do not authenticate are counted and slowed
     */
    public record Security(
            java.util.List<ProvisionedKey> provisionedKeys,
            String jwtRolesClaim,
            java.time.Duration keyCacheTtl,
            Jwt jwt,
            FailedAuthentication failedAuthentication) {
        public Security {
            failedAuthentication =
                    failedAuthentication == null ? new FailedAuthentication(null, null, null) : failedAuthentication;
            provisionedKeys = provisionedKeys == null ? java.util.List.of() : java.util.List.copyOf(provisionedKeys);
            jwtRolesClaim = jwtRolesClaim == null || jwtRolesClaim.isBlank() ? "roles" : jwtRolesClaim;
            keyCacheTtl = keyCacheTtl == null ? java.time.Duration.ofSeconds(10) : keyCacheTtl;
            jwt = jwt == null ? new Jwt(null, null, null, null) : jwt;
        }
    }

    /**
     * Credentials that do not authenticate (an unknown or revoked key, a token that does not
     * verify) are counted per client address, as the metric
     * {@code kakunin.authentication.failures} and a log line per address at most once a window.
     * An address with more than {@code limit} of them within {@code window} is answered 429 with
     * {@code Retry-After} to every request that carries credentials, until the window has passed;
     * other addresses, and requests without credentials, are not affected.
     *
     * @param enabled whether the limit applies (default true); the metric and the log are kept
     * @param limit   failures allowed per address and window (default 20)
     * @param window  the window (default 1 minute)
     */
    public record FailedAuthentication(Boolean enabled, Integer limit, java.time.Duration window) {
        public FailedAuthentication {
            enabled = enabled == null || enabled;
            limit = limit == null || limit < 1 ? 20 : limit;
            window =
                    window == null || window.isNegative() || window.isZero() ? java.time.Duration.ofMinutes(1) : window;
        }
    }

    /**
     * The claims every JWT bearer token is checked against, whichever way its signing keys are
     * configured ({@code spring.security.oauth2.resourceserver.jwt.*}). With tokens configured,
     * the service does not start without an issuer and an audience.
     *
     * @param issuer    the {@code iss} a token must carry, exactly; may be left out when
     *                  {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} is set (that
     *                  is the issuer then), and must equal it when both are set
     * @param audience  a value the token's {@code aud} must contain
     * @param clockSkew how far the clocks of the issuer and the service may differ when
     *                  {@code exp} and {@code nbf} are checked (default 60 s); {@code exp} is
     *                  required
     * @param maxAge    how long after its {@code iat} a token is accepted at most, whatever its
     *                  {@code exp} (default 24 h): a token issued long ago is refused even if it
     *                  never expires
     */
    public record Jwt(String issuer, String audience, java.time.Duration clockSkew, java.time.Duration maxAge) {
        public Jwt {
            maxAge = maxAge == null || maxAge.isNegative() || maxAge.isZero() ? java.time.Duration.ofHours(24) : maxAge;
            issuer = issuer == null || issuer.isBlank() ? null : issuer;
            audience = audience == null || audience.isBlank() ? null : audience;
            clockSkew = clockSkew == null || clockSkew.isNegative() ? java.time.Duration.ofSeconds(60) : clockSkew;
        }
    }

    /**
     * A key given in the configuration: either the key itself (at least 32 characters) or its
     * SHA-256 in hex, so that the configuration need not hold the secret.
     */
    public record ProvisionedKey(
            String name, java.util.List<io.kakunin.api.model.Role> roles, String key, String sha256) {
        public ProvisionedKey {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a provisioned key needs a name");
            }
            if (roles == null || roles.isEmpty()) {
                throw new IllegalArgumentException("provisioned key '" + name + "' needs at least one role");
            }
            if ((key == null) == (sha256 == null)) {
                throw new IllegalArgumentException("provisioned key '" + name + "' needs either key or sha256");
            }
            if (key != null && (key.length() < 32 || !key.matches("[\\x21-\\x7E]+"))) {
                throw new IllegalArgumentException(
                        "provisioned key '" + name + "' must be at least 32 printable characters");
            }
            if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException(
                        "provisioned key '" + name + "' has an sha256 that is not 64 hex digits");
            }
        }
    }
}
