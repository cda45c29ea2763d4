-- Counts per status and priority; the age of the oldest ready task comes from its own query.
-- $2: the teams the caller may see (NULL: every team).
SELECT status, priority, count(*) AS tasks
FROM tasks
WHERE ($1::text IS NULL OR team = $1)
  AND ($2::text[] IS NULL OR team = ANY($2))
GROUP BY status, priority
