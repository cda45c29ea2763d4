-- The teams of the machines named by a batch of new tasks with idempotency keys, KEY SHARE locked
-- until the batch commits: none can be deleted (or registered again in another team) before
-- create-tasks.sql stores the tasks, so a key is bound only for a task that is then stored. Claims
-- (NO KEY UPDATE) do not wait; create-tasks.sql takes the paused machines' SHARE locks itself.
SELECT name, team
FROM machines
WHERE name = ANY($1)
FOR KEY SHARE
