-- Running work that looks stuck, by the rule the console shows (task_stuck_reason, V15): a lost
-- lease not settled, an expired lease, a run past its timeout. (A cancel still running is the
-- bridge's few seconds to kill it; a PENDING task waiting long is the queue-depth thresholds'.)
-- A task is remembered when first seen, alerted once it stayed stuck $1 seconds, and its clearing
-- alerted when it no longer looks stuck (ended, settled, or gone). One statement: what it returns
-- is what to publish. The caller holds the alerts' advisory lock.
WITH stuck AS (
    SELECT task_id, team, machine, reason
    FROM (SELECT task_id, team, machine, task_stuck_reason(t, 1e9) AS reason
          FROM tasks t
          WHERE status IN ('ASSIGNED', 'PROCESSING')) active
    WHERE reason IS NOT NULL AND reason <> 'cancel requested, still running'
), seen AS (
    INSERT INTO stuck_task_alerts (task_id, team, machine, reason)
    SELECT task_id, team, machine, reason FROM stuck
    ON CONFLICT (task_id) DO NOTHING
), fired AS (
    UPDATE stuck_task_alerts a
    SET alerted_at = now(), reason = s.reason
    FROM stuck s
    WHERE a.task_id = s.task_id AND a.alerted_at IS NULL AND a.since <= now() - make_interval(secs => $1)
    RETURNING a.task_id, a.team, a.machine, s.reason, a.since, true AS stuck
), cleared AS (
    DELETE FROM stuck_task_alerts a
    WHERE NOT EXISTS (SELECT 1 FROM stuck s WHERE s.task_id = a.task_id)
    RETURNING a.task_id, a.team, a.machine, a.reason, a.since, a.alerted_at
)
SELECT task_id, team, machine, reason, since, stuck FROM fired
UNION ALL
SELECT task_id, team, machine, reason, since, false FROM cleared WHERE alerted_at IS NOT NULL
