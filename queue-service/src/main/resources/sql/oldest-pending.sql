SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age_seconds
FROM tasks
WHERE status = 'PENDING'
  AND ($1::text IS NULL OR team = $1)
  AND ($2::text[] IS NULL OR team = ANY($2))
