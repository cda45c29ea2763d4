-- Claims up to $3 ready tasks of machine $1 for bridge $2, by priority then creation order,
-- never more than the machine's max_concurrency running at once.
-- Run after lock-claimable-machine.sql in the same transaction (fresh snapshot, lock held).
-- $4: the bridge's tags; $5: lease duration in seconds.
WITH capacity AS (
    SELECT GREATEST(0, m.max_concurrency - (
        SELECT count(*) FROM tasks a
        WHERE a.machine = m.name AND a.status IN ('ASSIGNED', 'PROCESSING'))) AS free
    FROM machines m
    WHERE m.name = $1
),
ready AS (
    SELECT t.task_id
    FROM tasks t
    WHERE t.machine = $1
      AND t.status = 'PENDING'
      AND (t.not_before IS NULL OR t.not_before <= now())
      AND (t.tag IS NULL OR t.tag = ANY ($4::text[]))
    ORDER BY t.priority, t.seq
    LIMIT LEAST($3, (SELECT free FROM capacity))
    FOR UPDATE OF t SKIP LOCKED
)
UPDATE tasks t
SET status           = 'ASSIGNED',
    lease_owner      = $2,
    lease_token      = nextval('lease_tokens'),
    lease_expires_at = now() + make_interval(secs => $5),
    assigned_at      = now(),
    attempt_token    = gen_random_uuid()::text,
    remote_pid       = NULL
FROM ready
WHERE t.task_id = ready.task_id
RETURNING t.*
