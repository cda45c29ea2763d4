-- A cron's runs, newest slot first, before slot $2 (null: from the newest), with their tasks' state.
SELECT r.*, t.status AS task_status, t.error AS task_error, t.timeout_seconds AS task_timeout
FROM cron_runs r
LEFT JOIN tasks t ON t.task_id = r.task_id
WHERE r.cron = $1
  AND ($2::timestamptz IS NULL OR r.slot < $2)
ORDER BY r.slot DESC
LIMIT $3
