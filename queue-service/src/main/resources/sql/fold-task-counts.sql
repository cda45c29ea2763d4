-- Folds the deltas the triggers of V16 wrote into task_counts and task_flow, and drops the minutes
-- of task_flow older than an hour, in one statement: a reader sees either the deltas or their sum,
-- never both or neither. Keys are written in one order, so two replicas folding at once wait for
-- each other instead of deadlocking; a delta is taken by one. Returns the counts it changed, and the
-- keys of those that came to 0 (sql/drop-zero-task-counts.sql removes them).
WITH taken AS (
    DELETE FROM task_count_deltas RETURNING team, machine, priority, status, tasks
), counted AS (
    INSERT INTO task_counts AS c (team, machine, priority, status, tasks)
    SELECT team, machine, priority, status, sum(tasks)
    FROM taken
    GROUP BY team, machine, priority, status
    ORDER BY team, machine, priority, status
    ON CONFLICT (team, machine, priority, status) DO UPDATE SET tasks = c.tasks + excluded.tasks
    RETURNING c.team, c.machine, c.priority, c.status, c.tasks
), flow_taken AS (
    DELETE FROM task_flow_deltas RETURNING minute, team, created, ended
), flowed AS (
    INSERT INTO task_flow AS f (minute, team, created, ended)
    SELECT minute, team, sum(created), sum(ended)
    FROM flow_taken
    WHERE minute >= date_trunc('minute', now()) - interval '59 minutes'
    GROUP BY minute, team
    ORDER BY minute, team
    ON CONFLICT (minute, team) DO UPDATE SET created = f.created + excluded.created, ended = f.ended + excluded.ended
), dropped AS (
    DELETE FROM task_flow WHERE minute < date_trunc('minute', now()) - interval '59 minutes'
)
SELECT count(*) AS changed,
       array_agg(team) FILTER (WHERE tasks = 0) AS zero_teams,
       array_agg(machine) FILTER (WHERE tasks = 0) AS zero_machines,
       array_agg(priority) FILTER (WHERE tasks = 0) AS zero_priorities,
       array_agg(status) FILTER (WHERE tasks = 0) AS zero_statuses
FROM counted
