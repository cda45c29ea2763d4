-- A cron's runs, newest slot first, before slot $2 (null: from the newest), with their tasks' state
-- (a task archived since is read from the archive).
SELECT r.*, coalesce(t.status, a.status) AS task_status, coalesce(t.error, a.error) AS task_error,
       coalesce(t.timeout_seconds, a.timeout_seconds) AS task_timeout
FROM cron_runs r
LEFT JOIN tasks t ON t.task_id = r.task_id
LEFT JOIN tasks_archive a ON t.task_id IS NULL AND a.task_id = r.task_id
WHERE r.cron = $1
  AND ($2::timestamptz IS NULL OR r.slot < $2)
ORDER BY r.slot DESC
LIMIT $3
