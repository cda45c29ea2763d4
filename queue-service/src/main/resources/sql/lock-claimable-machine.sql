-- Serialises claims per machine, so the concurrency count below cannot race. NO KEY UPDATE:
-- task INSERTs take KEY SHARE on this row (foreign key) and must not wait for a claim.
SELECT *
FROM machines
WHERE name = $1 AND NOT paused
FOR NO KEY UPDATE
