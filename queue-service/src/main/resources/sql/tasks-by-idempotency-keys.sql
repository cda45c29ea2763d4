-- The tasks the keys $2[i] of teams $1[i] are bound to.
SELECT t.*
FROM idempotency_keys k
JOIN tasks t ON t.task_id = k.task_id
WHERE (k.team, k.key) IN (SELECT * FROM unnest($1::text[], $2::text[]))
