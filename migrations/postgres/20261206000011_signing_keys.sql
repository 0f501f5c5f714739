-- Keys that sign ID tokens, shared by every key-manager node. The private key is sealed
-- (XChaCha20-Poly1305) under `[oauth.signing] key_encryption_key`, which the database
-- never holds. A key signs from `activates_at` until a newer one activates, and stays
-- published until `published_until`, when no token it signed is still valid.
CREATE TABLE signing_keys (
    kid             TEXT PRIMARY KEY,
    algorithm       TEXT NOT NULL,
    public_jwk      TEXT NOT NULL,
    private_sealed  TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    activates_at    BIGINT NOT NULL,
    published_until BIGINT
);

-- OpenID Connect's scope: asking for it adds an ID token and opens /oauth2/userinfo.
INSERT INTO scopes (name, description, created_at)
VALUES ('openid', 'OpenID Connect: an ID token with the grant, and the userinfo endpoint', 0)
ON CONFLICT (name) DO NOTHING;
