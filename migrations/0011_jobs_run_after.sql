-- When a job's job.run message was sent held back (delaySeconds: the daily run's recaps wait for the stages
-- before them), the time it is due. Housekeeping resends a queued job's message only once it is overdue: a held
-- message is not a lost one. NULL: sent to run at once.
ALTER TABLE jobs ADD COLUMN run_after TEXT;
