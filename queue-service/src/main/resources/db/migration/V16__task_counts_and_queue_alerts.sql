-- The queue's counts without counting task rows (docs/adr/0015): tasks per team, machine, priority
-- and status are task_counts plus the deltas not yet folded into it. Triggers write the deltas in
-- the transaction that inserts, moves or deletes tasks, whichever statement does it; a delta is a
-- row of its own (insert-only), so writers never wait on a shared counter row. The maintenance job
-- (TaskCountsFold) folds the deltas into task_counts every sweep.
CREATE TABLE task_counts (
    team     text     NOT NULL,
    machine  text     NOT NULL,
    priority smallint NOT NULL,
    status   text     NOT NULL,
    tasks    integer  NOT NULL,
    PRIMARY KEY (team, machine, priority, status)
);

CREATE TABLE task_count_deltas (
    team     text     NOT NULL,
    machine  text     NOT NULL,
    priority smallint NOT NULL,
    status   text     NOT NULL,
    tasks    integer  NOT NULL
);

-- Tasks created and ended per minute and team over the last hour (the console's sparklines), kept
-- the same way: deltas written with the tasks, folded into task_flow (and older minutes dropped) by
-- the same job.
CREATE TABLE task_flow (
    minute  timestamptz NOT NULL,
    team    text        NOT NULL,
    created bigint      NOT NULL,
    ended   bigint      NOT NULL,
    PRIMARY KEY (minute, team)
);

CREATE TABLE task_flow_deltas (
    minute  timestamptz NOT NULL,
    team    text        NOT NULL,
    created bigint      NOT NULL,
    ended   bigint      NOT NULL
);

-- Inserts and deletes are counted once per statement (a batch of 256 creates is one delta row per
-- machine and priority); a move once per moved row, and a heartbeat, which changes none of the
-- counted columns, costs only the trigger's WHEN test.
CREATE FUNCTION count_inserted_tasks() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO task_count_deltas
    SELECT team, machine, priority, status, count(*) FROM inserted_tasks GROUP BY 1, 2, 3, 4;
    INSERT INTO task_flow_deltas
    SELECT date_trunc('minute', created_at), team, count(*), 0 FROM inserted_tasks GROUP BY 1, 2;
    RETURN NULL;
END
$$;

CREATE FUNCTION count_deleted_tasks() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO task_count_deltas
    SELECT team, machine, priority, status, -count(*) FROM deleted_tasks GROUP BY 1, 2, 3, 4;
    RETURN NULL;
END
$$;

CREATE FUNCTION count_moved_task() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO task_count_deltas
    VALUES (OLD.team, OLD.machine, OLD.priority, OLD.status, -1),
           (NEW.team, NEW.machine, NEW.priority, NEW.status, 1);
    IF NEW.status IN ('COMPLETED', 'FAILED', 'CANCELLED') AND OLD.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED') THEN
        INSERT INTO task_flow_deltas VALUES (date_trunc('minute', now()), NEW.team, 0, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION count_truncated_tasks() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM task_count_deltas;
    DELETE FROM task_counts;
    DELETE FROM task_flow_deltas;
    DELETE FROM task_flow;
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_counted_on_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS inserted_tasks FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_tasks();
CREATE TRIGGER tasks_counted_on_delete AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS deleted_tasks FOR EACH STATEMENT EXECUTE FUNCTION count_deleted_tasks();
CREATE TRIGGER tasks_counted_on_move AFTER UPDATE OF status, team, machine, priority ON tasks FOR EACH ROW
    WHEN ((OLD.status, OLD.team, OLD.machine, OLD.priority) IS DISTINCT FROM (NEW.status, NEW.team, NEW.machine, NEW.priority))
    EXECUTE FUNCTION count_moved_task();
CREATE TRIGGER tasks_counted_on_truncate AFTER TRUNCATE ON tasks
    FOR EACH STATEMENT EXECUTE FUNCTION count_truncated_tasks();

-- The counts as they are now, as rows to add up: the folded ones and the deltas not yet folded. A
-- reader sums them by what it needs (one aggregation: summing by the four keys first cost as much
-- again), and leaves out the sums of 0. A filter on team or machine reaches both tables. Counts are
-- integers: sum(integer) is a bigint, sum(bigint) a numeric, several times slower to add.
CREATE VIEW current_task_counts AS
SELECT team, machine, priority, status, tasks FROM task_counts
UNION ALL
SELECT team, machine, priority, status, tasks FROM task_count_deltas;

CREATE VIEW current_task_flow AS
SELECT minute, team, sum(created)::bigint AS created, sum(ended)::bigint AS ended
FROM (SELECT minute, team, created, ended FROM task_flow
      UNION ALL
      SELECT minute, team, created, ended FROM task_flow_deltas) flow
GROUP BY minute, team;

-- The tasks already there, counted once (the triggers above hold the table's writers until commit).
INSERT INTO task_counts
SELECT team, machine, priority, status, count(*) FROM tasks GROUP BY 1, 2, 3, 4;
INSERT INTO task_flow
SELECT minute, team, sum(created), sum(ended)
FROM (SELECT date_trunc('minute', created_at) AS minute, team, 1 AS created, 0 AS ended FROM tasks
      WHERE created_at >= date_trunc('minute', now()) - interval '59 minutes'
      UNION ALL
      SELECT date_trunc('minute', completed_at), team, 0, 1 FROM tasks
      WHERE completed_at >= date_trunc('minute', now()) - interval '59 minutes') recent
GROUP BY minute, team;

-- Queue-depth thresholds: of a team (machine NULL) or of one machine; NULL: no such limit. The
-- alert state is stored here, so that crossing a threshold is alerted once whatever the number of
-- replicas (alerts/QueueAlerts): *_alert_since is when the alert fired, NULL while it is clear.
CREATE TABLE queue_thresholds (
    team                    text        NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    machine                 text        REFERENCES machines (name) ON DELETE CASCADE,
    max_pending             bigint      CHECK (max_pending >= 0),
    max_pending_age_seconds bigint      CHECK (max_pending_age_seconds >= 0),
    pending_alert_since     timestamptz,
    age_alert_since         timestamptz,
    updated_at              timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (team, machine)
);
CREATE INDEX queue_thresholds_machine_idx ON queue_thresholds (machine);

-- Running work that looks stuck (task_stuck_reason, V15), one row per task while it does: seen
-- since `since`, alerted once at `alerted_at` if it stays stuck for rediacc.alerts.stuck-after, its
-- clearing alerted once when the row goes.
CREATE TABLE stuck_task_alerts (
    task_id    uuid PRIMARY KEY,
    team       text        NOT NULL,
    machine    text        NOT NULL,
    reason     text        NOT NULL,
    since      timestamptz NOT NULL DEFAULT now(),
    alerted_at timestamptz
);
