-- A many-message outbox row may name the tasks its statement created instead of carrying their
-- events: new_tasks (their ids, in creation order) with each one's team, machine, priority and trace
-- context (new_task_trace_parents: null when none is traced). The relay builds each task's
-- rediacc.task.pending event from them (its id is the task's id, its time the row's created_at) and
-- sends those events before the row's other messages. A batch call's row then holds ~60 bytes a task
-- instead of ~420 bytes of CloudEvent JSON that queue-service serialised and PostgreSQL compressed on
-- the request path (docs/adr/0025).
ALTER TABLE outbox
    ADD COLUMN new_tasks              uuid[],
    ADD COLUMN new_task_teams         text[],
    ADD COLUMN new_task_machines      text[],
    ADD COLUMN new_task_priorities    smallint[],
    ADD COLUMN new_task_trace_parents text[],
    DROP CONSTRAINT outbox_one_message_or_many,
    -- coalesce: a comparison with a missing array is null, which a CHECK lets through (V7's did)
    ADD CONSTRAINT outbox_one_message_or_many CHECK (coalesce(
        (topic IS NOT NULL AND message_key IS NOT NULL AND payload IS NOT NULL
            AND topics IS NULL AND message_keys IS NULL AND payloads IS NULL AND new_tasks IS NULL)
        OR (topic IS NULL AND message_key IS NULL AND payload IS NULL
            AND (payloads IS NOT NULL OR new_tasks IS NOT NULL)
            AND (topics IS NULL AND message_keys IS NULL AND payloads IS NULL
                 OR cardinality(topics) > 0
                    AND cardinality(message_keys) = cardinality(topics)
                    AND cardinality(payloads) = cardinality(topics)
                    AND array_position(topics, NULL) IS NULL
                    AND array_position(message_keys, NULL) IS NULL
                    AND array_position(payloads, NULL) IS NULL)
            AND (new_tasks IS NULL AND new_task_teams IS NULL AND new_task_machines IS NULL
                     AND new_task_priorities IS NULL AND new_task_trace_parents IS NULL
                 OR cardinality(new_tasks) > 0
                    AND cardinality(new_task_teams) = cardinality(new_tasks)
                    AND cardinality(new_task_machines) = cardinality(new_tasks)
                    AND cardinality(new_task_priorities) = cardinality(new_tasks)
                    AND coalesce(cardinality(new_task_trace_parents), cardinality(new_tasks)) = cardinality(new_tasks)
                    AND array_position(new_tasks, NULL) IS NULL
                    AND array_position(new_task_teams, NULL) IS NULL
                    AND array_position(new_task_machines, NULL) IS NULL
                    AND array_position(new_task_priorities, NULL) IS NULL)), false)),
    DROP COLUMN message_count;

ALTER TABLE outbox
    ADD COLUMN message_count integer NOT NULL GENERATED ALWAYS AS (
        CASE WHEN payload IS NOT NULL THEN 1
             ELSE coalesce(cardinality(payloads), 0) + coalesce(cardinality(new_tasks), 0) END) STORED;
-- Ids are random bits: stored out of line as they are, never tried for compression. The names
-- repeat: lz4, as the other columns (V24), where PostgreSQL has it.
ALTER TABLE outbox ALTER COLUMN new_tasks SET STORAGE EXTERNAL;
DO
$$
BEGIN
    ALTER TABLE outbox
        ALTER COLUMN new_task_teams SET COMPRESSION lz4,
        ALTER COLUMN new_task_machines SET COMPRESSION lz4,
        ALTER COLUMN new_task_priorities SET COMPRESSION lz4,
        ALTER COLUMN new_task_trace_parents SET COMPRESSION lz4;
EXCEPTION
    WHEN feature_not_supported THEN
        RAISE NOTICE 'outbox stays compressed with pglz: %', SQLERRM;
END
$$;
