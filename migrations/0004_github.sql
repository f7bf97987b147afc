-- GitHub events from webhooks and backfill, one row per event id (docs/storage.md), and webhook deliveries seen.
CREATE TABLE github_events (
  event_id    TEXT PRIMARY KEY,                      -- derived from what happened: commit sha, PR number + transition
  repo        TEXT NOT NULL COLLATE NOCASE,          -- owner/name
  type        TEXT NOT NULL,
  action      TEXT,
  occurred_at TEXT NOT NULL,                         -- RFC 3339 UTC with ms
  source      TEXT NOT NULL CHECK (source IN ('webhook', 'backfill')),
  event_json  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX github_events_repo_time ON github_events (repo, occurred_at);
CREATE INDEX github_events_time ON github_events (occurred_at);

-- X-GitHub-Delivery ids already processed: a redelivery is answered 200 and not stored twice.
CREATE TABLE github_deliveries (
  delivery_id   TEXT PRIMARY KEY,
  event         TEXT NOT NULL,
  received_at   TEXT NOT NULL,
  events_stored INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX github_deliveries_received ON github_deliveries (received_at);
