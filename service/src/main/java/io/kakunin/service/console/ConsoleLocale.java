package io.kakunin.service.console;

import io.kakunin.kb.ruleset.Locales;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.LocaleResolver;

/**
 * The console's language: {@code ?lang=en|ja|zh-TW} on any page switches it and remembers it in
 * a cookie; without one, the browser's {@code Accept-Language} decides, as it does for the API
 * ({@link Locales#resolve}: English, Japanese or Traditional Chinese, English for anything else).
 * The API reads its header itself and never asks this resolver.
 */
final class ConsoleLocale implements LocaleResolver, HandlerInterceptor {

    static final String COOKIE = "kakunin-lang";
    static final String PARAMETER = "lang";
    private static final String CHOSEN = ConsoleLocale.class.getName() + ".chosen";

    @Override
    public Locale resolveLocale(HttpServletRequest request) {
        if (request.getAttribute(CHOSEN) instanceof Locale chosen) {
            return chosen;
        }
        if (request.getCookies() != null) {
            for (Cookie cookie : request.getCookies()) {
                if (COOKIE.equals(cookie.getName()) && supported(cookie.getValue()) != null) {
                    return supported(cookie.getValue());
                }
            }
        }
        return Locales.resolve(request.getHeader(HttpHeaders.ACCEPT_LANGUAGE));
    }

    @Override
    public void setLocale(HttpServletRequest request, HttpServletResponse response, Locale locale) {
        Locale chosen = locale == null ? Locale.ENGLISH : Locales.resolve(locale.toLanguageTag());
        request.setAttribute(CHOSEN, chosen);
        if (response != null) {
            Cookie cookie = new Cookie(COOKIE, Locales.tag(chosen));
            cookie.setPath("/console");
            cookie.setHttpOnly(true);
            cookie.setSecure(request.isSecure());
            cookie.setMaxAge((int) Duration.ofDays(365).toSeconds());
            cookie.setAttribute("SameSite", "Lax");
            response.addCookie(cookie);
        }
    }

    /** {@code ?lang=}: one of the three tags; anything else is ignored (a language is never a reason to fail). */
    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Locale chosen = supported(request.getParameter(PARAMETER));
        if (chosen != null) {
            setLocale(request, response, chosen);
            org.springframework.context.i18n.LocaleContextHolder.setLocale(chosen);
        }
        return true;
    }

    private static Locale supported(String tag) {
        if (tag == null) {
            return null;
        }
        for (Locale locale : Locales.SUPPORTED) {
            if (Locales.tag(locale).equalsIgnoreCase(tag.strip())) {
                return locale;
            }
        }
        return null;
    }
}
