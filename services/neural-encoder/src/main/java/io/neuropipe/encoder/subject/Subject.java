package io.neuropipe.encoder.subject;

import java.time.Instant;
import java.util.List;

/**
 * A registered subject.
 *
 * @param id             subject id as requests name it (e.g. {@code subj01}, {@code sub-01})
 * @param modality       {@code eeg} or {@code fmri}
 * @param montage        EEG channel names in the model's order; empty for fMRI
 * @param voxelCount     fMRI voxels in the subject's mask; 0 for EEG
 * @param adapterModel   model repository name of the subject's adapter (EEG: the encoder holding its subject token)
 * @param adapterVersion version of that model
 * @param sha256         SHA-256 of the adapter graph
 * @param uploaded       true when the adapter was POSTed (stored in the registry), false for the zoo's
 * @param created        when the subject was registered
 */
public record Subject(String id, Modality modality, List<String> montage, int voxelCount, String adapterModel,
                      int adapterVersion, String sha256, boolean uploaded, Instant created) {

    public Subject {
        montage = List.copyOf(montage);
    }

    /** Recording modality of a subject. */
    public enum Modality {
        EEG, FMRI;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Modality parse(String s) {
            for (Modality m : values()) {
                if (m.key().equalsIgnoreCase(s == null ? "" : s.strip())) {
                    return m;
                }
            }
            throw new io.neuropipe.runtime.step.InvalidInputException("modality must be 'eeg' or 'fmri', not '" + s + "'");
        }
    }
}
