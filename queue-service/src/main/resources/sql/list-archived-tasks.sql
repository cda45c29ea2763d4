-- list-tasks.sql over the archive: newest first (a merge of the month partitions' seq indexes).
SELECT *
FROM tasks_archive
WHERE ($1::text IS NULL OR status = $1)
  AND ($2::text IS NULL OR machine = $2)
  AND ($3::text IS NULL OR team = $3)
  AND ($4::smallint IS NULL OR priority = $4)
  AND ($5::bigint IS NULL OR seq < $5)
  AND ($7::text[] IS NULL OR team = ANY($7))
ORDER BY seq DESC
LIMIT $6
