package io.kakunin.service.console;

import io.kakunin.service.web.FieldProblem;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import org.springframework.http.ProblemDetail;
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

    /**
     * The field problems of a problem the API's factory made ({@code errors}), to show beside the
     * form's fields: the same texts the API answers with.
     */
    @SuppressWarnings("unchecked")
    static List<FieldProblem> fieldProblems(ProblemDetail problem) {
        Map<String, Object> properties = problem.getProperties();
        Object errors = properties == null ? null : properties.get("errors");
        return errors instanceof List<?> list ? (List<FieldProblem>) list : List.of();
    }
}
