-- Job kinds: only scheduled jobs read and advance the schedule's cursor (next_run_date); a manual window is extra
-- work, a late job a follow-up of a completed window. Jobs from before this migration were all treated as
-- scheduled; a re-export was always started by hand.
-- The completeness proof each job ends with: the index's count of the window, the window's tracking rows, the verdict.
-- Each tracking row's message_date (the message's UTC day), so that a window's rows can be counted whatever job
-- tracked them; rows from before this migration take their job's window start (right for one-day windows).
-- Batches sent again by the progress check keep enqueued_at as the time of the last send.
-- Plain ALTER/UPDATE that MySQL 8 and MariaDB both accept.
ALTER TABLE job_runs
  ADD COLUMN kind ENUM('scheduled','manual','late') NOT NULL DEFAULT 'scheduled',
  ADD COLUMN index_count BIGINT DEFAULT NULL,
  ADD COLUMN tracked_count BIGINT DEFAULT NULL,
  ADD COLUMN verdict ENUM('complete','mismatch') DEFAULT NULL,
  ADD INDEX idx_job_runs_kind (kind, status, end_date);

UPDATE job_runs SET kind = 'manual' WHERE reexport = TRUE;

ALTER TABLE message_tracking
  ADD COLUMN message_date DATE DEFAULT NULL,
  ADD INDEX idx_tracking_message_date (message_date, status);

UPDATE message_tracking SET message_date = start_date WHERE message_date IS NULL;
