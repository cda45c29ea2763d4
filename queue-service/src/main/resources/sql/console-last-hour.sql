-- Tasks created and ended per minute over the last hour (the console's sparklines), from the flow
-- kept as tasks are created and end (V16, current_task_flow): no task row is read. The queue depth
-- of each minute follows from today's depth and these. $1 team, $2 visible teams (NULL: all).
WITH minutes AS (
    SELECT generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()),
                           interval '1 minute') AS minute),
     flow AS (
         SELECT minute, sum(created) AS created, sum(ended) AS ended
         FROM current_task_flow
         WHERE minute >= date_trunc('minute', now()) - interval '59 minutes'
           AND ($1::text IS NULL OR team = $1) AND ($2::text[] IS NULL OR team = ANY($2))
         GROUP BY minute)
SELECT m.minute, coalesce(f.created, 0)::bigint AS created, coalesce(f.ended, 0)::bigint AS ended
FROM minutes m LEFT JOIN flow f ON f.minute = m.minute
ORDER BY m.minute
