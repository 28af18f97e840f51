package io.neuropipe.gateway.job;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Job ids. A request with an idempotency key gets an id derived from it, so clients can compute it. */
public final class JobIds {

    private JobIds() {
    }

    /** The id of the job created for {@code requestId} of {@code tenant} (a name-based UUID). */
    public static UUID forRequest(String tenant, String requestId) {
        return UUID.nameUUIDFromBytes(("neuropipe-job:" + tenant + ":" + requestId).getBytes(StandardCharsets.UTF_8));
    }

    public static UUID random() {
        return UUID.randomUUID();
    }
}
