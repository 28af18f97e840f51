package io.neuropipe.gateway.api;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.neuropipe.gateway.auth.Caller;
import io.neuropipe.gateway.auth.ProblemWriter;
import io.neuropipe.gateway.config.GalleryRoutingProperties;
import io.neuropipe.gateway.config.SubjectRoutingProperties;
import io.neuropipe.runtime.tenant.TenantHeader;
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
 * Forwards the REST APIs that services own — {@code /v1/galleries/**} and {@code /v1/subjects/**},
 * both the neural encoder's — after the gateway's size and API-key filters; the service's answer
 * (including its problem+json errors) passes back as it is. A filter rather than a controller so
 * multipart uploads travel byte for byte instead of being parsed and rebuilt. Of the client's headers
 * only Content-Type and Accept pass; the gateway adds {@link TenantHeader#NAME} with the tenant of the
 * caller's API key, so a client cannot choose the tenant (galleries are per tenant). 503 when the
 * service cannot be reached, 504 when it is slow.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
class ServiceProxyFilter extends OncePerRequestFilter {

    private static final Set<String> METHODS = Set.of("GET", "POST", "DELETE");

    /** One forwarded API: requests under {@code prefix} go to {@code url} + the same path. */
    private record Route(String prefix, String what, URI url, Duration timeout) {
        boolean matches(String path) {
            return path.equals(prefix) || path.startsWith(prefix + "/");
        }
    }

    private final List<Route> routes;
    private final ProblemWriter problems;
    private final HttpClient http;

    ServiceProxyFilter(GalleryRoutingProperties galleries, SubjectRoutingProperties subjects, ProblemWriter problems) {
        this.routes = List.of(new Route("/v1/galleries", "galleries", galleries.url(), galleries.timeout()),
            new Route("/v1/subjects", "subjects", subjects.url(), subjects.timeout()));
        this.problems = problems;
        this.http = HttpClient.newBuilder().connectTimeout(galleries.timeout().compareTo(subjects.timeout()) < 0
            ? galleries.timeout() : subjects.timeout()).build();
    }

    private Optional<Route> route(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return routes.stream().filter(r -> r.matches(path)).findFirst();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return route(request).isEmpty();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Route route = route(request).orElseThrow();
        if (!METHODS.contains(request.getMethod())) {
            problems.write(response, HttpStatus.METHOD_NOT_ALLOWED, Problems.INVALID_INPUT, "Method Not Allowed",
                request.getMethod() + " is not supported on " + route.what() + " (GET, POST, DELETE)", Map.of());
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String query = request.getQueryString();
        URI target = URI.create(route.url().toString().replaceAll("/+$", "") + path + (query == null ? "" : "?" + query));
        byte[] body = request.getInputStream().readAllBytes();
        HttpRequest.Builder out = HttpRequest.newBuilder(target).timeout(route.timeout())
            .method(request.getMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (!(request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller)) {
            throw new IllegalStateException("No caller established for " + path + "; the API-key filter must run first");
        }
        out.header(TenantHeader.NAME, caller.tenant());
        if (request.getContentType() != null) {
            out.header(HttpHeaders.CONTENT_TYPE, request.getContentType());
        }
        if (request.getHeader(HttpHeaders.ACCEPT) != null) {
            out.header(HttpHeaders.ACCEPT, request.getHeader(HttpHeaders.ACCEPT));
        }
        try {
            HttpResponse<byte[]> answer = http.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.setStatus(answer.statusCode());
            answer.headers().firstValue(HttpHeaders.CONTENT_TYPE).ifPresent(response::setContentType);
            answer.headers().firstValue(HttpHeaders.LOCATION).ifPresent(l -> response.setHeader(HttpHeaders.LOCATION, l));
            response.getOutputStream().write(answer.body());
        } catch (HttpTimeoutException e) {
            problems.write(response, HttpStatus.GATEWAY_TIMEOUT, Problems.UNAVAILABLE, "Gateway Timeout",
                "The service that owns " + route.what() + " did not answer within " + route.timeout(), Map.of());
        } catch (ConnectException e) {
            problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, Problems.UNAVAILABLE, "Service Unavailable",
                "The service that owns " + route.what() + " is unreachable", Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, Problems.UNAVAILABLE, "Service Unavailable", "Interrupted", Map.of());
        }
    }
}
