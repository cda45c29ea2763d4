INSERT INTO tasks (task_id, team, machine, command, status, priority, max_retries, retry_count, retry_delay,
                   retry_backoff, failure_action, tag, resumable, timeout_seconds, not_before, idempotency_key,
                   retried_from, vault_data, vault_data_shape)
VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
RETURNING *
