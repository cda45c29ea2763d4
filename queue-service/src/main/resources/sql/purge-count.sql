-- What a purge would cancel now (a dry run): the tasks purge-pending-slice.sql and purge-slice.sql
-- take, counted by status.
SELECT status, count(*) AS tasks
FROM tasks
WHERE status = ANY ($1::text[])
  AND NOT (status = 'PROCESSING' AND cancel_requested)
  AND ($2::text IS NULL OR machine = $2)
  AND ($3::text IS NULL OR team = $3)
  AND ($4::smallint IS NULL OR priority = $4)
  AND ($5::timestamptz IS NULL OR created_at < $5)
  AND ($6::text IS NULL OR tag = $6)
  AND ($7::text[] IS NULL OR team = ANY ($7))
  AND seq <= $8
GROUP BY status
