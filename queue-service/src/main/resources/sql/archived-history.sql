-- An archived task's transitions, as sql/archive-batch.sql kept them (the columns of task_transitions).
SELECT a.task_id, h.*
FROM tasks_archive a
CROSS JOIN LATERAL jsonb_to_recordset(a.history)
    AS h(id bigint, from_status text, to_status text, at timestamptz, actor text, detail text)
WHERE a.task_id = $1
ORDER BY h.id
