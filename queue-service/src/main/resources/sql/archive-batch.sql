-- Moves up to $2 tasks that ended before $1 (oldest end first) from the hot tables to tasks_archive,
-- in one statement: their rows, their history (as one JSON array on the archived row) and their
-- idempotency keys (bound for 24 hours only, so long expired; a task whose binding is younger stays).
-- A task of a group still running stays too: the group's rollout counts its tasks in tasks.
-- SKIP LOCKED: a row being changed is taken by a later batch, never waited for, and replicas running
-- this at once move different tasks. Every sub-statement sees the same snapshot, so the history is
-- read before it is deleted. Returns the moved tasks' ids and ends.
WITH picked AS (
    SELECT t.task_id
    FROM tasks t
    WHERE t.status IN ('COMPLETED', 'FAILED', 'CANCELLED')
      AND t.completed_at < $1
      AND NOT EXISTS (SELECT 1 FROM idempotency_keys k
                      WHERE k.task_id = t.task_id AND k.created_at >= now() - interval '24 hours')
      AND NOT EXISTS (SELECT 1 FROM task_groups g WHERE g.group_id = t.group_id AND g.status = 'RUNNING')
    ORDER BY t.completed_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
), history AS (
    -- Per task (a probe of tasks and of task_history each): the view joined to the whole batch at
    -- once reads every row of tasks.
    SELECT p.task_id, h.entries
    FROM picked p
    CROSS JOIN LATERAL (SELECT jsonb_agg(to_jsonb(v) - 'task_id' ORDER BY v.id) AS entries
                        FROM task_transitions v
                        WHERE v.task_id = p.task_id) h
), keys_gone AS (
    DELETE FROM idempotency_keys k USING picked p WHERE k.task_id = p.task_id
), history_gone AS (
    DELETE FROM task_history h USING picked p WHERE h.task_id = p.task_id
), moved AS (
    DELETE FROM tasks t USING picked p WHERE t.task_id = p.task_id
    RETURNING t.*
)
INSERT INTO tasks_archive
SELECT coalesce(h.entries, '[]'::jsonb), m.*
FROM moved m
LEFT JOIN history h ON h.task_id = m.task_id
RETURNING task_id, completed_at
