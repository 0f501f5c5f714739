-- Token values now lead with their row id (see src/crypto/token.rs), so tokens are found
-- by primary key and the digest columns need no index of their own: their random order
-- put each new token on random pages of two unique indexes, most of each commit's writes.
-- Tokens issued before this migration are still found by digest, through partial indexes
-- over just those rows (legacy_lookup = 1); they empty as the old tokens expire and purge.
-- SQLite cannot drop a column's UNIQUE constraint, hence the rebuild.
CREATE TABLE tokens_by_id (
    id                 TEXT PRIMARY KEY,
    access_digest      TEXT NOT NULL,
    refresh_digest     TEXT,
    family_id          TEXT NOT NULL,
    consumer_key       TEXT NOT NULL,
    app_id             TEXT NOT NULL,
    key_type           TEXT NOT NULL,
    grant_type         TEXT NOT NULL,
    user_id            TEXT,
    username           TEXT,
    scopes             TEXT NOT NULL,
    issued_at          INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    refresh_expires_at INTEGER,
    refresh_used_at    INTEGER,
    revoked_at         INTEGER,
    legacy_lookup      INTEGER NOT NULL DEFAULT 0
);
INSERT INTO tokens_by_id (id, access_digest, refresh_digest, family_id, consumer_key, app_id,
    key_type, grant_type, user_id, username, scopes, issued_at, expires_at,
    refresh_expires_at, refresh_used_at, revoked_at, legacy_lookup)
SELECT id, access_digest, refresh_digest, family_id, consumer_key, app_id, key_type,
    grant_type, user_id, username, scopes, issued_at, expires_at, refresh_expires_at,
    refresh_used_at, revoked_at, 1
FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_by_id RENAME TO tokens;
CREATE INDEX tokens_family ON tokens (family_id);
CREATE INDEX tokens_user ON tokens (user_id);
CREATE INDEX tokens_consumer_key ON tokens (consumer_key);
CREATE INDEX tokens_legacy_access ON tokens (access_digest) WHERE legacy_lookup = 1;
CREATE INDEX tokens_legacy_refresh ON tokens (refresh_digest) WHERE legacy_lookup = 1;
