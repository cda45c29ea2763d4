-- Machines with work that has been ready for a while and room to run it: their wake-up was lost,
-- Kafka was down, a delay or retry delay just ran out, or the machine was resumed.
-- Machine first, one index probe each (LATERAL ... LIMIT 1): a paused machine's backlog is never
-- read, whatever the statistics say (a semi-join over all PENDING tasks read 230,000 rows a sweep).
-- The probe is ordered as tasks_ready_idx is, so that the index is the cheap way to it: unordered,
-- LIMIT 1 made a sequential scan look cheap (many PENDING tasks, all on one paused machine), and
-- each sweep read the whole table once per machine without a match (467 ms at 283,000 tasks).
SELECT m.name
FROM machines m
CROSS JOIN LATERAL (SELECT 1
                    FROM tasks t
                    WHERE t.machine = m.name
                      AND t.status = 'PENDING'
                      AND NOT t.held
                      AND COALESCE(t.not_before, t.created_at) <= now() - make_interval(secs => $1)
                    ORDER BY t.priority, t.seq
                    LIMIT 1) ready
WHERE NOT m.paused
  AND (SELECT count(*) FROM tasks a WHERE a.machine = m.name AND a.status IN ('ASSIGNED', 'PROCESSING'))
      < m.max_concurrency
