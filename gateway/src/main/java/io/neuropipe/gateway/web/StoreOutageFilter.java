package io.neuropipe.gateway.web;

import java.io.IOException;
import java.util.Map;

import io.neuropipe.gateway.api.Problems;
import io.neuropipe.gateway.auth.ProblemWriter;
import io.neuropipe.gateway.config.StoreOutageProperties;
import io.neuropipe.gateway.job.StoreOutages;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 503 (problem type {@code unavailable}) with {@code Retry-After} when a filter after it
 * (API keys, admission control) fails because PostgreSQL cannot be reached; controllers' failures
 * get the same answer from the problem handler. Without it such a request would end as a 500.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class StoreOutageFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(StoreOutageFilter.class);

    private final ProblemWriter problems;
    private final long retryAfterSeconds;

    StoreOutageFilter(ProblemWriter problems, StoreOutageProperties properties) {
        this.problems = problems;
        this.retryAfterSeconds = properties.retryAfterSeconds();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException | ServletException e) {
            if (response.isCommitted() || !StoreOutages.isOutage(e)) {
                throw e;
            }
            log.warn("Job store unreachable: {} {} answered 503: {}", request.getMethod(), request.getRequestURI(), e.toString());
            response.resetBuffer();
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
            problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, Problems.UNAVAILABLE, "Job store unavailable",
                "The job store cannot be reached; retry after " + retryAfterSeconds + " s", Map.of());
        }
    }
}
