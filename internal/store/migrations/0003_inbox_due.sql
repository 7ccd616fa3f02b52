-- The inbox's due time, kept on the task. The inbox sorts and buckets a unit's open tasks
-- by their dossier's appointment (before receipt, by the intake step's due time). Read
-- through a join, every open task of the units in scope had to be joined to its dossier
-- before the counts or the first row of the page were known: with 100,000 dossiers
-- (16,000 open tasks) that took 45 ms for the desk and 120 ms at the ministry level
-- (docs/PERFORMANCE.md). With the due time on the task, counts and the page's order come
-- from one index, and only the rows shown are joined.
--
-- Triggers keep the copy, so that no writer of dossiers.due_at or tasks can forget it.
ALTER TABLE tasks ADD COLUMN inbox_due timestamptz;   -- coalesce(dossier's due_at, due_at)

UPDATE tasks t SET inbox_due = coalesce(d.due_at, t.due_at) FROM dossiers d WHERE d.id = t.dossier_id;

CREATE FUNCTION tasks_inbox_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.inbox_due := coalesce((SELECT due_at FROM dossiers WHERE id = NEW.dossier_id), NEW.due_at);
    RETURN NEW;
END
$$;
CREATE TRIGGER tasks_inbox_due BEFORE INSERT OR UPDATE OF dossier_id, due_at ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_inbox_due();

CREATE FUNCTION dossiers_inbox_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tasks SET inbox_due = coalesce(NEW.due_at, due_at) WHERE dossier_id = NEW.id AND state = 'open';
    RETURN NULL;
END
$$;
CREATE TRIGGER dossiers_inbox_due AFTER UPDATE OF due_at ON dossiers
    FOR EACH ROW WHEN (OLD.due_at IS DISTINCT FROM NEW.due_at) EXECUTE FUNCTION dossiers_inbox_due();

-- The inbox: open tasks of a unit in the order it lists them (and, index only, its
-- counts per SLA bucket). Replaces 0001's index on the step's due time.
DROP INDEX tasks_inbox_idx;
CREATE INDEX tasks_inbox_idx ON tasks (unit_id, inbox_due, id) WHERE state = 'open';
