-- A cron's runs, one per slot ((cron, slot) is the primary key: a slot is recorded once), and the
-- crons' next slots and latest tasks, in one statement. The caller holds the crons' row locks.
-- Runs $1..$7: cron, slot, kind, outcome (null: a task ran), task, detail, late_check_at (null: not
-- checked: no task). Crons $8..$10: name, next slot, latest task (null: unchanged).
WITH runs AS (
    INSERT INTO cron_runs (cron, slot, kind, outcome, task_id, detail, late_check_at)
    SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::timestamptz[])
), advanced AS (
    UPDATE crons c
    SET next_slot    = a.next_slot,
        last_task_id = COALESCE(a.last_task_id, c.last_task_id)
    FROM unnest($8::text[], $9::timestamptz[], $10::uuid[]) AS a(name, next_slot, last_task_id)
    WHERE c.name = a.name
    RETURNING c.name
)
SELECT count(*) AS advanced FROM advanced
