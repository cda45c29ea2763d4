-- The web console's task list (ConsoleTaskQueries): summaries only (no output, no secrets), newest
-- first, with why a task looks stuck (task_stuck_reason, V15). Every filter is optional (NULL: any).
-- $1 statuses, $2 priority, $3 team, $4 machine, $5 tag, $6 created from, $7 created before,
-- $8 text in the command (case-insensitive), $9 exact task id, $10 part of a task id,
-- $11 the teams the caller may see (NULL: every team), $12 seq cursor, $13 limit,
-- $14 only these task ids, $15 stale-pending seconds.
SELECT task_id, team, machine, left(command, 500) AS command, function_name, function_version, status, priority,
       tag, attempts, exit_code, error, created_at, started_at, completed_at, not_before, cancel_requested,
       lost_since, timeout_seconds, group_id, held, seq,
       task_stuck_reason(tasks, $15) AS stuck
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
