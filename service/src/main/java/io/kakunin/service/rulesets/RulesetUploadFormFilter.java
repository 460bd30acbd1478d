package io.kakunin.service.rulesets;

import io.kakunin.api.model.RulesetFileContent;
import io.kakunin.api.model.RulesetUpload;
import io.kakunin.api.model.ValidationBase;
import io.kakunin.service.web.ApiProblem;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.apache.tomcat.util.http.fileupload.InvalidFileNameException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the multipart form of {@code POST /v1/rulesets/validate} into the JSON body of the same
 * operation, so that one contract operation takes both and both are validated, checked and
 * answered by the same code: every part named {@code files} is a file whose file name is its
 * path in the ruleset, the part {@code base} is optional, any other part is an error naming it.
 * The servlet container parses the parts within {@code spring.servlet.multipart.*} limits; a
 * form that cannot be read is answered by the one problem handler.
 *
 * <p>It runs after Spring Security's filters, so that not a byte of the form is read (or parsed)
 * before the caller is known to hold {@code RULE_ADMIN}; a refused caller's body is never read
 * ({@code RefusedBodiesValve}). A file name holding a control character (NUL, a line feed, ...) is
 * refused by name, before it can reach a path or a log line.
 */
@Component
@Order(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 10)
class RulesetUploadFormFilter extends OncePerRequestFilter {

    static final String PATH = "/v1/rulesets/validate";
    /** The impact preview takes the same upload for its candidate. */
    static final String IMPACT_PATH = "/v1/rulesets/impact";

    private final JsonMapper json;
    private final HandlerExceptionResolver problems;

    RulesetUploadFormFilter(JsonMapper json, @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        this.json = json;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        return !"POST".equals(request.getMethod())
                || !(request.getRequestURI().equals(request.getContextPath() + PATH)
                        || request.getRequestURI().equals(request.getContextPath() + IMPACT_PATH))
                || type == null
                || !type.toLowerCase(java.util.Locale.ROOT).startsWith(MediaType.MULTIPART_FORM_DATA_VALUE);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body;
        try {
            body = json.writeValueAsBytes(read(request));
        } catch (ApiProblem | MultipartException e) {
            problems.resolveException(request, response, null, e);
            return;
        }
        chain.doFilter(new JsonRequest(request, body), response);
    }

    private static RulesetUpload read(HttpServletRequest request) throws IOException {
        List<Part> parts;
        try {
            parts = new ArrayList<>(request.getParts());
        } catch (InvalidFileNameException e) {
            throw controlCharacterInFileName();
        } catch (ServletException | IllegalStateException | IOException e) {
            throw new MultipartException("the multipart body cannot be read", e);
        }
        RulesetUpload upload = new RulesetUpload().files(new ArrayList<>());
        for (Part part : parts) {
            switch (part.getName()) {
                case "files" -> {
                    String path = part.getSubmittedFileName();
                    if (path == null || path.isBlank()) {
                        throw ApiProblem.invalid(
                                "files",
                                "each 'files' part needs a file name: the file's path in the ruleset, "
                                        + "for example curl -F 'files=@policy.drl;filename=product/policy.drl'");
                    }
                    if (path.codePoints().anyMatch(Character::isISOControl)) {
                        throw controlCharacterInFileName();
                    }
                    try (InputStream in = part.getInputStream()) {
                        upload.getFiles()
                                .add(new RulesetFileContent()
                                        .path(path.replace('\\', '/'))
                                        .content(Base64.getEncoder().encodeToString(in.readAllBytes()))
                                        .encoding(RulesetFileContent.EncodingEnum.BASE64));
                    }
                }
                case "base" -> {
                    String value;
                    try (InputStream in = part.getInputStream()) {
                        value = new String(in.readNBytes(64), StandardCharsets.UTF_8).strip();
                    }
                    try {
                        upload.base(ValidationBase.fromValue(value));
                    } catch (IllegalArgumentException e) {
                        throw ApiProblem.invalid("base", "unknown value '" + value + "'; allowed: ACTIVE, NONE");
                    }
                }
                default ->
                    throw ApiProblem.invalid(
                            part.getName(), "is not a part of this form; expected 'files' (one per file) and 'base'");
            }
        }
        if (upload.getFiles().isEmpty()) {
            throw ApiProblem.invalid("files", "give at least one file");
        }
        return upload;
    }

    /** Tomcat refuses a NUL itself, as the parts are read; other control characters are refused here. */
    private static ApiProblem controlCharacterInFileName() {
        return ApiProblem.invalid(
                "files",
                "a file name holds a control character (such as NUL or a line break); name each file by its path in "
                        + "the ruleset, for example product/policy.drl");
    }

    /** The request as if the client had sent the JSON form. */
    private static final class JsonRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        JsonRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public String getContentType() {
            return MediaType.APPLICATION_JSON_VALUE;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public String getHeader(String name) {
            if (HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)) {
                return getContentType();
            }
            if (HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                return Integer.toString(body.length);
            }
            return super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String replaced =
                    HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) || HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)
                            ? getHeader(name)
                            : null;
            return replaced != null ? Collections.enumeration(List.of(replaced)) : super.getHeaders(name);
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
