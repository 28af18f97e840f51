package io.neuropipe.runtime.retry;

/**
 * The pause between attempts while a store is unreachable: 100 ms, doubling up to 2 s. Nothing
 * signals "store back", so waiting out an outage means polling it. One instance per retry loop.
 */
public final class OutageBackoff {

    private static final long FIRST_MS = 100;
    private static final long MAX_MS = 2000;

    private long nextMs = FIRST_MS;

    /**
     * Sleeps for the next pause, at most {@code capMs}, and doubles the pause after it.
     *
     * @return false when the thread was interrupted (its interrupt flag is set again)
     */
    public boolean pause(long capMs) {
        try {
            Thread.sleep(Math.max(0, Math.min(nextMs, capMs)));
            nextMs = Math.min(MAX_MS, nextMs * 2);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
