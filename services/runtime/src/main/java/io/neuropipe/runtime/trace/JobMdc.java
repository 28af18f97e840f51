package io.neuropipe.runtime.trace;

import org.slf4j.MDC;

/**
 * Puts a job's id and trace id in the logging MDC ({@code job_id}, {@code trace_id}, printed by the
 * log pattern in {@code neuropipe-defaults.yml}); closing restores what was there before.
 */
public final class JobMdc implements AutoCloseable {

    public static final String JOB_ID = "job_id";
    public static final String TRACE_ID = "trace_id";

    private final String previousJob;
    private final String previousTrace;

    private JobMdc(String previousJob, String previousTrace) {
        this.previousJob = previousJob;
        this.previousTrace = previousTrace;
    }

    /** Sets both keys; a missing traceparent leaves {@code trace_id} unset. */
    public static JobMdc put(String jobId, String traceparent) {
        JobMdc scope = new JobMdc(MDC.get(JOB_ID), MDC.get(TRACE_ID));
        MDC.put(JOB_ID, jobId);
        if (traceparent != null && !traceparent.isBlank()) {
            MDC.put(TRACE_ID, TraceContext.parseOrNew(traceparent).traceId());
        } else {
            MDC.remove(TRACE_ID);
        }
        return scope;
    }

    @Override
    public void close() {
        restore(JOB_ID, previousJob);
        restore(TRACE_ID, previousTrace);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
