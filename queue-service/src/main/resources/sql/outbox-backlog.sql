-- The outbox's backlog for the metrics without counting its rows: the relay takes rows oldest first,
-- so the ids between the oldest and the newest are the rows waiting (a rolled-back write leaves a
-- gap: an upper bound). Two probes of the primary key; zero rows when it is empty.
SELECT coalesce(max(id) - min(id) + 1, 0) AS rows,
       EXTRACT(EPOCH FROM now() - (SELECT created_at FROM outbox ORDER BY id LIMIT 1))::float8 AS oldest_seconds
FROM outbox
