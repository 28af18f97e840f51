package io.neuropipe.encoder.domain;

/**
 * An event to cut an epoch at.
 *
 * @param onset seconds from the recording start (the EDF start time)
 * @param label what happened (e.g. an EDF+ annotation text such as {@code stim/03})
 */
public record EegEvent(double onset, String label) {

    public EegEvent {
        if (!Double.isFinite(onset)) {
            throw new IllegalArgumentException("event onset must be finite: " + onset);
        }
        label = label == null ? "" : label;
    }
}
