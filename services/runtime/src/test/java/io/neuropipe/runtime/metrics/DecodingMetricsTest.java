package io.neuropipe.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class DecodingMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DecodingMetrics metrics = new DecodingMetrics(registry);

    @Test
    void verificationStepsCountProposedAndAcceptedTokensPerProposer() {
        DecodingMetrics.Proposer ngram = metrics.proposer("ngram");
        ngram.verified(4, 3);
        ngram.verified(4, 0);
        metrics.proposer("draft-model").verified(2, 2);

        assertThat(registry.get(DecodingMetrics.PROPOSED).tag("proposer", "ngram").counter().count()).isEqualTo(8);
        assertThat(registry.get(DecodingMetrics.ACCEPTED).tag("proposer", "ngram").counter().count()).isEqualTo(3);
        var lengths = registry.get(DecodingMetrics.ACCEPTED_LENGTH).tag("proposer", "ngram").summary();
        assertThat(lengths.count()).isEqualTo(2);
        assertThat(lengths.totalAmount()).isEqualTo(3);
        assertThat(registry.get(DecodingMetrics.ACCEPTED).tag("proposer", "draft-model").counter().count()).isEqualTo(2);
    }

    @Test
    void moreAcceptedThanProposedIsRejected() {
        assertThatThrownBy(() -> metrics.proposer("ngram").verified(2, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
