-- Why a task looks stuck, or NULL: the one rule behind the console's overview (sql/console-stuck.sql)
-- and its task list (sql/console-tasks.sql). A lost lease, an expired lease, a cancel requested on a
-- task still running, a run past its timeout, PENDING (not held) long past its notBefore.
-- A plain SQL function: the planner inlines it into the queries that call it.
CREATE FUNCTION task_stuck_reason(t tasks, stale_pending_seconds double precision) RETURNS text
    LANGUAGE sql STABLE AS
$$
SELECT CASE
           WHEN t.status = 'PROCESSING' AND t.lost_since IS NOT NULL THEN 'lease lost: waiting for its remote command to be ended'
           WHEN t.status IN ('ASSIGNED', 'PROCESSING') AND t.lease_expires_at < now() THEN 'lease expired'
           WHEN t.status IN ('ASSIGNED', 'PROCESSING') AND t.cancel_requested THEN 'cancel requested, still running'
           WHEN t.status = 'PROCESSING' AND t.timeout_seconds IS NOT NULL
                AND t.started_at + make_interval(secs => t.timeout_seconds) < now() THEN 'running past its timeout'
           WHEN t.status = 'PENDING' AND NOT t.held
                AND coalesce(t.not_before, t.created_at) < now() - make_interval(secs => stale_pending_seconds)
               THEN 'pending long past its notBefore'
       END
$$;
