-- The REST API (`/api/v1`): a revision per application and API for optimistic
-- concurrency (`ETag` / `If-Match`), and the scopes its tokens carry. The admin scopes
-- are restricted to the `admin` role, which administrators hold by their flag.
ALTER TABLE applications ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE apis ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

INSERT INTO scopes (name, display_name, description, roles, created_at) VALUES
    ('apim:app_manage', 'Manage applications',
     'REST API: your applications, their keys and tokens, and their statistics', '', 0),
    ('apim:subscribe', 'Subscribe to APIs',
     'REST API: browse published APIs and manage your applications'' subscriptions', '', 0),
    ('apim:api_manage', 'Manage APIs',
     'REST API: create, change, publish and delete APIs and their resources', 'admin', 0),
    ('apim:admin', 'Administer Portico',
     'REST API: users and roles, scopes, settings, statistics and the audit log', 'admin', 0)
ON CONFLICT (name) DO NOTHING;
