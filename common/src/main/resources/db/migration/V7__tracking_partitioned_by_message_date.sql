-- message_tracking partitioned by the message's UTC day (V5's message_date), so that the rows of old, completed
-- windows can be dropped a day at a time (DROP PARTITION: a metadata change, not a DELETE of millions of rows).
-- A message belongs to exactly one day, so PRIMARY KEY (message_id, message_date) still says "one row per message"
-- (MySQL and MariaDB require every unique key of a partitioned table to hold the partitioning column).
-- V5 filled message_date for the rows it found and the code writes it for every row since, but V5 declared it
-- nullable: any row still without one gets its job's window start (start_date), as V5 did, which keeps it inside its
-- window, where every lookup by id searches (see MySqlBatchOutbox). V6 is issue 12's (job_runs only).
-- Statements that MySQL 8 and MariaDB both accept; RANGE COLUMNS on a DATE needs no function.
UPDATE message_tracking SET message_date = start_date WHERE message_date IS NULL;

ALTER TABLE message_tracking
  MODIFY message_date DATE NOT NULL,
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (message_id, message_date);

-- One partition for the days up to the last one present (or an empty one), and the catch-all pmax. The job splits
-- daily partitions off pmax before it records a window (REORGANIZE of an empty pmax: no row moves), and drops the
-- old ones (TRACKING_RETENTION_DAYS). A partition is named after its upper bound: p20261102 holds days < 2026-11-02.
SET @tracking_bound = (SELECT DATE_ADD(COALESCE(MAX(message_date), DATE '1970-01-01'), INTERVAL 1 DAY)
                       FROM message_tracking);
SET @tracking_partitioning = CONCAT(
  'ALTER TABLE message_tracking PARTITION BY RANGE COLUMNS(message_date) (PARTITION p',
  DATE_FORMAT(@tracking_bound, '%Y%m%d'), ' VALUES LESS THAN (''', DATE_FORMAT(@tracking_bound, '%Y-%m-%d'),
  '''), PARTITION pmax VALUES LESS THAN (MAXVALUE))');
PREPARE tracking_partitioning FROM @tracking_partitioning;
EXECUTE tracking_partitioning;
DEALLOCATE PREPARE tracking_partitioning;
