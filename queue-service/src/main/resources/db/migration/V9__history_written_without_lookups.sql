-- A history row no longer looks its task up. The foreign key's check ran for every row (every
-- created task, every transition), and PostgreSQL keeps the plan of that lookup per connection: one
-- made while tasks was nearly empty (a fresh install, the first minute after it was emptied, until
-- autovacuum analyzed it) is a sequential scan, so each new row read the whole table. Enqueue fell
-- from about 6,000 to 500 tasks/s at 30,000 tasks (bench, December 2026).
--
-- History rows are written only with their task: in the statement that creates it
-- (sql/create-tasks.sql) or in the transaction that changes it, after locking its row. Tasks are
-- never deleted; whatever deletes them later must delete their history first (docs/architecture.md).
ALTER TABLE task_history DROP CONSTRAINT task_history_task_id_fkey;
