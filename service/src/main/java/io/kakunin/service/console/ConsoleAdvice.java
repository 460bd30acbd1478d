package io.kakunin.service.console;

import io.kakunin.api.model.Role;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.service.security.Caller;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What every console page shows (who is signed in, what they may open, the language switch) and
 * how a console page fails: an HTML page in the reader's language with the status code, never a
 * stack trace or a class name. The API's refusals stay problem details ({@code web.ProblemHandler}).
 */
@ControllerAdvice(basePackageClasses = ConsoleAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleAdvice {

    private static final Logger log = LoggerFactory.getLogger(ConsoleAdvice.class);

    /** One language link: its tag, its own name for itself, and the page's address in it. */
    record Language(String tag, String name, String href, boolean current) {}

    /** The signed-in caller and what the navigation offers them (the same duties as {@code AccessRules}). */
    record Viewer(Caller caller, boolean submitter, boolean auditor, boolean ruleAdmin) {
        public boolean readsRecords() {
            return submitter || auditor;
        }

        public boolean readsRulesets() {
            return auditor || ruleAdmin;
        }
    }

    @ModelAttribute("viewer")
    Viewer viewer() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null
                || authentication instanceof AnonymousAuthenticationToken
                || !authentication.isAuthenticated()) {
            return null;
        }
        Caller caller = Caller.current();
        return new Viewer(caller, caller.has(Role.SUBMITTER), caller.has(Role.AUDITOR), caller.has(Role.RULE_ADMIN));
    }

    @ModelAttribute("languages")
    List<Language> languages(HttpServletRequest request) {
        Locale current = LocaleContextHolder.getLocale();
        return Locales.SUPPORTED.stream()
                .map(l -> new Language(
                        Locales.tag(l),
                        l.getDisplayName(l),
                        UriComponentsBuilder.fromPath(request.getRequestURI())
                                .replaceQueryParam(ConsoleLocale.PARAMETER, Locales.tag(l))
                                .build()
                                .toUriString(),
                        Locales.tag(l).equals(Locales.tag(current))))
                .toList();
    }

    @ExceptionHandler(NotFoundException.class)
    String notFound(HttpServletResponse response, Model model) {
        return Pages.error(response, model, 404);
    }

    @ExceptionHandler(ApiProblem.class)
    String refused(ApiProblem problem, HttpServletResponse response, Model model) {
        model.addAttribute("detail", problem.getMessage());
        return Pages.error(response, model, problem.status().value());
    }

    @ExceptionHandler(Exception.class)
    String failed(Exception e, HttpServletRequest request, HttpServletResponse response, Model model) {
        log.error("Console page {} failed", request.getRequestURI(), e);
        return Pages.error(response, model, 500);
    }
}
