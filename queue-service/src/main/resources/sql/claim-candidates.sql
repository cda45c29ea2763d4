-- The tasks of machine $1 that a claim may take, locked: ready (PENDING, not held by their group,
-- not_before passed, tag
-- untagged or one of the bridge's $3), by priority then creation order, no more than $2 nor than
-- the machine's free slots (max_concurrency minus its ASSIGNED and PROCESSING tasks). SKIP LOCKED:
-- a task another transaction holds (a cancel, say) is passed over, not waited for.
-- Run after lock-claimable-machine.sql in the same transaction (fresh snapshot, machine locked, so
-- the count of running tasks cannot race). `now` is the time the readiness was judged at.
WITH capacity AS (
    SELECT GREATEST(0, m.max_concurrency - (
        SELECT count(*) FROM tasks a
        WHERE a.machine = m.name AND a.status IN ('ASSIGNED', 'PROCESSING'))) AS free
    FROM machines m
    WHERE m.name = $1
)
SELECT t.*, now() AS now
FROM tasks t
WHERE t.machine = $1
  AND t.status = 'PENDING'
  AND NOT t.held
  AND (t.not_before IS NULL OR t.not_before <= now())
  AND (t.tag IS NULL OR t.tag = ANY ($3::text[]))
ORDER BY t.priority, t.seq
LIMIT LEAST($2, (SELECT free FROM capacity))
FOR UPDATE OF t SKIP LOCKED
