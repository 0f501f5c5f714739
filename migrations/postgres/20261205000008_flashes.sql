-- The one-time value (a new consumer secret or access token) a plain form post leaves
-- for the next page, which another portal node may serve. Sealed under a key derived
-- from the browser's session cookie, which the database never holds (service::flash).
CREATE TABLE flashes (
    session_digest TEXT PRIMARY KEY,
    sealed         TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
