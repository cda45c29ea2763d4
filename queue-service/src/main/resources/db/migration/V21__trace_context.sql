-- The W3C trace context (a traceparent, "00-<trace id>-<span id>-<flags>") of what created a task:
-- the REST call, a cron's firing, a group's creation; null when tracing is off (docs/adr/0019). A
-- claim hands it to the bridge, whose spans of the attempt then join the task's trace. The archive
-- keeps the task's row as it was (columns in the same order, V17).
ALTER TABLE tasks ADD COLUMN trace_parent text;
ALTER TABLE tasks_archive ADD COLUMN trace_parent text;

-- The trace context of each message of a many-message outbox row (parallel to payloads, an element
-- null for a message of no trace), so that the relay publishes it in the record's headers as a child
-- of the stored context, not of its own thread's. Null when none of the row's messages is traced.
ALTER TABLE outbox ADD COLUMN trace_parents text[];
