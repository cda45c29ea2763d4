-- Counts per status and priority; the age of the oldest ready task comes from its own query.
SELECT status, priority, count(*) AS tasks
FROM tasks
WHERE ($1::text IS NULL OR team = $1)
GROUP BY status, priority
