-- New PENDING tasks with their outbox rows and the audit records of their calls, in one statement:
-- one round trip, and in autocommit one commit (no idempotency key in the batch). A task's first
-- history entry is its row (created_at, created_by = $18, retried_from; the view task_transitions).
--
-- A task is stored only if its machine exists and is of the team the request was authorized for
-- ($2[i]); the caller finds the others missing from the result. The machines are locked KEY SHARE
-- (a machine cannot be deleted under its new tasks, yet claims, NO KEY UPDATE, do not wait), paused
-- ones SHARE as well, so a concurrent resume either committed first (the machine reads as not
-- paused and its wake-up is written here) or waits for this statement (and the resume's own
-- wake-up finds the new tasks).
--
-- Rows go in in array order, so seq follows the order the requests arrived in. The call's one outbox
-- row names the tasks stored, in that order, with what the relay needs to build their events (V28);
-- its other messages are the wake-ups $19..$22 (topic, key = the machine, payload, trace context),
-- each kept if a task that is due now was stored on its machine and the machine is not paused
-- (delayed tasks are woken by the sweeper once due). No task stored, no row.
-- Audit rows $23..$30 are kept if their task ($23) was stored. $31..$34: onExit command, the task an
-- onExit follow-up follows, its stdin, and the vaultData's context when not the task (a cron's).
-- $35..$39: the function (name, version, non-secret params), the task's group and whether it is
-- held (a group's task waiting for its turn). $40: each task's trace context, null when nothing is
-- traced (a wake-up's, $22, is its machine's first task's).
-- Machines are looked up one name at a time: the planner then takes the primary key even for a
-- small table, where `name = ANY($3)` read every machine row twice per batch.
-- An optional column's array is null when no task of the batch sets it: unnest pads it with nulls.
-- Only what the database decides comes back (seq, created_at; not_before and the vault data's shape
-- as stored): the caller has the rest, and 36 columns a task were a tenth of this statement's cost.
WITH named AS (
    SELECT DISTINCT unnest($3::text[]) AS name
), paused AS (
    SELECT m.name
    FROM named CROSS JOIN LATERAL (SELECT name FROM machines WHERE name = named.name AND paused FOR SHARE) m
), targets AS (
    SELECT m.name, m.team, m.name IN (SELECT name FROM paused) AS paused
    FROM named CROSS JOIN LATERAL (SELECT name, team FROM machines WHERE name = named.name FOR KEY SHARE) m
), new_tasks AS (
    INSERT INTO tasks (task_id, team, machine, command, status, priority, max_retries, retry_count, retry_delay,
                       retry_backoff, failure_action, tag, resumable, timeout_seconds, not_before, idempotency_key,
                       retried_from, vault_data, vault_data_shape, created_by, on_exit_command, on_exit_of, stdin_data,
                       vault_data_context, function_name, function_version, params, group_id, held, trace_parent)
    SELECT r.task_id, r.team, r.machine, r.command, 'PENDING', r.priority, r.max_retries, r.max_retries, r.retry_delay,
           r.retry_backoff, r.failure_action, r.tag, r.resumable, r.timeout_seconds, r.not_before, r.idempotency_key,
           r.retried_from, r.vault_data, r.vault_data_shape::jsonb, r.created_by, r.on_exit_command, r.on_exit_of,
           r.stdin_data, r.vault_data_context, r.function_name, r.function_version, r.params::jsonb, r.group_id,
           r.held, r.trace_parent
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::integer[], $7::integer[],
                $8::text[], $9::text[], $10::text[], $11::boolean[], $12::integer[], $13::timestamptz[], $14::text[],
                $15::uuid[], $16::text[], $17::text[], $18::text[], $31::text[], $32::uuid[], $33::text[], $34::text[],
                $35::text[], $36::integer[], $37::text[], $38::uuid[], $39::boolean[], $40::text[])
         WITH ORDINALITY AS r(task_id, team, machine, command, priority, max_retries, retry_delay, retry_backoff,
                              failure_action, tag, resumable, timeout_seconds, not_before, idempotency_key,
                              retried_from, vault_data, vault_data_shape, created_by, on_exit_command, on_exit_of,
                              stdin_data, vault_data_context, function_name, function_version, params, group_id, held,
                              trace_parent, arrival)
    JOIN targets t ON t.name = r.machine AND t.team = r.team
    ORDER BY r.arrival
    RETURNING task_id, team, machine, priority, seq, not_before, vault_data_shape, created_at, held, trace_parent
), events AS (
    INSERT INTO outbox (new_tasks, new_task_teams, new_task_machines, new_task_priorities, new_task_trace_parents,
                        topics, message_keys, payloads, trace_parents)
    SELECT n.*, w.*
    FROM (SELECT array_agg(task_id ORDER BY seq), array_agg(team ORDER BY seq), array_agg(machine ORDER BY seq),
                 array_agg(priority ORDER BY seq),
                 CASE WHEN count(trace_parent) > 0 THEN array_agg(trace_parent ORDER BY seq) END
          FROM new_tasks) n(task_ids, teams, machines, priorities, trace_parents),
         (SELECT array_agg(e.topic ORDER BY e.position), array_agg(e.message_key ORDER BY e.position),
                 array_agg(e.payload ORDER BY e.position),
                 CASE WHEN count(e.trace_parent) > 0 THEN array_agg(e.trace_parent ORDER BY e.position) END
          FROM unnest($19::text[], $20::text[], $21::text[], $22::text[])
               WITH ORDINALITY AS e(topic, message_key, payload, trace_parent, position)
          WHERE e.message_key IN (SELECT n.machine FROM new_tasks n JOIN targets t ON t.name = n.machine
                                  WHERE (n.not_before IS NULL OR n.not_before <= now()) AND NOT n.held
                                    AND NOT t.paused)) w
    WHERE n.task_ids IS NOT NULL
), audit AS (
    INSERT INTO audit_log (actor, team, action, target, result, status, request_id)
    SELECT a.actor, a.team, a.action, a.target, a.result, a.status, a.request_id
    FROM unnest($23::uuid[], $24::text[], $25::text[], $26::text[], $27::text[], $28::text[], $29::smallint[],
                $30::text[]) WITH ORDINALITY AS a(task_id, actor, team, action, target, result, status, request_id, position)
    WHERE a.task_id IN (SELECT task_id FROM new_tasks)
    ORDER BY a.position
)
SELECT task_id, seq, not_before, vault_data_shape, created_at FROM new_tasks
