package io.kakunin.service.console;

import io.kakunin.service.security.ConsoleSignIn;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/** The console's own pages: sign-in, the start page, and the pages of refusals. */
@Controller
class ConsoleController {

    private final ConsoleSignIn signIn;

    ConsoleController(ConsoleSignIn signIn) {
        this.signIn = signIn;
    }

    @GetMapping("/console/sign-in")
    String signIn(Model model) {
        model.addAttribute("openIdConnect", signIn.openIdConnect() ? ConsoleSignIn.OPEN_ID_CONNECT : null);
        return "console/sign-in";
    }

    @GetMapping("/console")
    String home() {
        return "console/home";
    }

    /** Where Spring Security forwards a signed-in caller whose roles do not open a page. */
    @RequestMapping("/console/forbidden")
    String forbidden(HttpServletRequest request, HttpServletResponse response, Model model) {
        if (request.getAttribute(ConsoleSignIn.FORM_REFUSED) != null) {
            return Pages.error(response, model, 403, "error.form");
        }
        return Pages.error(response, model, 403);
    }

    /**
     * Any other console address: the console's 404 page rather than the API's problem. (The
     * stylesheet is under {@code /console-assets/}, outside this pattern: static resources are
     * served only when no controller matches.)
     */
    @RequestMapping("/console/**")
    String notFound(HttpServletResponse response, Model model) {
        return Pages.error(response, model, 404);
    }
}
