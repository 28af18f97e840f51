package io.neuropipe.gateway.admission;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import io.neuropipe.gateway.api.Problems;
import io.neuropipe.gateway.auth.ProblemWriter;
import io.neuropipe.gateway.config.BackpressureProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers a job submission ({@code POST /v1/jobs}, or an OIP v2 {@code generate[_stream]} call) with 503 and
 * {@code Retry-After} when {@link AdmissionControl} refuses it, before the body is read, so an overloaded platform sheds
 * load at the door instead of queueing without bound. Runs after authentication and rate limits.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
class AdmissionFilter extends OncePerRequestFilter {

    /** The OIP v2 generate calls, which start jobs too. */
    private static final java.util.regex.Pattern GENERATE =
        java.util.regex.Pattern.compile("/v2/models/[^/]+(/versions/\\d+)?/generate(_stream)?/?");

    private final AdmissionControl admission;
    private final ProblemWriter problems;
    private final long retryAfterSeconds;

    AdmissionFilter(AdmissionControl admission, ProblemWriter problems, BackpressureProperties properties) {
        this.admission = admission;
        this.problems = problems;
        this.retryAfterSeconds = Math.max(1, (properties.retryAfter().toMillis() + 999) / 1000);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !"POST".equals(request.getMethod())
            || !(path.equals("/v1/jobs") || path.equals("/v1/jobs/") || GENERATE.matcher(path).matches());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<AdmissionControl.Refusal> refusal = admission.tryAdmit();
        if (refusal.isPresent()) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
            problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, Problems.OVERLOADED, "Too much work queued",
                "Not accepting new jobs for now: " + refusal.get().reason() + "; retry after " + retryAfterSeconds + " s",
                Map.of("retryAfterSeconds", retryAfterSeconds));
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            admission.release();
        }
    }
}
