-- Token values now lead with their row id (see src/crypto/token.rs), so tokens are found
-- by primary key and the digest columns need no index of their own: their random order
-- put each new token on random pages of two unique indexes, most of each commit's writes.
-- Tokens issued before this migration are still found by digest, through partial indexes
-- over just those rows (legacy_lookup = 1); they empty as the old tokens expire and purge.
ALTER TABLE tokens ADD COLUMN legacy_lookup INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tokens ALTER COLUMN legacy_lookup SET DEFAULT 0;
ALTER TABLE tokens DROP CONSTRAINT tokens_access_digest_key;
ALTER TABLE tokens DROP CONSTRAINT tokens_refresh_digest_key;
CREATE INDEX tokens_legacy_access ON tokens (access_digest) WHERE legacy_lookup = 1;
CREATE INDEX tokens_legacy_refresh ON tokens (refresh_digest) WHERE legacy_lookup = 1;
