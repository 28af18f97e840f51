-- Tenants' API keys (only a SHA-256 of each key's secret is kept), uploaded files, and the
-- fingerprint of the request that created a job (a reused Idempotency-Key with another body is refused).

CREATE TABLE api_keys (
    id            uuid        PRIMARY KEY,
    tenant        text        NOT NULL,
    name          text        NOT NULL,
    secret_sha256 bytea       NOT NULL,
    created_at    timestamptz NOT NULL,
    revoked_at    timestamptz
);

CREATE INDEX api_keys_tenant ON api_keys (tenant);

-- Claim-check store of uploaded files, addressed by content: pg://blobs/<sha256>.
CREATE TABLE blobs (
    sha256     text        PRIMARY KEY,
    media_type text        NOT NULL,
    size_bytes bigint      NOT NULL,
    content    bytea       NOT NULL,
    created_at timestamptz NOT NULL
);

ALTER TABLE jobs ADD COLUMN request_hash text;
-- The job's inputs (neuropipe.v1.StepResult holding them), served as artifacts.
ALTER TABLE jobs ADD COLUMN inputs bytea;
