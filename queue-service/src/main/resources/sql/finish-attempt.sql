-- Ends the attempt of the current lease holder. From ASSIGNED only when the command never ran
-- ($8 = true: connection, authentication or host key failure); then the attempt is counted here.
UPDATE tasks
SET status           = $3,
    exit_code        = $4,
    output           = $5,
    output_truncated = $6,
    error            = $7,
    attempts         = CASE WHEN status = 'ASSIGNED' THEN attempts + 1 ELSE attempts END,
    completed_at     = now(),
    lease_owner      = NULL,
    lease_token      = NULL,
    lease_expires_at = NULL
WHERE task_id = $1
  AND lease_token = $2
  AND (status = 'PROCESSING' OR (status = 'ASSIGNED' AND $8))
RETURNING *
