-- PENDING tasks per machine of the teams $1, from the counts kept as tasks move (V16).
SELECT team, machine, sum(tasks)::bigint AS pending
FROM current_task_counts
WHERE status = 'PENDING' AND team = ANY($1)
GROUP BY team, machine
HAVING sum(tasks) > 0
