-- Tasks created and ended per minute over the last hour (the console's sparklines); the queue depth
-- of each minute follows from today's depth and these. $1 team, $2 visible teams (NULL: all).
-- Reads every task row of the teams (tasks have no index on created_at or completed_at, which the
-- create path would pay for); the overview asks once a minute.
WITH minutes AS (
    SELECT generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()),
                           interval '1 minute') AS minute),
     created AS (
         SELECT date_trunc('minute', created_at) AS minute, count(*) AS n
         FROM tasks
         WHERE created_at >= date_trunc('minute', now()) - interval '59 minutes'
           AND ($1::text IS NULL OR team = $1) AND ($2::text[] IS NULL OR team = ANY($2))
         GROUP BY 1),
     ended AS (
         SELECT date_trunc('minute', completed_at) AS minute, count(*) AS n
         FROM tasks
         WHERE completed_at >= date_trunc('minute', now()) - interval '59 minutes'
           AND ($1::text IS NULL OR team = $1) AND ($2::text[] IS NULL OR team = ANY($2))
         GROUP BY 1)
SELECT m.minute, coalesce(c.n, 0) AS created, coalesce(e.n, 0) AS ended
FROM minutes m LEFT JOIN created c ON c.minute = m.minute LEFT JOIN ended e ON e.minute = m.minute
ORDER BY m.minute
