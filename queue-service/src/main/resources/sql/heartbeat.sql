UPDATE tasks
SET lease_expires_at = now() + make_interval(secs => $3)
WHERE task_id = $1 AND lease_token = $2 AND status IN ('ASSIGNED', 'PROCESSING')
RETURNING task_id
