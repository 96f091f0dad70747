-- Ids as users have them (issue 11). The seed tracked ids in VARCHAR(255) with the database's collation: on
-- the collations servers create databases with (MariaDB utf8mb4_general_ci, MySQL 8 utf8mb4_0900_ai_ci) the
-- ids 'Case-A' and 'case-a' (and on MySQL 8 'é' and 'e') are one key, and even utf8mb4_bin pads ('a' = 'a ').
-- VARBINARY compares bytes on both servers; 512 bytes holds any Elasticsearch _id. The tables' text columns
-- are declared utf8mb4 (reasons quote ids), whatever the database's default character set.
ALTER TABLE message_tracking CONVERT TO CHARACTER SET utf8mb4;
ALTER TABLE message_tracking MODIFY message_id VARBINARY(512) NOT NULL;
ALTER TABLE message_batches CONVERT TO CHARACTER SET utf8mb4;
ALTER TABLE job_runs CONVERT TO CHARACTER SET utf8mb4,
  ADD COLUMN already_tracked_count INT NOT NULL DEFAULT 0,
  ADD COLUMN rejected_count INT NOT NULL DEFAULT 0;

-- An id that cannot be tracked (over 512 bytes of UTF-8: a custom MESSAGE_ID_FIELD value) fails that one
-- message: kept here whole, with its reason, keyed by its job and its SHA-256.
CREATE TABLE rejected_messages (
  job_id INT NOT NULL,
  id_sha256 BINARY(32) NOT NULL,
  message_id MEDIUMBLOB NOT NULL,
  reason VARCHAR(1000) NOT NULL,
  rejected_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (job_id, id_sha256)
) DEFAULT CHARACTER SET utf8mb4;
