-- Deletes up to $2 audit records older than $1. The log is written in id order, so the oldest
-- records are the first ids: the first $2 ids are read (a probe of the primary key, however large
-- the log) and those of them that are old are deleted; a younger record among them (ids and times
-- differ by a transaction's length at most) waits for a later run. SKIP LOCKED: replicas running
-- this at once delete different records. The caller's transaction allows the DELETE (V22).
DELETE FROM audit_log a
USING (SELECT id FROM audit_log ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) head
WHERE a.id = head.id AND a.at < $1
