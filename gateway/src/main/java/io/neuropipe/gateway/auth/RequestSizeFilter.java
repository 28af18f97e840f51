package io.neuropipe.gateway.auth;

import java.io.IOException;
import java.util.Map;

import io.neuropipe.gateway.api.Problems;
import io.neuropipe.gateway.config.LimitsProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 413 for a request whose declared Content-Length exceeds
 * {@code neuropipe.gateway.limits.max-body-bytes} before reading any of it; a body without a length
 * (chunked) fails with {@link BodyTooLargeException} as soon as it passes the limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestSizeFilter extends OncePerRequestFilter {

    private final long max;
    private final ProblemWriter problems;

    RequestSizeFilter(LimitsProperties limits, ProblemWriter problems) {
        this.max = limits.maxBodyBytes();
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > max) {
            response.setHeader("Connection", "close");
            problems.write(response, HttpStatus.CONTENT_TOO_LARGE, Problems.TOO_LARGE, "Request body too large",
                "The body of " + length + " bytes exceeds the limit of " + max + " bytes",
                Map.of("limit", max, "field", "body"));
            return;
        }
        chain.doFilter(length < 0 ? new Limited(request, max) : request, response);
    }

    /** Counts the bytes read from a body of unknown length. */
    private static final class Limited extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        count(b < 0 ? 0 : 1);
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = in.read(buf, off, len);
                        count(Math.max(0, n));
                        return n;
                    }

                    private void count(int n) throws BodyTooLargeException {
                        read += n;
                        if (read > max) {
                            throw new BodyTooLargeException(max);
                        }
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
                };
            }
            return stream;
        }
    }
}
