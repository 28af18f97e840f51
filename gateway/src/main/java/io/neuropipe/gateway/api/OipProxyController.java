package io.neuropipe.gateway.api;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.neuropipe.gateway.config.OipRoutingProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Open Inference Protocol v2 at the gateway: server metadata and health answered here,
 * {@code /v2/models/{model}/...} forwarded to the service that serves the model
 * ({@code neuropipe.gateway.oip.models}), its answer passed back as it is. Errors here are OIP's
 * {@code {"error": "..."}}: 404 for a model no service is configured for, 503 when that service
 * cannot be reached, 504 when it does not answer in time.
 */
@RestController
@RequestMapping("/v2")
class OipProxyController {

    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][\\w.-]{0,127}");
    private static final Pattern REST = Pattern.compile("(/versions/\\d{1,9})?(/ready|/infer)?");

    /** An OIP call that is answered here with {@code {"error": message}}. */
    static class OipError extends RuntimeException {
        private final HttpStatus status;

        OipError(HttpStatus status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final OipRoutingProperties routes;
    private final HttpClient http;

    OipProxyController(OipRoutingProperties routes) {
        this.routes = routes;
        this.http = HttpClient.newBuilder().connectTimeout(routes.timeout()).build();
    }

    @GetMapping
    Map<String, Object> server() {
        return Map.of("name", "neuropipe-gateway", "version", "2", "extensions", List.of("generate"));
    }

    @GetMapping({"/health/live", "/health/ready"})
    ResponseEntity<Void> health() {
        return ResponseEntity.ok().build();
    }

    @RequestMapping(path = {"/models/{model}", "/models/{model}/**"}, method = {RequestMethod.GET, RequestMethod.POST})
    ResponseEntity<byte[]> forward(@PathVariable String model, HttpServletRequest request,
                                   @RequestBody(required = false) byte[] body) {
        String prefix = request.getContextPath() + "/v2/models/" + model;
        String rest = request.getRequestURI().substring(Math.min(prefix.length(), request.getRequestURI().length()));
        boolean post = "POST".equals(request.getMethod());
        if (!MODEL.matcher(model).matches() || !REST.matcher(rest).matches() || post != rest.endsWith("/infer")) {
            throw new OipError(HttpStatus.NOT_FOUND, "No OIP endpoint " + request.getMethod() + " " + request.getRequestURI());
        }
        URI base = Optional.ofNullable(routes.models().get(model)).or(() -> Optional.ofNullable(routes.defaultUrl()))
            .orElseThrow(() -> new OipError(HttpStatus.NOT_FOUND, "No model '" + model + "'; models served: "
                + routes.models().keySet()));
        URI target = URI.create(base.toString().replaceAll("/+$", "") + "/v2/models/" + model + rest);
        HttpRequest.Builder out = HttpRequest.newBuilder(target).timeout(routes.timeout());
        out = post ? out.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body == null ? new byte[0] : body)) : out.GET();
        try {
            HttpResponse<byte[]> answer = http.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            return ResponseEntity.status(answer.statusCode())
                .contentType(MediaType.parseMediaType(answer.headers().firstValue(HttpHeaders.CONTENT_TYPE)
                    .orElse(MediaType.APPLICATION_JSON_VALUE)))
                .body(answer.body());
        } catch (HttpTimeoutException e) {
            throw new OipError(HttpStatus.GATEWAY_TIMEOUT, "The service of model '" + model + "' did not answer within "
                + routes.timeout());
        } catch (ConnectException e) {
            throw new OipError(HttpStatus.SERVICE_UNAVAILABLE, "The service of model '" + model + "' is unreachable");
        } catch (IOException e) {
            throw new OipError(HttpStatus.SERVICE_UNAVAILABLE, "The service of model '" + model + "' failed: "
                + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OipError(HttpStatus.SERVICE_UNAVAILABLE, "Interrupted");
        }
    }

    @ExceptionHandler
    ResponseEntity<Map<String, String>> error(OipError e) {
        return ResponseEntity.status(e.status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", e.getMessage()));
    }
}
