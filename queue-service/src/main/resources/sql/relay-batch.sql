-- Oldest first; SKIP LOCKED lets several replicas relay without sending a row twice at once.
SELECT id, topic, message_key, payload
FROM outbox
ORDER BY id
LIMIT $1
FOR UPDATE SKIP LOCKED
