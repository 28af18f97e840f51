-- Galleries belong to a tenant (the gateway's API-key tenant). tenant = '' marks a shared gallery (the zoo
-- gallery the encoder seeds): every tenant reads and searches it, none changes it. Gateway tenant ids are
-- never empty. Galleries from before this migration were visible to everyone, so they become shared.
ALTER TABLE galleries ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE galleries ALTER COLUMN tenant DROP DEFAULT;

-- Names are unique per tenant now, so entries refer to a gallery by a surrogate id.
ALTER TABLE galleries ADD COLUMN id bigserial;
ALTER TABLE gallery_entries ADD COLUMN gallery_id bigint;
UPDATE gallery_entries e SET gallery_id = g.id FROM galleries g WHERE g.name = e.gallery;
ALTER TABLE gallery_entries ALTER COLUMN gallery_id SET NOT NULL;
-- drops the foreign key to galleries (name) and the index gallery_entries_by_gallery with it
ALTER TABLE gallery_entries DROP COLUMN gallery;

ALTER TABLE galleries DROP CONSTRAINT galleries_pkey;
ALTER TABLE galleries ADD PRIMARY KEY (id);
ALTER TABLE galleries ADD CONSTRAINT galleries_tenant_name_key UNIQUE (tenant, name);
ALTER TABLE gallery_entries ADD CONSTRAINT gallery_entries_gallery_id_fkey
    FOREIGN KEY (gallery_id) REFERENCES galleries (id) ON DELETE CASCADE;
CREATE INDEX gallery_entries_by_gallery ON gallery_entries (gallery_id, id);
