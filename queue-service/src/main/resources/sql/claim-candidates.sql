-- The tasks of machine $1 that a claim may take, locked: ready (PENDING, not held by their group,
-- not_before passed, tag
-- untagged or one of the bridge's $3), by priority then creation order, no more than $2 nor than
-- the machine's free slots (max_concurrency minus its ASSIGNED and PROCESSING tasks). SKIP LOCKED:
-- a task another transaction holds (a cancel, say) is passed over, not waited for.
-- Run after lock-claimable-machine.sql in the same transaction (fresh snapshot, machine locked, so
-- the count of running tasks cannot race). `now` is the time the readiness was judged at.
-- One row at least: with no task taken, the task columns are null. `ready_left` says whether a
-- ready task of the machine is left after these (one passed over as locked elsewhere counts), so
-- that the bridge claims again when a slot frees only then (docs/adr/0027): are there more ready
-- tasks than were taken? It counts no further than one past them, in tasks_ready_idx's order, so
-- that the index is its way; an EXISTS with NOT EXISTS (picked) was planned as a sequential scan
-- and an anti-join once the statistics held thousands of PENDING tasks (the planner drops an
-- EXISTS's ORDER BY).
WITH capacity AS (
    SELECT GREATEST(0, m.max_concurrency - (
        SELECT count(*) FROM tasks a
        WHERE a.machine = m.name AND a.status IN ('ASSIGNED', 'PROCESSING'))) AS free
    FROM machines m
    WHERE m.name = $1
),
picked AS (
    SELECT t.*
    FROM tasks t
    WHERE t.machine = $1
      AND t.status = 'PENDING'
      AND NOT t.held
      AND (t.not_before IS NULL OR t.not_before <= now())
      AND (t.tag IS NULL OR t.tag = ANY ($3::text[]))
    ORDER BY t.priority, t.seq
    LIMIT LEAST($2, (SELECT free FROM capacity))
    FOR UPDATE OF t SKIP LOCKED
)
SELECT p.*, now() AS now,
       (SELECT count(*)
        FROM (SELECT 1
              FROM tasks r
              WHERE r.machine = $1
                AND r.status = 'PENDING'
                AND NOT r.held
                AND (r.not_before IS NULL OR r.not_before <= now())
                AND (r.tag IS NULL OR r.tag = ANY ($3::text[]))
              ORDER BY r.priority, r.seq
              LIMIT (SELECT count(*) FROM picked) + 1) ready) > (SELECT count(*) FROM picked) AS ready_left
FROM (VALUES (1)) AS one (n)
LEFT JOIN picked p ON true
