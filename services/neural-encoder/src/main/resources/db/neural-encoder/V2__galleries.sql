-- Named galleries of image embeddings for retrieval (owned by the neural encoder).
CREATE TABLE galleries (
    name        text PRIMARY KEY,
    description text        NOT NULL DEFAULT '',
    dim         integer     NOT NULL CHECK (dim > 0),
    -- bumped on every change, so an in-memory index knows it is stale
    version     bigint      NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE gallery_entries (
    id         bigserial PRIMARY KEY,
    gallery    text        NOT NULL REFERENCES galleries (name) ON DELETE CASCADE,
    label      text        NOT NULL,
    -- dim float32 values, little-endian, as uploaded (normalised when indexed)
    embedding  bytea       NOT NULL,
    -- PNG bytes, null when the entry was added as an embedding without an image
    thumbnail  bytea,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX gallery_entries_by_gallery ON gallery_entries (gallery, id);
