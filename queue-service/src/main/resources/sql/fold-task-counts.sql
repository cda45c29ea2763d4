-- Folds the deltas the triggers of V16 wrote into task_counts, in one statement: a reader sees
-- either the deltas or their sum, never both or neither. Keys are written in one order, so two
-- replicas folding at once wait for each other instead of deadlocking; a delta is taken by one.
WITH taken AS (
    DELETE FROM task_count_deltas RETURNING team, machine, priority, status, tasks
), summed AS (
    SELECT team, machine, priority, status, sum(tasks) AS tasks
    FROM taken
    GROUP BY team, machine, priority, status
    ORDER BY team, machine, priority, status
)
INSERT INTO task_counts AS c (team, machine, priority, status, tasks)
SELECT team, machine, priority, status, tasks FROM summed
ON CONFLICT (team, machine, priority, status) DO UPDATE SET tasks = c.tasks + excluded.tasks
