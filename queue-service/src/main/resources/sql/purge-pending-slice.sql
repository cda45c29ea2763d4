-- One slice of a purge's plain PENDING tasks (no onExit, not of a group), cancelled set-based in one
-- statement (tasks/purge/TaskPurge, docs/adr/0021): what TaskStateMachine's cancel makes of such a
-- task (CANCELLED, error 'cancelled', lease cleared, completed_at stamped), its history entry, and
-- one outbox row holding every task's rediacc.task.cancelled event (the envelope's constant parts
-- from TaskEvents: $14 topic, $15 source, $16 type, $17 data schema). PurgeTest holds the two
-- together. The statement counts its moves itself (its transaction set rediacc.moves_counted, V25):
-- a delta row per team, machine and priority leaving PENDING and one entering CANCELLED, and the
-- ended tasks' flow per team, what V16's row trigger writes per task, summed.
--
-- Up to $8 tasks in tasks_ready_idx order after the cursor ($10..$12: machine, priority, seq of
-- the previous slice's last; NULL: from the start), SKIP LOCKED: a task a claim holds is passed
-- over. Filter as purge-slice.sql ($1..$7, $9). $13: the actor. Answers how many, and the last one
-- (the next slice's cursor).
WITH slice AS (
    SELECT task_id
    FROM tasks
    WHERE status = 'PENDING'
      AND 'PENDING' = ANY ($1::text[])
      AND on_exit_command IS NULL
      AND group_id IS NULL
      AND ($2::text IS NULL OR machine = $2)
      AND ($3::text IS NULL OR team = $3)
      AND ($4::smallint IS NULL OR priority = $4)
      AND ($5::timestamptz IS NULL OR created_at < $5)
      AND ($6::text IS NULL OR tag = $6)
      AND ($7::text[] IS NULL OR team = ANY ($7))
      AND seq <= $9
      AND ($10::text IS NULL OR (machine, priority, seq) > ($10, $11::smallint, $12::bigint))
    ORDER BY machine, priority, seq
    LIMIT $8
    FOR UPDATE SKIP LOCKED
), cancelled AS (
    UPDATE tasks t
    SET status           = 'CANCELLED',
        error            = 'cancelled',
        lease_owner      = NULL,
        lease_token      = NULL,
        lease_expires_at = NULL,
        remote_pid       = NULL,
        lost_since       = NULL,
        completed_at     = now()
    WHERE t.task_id = ANY (ARRAY(SELECT task_id FROM slice))
    RETURNING t.task_id, t.team, t.machine, t.priority, t.seq, t.attempts, t.exit_code
), history AS (
    INSERT INTO task_history (task_id, from_status, to_status, actor, detail)
    SELECT task_id, 'PENDING', 'CANCELLED', $13, 'cancelled' FROM cancelled
), messages AS (
    -- One event per task: their order within the row does not matter (each is the only one of its key).
    -- Written by concatenation, not json_build_object (which took about a fifth of a slice): the
    -- strings that vary go through to_json, which escapes them; exitCode is left out when null, as
    -- TaskEvents leaves out what is null.
    INSERT INTO outbox (topics, message_keys, payloads)
    SELECT array_agg($14::text), array_agg(task_id::text), array_agg(
            '{"specversion":"1.0","id":"' || gen_random_uuid() || '","source":' || e.source || ',"type":' || e.type
            || ',"subject":"' || task_id || '","time":"' || e.time || '","datacontenttype":"application/json","dataschema":'
            || e.data_schema || ',"data":{"taskId":"' || task_id || '","team":' || to_json(team)::text
            || ',"machine":' || to_json(machine)::text || ',"status":"CANCELLED","previousStatus":"PENDING","priority":'
            || priority || ',"attempts":' || attempts || coalesce(',"exitCode":' || exit_code, '')
            || ',"error":"cancelled"}}')
    FROM cancelled, (SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS time,
                            to_json($15::text)::text AS source, to_json($16::text)::text AS type,
                            to_json($17::text)::text AS data_schema) e
    HAVING count(*) > 0
), moved AS (
    SELECT team, machine, priority, count(*) AS tasks FROM cancelled GROUP BY team, machine, priority
), count_deltas AS (
    INSERT INTO task_count_deltas (team, machine, priority, status, tasks)
    SELECT team, machine, priority, 'PENDING', -tasks FROM moved
    UNION ALL
    SELECT team, machine, priority, 'CANCELLED', tasks FROM moved
), flow_deltas AS (
    INSERT INTO task_flow_deltas (minute, team, created, ended)
    SELECT date_trunc('minute', now()), team, 0, sum(tasks) FROM moved GROUP BY team
), counted AS (
    SELECT team, priority, sum(tasks)::bigint AS tasks FROM moved GROUP BY team, priority
)
SELECT c.team, c.priority, c.tasks, last.machine AS last_machine, last.priority AS last_priority, last.seq AS last_seq
FROM counted c
CROSS JOIN (SELECT machine, priority, seq FROM cancelled ORDER BY machine DESC, priority DESC, seq DESC LIMIT 1) last
