-- Each key chooses its access tokens: opaque references (as before) or self-contained
-- JWTs (RFC 9068). Keys made before this migration stay opaque.
ALTER TABLE app_keys ADD COLUMN token_type TEXT NOT NULL DEFAULT 'opaque';

-- A JWT access token is never stored: its row keeps the jti (the row id) and an empty
-- access digest, and the JWT's signature proves what it says. Revoked JWTs that have
-- not expired are what gateways hold in their revocation list, read through this index.
ALTER TABLE tokens ADD COLUMN token_type TEXT NOT NULL DEFAULT 'opaque';
CREATE INDEX tokens_revoked_jwt ON tokens (expires_at)
    WHERE token_type = 'jwt' AND revoked_at IS NOT NULL;
