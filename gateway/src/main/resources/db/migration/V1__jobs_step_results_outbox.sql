-- Jobs, their step results and the transactional outbox of the gateway.

CREATE TABLE jobs (
    id            uuid        PRIMARY KEY,
    tenant        text        NOT NULL,
    request_id    text,
    pipeline      text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED')),
    route         bytea       NOT NULL,          -- neuropipe.v1.RouteNode
    leaf_ids      text[]      NOT NULL,
    params        jsonb       NOT NULL DEFAULT '{}',
    traceparent   text        NOT NULL,
    error_code    text,
    error_message text,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    deadline_at   timestamptz NOT NULL,
    UNIQUE (tenant, request_id)
);

-- Unfinished jobs by deadline, for the deadline sweep.
CREATE INDEX jobs_open_deadline ON jobs (deadline_at) WHERE status IN ('PENDING', 'RUNNING');

CREATE TABLE step_results (
    job_id         uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    step_id        text        NOT NULL,
    step           text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('DONE', 'FAILED')),
    service        text,
    queue_ms       bigint,
    preprocess_us  bigint,
    inference_us   bigint,
    postprocess_us bigint,
    total_us       bigint,
    provenance     jsonb       NOT NULL DEFAULT '{}',
    artifacts      bytea,                         -- neuropipe.v1.StepResult holding the artifacts
    error_code     text,
    error_message  text,
    emitted_at     timestamptz,
    received_at    timestamptz NOT NULL,
    PRIMARY KEY (job_id, step_id)
);

-- Streamed chunks (e.g. caption tokens), kept for late subscribers.
CREATE TABLE partial_outputs (
    job_id      uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    step_id     text        NOT NULL,
    artifact    text        NOT NULL,
    idx         integer     NOT NULL,
    text        text        NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (job_id, step_id, artifact, idx)
);

CREATE TABLE outbox (
    id         bigserial   PRIMARY KEY,
    topic      text        NOT NULL,
    key        text        NOT NULL,
    payload    bytea       NOT NULL,
    headers    jsonb       NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
