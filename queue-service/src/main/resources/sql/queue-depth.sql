-- The metrics' task counts (QueueGauges): per team, machine and status, and per team, priority and
-- status, from the counts kept as tasks move (V16). Rows with priority NULL are of the first set.
SELECT team, machine, priority, status, sum(tasks)::bigint AS tasks
FROM current_task_counts
GROUP BY GROUPING SETS ((team, machine, status), (team, priority, status))
HAVING sum(tasks) <> 0
