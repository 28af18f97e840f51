package io.neuropipe.gateway.api;

import java.net.URI;

/** Stable {@code type} URIs of the gateway's problem responses (RFC 9457). */
public final class Problems {

    public static final String BASE = "https://neuropipe.io/problems/";
    public static final URI UNKNOWN_PIPELINE = URI.create(BASE + "unknown-pipeline");
    public static final URI INVALID_INPUT = URI.create(BASE + "invalid-input");
    public static final URI MALFORMED_JSON = URI.create(BASE + "malformed-json");
    public static final URI JOB_NOT_FOUND = URI.create(BASE + "job-not-found");
    public static final URI ARTIFACT_NOT_FOUND = URI.create(BASE + "artifact-not-found");
    public static final URI JOB_FINISHED = URI.create(BASE + "job-finished");
    public static final URI UNAUTHORIZED = URI.create(BASE + "unauthorized");
    public static final URI FORBIDDEN = URI.create(BASE + "forbidden");
    public static final URI RATE_LIMITED = URI.create(BASE + "rate-limited");
    public static final URI TOO_LARGE = URI.create(BASE + "too-large");
    public static final URI IDEMPOTENCY_CONFLICT = URI.create(BASE + "idempotency-key-reused");
    public static final URI KEY_NOT_FOUND = URI.create(BASE + "key-not-found");
    public static final URI UNSUPPORTED_MEDIA_TYPE = URI.create(BASE + "unsupported-media-type");
    public static final URI SAMPLE_NOT_FOUND = URI.create(BASE + "sample-not-found");
    public static final URI UNAVAILABLE = URI.create(BASE + "unavailable");
    public static final URI OVERLOADED = URI.create(BASE + "overloaded");
    public static final URI INTERNAL = URI.create(BASE + "internal");
    public static final URI MODEL_NOT_FOUND = URI.create(BASE + "model-not-found");
    public static final URI GENERATION_FAILED = URI.create(BASE + "generation-failed");

    private Problems() {
    }
}
