-- Machine credentials other Portico nodes present to the key manager's internal API
-- (`portico key-manager credential create`). The password is 256 random bits, so its
-- SHA-256 digest is kept rather than an Argon2 hash: a gateway's token check then costs
-- no password hash.
CREATE TABLE node_credentials (
    username      TEXT PRIMARY KEY,
    secret_digest TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT
);
