package io.neuropipe.gateway.auth;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.neuropipe.gateway.api.Problems;
import io.neuropipe.gateway.config.AuthProperties;
import io.neuropipe.gateway.config.GatewayProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Establishes the {@link Caller} of every request from {@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}: 401 without a valid key, 403 for key management without the admin
 * key, 429 with Retry-After when the key's token bucket is empty. Health checks, the OpenAPI
 * description and the console's static files are open. With auth disabled every caller creates
 * jobs as the default tenant, sees all tenants' jobs, has admin rights and no rate limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class AuthFilter extends OncePerRequestFilter {

    static final String API_KEY_HEADER = "X-API-Key";
    private static final List<String> OPEN = List.of("/actuator/health", "/actuator/health/**", "/v2/health/**",
        "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/", "/index.html", "/console/**",
        "/favicon.ico", "/error");
    private static final AntPathMatcher PATHS = new AntPathMatcher();

    private final AuthProperties properties;
    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final ProblemWriter problems;
    private final Caller anonymous;

    AuthFilter(AuthProperties properties, GatewayProperties gateway, ApiKeys keys, ProblemWriter problems) {
        this.properties = properties;
        this.keys = keys;
        this.problems = problems;
        this.limiter = new RateLimiter(properties.rateLimit().capacity(), properties.rateLimit().refillPerSecond(),
            System::nanoTime);
        this.anonymous = new Caller(gateway.defaultTenant(), "anonymous", true, true);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!properties.enabled()) {
            request.setAttribute(Caller.ATTRIBUTE, anonymous);
            chain.doFilter(request, response);
            return;
        }
        Optional<Caller> caller = keys.authenticate(presented(request));
        if (caller.isEmpty()) {
            if (OPEN.stream().anyMatch(p -> PATHS.match(p, path))) {
                chain.doFilter(request, response);
                return;
            }
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            problems.write(response, HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "API key required",
                "Send a valid API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", Map.of());
            return;
        }
        Caller c = caller.get();
        if (PATHS.match("/v1/admin/**", path) && !c.admin()) {
            problems.write(response, HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Administrator key required",
                "Managing API keys needs the administrator key", Map.of());
            return;
        }
        long waitNanos = c.admin() ? 0 : limiter.tryAcquire(c.keyId());
        if (waitNanos > 0) {
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            problems.write(response, HttpStatus.TOO_MANY_REQUESTS, Problems.RATE_LIMITED, "Rate limit exceeded",
                "This API key's request rate is limited to " + properties.rateLimit().refillPerSecond()
                    + "/s (burst " + properties.rateLimit().capacity() + "); retry after " + seconds + " s",
                Map.of("retryAfterSeconds", seconds));
            return;
        }
        request.setAttribute(Caller.ATTRIBUTE, c);
        chain.doFilter(request, response);
    }

    private static String presented(HttpServletRequest request) {
        String auth = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        String header = request.getHeader(API_KEY_HEADER);
        return header == null ? null : header.trim();
    }
}
