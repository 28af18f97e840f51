package io.neuropipe.runtime.step;

/**
 * A service's business logic for one step: a plain function from the step's input to its output,
 * testable without Kafka or Spring. {@link StepRunner} adds deadlines, routing, failure events,
 * DLQ, metrics and trace propagation around it.
 */
public interface StepHandler {

    /** Name of the step, as route nodes name it (e.g. {@code encode}). */
    String step();

    /** Runs the step. Throws a {@link StepException} subclass for failures the caller can act on. */
    StepOutput handle(StepInput input);
}
