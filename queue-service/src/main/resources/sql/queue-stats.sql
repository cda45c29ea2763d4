-- Counts per status and priority, from the counts kept as tasks move (V16, current_task_counts):
-- no task row is read. The age of the oldest ready task comes from sql/oldest-pending.sql.
-- $2: the teams the caller may see (NULL: every team).
SELECT status, priority, sum(tasks)::bigint AS tasks
FROM current_task_counts
WHERE ($1::text IS NULL OR team = $1)
  AND ($2::text[] IS NULL OR team = ANY($2))
GROUP BY status, priority
HAVING sum(tasks) <> 0
