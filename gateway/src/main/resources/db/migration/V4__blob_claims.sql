-- Which job holds which blob (claim check, see docs/adr/0005-blob-store.md). Blobs are shared by
-- content (sha256); a blob is deleted with the last job that claims it. Services write here too.
CREATE TABLE blob_claims (
    job_id text NOT NULL,
    sha256 text NOT NULL REFERENCES blobs (sha256) ON DELETE CASCADE,
    PRIMARY KEY (job_id, sha256)
);

CREATE INDEX blob_claims_sha256 ON blob_claims (sha256);

-- Blobs stored before claims existed belong to no job; keep them claimed by a placeholder so a
-- purge never removes them (delete them by hand once their jobs are gone).
INSERT INTO blob_claims (job_id, sha256) SELECT 'legacy', sha256 FROM blobs;
