-- Tasks whose bridge stopped heartbeating. SKIP LOCKED: replicas reap different rows.
SELECT *
FROM tasks
WHERE status IN ('ASSIGNED', 'PROCESSING')
  AND lease_expires_at < now()
ORDER BY lease_expires_at
LIMIT $1
FOR UPDATE SKIP LOCKED
