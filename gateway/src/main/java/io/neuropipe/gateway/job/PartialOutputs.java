package io.neuropipe.gateway.job;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;

import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.gateway.relay.OutboxRelay;
import io.neuropipe.proto.v1.PartialOutput;
import org.springframework.stereotype.Component;

/**
 * Text streamed by running steps (e.g. caption tokens), kept in memory until the job ends: chunks
 * arrive once per token, and writing each to the database would cost a transaction per token for
 * text that the step's result repeats in full. Entries of jobs that ended elsewhere are dropped by
 * the sweep once they are older than the longest allowed job.
 */
@Component
public class PartialOutputs implements OutboxRelay.SweepTask {

    private static final int MAX_CHUNKS_PER_ARTIFACT = 4096;
    private static final int MAX_JOBS = 10_000;

    private record Stream(long createdNanos, ConcurrentMap<String, ConcurrentSkipListMap<Integer, String>> chunks) {
    }

    private final ConcurrentMap<UUID, Stream> jobs = new ConcurrentHashMap<>();
    private final Duration maxAge;

    public PartialOutputs(GatewayProperties properties) {
        this.maxAge = properties.maxTimeout().plus(properties.deadlineGrace());
    }

    /** Adds a chunk of a job given by its id string; ignored (empty) when the id is not a UUID. */
    public Optional<UUID> add(String jobId, PartialOutput chunk) {
        UUID id;
        try {
            id = UUID.fromString(jobId);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        add(id, chunk.getArtifact(), chunk.getIndex(), chunk.getText());
        return Optional.of(id);
    }

    /** Adds a chunk; a repeated index (a redelivered event) replaces the same chunk. */
    public void add(UUID job, String artifact, int index, String text) {
        Stream stream = jobs.get(job);
        if (stream == null) {
            if (jobs.size() >= MAX_JOBS) {
                return;
            }
            stream = jobs.computeIfAbsent(job, k -> new Stream(System.nanoTime(), new ConcurrentHashMap<>()));
        }
        var byArtifact = stream.chunks();
        var chunks = byArtifact.computeIfAbsent(artifact, k -> new ConcurrentSkipListMap<>());
        if (chunks.size() < MAX_CHUNKS_PER_ARTIFACT || chunks.containsKey(index)) {
            chunks.put(index, text);
        }
    }

    /** The text so far of each artifact being streamed for {@code job}, chunks in index order. */
    public Map<String, String> text(UUID job) {
        Stream s = jobs.get(job);
        if (s == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        s.chunks().forEach((artifact, chunks) -> out.put(artifact, String.join("", chunks.values())));
        return out;
    }

    /** The chunks so far of each artifact being streamed for {@code job}, by index. */
    public Map<String, SortedMap<Integer, String>> chunks(UUID job) {
        Stream s = jobs.get(job);
        if (s == null) {
            return Map.of();
        }
        Map<String, SortedMap<Integer, String>> out = new LinkedHashMap<>();
        s.chunks().forEach((artifact, chunks) -> out.put(artifact, new TreeMap<>(chunks)));
        return out;
    }

    public void forget(UUID job) {
        jobs.remove(job);
    }

    @Override
    public void sweep() {
        long now = System.nanoTime();
        jobs.values().removeIf(s -> now - s.createdNanos() > maxAge.toNanos());
    }
}
