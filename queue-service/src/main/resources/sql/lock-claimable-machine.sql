-- Serialises claims per machine, so the concurrency count below cannot race.
SELECT *
FROM machines
WHERE name = $1 AND NOT paused
FOR UPDATE
