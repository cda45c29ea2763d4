-- The lost attempts of machine $1 whose remote commands a bridge must end, oldest first.
SELECT task_id, attempt_token, remote_pid
FROM tasks
WHERE machine = $1
  AND status = 'PROCESSING'
  AND lost_since IS NOT NULL
ORDER BY lost_since
