-- The oldest outbox rows, for the relay that holds the outbox's advisory lock until its transaction
-- ends; a relay on another replica meanwhile gets no rows. Only the lock holder deletes rows, so
-- they are read without row locks: a relayed row is written once (its delete), and with one relay
-- at a time events leave in commit-id order across replicas too.
--
-- A row holds one message (topic, message_key, payload) or many (topics, message_keys, payloads).
-- Rows are taken while fewer than $1 messages come before them: at most $1 messages, unless the
-- first row alone holds more (it is still taken whole).
SELECT o.id, o.topic, o.message_key, o.payload, o.topics, o.message_keys, o.payloads
FROM (SELECT pg_try_advisory_xact_lock(hashtext('rediacc.outbox-relay')) AS held) relay
CROSS JOIN LATERAL (
    SELECT oldest.*,
           sum(coalesce(cardinality(oldest.payloads), 1)) OVER (ORDER BY oldest.id)
               - coalesce(cardinality(oldest.payloads), 1) AS messages_before
    FROM (SELECT id, topic, message_key, payload, topics, message_keys, payloads FROM outbox ORDER BY id LIMIT $1) oldest
) o
WHERE relay.held AND o.messages_before < $1
ORDER BY o.id
