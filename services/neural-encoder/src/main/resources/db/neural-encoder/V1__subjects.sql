-- Subjects known to the neural encoder: who the recordings come from and which adapter maps them
-- into the shared space. Seeded with the model zoo's subjects at start-up; new fMRI subjects are
-- POSTed with their adapter graph, stored here so every instance can load it.
CREATE TABLE subjects (
    id              TEXT PRIMARY KEY,
    modality        TEXT        NOT NULL CHECK (modality IN ('eeg', 'fmri')),
    montage         TEXT,                         -- EEG: channel names, comma-separated, in the model's order
    voxel_count     INTEGER,                      -- fMRI: voxels in the subject's mask
    adapter_model   TEXT        NOT NULL,         -- model repository name of the subject's adapter (or the EEG encoder)
    adapter_version INTEGER     NOT NULL,
    sha256          CHAR(64)    NOT NULL,         -- of the adapter graph
    adapter_onnx    BYTEA,                        -- uploaded adapter graph; NULL when served from the model repository
    created         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((modality = 'eeg' AND montage IS NOT NULL) OR (modality = 'fmri' AND voxel_count > 0))
);
