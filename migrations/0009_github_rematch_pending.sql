-- A GitHub event a webhook stores, or one backfill stores for the first time, must send the matched clips around it
-- back through the matcher (clip.rematch). The flag is set with the write and cleared once those messages are
-- queued, so a failure in between (a queue send that fails, a worker that stops) is caught up by the next delivery
-- or backfill of the event, or by housekeeping: GitHub does not redeliver a failed webhook by itself.
ALTER TABLE github_events ADD COLUMN rematch_pending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX github_events_rematch_pending ON github_events (updated_at) WHERE rematch_pending = 1;
