-- A statement that moves many tasks at once may count its moves itself, one delta row per team,
-- machine, priority and status instead of two (and a flow delta) per task: a purge's slice of 10,000
-- PENDING tasks (sql/purge-pending-slice.sql, docs/adr/0021). It says so for its own transaction
-- with set_config('rediacc.moves_counted', 'by statement', true), and the row trigger of V16 stands
-- aside until that transaction ends. Every other writer is counted by the trigger as before.
DROP TRIGGER tasks_counted_on_move ON tasks;
CREATE TRIGGER tasks_counted_on_move AFTER UPDATE OF status, team, machine, priority ON tasks FOR EACH ROW
    WHEN ((OLD.status, OLD.team, OLD.machine, OLD.priority) IS DISTINCT FROM (NEW.status, NEW.team, NEW.machine, NEW.priority)
        AND current_setting('rediacc.moves_counted', true) IS DISTINCT FROM 'by statement')
    EXECUTE FUNCTION count_moved_task();
