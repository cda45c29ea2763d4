-- Lost attempts that no bridge could end within $1 seconds (machine unreachable, no bridge serves
-- it): they are settled without that proof. SKIP LOCKED: replicas take different rows.
SELECT *
FROM tasks
WHERE status = 'PROCESSING'
  AND lost_since < now() - make_interval(secs => $1)
ORDER BY lost_since
LIMIT $2
FOR UPDATE SKIP LOCKED
