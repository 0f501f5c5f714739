-- The gateway coalesces identical calls (same application, API, resource, status,
-- latency bucket and second) before writing them: one row then stands for `calls`
-- calls, and latency_ms is the slowest of them. Existing rows are one call each.
ALTER TABLE api_calls ADD COLUMN calls BIGINT NOT NULL DEFAULT 1;
