package io.neuropipe.gateway.lifecycle;

import java.time.Duration;

import org.springframework.context.SmartLifecycle;

/**
 * A component whose work is one loop on a daemon thread of its own, started and stopped with the application context:
 * {@link #loop()} goes on while {@link #going()} holds; {@link #stop()} ends that, interrupts the thread and waits for
 * it to return.
 */
public abstract class BackgroundLoop implements SmartLifecycle {

    private final String name;
    private final Duration joinTimeout;
    private volatile Thread thread;

    /**
     * @param name        the thread's name
     * @param joinTimeout longest {@link #stop()} waits for {@link #loop()} to return
     */
    protected BackgroundLoop(String name, Duration joinTimeout) {
        this.name = name;
        this.joinTimeout = joinTimeout;
    }

    /** The work; returns once {@link #going()} turns false (or the thread is interrupted). */
    protected abstract void loop();

    /** Whether the calling thread is this loop's thread and the loop has not been stopped. */
    protected final boolean going() {
        return thread == Thread.currentThread();
    }

    @Override
    public void start() {
        Thread t = new Thread(this::loop, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void stop() {
        Thread t = thread;
        thread = null;
        if (t != null) {
            t.interrupt();
            try {
                t.join(joinTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }
}
