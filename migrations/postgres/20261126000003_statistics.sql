-- Statistics. Raw token events stay the source of truth; two tables make reading them
-- cheap at any volume:
--   app_users   one row per (application, user) with a successful password grant,
--               kept current in the same transaction as each such token;
--   token_daily per-day counts of closed UTC days, rolled up from token_events after the
--               day ends (so the hot token paths never contend on a counter row).
-- stats_state.value is the first instant not yet rolled up into token_daily.

CREATE INDEX token_events_at ON token_events (at);

CREATE TABLE app_users (
    app_id   TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    username TEXT NOT NULL,
    first_at BIGINT NOT NULL,
    last_at  BIGINT NOT NULL,
    tokens   BIGINT NOT NULL,
    PRIMARY KEY (app_id, user_id)
);
CREATE INDEX app_users_recent ON app_users (app_id, last_at);

INSERT INTO app_users (app_id, user_id, username, first_at, last_at, tokens)
SELECT app_id, user_id, MAX(username), MIN(at), MAX(at), COUNT(*)
FROM token_events
WHERE outcome = 'issued' AND grant_type = 'password' AND user_id IS NOT NULL
GROUP BY app_id, user_id;

CREATE TABLE token_daily (
    app_id     TEXT NOT NULL,
    day        BIGINT NOT NULL,
    grant_type TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    count      BIGINT NOT NULL,
    PRIMARY KEY (app_id, day, grant_type, outcome)
);
CREATE INDEX token_daily_day ON token_daily (day);

CREATE TABLE stats_state (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO stats_state (name, value) VALUES ('token_daily', 0);
