package io.neuropipe.gateway.api;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Map;
import java.util.Set;

import io.neuropipe.gateway.auth.ProblemWriter;
import io.neuropipe.gateway.config.GalleryRoutingProperties;
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
 * Forwards {@code /v1/galleries/**} to the neural encoder, which owns the galleries, after the
 * gateway's size and API-key filters; the service's answer (including its problem+json errors)
 * passes back as it is. A filter rather than a controller so multipart uploads travel byte for byte
 * instead of being parsed and rebuilt. 503 when the service cannot be reached, 504 when it is slow.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
class GalleryProxyFilter extends OncePerRequestFilter {

    private static final Set<String> METHODS = Set.of("GET", "POST", "DELETE");

    private final GalleryRoutingProperties routes;
    private final ProblemWriter problems;
    private final HttpClient http;

    GalleryProxyFilter(GalleryRoutingProperties routes, ProblemWriter problems) {
        this.routes = routes;
        this.problems = problems;
        this.http = HttpClient.newBuilder().connectTimeout(routes.timeout()).build();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals("/v1/galleries") || path.startsWith("/v1/galleries/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!METHODS.contains(request.getMethod())) {
            problems.write(response, HttpStatus.METHOD_NOT_ALLOWED, Problems.INVALID_INPUT, "Method Not Allowed",
                request.getMethod() + " is not supported on galleries (GET, POST, DELETE)", Map.of());
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String query = request.getQueryString();
        URI target = URI.create(routes.url().toString().replaceAll("/+$", "") + path + (query == null ? "" : "?" + query));
        byte[] body = request.getInputStream().readAllBytes();
        HttpRequest.Builder out = HttpRequest.newBuilder(target).timeout(routes.timeout())
            .method(request.getMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
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
                "The gallery service did not answer within " + routes.timeout(), Map.of());
        } catch (ConnectException e) {
            problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, Problems.UNAVAILABLE, "Service Unavailable",
                "The gallery service is unreachable", Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, Problems.UNAVAILABLE, "Service Unavailable", "Interrupted", Map.of());
        }
    }
}
