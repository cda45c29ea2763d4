-- Fewer index entries per created task (each costs a WAL record and its share of vacuum), same answers.
-- On a large database this rebuilds the history's primary key and two indexes: minutes per tens of
-- millions of rows, with the tables locked; see docs/operations.md.

-- The history is only ever read per task, in order: its (task_id, id) index becomes the primary key,
-- and the id-only key goes.
ALTER TABLE task_history DROP CONSTRAINT task_history_pkey;
DROP INDEX task_history_task_idx;
ALTER TABLE task_history ADD CONSTRAINT task_history_pkey PRIMARY KEY (task_id, id);

-- Listing by status walks tasks_seq_key newest first and filters: the newest tasks are the ones
-- still PENDING or running (tasks_ready_idx and tasks_active_idx cover those too), and COMPLETED
-- is the bulk. Only the rare end states need their own index, written only when a task ends so.
DROP INDEX tasks_status_seq_idx;
CREATE INDEX tasks_failed_or_cancelled_idx ON tasks (status, seq) WHERE status IN ('FAILED', 'CANCELLED');

-- The audit log is written in time order: a BRIN index finds a time range for a fraction of the
-- cost of a b-tree per record (it changes only when a block range is summarized).
DROP INDEX audit_log_at_idx;
CREATE INDEX audit_log_at_brin ON audit_log USING brin (at) WITH (autosummarize = on);
