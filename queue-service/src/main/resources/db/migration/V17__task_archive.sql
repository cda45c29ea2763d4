-- Archive and retention (docs/adr/0014). Finished tasks older than rediacc.retention.archive-after leave
-- the hot tables for tasks_archive, partitioned by the month of completed_at; a month older than
-- rediacc.retention.delete-after is dropped whole (DROP TABLE of its partition, no DELETE).
--
-- A row of tasks_archive is the task's row as it was, after `history`: its whole history as one JSON
-- array (what the view task_transitions gave, oldest first), written once when the task moved.
-- The columns after `history` are those of tasks in their order (TaskArchiveSchemaTest): a migration
-- that adds a column to tasks adds it to tasks_archive too, in the same order.
CREATE TABLE tasks_archive (
    history jsonb NOT NULL,
    LIKE tasks
) PARTITION BY RANGE (completed_at);
ALTER TABLE tasks_archive ALTER COLUMN completed_at SET NOT NULL;
-- Unique indexes of a partitioned table must contain its key; the ids are unique in tasks already.
CREATE INDEX tasks_archive_task_idx ON tasks_archive (task_id);
CREATE INDEX tasks_archive_seq_idx ON tasks_archive (seq);

-- The archive job walks finished tasks by their end: an index written once, when a task ends.
CREATE INDEX tasks_finished_idx ON tasks (completed_at) WHERE status IN ('COMPLETED', 'FAILED', 'CANCELLED');

-- A retry of an archived task names it by id, as on_exit_of, group_id and cron_runs.task_id name
-- theirs: a reference that may point into the archive (GET /tasks/{id} answers both). The index
-- served only the foreign key's check when a task was deleted.
ALTER TABLE tasks DROP CONSTRAINT tasks_retried_from_fkey;
DROP INDEX tasks_retried_from_idx;

-- The partition of a month: tasks_archive_yYYYYmMM, for completed_at in [month, month + 1).
CREATE FUNCTION task_archive_partition_name(month timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE AS
$$
SELECT 'tasks_archive_' || to_char(month AT TIME ZONE 'UTC', '"y"YYYY"m"MM')
$$;

-- Creates the partitions of the months from $1 to $2 (UTC) that do not exist yet; returns their names.
-- One replica at a time (an advisory lock until the caller's transaction ends).
CREATE FUNCTION task_archive_create_partitions(first_day timestamptz, last_day timestamptz) RETURNS SETOF text
    LANGUAGE plpgsql AS
$$
DECLARE
    -- Months counted in UTC wall time: a timestamptz plus a month would follow the session's time zone.
    month_start timestamp := date_trunc('month', first_day AT TIME ZONE 'UTC');
    part_name text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('rediacc.task-archive-partitions'));
    WHILE month_start <= last_day AT TIME ZONE 'UTC' LOOP
        part_name := task_archive_partition_name(month_start AT TIME ZONE 'UTC');
        IF to_regclass(part_name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF tasks_archive FOR VALUES FROM (%L) TO (%L)',
                           part_name, month_start AT TIME ZONE 'UTC', (month_start + interval '1 month') AT TIME ZONE 'UTC');
            RETURN NEXT part_name;
        END IF;
        month_start := month_start + interval '1 month';
    END LOOP;
END;
$$;

-- Drops the partitions whose whole month ended before $1; returns their names. One replica at a time.
CREATE FUNCTION task_archive_drop_partitions(ended_before timestamptz) RETURNS SETOF text
    LANGUAGE plpgsql AS
$$
DECLARE
    part text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('rediacc.task-archive-partitions'));
    FOR part IN
        SELECT c.relname
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'tasks_archive'::regclass
          AND c.relname ~ '^tasks_archive_y\d{4}m\d{2}$'
          AND (to_date(right(c.relname, 7), 'YYYY"m"MM') + interval '1 month') AT TIME ZONE 'UTC' <= ended_before
        ORDER BY c.relname
    LOOP
        EXECUTE format('DROP TABLE %I', part);
        RETURN NEXT part;
    END LOOP;
END;
$$;
