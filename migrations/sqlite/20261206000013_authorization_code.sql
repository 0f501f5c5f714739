-- The authorization code grant (RFC 6749 §4.1 with PKCE, RFC 7636). A key lists its
-- callback URLs (one per line, matched exactly); a public client (a browser or mobile
-- app) has no usable secret and must always use PKCE; plain PKCE only where allowed.
ALTER TABLE app_keys ADD COLUMN callback_urls TEXT NOT NULL DEFAULT '';
ALTER TABLE app_keys ADD COLUMN public_client INTEGER NOT NULL DEFAULT 0;
ALTER TABLE app_keys ADD COLUMN allow_plain_pkce INTEGER NOT NULL DEFAULT 0;

-- A code is its row id and 256 random bits, as tokens are; only the digest is kept. It
-- works once, within a minute; family_id names the tokens it was exchanged for, so a
-- replayed code revokes them (RFC 6749 §4.1.2).
CREATE TABLE authorization_codes (
    id               TEXT PRIMARY KEY,
    code_digest      TEXT NOT NULL,
    consumer_key     TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    username         TEXT NOT NULL,
    redirect_uri     TEXT NOT NULL,
    scopes           TEXT NOT NULL,
    code_challenge   TEXT NOT NULL,
    challenge_method TEXT NOT NULL,
    nonce            TEXT,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    used_at          INTEGER,
    family_id        TEXT
);
CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at);

-- What a user allowed an application, so the consent page is not shown again for the
-- same scopes; listed and revocable on the user's tokens page.
CREATE TABLE consents (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    app_id     TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    scopes     TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, app_id)
);

-- Users who authorised an application with the authorization code grant are its
-- registered users too; each row names the grants its user came through.
ALTER TABLE app_users ADD COLUMN grants TEXT NOT NULL DEFAULT 'password';
