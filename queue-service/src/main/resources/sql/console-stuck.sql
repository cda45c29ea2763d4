-- Work that looks stuck or stale, for the console's overview: the tasks for which task_stuck_reason
-- (V15, the rule the task list shows too) gives a reason. $1 team, $2 visible teams (NULL: all),
-- $3 stale-pending seconds.
SELECT task_id, team, machine, left(command, 200) AS command, function_name, status, priority, created_at,
       started_at, stuck
FROM (SELECT tasks.*, task_stuck_reason(tasks, $3) AS stuck
      FROM tasks
      WHERE status IN ('PENDING', 'ASSIGNED', 'PROCESSING')
        AND ($1::text IS NULL OR team = $1)
        AND ($2::text[] IS NULL OR team = ANY($2))) active
WHERE stuck IS NOT NULL
ORDER BY seq
LIMIT 50
