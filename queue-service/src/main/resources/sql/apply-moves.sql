-- Writes the moves decided by TaskStateMachine (tasks/lifecycle), with their history entries and
-- outbox messages, in one statement: the unit of work of every transition after creation. The
-- caller holds the row locks of the moved tasks (tasks/store/TaskTransitions).
--
-- Moves $1..$12, one element per task: status, not_before, retry_count, exit_code, output (null:
-- as stored), output_truncated, error, attempts, cancel_requested, what happens to the lease ($11,
-- Decision.Lease) and which time is stamped ($12, Decision.Stamp). A granted lease belongs to $13
-- (the claiming bridge) and every lease given or renewed runs $14 seconds.
-- History $15..$19 (task, from, to, actor, detail); outbox messages $20..$22 as one row of many.
-- $23: whether each moved task stays held by its group.
WITH moved AS (
    UPDATE tasks t
    SET status           = m.status,
        not_before       = m.not_before,
        retry_count      = m.retry_count,
        exit_code        = m.exit_code,
        output           = COALESCE(m.output, t.output),
        output_truncated = m.output_truncated,
        error            = m.error,
        attempts         = m.attempts,
        cancel_requested = m.cancel_requested,
        held             = m.held,
        lease_owner      = CASE m.lease WHEN 'GRANT' THEN $13 WHEN 'RENEW' THEN t.lease_owner
                                        WHEN 'KEEP' THEN t.lease_owner END,
        lease_token      = CASE m.lease WHEN 'GRANT' THEN nextval('lease_tokens') WHEN 'RENEW' THEN t.lease_token
                                        WHEN 'KEEP' THEN t.lease_token END,
        lease_expires_at = CASE m.lease WHEN 'GRANT' THEN now() + make_interval(secs => $14)
                                        WHEN 'RENEW' THEN now() + make_interval(secs => $14)
                                        WHEN 'KEEP' THEN t.lease_expires_at END,
        attempt_token    = CASE m.lease WHEN 'GRANT' THEN gen_random_uuid()::text ELSE t.attempt_token END,
        remote_pid       = CASE m.lease WHEN 'GRANT' THEN NULL WHEN 'CLEAR' THEN NULL ELSE t.remote_pid END,
        lost_since       = CASE m.lease WHEN 'LOSE' THEN now() WHEN 'CLEAR' THEN NULL ELSE t.lost_since END,
        assigned_at      = CASE m.stamp WHEN 'ASSIGNED_AT' THEN now() ELSE t.assigned_at END,
        started_at       = CASE m.stamp WHEN 'STARTED_AT' THEN now() ELSE t.started_at END,
        completed_at     = CASE m.stamp WHEN 'COMPLETED_AT' THEN now() ELSE t.completed_at END
    FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::integer[], $5::integer[], $6::text[], $7::boolean[],
                $8::text[], $9::integer[], $10::boolean[], $11::text[], $12::text[], $23::boolean[])
         AS m(task_id, status, not_before, retry_count, exit_code, output, output_truncated, error, attempts,
              cancel_requested, lease, stamp, held)
    WHERE t.task_id = m.task_id
    RETURNING t.task_id, t.lease_token, t.lease_expires_at, t.attempt_token
), history AS (
    INSERT INTO task_history (task_id, from_status, to_status, actor, detail)
    SELECT * FROM unnest($15::uuid[], $16::text[], $17::text[], $18::text[], $19::text[])
), messages AS (
    INSERT INTO outbox (topics, message_keys, payloads)
    SELECT $20::text[], $21::text[], $22::text[]
    WHERE cardinality($20::text[]) > 0
)
SELECT * FROM moved
