-- The tasks each of the named bridges holds a lease on (tasks_active_idx: few rows).
SELECT lease_owner, task_id, machine, team, status
FROM tasks
WHERE status IN ('ASSIGNED', 'PROCESSING') AND lease_owner = ANY($1)
ORDER BY lease_owner, seq
