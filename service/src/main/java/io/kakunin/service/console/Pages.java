package io.kakunin.service.console;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.ui.Model;

/** The views of the console, by name, and its error page. */
final class Pages {

    private Pages() {}

    /** The error page with its status: 403, 404, 409, 500, 503 have texts of their own; others share one. */
    static String error(HttpServletResponse response, Model model, int status) {
        return error(
                response,
                model,
                status,
                switch (status) {
                    case 400, 403, 404, 409, 410, 500, 503 -> "error." + status;
                    default -> "error.other";
                });
    }

    /** The error page with its status and the texts {@code <key>.title} and {@code <key>.text}. */
    static String error(HttpServletResponse response, Model model, int status, String key) {
        response.setStatus(status);
        model.addAttribute("status", status);
        model.addAttribute("statusKey", key);
        return "console/error";
    }
}
