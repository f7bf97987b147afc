-- Stuck-job recovery: how often a job whose worker died (lease expired while processing) was handed back to the queue.
ALTER TABLE jobs ADD COLUMN recoveries INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_status_lease ON jobs (status, lease_expires_at);
