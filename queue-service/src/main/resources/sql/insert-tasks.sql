-- A batch of new PENDING tasks, their history rows and outbox rows, in one statement.
-- Rows go in in array order, so seq follows the order the requests arrived in. The history rows
-- reference tasks of the same statement: foreign keys are checked at its end.
WITH new_tasks AS (
    INSERT INTO tasks (task_id, team, machine, command, status, priority, max_retries, retry_count, retry_delay,
                       retry_backoff, failure_action, tag, resumable, timeout_seconds, not_before, idempotency_key,
                       retried_from, vault_data, vault_data_shape)
    SELECT task_id, team, machine, command, 'PENDING', priority, max_retries, max_retries, retry_delay,
           retry_backoff, failure_action, tag, resumable, timeout_seconds, not_before, idempotency_key,
           retried_from, vault_data, vault_data_shape::jsonb
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::integer[], $7::integer[],
                $8::text[], $9::text[], $10::text[], $11::boolean[], $12::integer[], $13::timestamptz[], $14::text[],
                $15::uuid[], $16::text[], $17::text[])
         WITH ORDINALITY AS r(task_id, team, machine, command, priority, max_retries, retry_delay, retry_backoff,
                              failure_action, tag, resumable, timeout_seconds, not_before, idempotency_key,
                              retried_from, vault_data, vault_data_shape, arrival)
    ORDER BY arrival
    RETURNING *
), history AS (
    INSERT INTO task_history (task_id, from_status, to_status, actor, detail)
    SELECT task_id, NULL, 'PENDING', actor, detail
    FROM unnest($1::uuid[], $18::text[], $19::text[]) AS h(task_id, actor, detail)
), events AS (
    INSERT INTO outbox (topic, message_key, payload)
    SELECT topic, message_key, payload
    FROM unnest($20::text[], $21::text[], $22::text[]) WITH ORDINALITY AS e(topic, message_key, payload, position)
    ORDER BY position
)
SELECT * FROM new_tasks
