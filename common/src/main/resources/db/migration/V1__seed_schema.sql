-- The seed's two tables, exactly as the user wrote them. Later migrations extend them.
CREATE TABLE job_runs (
  job_id INT AUTO_INCREMENT PRIMARY KEY,
  start_date DATE NOT NULL,
  end_date DATE DEFAULT NULL,
  status ENUM('running','completed','failed') DEFAULT 'running',
  next_run_date DATE DEFAULT NULL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP);
CREATE TABLE message_tracking (
  message_id VARCHAR(255) PRIMARY KEY,
  batch_id INT NOT NULL,
  status ENUM('pending','in_progress','completed','failed') DEFAULT 'pending',
  start_date DATE NOT NULL,
  s3_path VARCHAR(500) DEFAULT NULL,
  last_attempted TIMESTAMP DEFAULT NULL);
