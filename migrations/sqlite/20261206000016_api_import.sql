-- OpenAPI import: what a resource does and the parameters it takes, shown on the portal's
-- API page and filled in by Try It; and import drafts, the uploaded document waiting for
-- the admin to read the changes and apply them (kept in the database so that the preview
-- and the apply may land on different portal nodes; purged after a day).
ALTER TABLE api_resources ADD COLUMN summary TEXT NOT NULL DEFAULT '';
-- A JSON array of {"name", "in", "required", "description"}; `in` is path, query or header.
ALTER TABLE api_resources ADD COLUMN parameters TEXT NOT NULL DEFAULT '[]';

CREATE TABLE api_import_drafts (
    id          TEXT PRIMARY KEY,
    -- The API the document updates; NULL for a new one.
    api_id      TEXT REFERENCES apis(id) ON DELETE CASCADE,
    context     TEXT NOT NULL,
    backend_url TEXT NOT NULL,
    document    TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL
);
CREATE INDEX api_import_drafts_created ON api_import_drafts (created_at);
