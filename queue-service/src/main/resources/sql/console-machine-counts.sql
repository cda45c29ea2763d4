-- Unfinished tasks per machine and status, for the console's machines page, from the counts kept as
-- tasks move (V16). $1 team, $2 visible teams (NULL: all).
SELECT machine, status, sum(tasks)::bigint AS tasks
FROM current_task_counts
WHERE status IN ('PENDING', 'ASSIGNED', 'PROCESSING')
  AND ($1::text IS NULL OR team = $1)
  AND ($2::text[] IS NULL OR team = ANY($2))
GROUP BY machine, status
HAVING sum(tasks) <> 0
