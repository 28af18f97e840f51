package io.neuropipe.encoder.domain;

import java.util.List;

import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.step.InvalidInputException;

/** Maps a subject name from the request to the encoder's subject index (its card lists them). */
public final class SubjectIndex {

    private final List<String> subjects;
    private final long agnostic;

    public SubjectIndex(ModelCard card) {
        Object labels = card.labels().get("subjects");
        this.subjects = labels instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
        this.agnostic = (long) card.preprocessingNumber("subject_agnostic_index", Math.max(0, subjects.size() - 1));
    }

    /** The index of {@code name}; the subject-agnostic index when no subject is given. */
    public long indexOf(String name) {
        if (name == null || name.isBlank()) {
            return agnostic;
        }
        int i = subjects.indexOf(name);
        if (i < 0) {
            throw new InvalidInputException(ErrorCode.NOT_FOUND, "Unknown subject '" + name + "'; the EEG encoder knows "
                + subjects + " (omit the subject for the subject-agnostic path)");
        }
        return i;
    }
}
