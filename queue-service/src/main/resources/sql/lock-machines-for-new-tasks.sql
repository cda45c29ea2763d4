-- The teams of the machines named by a batch of new tasks with idempotency keys, KEY SHARE locked
-- until the batch commits: none can be deleted (or registered again in another team) before
-- create-tasks.sql stores the tasks, so a key is bound only for a task that is then stored. Claims
-- (NO KEY UPDATE) do not wait; create-tasks.sql takes the paused machines' SHARE locks itself.
-- One name at a time, so that the primary key is used (see create-tasks.sql).
SELECT m.name, m.team
FROM (SELECT DISTINCT unnest($1::text[]) AS name) named
CROSS JOIN LATERAL (SELECT name, team FROM machines WHERE name = named.name FOR KEY SHARE) m
