-- The oldest outbox rows, for the relay that holds the outbox's advisory lock until its transaction
-- ends; a relay on another replica meanwhile gets no rows. Only the lock holder deletes rows, so
-- they are read without row locks: a relayed row is written once (its delete), and with one relay
-- at a time events leave in commit-id order across replicas too.
SELECT o.id, o.topic, o.message_key, o.payload
FROM (SELECT pg_try_advisory_xact_lock(hashtext('rediacc.outbox-relay')) AS held) relay
CROSS JOIN LATERAL (SELECT id, topic, message_key, payload FROM outbox ORDER BY id LIMIT $1) o
WHERE relay.held
