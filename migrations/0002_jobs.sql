-- Background jobs, one row per job, the spec's JobState (docs/storage.md). Times are RFC 3339 UTC strings with
-- milliseconds (toISOString), so they compare correctly as text.
CREATE TABLE jobs (
  job_id           TEXT PRIMARY KEY,                  -- ULID: sortable by creation
  kind             TEXT NOT NULL,                     -- which work the job runs (content_generation, clip_ingest, ...)
  status           TEXT NOT NULL CHECK (status IN ('queued', 'processing', 'completed', 'failed')),
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  expires_at       TEXT NOT NULL,
  progress_step    TEXT,
  progress_current INTEGER,
  progress_total   INTEGER,
  request_data     TEXT NOT NULL,                     -- JSON of the original request
  results          TEXT,                              -- JSON, when completed (large results live in R2)
  error_message    TEXT,
  worker_id        TEXT,
  started_at       TEXT,
  completed_at     TEXT,
  lease_expires_at TEXT                               -- processing past this means the worker died
) WITHOUT ROWID;
CREATE INDEX jobs_status_id ON jobs (status, job_id);
CREATE INDEX jobs_expires_at ON jobs (expires_at);
