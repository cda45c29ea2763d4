-- The soonest slot of the enabled crons (crons_due_idx: one index entry), for the scheduler to wake at it.
SELECT min(next_slot) AS next_slot
FROM crons
WHERE enabled
