package io.kakunin.service.web;

import io.kakunin.service.KakuninProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps the size of every request body, whether or not it declares its length: reading past the
 * limit fails with {@link PayloadTooLargeException}, which the problem handler answers 413. A
 * declared length over the limit fails on the first read, before any parsing.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestBodyLimitFilter extends OncePerRequestFilter {

    /** The one endpoint that takes a whole ruleset, with its fixtures, rather than one case. */
    static final String RULESET_UPLOAD_PATH = "/v1/rulesets/validate";
    /** The impact preview takes the same upload as its candidate. */
    static final String IMPACT_PATH = "/v1/rulesets/impact";

    /** The streamed batch: its body may be large; each of its lines is held to the body limit by the batch itself. */
    static final String BATCH_PATH = "/v1/assessments:batch";

    private final long limit;
    private final long rulesetLimit;
    private final long batchLimit;

    RequestBodyLimitFilter(KakuninProperties properties) {
        this.limit = properties.limits().maxBodySize().toBytes();
        this.rulesetLimit = properties.limits().maxRulesetUpload().toBytes();
        this.batchLimit = properties.limits().maxBatchBody().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        long applicable = path.equals(RULESET_UPLOAD_PATH) || path.equals(IMPACT_PATH)
                ? rulesetLimit
                : path.equals(BATCH_PATH) ? batchLimit : limit;
        chain.doFilter(new Limited(request, applicable), response);
    }

    private static final class Limited extends HttpServletRequestWrapper {

        private final long limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), getContentLengthLong(), limit);
            }
            return stream;
        }
    }

    private static final class LimitedStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long declared;
        private final long limit;
        private long read;

        LimitedStream(ServletInputStream in, long declared, long limit) {
            this.in = in;
            this.declared = declared;
            this.limit = limit;
        }

        private void check(long more) throws PayloadTooLargeException {
            if (declared > limit || read + more > limit) {
                throw new PayloadTooLargeException(limit);
            }
        }

        @Override
        public int read() throws IOException {
            check(0);
            int b = in.read();
            if (b >= 0) {
                check(1);
                read++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check(0);
            int n = in.read(b, off, len);
            if (n > 0) {
                check(n);
                read += n;
            }
            return n;
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
