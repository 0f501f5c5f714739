-- Security-relevant events (service::audit): who did what to what, from where, and how
-- it ended. Append-only: rows are never changed, and only housekeeping deletes them,
-- past `[audit] retention_days`. No secret or password is ever written here.
CREATE TABLE audit_events (
    id      TEXT PRIMARY KEY,
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,
    address TEXT,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail  TEXT NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at, id);
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
