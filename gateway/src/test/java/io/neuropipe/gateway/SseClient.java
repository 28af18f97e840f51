package io.neuropipe.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;

/** Reads a Server-Sent Events stream into a queue of events, for tests. */
public final class SseClient implements AutoCloseable {

    /** One event: its name, id and JSON data. */
    public record Event(String name, String id, JsonNode data) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile boolean ended;

    public SseClient(int port, String path, Map<String, String> headers) {
        this(port, path, headers, null);
    }

    /** A stream answering {@code POST path} with JSON {@code body}; a GET when {@code body} is null. */
    public SseClient(int port, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Accept", "text/event-stream");
        b = body == null ? b.GET() : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        response = HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(r -> {
            String name = "message";
            String id = null;
            StringBuilder data = new StringBuilder();
            for (String line : (Iterable<String>) r.body()::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(name, id, GatewayTestSupport.JSON.readTree(data.toString())));
                    }
                    name = "message";
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
            ended = true;
        });
    }

    public int status() throws Exception {
        return response.get(GatewayTestSupport.WAIT.toSeconds(), TimeUnit.SECONDS).statusCode();
    }

    /** The next event matching {@code wanted}, skipping others; fails after {@link GatewayTestSupport#WAIT}. */
    public Event await(Predicate<Event> wanted) throws InterruptedException {
        long end = System.nanoTime() + GatewayTestSupport.WAIT.toNanos();
        while (System.nanoTime() < end) {
            Event e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && wanted.test(e)) {
                return e;
            }
        }
        throw new AssertionError("No matching event within " + GatewayTestSupport.WAIT + " (stream ended: " + ended + ")");
    }

    /** Every event received so far, in order, not yet taken by {@link #await}. */
    public java.util.List<Event> drain() {
        java.util.List<Event> out = new java.util.ArrayList<>();
        events.drainTo(out);
        return out;
    }

    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        response.cancel(true);
    }
}
