-- Work that looks stuck or stale, for the console's overview (same reasons as console-tasks.sql):
-- a lost lease, an expired lease, a cancel requested on a task still running, a run past its
-- timeout, PENDING long past its notBefore. $1 team, $2 visible teams (NULL: all), $3 stale-pending seconds.
SELECT task_id, team, machine, left(command, 200) AS command, function_name, status, priority, created_at,
       started_at, not_before, lost_since, cancel_requested, timeout_seconds,
       CASE
           WHEN status = 'PROCESSING' AND lost_since IS NOT NULL THEN 'lease lost: waiting for its remote command to be ended'
           WHEN status IN ('ASSIGNED', 'PROCESSING') AND lease_expires_at < now() THEN 'lease expired'
           WHEN status IN ('ASSIGNED', 'PROCESSING') AND cancel_requested THEN 'cancel requested, still running'
           WHEN status = 'PROCESSING' AND timeout_seconds IS NOT NULL
                AND started_at + make_interval(secs => timeout_seconds) < now() THEN 'running past its timeout'
           ELSE 'pending long past its notBefore'
       END AS stuck
FROM tasks
WHERE status IN ('PENDING', 'ASSIGNED', 'PROCESSING')
  AND ($1::text IS NULL OR team = $1)
  AND ($2::text[] IS NULL OR team = ANY($2))
  AND ((status = 'PROCESSING' AND lost_since IS NOT NULL)
    OR (status IN ('ASSIGNED', 'PROCESSING') AND (lease_expires_at < now() OR cancel_requested))
    OR (status = 'PROCESSING' AND timeout_seconds IS NOT NULL AND started_at + make_interval(secs => timeout_seconds) < now())
    OR (status = 'PENDING' AND NOT held AND coalesce(not_before, created_at) < now() - make_interval(secs => $3)))
ORDER BY seq
LIMIT 50
