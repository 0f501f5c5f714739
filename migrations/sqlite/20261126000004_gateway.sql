-- The API gateway: APIs and their resources, subscriptions of applications to APIs,
-- roles that restrict scopes, and the record of proxied calls.

-- Space-separated role names. A scope with roles can be granted only to users holding
-- one of them; a scope without roles to anyone.
ALTER TABLE scopes ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE scopes ADD COLUMN roles TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN roles TEXT NOT NULL DEFAULT '';

CREATE TABLE apis (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    context     TEXT NOT NULL UNIQUE,
    backend_url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    published   INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (name, version)
);

CREATE TABLE api_resources (
    id     TEXT PRIMARY KEY,
    api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    path   TEXT NOT NULL,
    -- Space-separated; any one of them lets a token through. Empty: no scope needed.
    scopes TEXT NOT NULL DEFAULT '',
    UNIQUE (api_id, method, path)
);

CREATE TABLE subscriptions (
    app_id     TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    api_id     TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, api_id)
);
CREATE INDEX subscriptions_api ON subscriptions (api_id);

-- One row per call the gateway proxied for an identified application, written in
-- batches off the request path. latency_bucket indexes the fixed histogram
-- domain::stats::LATENCY_BOUNDS_MS, so percentiles survive the daily rollup.
CREATE TABLE api_calls (
    app_id         TEXT NOT NULL,
    api_id         TEXT NOT NULL,
    resource       TEXT NOT NULL,
    status         INTEGER NOT NULL,
    latency_ms     INTEGER NOT NULL,
    latency_bucket INTEGER NOT NULL,
    at             INTEGER NOT NULL
);
CREATE INDEX api_calls_app_at ON api_calls (app_id, at);
CREATE INDEX api_calls_at ON api_calls (at);

CREATE TABLE api_call_daily (
    app_id         TEXT NOT NULL,
    api_id         TEXT NOT NULL,
    day            INTEGER NOT NULL,
    latency_bucket INTEGER NOT NULL,
    calls          INTEGER NOT NULL,
    errors         INTEGER NOT NULL,
    PRIMARY KEY (app_id, api_id, day, latency_bucket)
);
CREATE INDEX api_call_daily_day ON api_call_daily (day);
INSERT INTO stats_state (name, value) VALUES ('api_call_daily', 0);
