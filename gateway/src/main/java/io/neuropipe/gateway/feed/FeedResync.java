package io.neuropipe.gateway.feed;

import io.neuropipe.gateway.relay.OutboxRelay;
import org.springframework.stereotype.Component;

/**
 * Once per relay sweep ({@code neuropipe.gateway.relay.sweep-interval}) asks every live subscriber
 * to catch up with the store: with several gateway instances, the job events a subscriber's job
 * gets may be consumed by another instance, whose stored effects (steps done, the job's end) reach
 * this subscriber this way. Streamed text chunks, kept in the consuming instance's memory, do not.
 */
@Component
class FeedResync implements OutboxRelay.SweepTask {

    private final JobFeed feed;

    FeedResync(JobFeed feed) {
        this.feed = feed;
    }

    @Override
    public void sweep() {
        feed.publishToAll(new FeedEvent.Resync());
    }
}
