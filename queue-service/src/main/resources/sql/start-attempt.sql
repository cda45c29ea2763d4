-- ASSIGNED -> PROCESSING, only for the holder of the current lease.
UPDATE tasks
SET status           = 'PROCESSING',
    started_at       = now(),
    attempts         = attempts + 1,
    lease_expires_at = now() + make_interval(secs => $3)
WHERE task_id = $1 AND lease_token = $2 AND status = 'ASSIGNED'
RETURNING *
