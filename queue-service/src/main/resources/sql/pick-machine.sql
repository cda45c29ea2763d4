-- A task's pool (selector + pick ANY): the machine of team $1 carrying every tag of $2 with the least
-- work (PENDING, ASSIGNED and PROCESSING tasks), never a paused one; ties by name. Chosen when the task
-- is created, so that it then waits in that machine's queue like any other (docs/functions.md).
SELECT m.name
FROM machines m
WHERE m.team = $1
  AND NOT m.paused
  AND m.tags @> $2::text[]
ORDER BY (SELECT count(*) FROM tasks t WHERE t.machine = m.name AND t.status IN ('PENDING', 'ASSIGNED', 'PROCESSING')),
         m.name
LIMIT 1
