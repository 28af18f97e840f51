package io.neuropipe.gateway.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.proto.v1.PartialOutput;
import org.junit.jupiter.api.Test;

class PartialOutputsTest {

    private final PartialOutputs partials = new PartialOutputs(new GatewayProperties(Path.of("models"), "default",
        Duration.ofSeconds(60), Duration.ofMinutes(10), 1 << 22, Duration.ofSeconds(30), Duration.ofSeconds(5),
        new GatewayProperties.Topics("neuropipe.step.", "neuropipe.jobs.results", "neuropipe.jobs.cancel"),
        new GatewayProperties.Relay(100, Duration.ofSeconds(1), Duration.ofSeconds(10), 0)));

    @Test
    void chunksJoinInIndexOrderAndRedeliveriesDoNotRepeat() {
        UUID job = UUID.randomUUID();
        partials.add(job, "caption", 2, " circle");
        partials.add(job, "caption", 0, "a");
        partials.add(job, "caption", 1, " red");
        partials.add(job, "caption", 1, " red");
        partials.add(job, "answer", 0, "yes");
        assertThat(partials.text(job)).containsEntry("caption", "a red circle").containsEntry("answer", "yes");
        partials.forget(job);
        assertThat(partials.text(job)).isEmpty();
    }

    @Test
    void chunksForIdsThatAreNotUuidsAreIgnored() {
        partials.add("not-a-job", PartialOutput.newBuilder().setArtifact("x").setText("y").build());
        UUID job = UUID.randomUUID();
        partials.add(job.toString(), PartialOutput.newBuilder().setArtifact("x").setIndex(0).setText("y").build());
        assertThat(partials.text(job)).containsEntry("x", "y");
    }
}
