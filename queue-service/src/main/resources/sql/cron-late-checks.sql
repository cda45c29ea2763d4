-- Runs whose checkin margin has passed ($1: now) and that were not checked yet, locked; `started`
-- says whether their task has started (or ended). SKIP LOCKED: replicas check different runs.
SELECT r.cron, r.slot, r.task_id, t.team, t.machine,
       (t.task_id IS NULL OR t.status NOT IN ('PENDING', 'ASSIGNED')) AS started
FROM cron_runs r
LEFT JOIN tasks t ON t.task_id = r.task_id
WHERE r.late_check_at <= $1
ORDER BY r.late_check_at
LIMIT $2
FOR UPDATE OF r SKIP LOCKED
