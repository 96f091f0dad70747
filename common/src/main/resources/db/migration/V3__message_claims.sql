-- Worker claims are leases: a worker that dies (Lambda timeout) leaves rows in_progress until the
-- lease expires; the token tells a worker which rows its own claim took.
ALTER TABLE message_tracking
  ADD COLUMN lease_until TIMESTAMP NULL DEFAULT NULL,
  ADD COLUMN lease_token CHAR(36) DEFAULT NULL;
