package io.neuropipe.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Speculative decoding's acceptance, per proposer. The decoder takes one {@link Proposer} per
 * proposer it runs (once, not per token) and records each verification step with it:
 * {@code neuropipe.decoder.speculative.proposed} and {@code .accepted} count draft tokens (their
 * rate ratio is the acceptance rate), {@code .accepted.length} is the distribution of draft tokens
 * accepted per verification step.
 */
public final class DecodingMetrics {

    public static final String PROPOSED = "neuropipe.decoder.speculative.proposed";
    public static final String ACCEPTED = "neuropipe.decoder.speculative.accepted";
    public static final String ACCEPTED_LENGTH = "neuropipe.decoder.speculative.accepted.length";

    private final MeterRegistry registry;

    public DecodingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The meters of one proposer (e.g. {@code ngram}, {@code draft-model}), registered now. */
    public Proposer proposer(String name) {
        return new Proposer(
            Counter.builder(PROPOSED).description("Draft tokens proposed for verification").tag("proposer", name)
                .baseUnit("tokens").register(registry),
            Counter.builder(ACCEPTED).description("Draft tokens the target model accepted").tag("proposer", name)
                .baseUnit("tokens").register(registry),
            DistributionSummary.builder(ACCEPTED_LENGTH).description("Draft tokens accepted per verification step")
                .tag("proposer", name).baseUnit("tokens").serviceLevelObjectives(1, 2, 3, 4, 6, 8, 12, 16)
                .register(registry));
    }

    /** Records verification steps of one proposer; safe for concurrent use. */
    public static final class Proposer {

        private final Counter proposed;
        private final Counter accepted;
        private final DistributionSummary acceptedLength;

        Proposer(Counter proposed, Counter accepted, DistributionSummary acceptedLength) {
            this.proposed = proposed;
            this.accepted = accepted;
            this.acceptedLength = acceptedLength;
        }

        /** One verification step: {@code proposed} draft tokens checked, the first {@code accepted} of them kept. */
        public void verified(int proposed, int accepted) {
            if (proposed < 0 || accepted < 0 || accepted > proposed) {
                throw new IllegalArgumentException("Accepted " + accepted + " of " + proposed + " proposed tokens");
            }
            this.proposed.increment(proposed);
            this.accepted.increment(accepted);
            acceptedLength.record(accepted);
        }
    }
}
