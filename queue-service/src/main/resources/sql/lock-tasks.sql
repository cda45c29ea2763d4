-- Reads tasks and locks their rows until the transaction ends, in task id order: two transactions
-- that lock overlapping sets (reports of several tasks in one call) wait for each other, never in a cycle.
-- $1: the task ids (uuid[]).
SELECT *
FROM tasks
WHERE task_id = ANY ($1)
ORDER BY task_id
FOR UPDATE
