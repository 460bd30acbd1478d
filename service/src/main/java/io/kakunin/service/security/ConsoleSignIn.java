package io.kakunin.service.security;

/**
 * How people may sign in to the console: always with an API key, and by OpenID Connect when the
 * API trusts an issuer by its URI and the console has a client id there.
 */
public record ConsoleSignIn(boolean openIdConnect) {

    /** Where the sign-in page's OpenID Connect link leads. */
    public static final String OPEN_ID_CONNECT = ConsoleSecurityConfiguration.OIDC + "/kakunin";

    /** The request attribute that marks a form refused for its CSRF token rather than for the caller's roles. */
    public static final String FORM_REFUSED = "io.kakunin.console.formRefused";
}
