-- One slice of a purge's tasks that are not plain PENDING ones (those: purge-pending-slice.sql),
-- locked, for the unit of work (tasks/purge/TaskPurge): up to $8 PENDING tasks with an onExit or of
-- a group (their end sets off a follow-up task or their group's progress), then up to $8 ASSIGNED or
-- PROCESSING ones (few: each machine runs at most max_concurrency). A PROCESSING task already asked
-- to stop is not taken again. SKIP LOCKED: a task a claim (or any other transition) holds is passed
-- over, not waited for; a later slice sees it as that transition left it.
-- Filter: $1 statuses, $2 machine, $3 team, $4 priority, $5 created before, $6 tag, $7 the teams
-- the caller may cancel in (NULL: every team), $9 the highest seq (tasks queued after the purge
-- began are not its business).
WITH pending AS (
    SELECT *
    FROM tasks
    WHERE status = 'PENDING'
      AND 'PENDING' = ANY ($1::text[])
      AND (on_exit_command IS NOT NULL OR group_id IS NOT NULL)
      AND ($2::text IS NULL OR machine = $2)
      AND ($3::text IS NULL OR team = $3)
      AND ($4::smallint IS NULL OR priority = $4)
      AND ($5::timestamptz IS NULL OR created_at < $5)
      AND ($6::text IS NULL OR tag = $6)
      AND ($7::text[] IS NULL OR team = ANY ($7))
      AND seq <= $9
    LIMIT $8
    FOR UPDATE SKIP LOCKED
), running AS (
    SELECT *
    FROM tasks
    WHERE status IN ('ASSIGNED', 'PROCESSING')
      AND status = ANY ($1::text[])
      AND NOT (status = 'PROCESSING' AND cancel_requested)
      AND ($2::text IS NULL OR machine = $2)
      AND ($3::text IS NULL OR team = $3)
      AND ($4::smallint IS NULL OR priority = $4)
      AND ($5::timestamptz IS NULL OR created_at < $5)
      AND ($6::text IS NULL OR tag = $6)
      AND ($7::text[] IS NULL OR team = ANY ($7))
      AND seq <= $9
    LIMIT $8
    FOR UPDATE SKIP LOCKED
)
SELECT * FROM pending
UNION ALL
SELECT * FROM running
