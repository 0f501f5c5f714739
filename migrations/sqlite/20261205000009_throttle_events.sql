-- Password-check outcomes shared between nodes, so the brute-force throttle counts
-- attempts spread over several nodes as one (service::throttle_sync). A username is
-- kept only as a truncated digest and an address as the throttle counts it (IPv6 /64).
CREATE TABLE throttle_events (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    node TEXT NOT NULL,
    name TEXT NOT NULL,
    net  TEXT NOT NULL,
    ok   INTEGER NOT NULL,
    at   INTEGER NOT NULL
);
CREATE INDEX throttle_events_at ON throttle_events (at);
