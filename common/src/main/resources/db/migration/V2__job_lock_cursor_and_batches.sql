-- Extraction: the owning execution and its heartbeat (one window never runs twice at once), the
-- point-in-time cursor a restart reads, counters, and the batches table that doubles as the SQS outbox.
-- Plain ALTER/CREATE that MySQL 8 and MariaDB both accept.
ALTER TABLE job_runs
  ADD COLUMN execution_id VARCHAR(255) DEFAULT NULL,
  ADD COLUMN heartbeat_at TIMESTAMP NULL DEFAULT NULL,
  ADD COLUMN reexport BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN pit_id TEXT DEFAULT NULL,
  ADD COLUMN search_after VARCHAR(2000) DEFAULT NULL,
  ADD COLUMN extraction_done BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN extracted_count INT NOT NULL DEFAULT 0,
  ADD COLUMN batch_count INT NOT NULL DEFAULT 0,
  ADD COLUMN completed_count INT NOT NULL DEFAULT 0,
  ADD COLUMN failed_count INT NOT NULL DEFAULT 0,
  ADD COLUMN failure_reason VARCHAR(1000) DEFAULT NULL,
  ADD COLUMN manifest_key VARCHAR(1024) DEFAULT NULL,
  ADD COLUMN finished_at TIMESTAMP NULL DEFAULT NULL,
  ADD INDEX idx_job_runs_status (status, start_date);

ALTER TABLE message_tracking
  ADD COLUMN job_id INT DEFAULT NULL,
  ADD COLUMN attempts INT NOT NULL DEFAULT 0,
  ADD COLUMN last_error VARCHAR(1000) DEFAULT NULL,
  ADD COLUMN completed_at TIMESTAMP NULL DEFAULT NULL,
  ADD INDEX idx_tracking_job_status (job_id, status),
  ADD INDEX idx_tracking_batch (batch_id);

CREATE TABLE message_batches (
  batch_id INT AUTO_INCREMENT PRIMARY KEY,
  job_id INT NOT NULL,
  size INT NOT NULL,
  status ENUM('created','enqueued','done') NOT NULL DEFAULT 'created',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  enqueued_at TIMESTAMP NULL DEFAULT NULL,
  done_at TIMESTAMP NULL DEFAULT NULL,
  INDEX idx_batches_job_status (job_id, status));
