-- The failure policy: a job's try at its window (1 + the earlier tries of the same window that failed over the
-- failure budget) and whether it failed over the budget (a counted try) rather than by an error. Later runs retry a
-- failed window up to WINDOW_RETRY_LIMIT counted tries while the schedule moves on.
ALTER TABLE job_runs
  ADD COLUMN attempt INT NOT NULL DEFAULT 1,
  ADD COLUMN over_budget BOOLEAN NOT NULL DEFAULT FALSE,
  ADD INDEX idx_job_runs_window (start_date, end_date);
