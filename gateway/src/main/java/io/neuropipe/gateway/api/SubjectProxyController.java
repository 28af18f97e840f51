package io.neuropipe.gateway.api;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.regex.Pattern;

import io.neuropipe.gateway.config.SubjectRoutingProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/subjects/**} behind the gateway's authentication, forwarded to the neural encoder
 * that owns the registry; its answers (problem+json errors included) pass back as they are. When
 * the encoder cannot be reached: 503 (or 504 after {@code neuropipe.gateway.subjects.timeout}).
 */
@RestController
@RequestMapping("/v1/subjects")
class SubjectProxyController {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][\\w-]{0,62}");
    private static final URI UNAVAILABLE = URI.create(Problems.BASE + "service-unavailable");

    /** A forwarding failure answered here. */
    static class Unavailable extends RuntimeException {
        private final HttpStatus status;

        Unavailable(HttpStatus status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final SubjectRoutingProperties routes;
    private final HttpClient http;

    SubjectProxyController(SubjectRoutingProperties routes) {
        this.routes = routes;
        this.http = HttpClient.newBuilder().connectTimeout(routes.timeout()).build();
    }

    @GetMapping
    ResponseEntity<byte[]> list() {
        return send(request("").GET());
    }

    @GetMapping("/{id}")
    ResponseEntity<byte[]> get(@PathVariable String id) {
        if (!ID.matcher(id).matches()) {
            ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "Unknown subject '" + id + "'");
            p.setType(URI.create(Problems.BASE + "subject-not-found"));
            throw new org.springframework.web.ErrorResponseException(HttpStatus.NOT_FOUND, p, null);
        }
        return send(request("/" + id).GET());
    }

    /** The servlet container has parsed the multipart body already: its parts are written out again for the encoder. */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<byte[]> register(HttpServletRequest incoming) throws IOException, jakarta.servlet.ServletException {
        String boundary = "neuropipe-" + java.util.UUID.randomUUID();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (jakarta.servlet.http.Part part : incoming.getParts()) {
            StringBuilder head = new StringBuilder("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"")
                .append(part.getName().replace("\"", "")).append('"');
            if (part.getSubmittedFileName() != null) {
                head.append("; filename=\"").append(part.getSubmittedFileName().replace("\"", "")).append('"');
            }
            if (part.getContentType() != null) {
                head.append("\r\nContent-Type: ").append(part.getContentType());
            }
            body.write(head.append("\r\n\r\n").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try (var in = part.getInputStream()) {
                in.transferTo(body);
            }
            body.write("\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return send(request("").header(HttpHeaders.CONTENT_TYPE, "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(routes.url().toString().replaceAll("/+$", "") + "/v1/subjects" + path))
            .timeout(routes.timeout());
    }

    private ResponseEntity<byte[]> send(HttpRequest.Builder out) {
        try {
            HttpResponse<byte[]> answer = http.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            ResponseEntity.BodyBuilder reply = ResponseEntity.status(answer.statusCode()).contentType(MediaType.parseMediaType(
                answer.headers().firstValue(HttpHeaders.CONTENT_TYPE).orElse(MediaType.APPLICATION_JSON_VALUE)));
            answer.headers().firstValue(HttpHeaders.LOCATION).ifPresent(l -> reply.header(HttpHeaders.LOCATION, l));
            return reply.body(answer.body());
        } catch (HttpTimeoutException e) {
            throw new Unavailable(HttpStatus.GATEWAY_TIMEOUT, "The neural encoder did not answer within " + routes.timeout());
        } catch (ConnectException e) {
            throw new Unavailable(HttpStatus.SERVICE_UNAVAILABLE, "The neural encoder (subjects registry) is unreachable");
        } catch (IOException e) {
            throw new Unavailable(HttpStatus.SERVICE_UNAVAILABLE, "The neural encoder failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable(HttpStatus.SERVICE_UNAVAILABLE, "Interrupted");
        }
    }

    @ExceptionHandler
    ProblemDetail unavailable(Unavailable e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(e.status, e.getMessage());
        p.setType(UNAVAILABLE);
        p.setTitle(e.status.getReasonPhrase());
        return p;
    }
}
