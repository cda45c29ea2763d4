-- The tasks each of the named bridges holds a lease on, among the active ones (few: the partial
-- index tasks_active_idx holds just them).
SELECT lease_owner, task_id, machine, team, status
FROM tasks
WHERE status IN ('ASSIGNED', 'PROCESSING') AND lease_owner = ANY($1)
ORDER BY lease_owner, seq
