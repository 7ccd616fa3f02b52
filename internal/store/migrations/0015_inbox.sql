-- Issue 16 (part B): an inbox a unit can run its day on.
--
-- Search: an open task carries what the inbox searches it by (its dossier's code, the
-- applicant's name without diacritics, the personal ID numbers its form names), copied
-- when the task opens, so that a search is one trigram index over open tasks, never a
-- scan of the dossiers' form data. unaccent and pg_trgm are trusted extensions: the
-- database's owner may create them.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE tasks ADD COLUMN search text NOT NULL DEFAULT '';

CREATE FUNCTION motcua_fold(v text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT lower(unaccent(coalesce(v, '')))
$$;

CREATE FUNCTION tasks_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT lower(d.code) || ' ' || motcua_fold(u.name) || coalesce(' ' || (SELECT string_agg(DISTINCT v #>> '{}', ' ')
            FROM jsonb_path_query(d.form_data, '$.** ? (@.type() == "string" && @ like_regex "^[0-9]{12}$")') v), '')
        INTO NEW.search
        FROM dossiers d JOIN users u ON u.id = d.applicant_id WHERE d.id = NEW.dossier_id;
    NEW.search := coalesce(NEW.search, '');
    RETURN NEW;
END
$$;
CREATE TRIGGER tasks_search BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION tasks_search();

UPDATE tasks t SET search = lower(d.code) || ' ' || motcua_fold(u.name) || coalesce(' ' || (SELECT string_agg(DISTINCT v #>> '{}', ' ')
        FROM jsonb_path_query(d.form_data, '$.** ? (@.type() == "string" && @ like_regex "^[0-9]{12}$")') v), '')
    FROM dossiers d JOIN users u ON u.id = d.applicant_id
    WHERE d.id = t.dossier_id AND t.state = 'open';

CREATE INDEX tasks_search_idx ON tasks USING gin (search gin_trgm_ops) WHERE state = 'open';

-- "My work": the open tasks a person holds (or holds for someone on leave), due first.
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id, inbox_due, id) WHERE state = 'open' AND assignee_id IS NOT NULL;

-- Out of office (người thay thế): a person names a substitute for a period. During it the
-- person's tasks show in the substitute's inbox and the substitute acts on them with the
-- person's authority; the history names both. Not a signing delegation (ủy quyền ký):
-- a substitution lends the work, not a signature's form.
CREATE TABLE substitutes (
    id            bigserial PRIMARY KEY,
    principal_id  bigint NOT NULL REFERENCES users(id),   -- who is away
    substitute_id bigint NOT NULL REFERENCES users(id),   -- who acts for them
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,                   -- exclusive
    reason        text NOT NULL DEFAULT '',
    created_by    bigint REFERENCES users(id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    cancelled_at  timestamptz,
    CHECK (principal_id <> substitute_id),
    CHECK (starts_at < ends_at)
);
CREATE INDEX substitutes_substitute_idx ON substitutes (substitute_id, ends_at) WHERE cancelled_at IS NULL;
CREATE INDEX substitutes_principal_idx ON substitutes (principal_id, ends_at) WHERE cancelled_at IS NULL;

-- Whose work a person acted on as their substitute (a colleague on leave holding the
-- dossier's task): the history names both the holder and who acted.
ALTER TABLE dossier_events ADD COLUMN holder_id bigint REFERENCES users(id);

-- Comments of colleagues on a dossier (ý kiến nội bộ): internal, never shown to the
-- applicant nor sent to the portal.
CREATE TABLE dossier_comments (
    id         bigserial PRIMARY KEY,
    dossier_id bigint NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    author_id  bigint NOT NULL REFERENCES users(id),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dossier_comments_dossier_idx ON dossier_comments (dossier_id, id);

-- Saved filters of the inbox, per person.
CREATE TABLE saved_filters (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    query      text NOT NULL CHECK (length(query) <= 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, name)
);

-- The inbox's counts per SLA bucket without counting every open task at each read: open
-- tasks per unit and UTC day of their due time (NULL due: 'infinity'), kept by triggers.
-- A read sums the days wholly before "now" and "soon" and counts, through
-- tasks_inbox_idx, only the tasks of the two days "now" and "soon" fall in
-- (Store.Inbox; TestInboxCountsFromDaysEqualCountingTasks holds both ways equal).
CREATE TABLE inbox_day_counts (
    unit_id bigint NOT NULL REFERENCES units(id),
    day     date NOT NULL,
    n       integer NOT NULL,
    PRIMARY KEY (unit_id, day)
);

CREATE FUNCTION inbox_day(due timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce((due AT TIME ZONE 'UTC')::date, 'infinity'::date)
$$;

CREATE FUNCTION inbox_day_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state = 'open' THEN
        INSERT INTO inbox_day_counts AS c (unit_id, day, n) VALUES (OLD.unit_id, inbox_day(OLD.inbox_due), -1)
            ON CONFLICT (unit_id, day) DO UPDATE SET n = c.n - 1;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.state = 'open' THEN
        INSERT INTO inbox_day_counts AS c (unit_id, day, n) VALUES (NEW.unit_id, inbox_day(NEW.inbox_due), 1)
            ON CONFLICT (unit_id, day) DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER inbox_day_counts_insert AFTER INSERT ON tasks
    FOR EACH ROW WHEN (NEW.state = 'open') EXECUTE FUNCTION inbox_day_counts_track();
-- Not "UPDATE OF inbox_due": a BEFORE trigger (0003) changes inbox_due when a statement
-- sets due_at or dossier_id only; WHEN compares the rows as written.
CREATE TRIGGER inbox_day_counts_update AFTER UPDATE ON tasks
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.unit_id IS DISTINCT FROM NEW.unit_id
        OR inbox_day(OLD.inbox_due) IS DISTINCT FROM inbox_day(NEW.inbox_due))
    EXECUTE FUNCTION inbox_day_counts_track();
CREATE TRIGGER inbox_day_counts_delete AFTER DELETE ON tasks
    FOR EACH ROW WHEN (OLD.state = 'open') EXECUTE FUNCTION inbox_day_counts_track();

INSERT INTO inbox_day_counts (unit_id, day, n)
    SELECT unit_id, inbox_day(inbox_due), count(*) FROM tasks WHERE state = 'open' GROUP BY 1, 2;
