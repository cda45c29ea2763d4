-- Every foreign key into tasks gets an index on its referencing side, so that deleting tasks (a
-- retention job, an operator's cleanup) checks each reference with one index probe. Without them a
-- delete scanned the referencing tables once per deleted task: 40,000 tasks took 31 s.
-- Partial: almost no task is a retry, and such a row costs no index entry.
CREATE INDEX tasks_retried_from_idx ON tasks (retried_from) WHERE retried_from IS NOT NULL;
CREATE INDEX idempotency_keys_task_idx ON idempotency_keys (task_id);
-- Deleting a team, and listing a team's machines.
CREATE INDEX machines_team_idx ON machines (team);
