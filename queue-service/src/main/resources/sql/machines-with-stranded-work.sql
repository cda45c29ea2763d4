-- Machines with work that has been ready for a while and room to run it: their wake-up was lost,
-- Kafka was down, a delay or retry delay just ran out, or the machine was resumed.
SELECT m.name
FROM machines m
WHERE NOT m.paused
  AND EXISTS (SELECT 1
              FROM tasks t
              WHERE t.machine = m.name
                AND t.status = 'PENDING'
                AND COALESCE(t.not_before, t.created_at) <= now() - make_interval(secs => $1))
  AND (SELECT count(*) FROM tasks a WHERE a.machine = m.name AND a.status IN ('ASSIGNED', 'PROCESSING'))
      < m.max_concurrency
