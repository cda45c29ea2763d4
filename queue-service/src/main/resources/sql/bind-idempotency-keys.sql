-- Binds each key $2[i] of team $1[i] to task $3[i] unless a binding younger than 24 hours exists.
-- Returns the keys now bound to the given tasks. Pairs must be distinct (one row per key and statement).
INSERT INTO idempotency_keys (team, key, task_id)
SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[])
ON CONFLICT (team, key) DO UPDATE
    SET task_id = EXCLUDED.task_id, created_at = now()
    WHERE idempotency_keys.created_at < now() - interval '24 hours'
RETURNING team, key
