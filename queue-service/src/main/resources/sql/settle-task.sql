-- Writes the settlement decided by Lifecycle and ends the lease. The caller holds the row lock.
UPDATE tasks
SET status           = $2,
    not_before       = $3,
    retry_count      = $4,
    exit_code        = $5,
    output           = $6,
    output_truncated = $7,
    error            = $8,
    attempts         = $9,
    completed_at     = CASE WHEN $2 IN ('COMPLETED', 'FAILED', 'CANCELLED') THEN now() END,
    cancel_requested = CASE WHEN $2 = 'PENDING' THEN false ELSE cancel_requested END,
    lease_owner      = NULL,
    lease_token      = NULL,
    lease_expires_at = NULL,
    lost_since       = NULL,
    remote_pid       = NULL
WHERE task_id = $1
RETURNING *
