package io.neuropipe.gateway.feed;

/**
 * Something that happened to a job, as pushed to its live subscribers. {@link #key()} identifies
 * the happening, so a subscriber that also received a snapshot sees each one once.
 */
public sealed interface FeedEvent {

    String key();

    /**
     * A route node changed state.
     *
     * @param status STARTED (its envelope was sent to its service), DONE or FAILED
     */
    record StepChanged(String stepId, String step, String status) implements FeedEvent {
        @Override
        public String key() {
            return "step:" + stepId + ":" + status;
        }
    }

    /** A chunk of streamed text of artifact {@code artifact}, {@code index} counting from 0. */
    record Chunk(String artifact, int index, String text) implements FeedEvent {
        @Override
        public String key() {
            return "chunk:" + artifact + ":" + index;
        }
    }

    /**
     * Not a happening: asks subscribers to compare with the store and send what they have not seen,
     * which catches up on events another gateway instance consumed.
     */
    record Resync() implements FeedEvent {
        @Override
        public String key() {
            return "resync";
        }
    }

    /** The job reached a final state (DONE, FAILED or CANCELLED); read the store for which. */
    record Ended() implements FeedEvent {
        @Override
        public String key() {
            return "job:end";
        }
    }
}
