-- The D1 index of content items (docs/storage.md). The full item is also stored here (item_json) so list queries
-- never touch R2; R2's content-items/{id}.json is the durable copy, written first.
CREATE TABLE content_items (
  content_item_id   TEXT    PRIMARY KEY,             -- deterministic ULID (time = clip creation)
  clip_id           TEXT    NOT NULL,
  platform          TEXT    NOT NULL,
  broadcaster_id    TEXT,
  broadcaster_name  TEXT    NOT NULL COLLATE NOCASE,
  clip_created_at   TEXT    NOT NULL,                -- RFC 3339 UTC with ms
  processing_status TEXT    NOT NULL,
  status_reason     TEXT,
  content_category  TEXT,
  clip_view_count   INTEGER NOT NULL,
  clip_duration     REAL    NOT NULL,
  content_score     REAL,
  github_confidence REAL,
  updated_at        TEXT    NOT NULL,
  version           INTEGER NOT NULL DEFAULT 1,      -- compare-and-set: every write checks the version it read
  item_json         TEXT    NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX content_items_platform_clip ON content_items (platform, clip_id);
CREATE INDEX content_items_created ON content_items (clip_created_at, content_item_id);
CREATE INDEX content_items_broadcaster_created ON content_items (broadcaster_name, clip_created_at);
CREATE INDEX content_items_status_created ON content_items (processing_status, clip_created_at);
CREATE INDEX content_items_category_created ON content_items (content_category, clip_created_at);
CREATE INDEX content_items_views ON content_items (clip_view_count, content_item_id);
CREATE INDEX content_items_duration ON content_items (clip_duration, content_item_id);
CREATE INDEX content_items_score ON content_items (content_score, content_item_id);
CREATE INDEX content_items_waiting ON content_items (status_reason) WHERE status_reason IS NOT NULL;

-- Daily spending against the configured budgets (Workers AI audio seconds, media egress bytes).
CREATE TABLE budget_usage (
  day      TEXT NOT NULL,                            -- YYYY-MM-DD, UTC
  resource TEXT NOT NULL,                            -- ai_audio_seconds | media_egress_bytes | ai_judge_calls ...
  used     REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (day, resource)
) WITHOUT ROWID;
