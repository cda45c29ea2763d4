-- Takes the oldest outbox rows for a relay pass: deletes them and returns them (in no order; the
-- relay sorts them by id). The relay's transaction stays open until Kafka acknowledged their
-- messages and commits then; if Kafka did not take them it rolls back and the rows are there again.
--
-- Only the relay that holds the outbox's advisory lock (until its transaction ends) takes rows; a
-- relay on another replica meanwhile gets none. With one relay at a time events leave in commit-id
-- order across replicas too.
--
-- A row holds one message (topic, message_key, payload) or many (topics, message_keys, payloads, and
-- trace_parents: each message's trace context, or null), and may name new tasks whose events the
-- relay builds (new_tasks and their teams, machines, priorities and trace contexts; V28).
-- Rows are taken while fewer than $1 messages come before them: at most $1 messages, unless the
-- first row alone holds more (it is still taken whole). The window reads the stored message_count
-- (V26), never the arrays: only the rows taken are read whole, once, by RETURNING.
WITH taken AS (
    SELECT o.id
    FROM (SELECT pg_try_advisory_xact_lock(hashtext('rediacc.outbox-relay')) AS held) relay
    CROSS JOIN LATERAL (
        SELECT oldest.id,
               sum(oldest.message_count) OVER (ORDER BY oldest.id) - oldest.message_count AS messages_before
        FROM (SELECT id, message_count FROM outbox ORDER BY id LIMIT $1) oldest
    ) o
    WHERE relay.held AND o.messages_before < $1
)
DELETE FROM outbox
USING taken
WHERE outbox.id = taken.id
RETURNING outbox.id, outbox.topic, outbox.message_key, outbox.payload, outbox.topics, outbox.message_keys, outbox.payloads,
          outbox.trace_parents, outbox.new_tasks, outbox.new_task_teams, outbox.new_task_machines,
          outbox.new_task_priorities, outbox.new_task_trace_parents, outbox.created_at
