-- Portico schema, SQLite dialect. Times are epoch seconds; ids are text (UUIDs);
-- flags are 0/1 integers so both backends decode them the same way.

CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    email                TEXT,
    password_hash        TEXT NOT NULL,
    is_admin             INTEGER NOT NULL DEFAULT 0,
    locked               INTEGER NOT NULL DEFAULT 0,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    password_changed_at  INTEGER NOT NULL
);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE applications (
    id             TEXT PRIMARY KEY,
    owner_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    token_validity INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (owner_id, name)
);

CREATE TABLE app_keys (
    consumer_key          TEXT PRIMARY KEY,
    app_id                TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    key_type              TEXT NOT NULL,
    secret_digest         TEXT NOT NULL,
    grant_types           TEXT NOT NULL,
    access_token_validity INTEGER,
    created_at            INTEGER NOT NULL,
    secret_rotated_at     INTEGER NOT NULL,
    UNIQUE (app_id, key_type)
);

CREATE TABLE scopes (
    name        TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);

INSERT INTO scopes (name, description, created_at)
VALUES ('default', 'Granted when a client asks for no scope', 0);

-- One row per issuance: the access token and, for user grants, its refresh token.
-- Everything introspection and the gateway need is on the row itself.
CREATE TABLE tokens (
    id                 TEXT PRIMARY KEY,
    access_digest      TEXT NOT NULL UNIQUE,
    refresh_digest     TEXT UNIQUE,
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
    revoked_at         INTEGER
);
CREATE INDEX tokens_family ON tokens (family_id);
CREATE INDEX tokens_user ON tokens (user_id);
CREATE INDEX tokens_consumer_key ON tokens (consumer_key);

-- Append-only record of token activity for statistics; kept even when the
-- application or user it names is deleted.
CREATE TABLE token_events (
    id         TEXT PRIMARY KEY,
    app_id     TEXT NOT NULL,
    key_type   TEXT NOT NULL,
    grant_type TEXT NOT NULL,
    user_id    TEXT,
    username   TEXT,
    outcome    TEXT NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX token_events_app_at ON token_events (app_id, at);
