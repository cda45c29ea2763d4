-- Binds key $2 of team $1 to task $3 unless a binding younger than 24 hours exists.
-- Returns a row only when the key is now bound to $3.
INSERT INTO idempotency_keys (team, key, task_id)
VALUES ($1, $2, $3)
ON CONFLICT (team, key) DO UPDATE
    SET task_id = EXCLUDED.task_id, created_at = now()
    WHERE idempotency_keys.created_at < now() - interval '24 hours'
RETURNING task_id
