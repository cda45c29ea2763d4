-- The web console's task list (ConsoleTaskQueries): summaries only (no output, no secrets), newest
-- first, with why a task looks stuck. Every filter is optional (NULL: any).
-- $1 statuses, $2 priority, $3 team, $4 machine, $5 tag, $6 created from, $7 created before,
-- $8 text in the command (case-insensitive), $9 exact task id, $10 part of a task id,
-- $11 the teams the caller may see (NULL: every team), $12 seq cursor, $13 limit,
-- $14 only these task ids, $15 stale-pending seconds.
SELECT task_id, team, machine, left(command, 500) AS command, function_name, function_version, status, priority,
       tag, attempts, exit_code, error, created_at, started_at, completed_at, not_before, cancel_requested,
       lost_since, timeout_seconds, group_id, held, seq,
       CASE
           WHEN status = 'PROCESSING' AND lost_since IS NOT NULL THEN 'lease lost: waiting for its remote command to be ended'
           WHEN status IN ('ASSIGNED', 'PROCESSING') AND lease_expires_at < now() THEN 'lease expired'
           WHEN status IN ('ASSIGNED', 'PROCESSING') AND cancel_requested THEN 'cancel requested, still running'
           WHEN status = 'PROCESSING' AND timeout_seconds IS NOT NULL
                AND started_at + make_interval(secs => timeout_seconds) < now() THEN 'running past its timeout'
           WHEN status = 'PENDING' AND NOT held
                AND coalesce(not_before, created_at) < now() - make_interval(secs => $15) THEN 'pending long past its notBefore'
       END AS stuck
FROM tasks
WHERE ($1::text[] IS NULL OR status = ANY($1))
  AND ($2::smallint IS NULL OR priority = $2)
  AND ($3::text IS NULL OR team = $3)
  AND ($4::text IS NULL OR machine = $4)
  AND ($5::text IS NULL OR tag = $5)
  AND ($6::timestamptz IS NULL OR created_at >= $6)
  AND ($7::timestamptz IS NULL OR created_at < $7)
  AND ($8::text IS NULL OR strpos(lower(command), lower($8)) > 0)
  AND ($9::uuid IS NULL OR task_id = $9)
  AND ($10::text IS NULL OR strpos(task_id::text, $10) > 0)
  AND ($11::text[] IS NULL OR team = ANY($11))
  AND ($12::bigint IS NULL OR seq < $12)
  AND ($14::uuid[] IS NULL OR task_id = ANY($14))
ORDER BY seq DESC
LIMIT $13
