-- Issue 16: the reports the rules ask for (form 06/VPCP/KSTT, Decree 09/2019's periods,
-- Decision 766's index).
--
-- A closed period's figures must never change afterwards. Two things used to rewrite
-- them: a dossier's due date (an apology or a supplement moves it, and last month's
-- "overdue" counted against the new one) and the cost of a scan (a year's statistics
-- read every dossier). So:
--
-- 1. dossier_due_history keeps every due date a dossier had, from when it was in force:
--    a report judges an open dossier against the due date in force at the period's end.
CREATE TABLE dossier_due_history (
    dossier_id bigint NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    seq        integer NOT NULL,                -- transition that set it
    since      timestamptz NOT NULL,            -- in force from
    due_at     timestamptz NOT NULL,
    PRIMARY KEY (dossier_id, seq)
);
-- Dossiers recorded before this migration: the appointment on the receipt from their
-- receipt, and, if the due date moved since, the current one from the last transition
-- (the moment of the move was not kept; see docs/reports.md).
INSERT INTO dossier_due_history (dossier_id, seq, since, due_at)
SELECT id, 0, coalesce(received_at, submitted_at), coalesce(due_original, due_at)
FROM dossiers WHERE coalesce(due_original, due_at) IS NOT NULL;
INSERT INTO dossier_due_history (dossier_id, seq, since, due_at)
SELECT id, last_seq, updated_at, due_at
FROM dossiers WHERE due_at IS NOT NULL AND due_original IS NOT NULL AND due_at <> due_original AND last_seq > 0;

-- 2. report_monthly is the rollup of form 06's flows per reporting month of Decree 09
--    (from the 15th to the 14th, Vietnam time; every period of the decree is a run of
--    such months), receiving unit, field of activity and procedure, kept by the transaction that records each transition
--    (store.recordTransition): received (online / at the desk or by post), resolved
--    early / on time / late against the due date in force when resolved, withdrawn and
--    stopped after receipt, refused at intake, and the working minutes from receipt to
--    resolution. A report sums months (a year: 12 × units × procedures rows), never scans
--    dossiers; the dossiers open at a
--    period's start are the received minus the ended before it.
CREATE TABLE report_monthly (
    unit_id            bigint NOT NULL REFERENCES units(id),
    domain             text NOT NULL,
    procedure_code     text NOT NULL,
    month              date NOT NULL,         -- the 15th that starts the reporting month
    received_online    integer NOT NULL DEFAULT 0,
    received_desk      integer NOT NULL DEFAULT 0,
    early              integer NOT NULL DEFAULT 0,
    on_time            integer NOT NULL DEFAULT 0,
    late               integer NOT NULL DEFAULT 0,
    withdrawn          integer NOT NULL DEFAULT 0,
    stopped            integer NOT NULL DEFAULT 0,
    refused_intake     integer NOT NULL DEFAULT 0,
    resolution_minutes bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, domain, procedure_code, month)
);
CREATE INDEX report_monthly_month_idx ON report_monthly (month);

-- Dossiers recorded before this migration (the working minutes are counted Monday to
-- Friday, 480 a day, as store.weekdayMinutes does; later ones use the calendar).
INSERT INTO report_monthly (unit_id, domain, procedure_code, month, received_online, received_desk)
SELECT d.unit_id, p.domain, d.procedure_code, (date_trunc('month', (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 14) + interval '14 days')::date,
    count(*) FILTER (WHERE d.online), count(*) FILTER (WHERE NOT d.online)
FROM dossiers d JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
WHERE d.received_at IS NOT NULL
GROUP BY 1, 2, 3, 4;
INSERT INTO report_monthly AS r (unit_id, domain, procedure_code, month, early, on_time, late, withdrawn, stopped, refused_intake,
    resolution_minutes)
SELECT d.unit_id, p.domain, d.procedure_code,
    (date_trunc('month', (d.finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 14) + interval '14 days')::date,
    count(*) FILTER (WHERE d.received_at IS NOT NULL AND d.status IN ('returned', 'archived', 'rejected') AND d.due_at IS NOT NULL
        AND d.finished_at <= d.due_at
        AND (d.finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < (d.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date),
    count(*) FILTER (WHERE d.received_at IS NOT NULL AND d.status IN ('returned', 'archived', 'rejected') AND (d.due_at IS NULL
        OR (d.finished_at <= d.due_at
            AND (d.finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = (d.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date))),
    count(*) FILTER (WHERE d.received_at IS NOT NULL AND d.status IN ('returned', 'archived', 'rejected') AND d.finished_at > d.due_at),
    count(*) FILTER (WHERE d.received_at IS NOT NULL AND d.status = 'withdrawn'),
    count(*) FILTER (WHERE d.received_at IS NOT NULL AND d.status = 'stopped'),
    count(*) FILTER (WHERE d.received_at IS NULL AND d.status = 'refused'),
    coalesce(sum(480 * (SELECT count(*) FROM generate_series(
            (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + 1,
            (d.finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, interval '1 day') g
        WHERE extract(isodow FROM g) < 6))
        FILTER (WHERE d.received_at IS NOT NULL AND d.status IN ('returned', 'archived', 'rejected')), 0)
FROM dossiers d JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
WHERE d.finished_at IS NOT NULL
GROUP BY 1, 2, 3, 4
ON CONFLICT (unit_id, domain, procedure_code, month) DO UPDATE SET
    early = r.early + EXCLUDED.early, on_time = r.on_time + EXCLUDED.on_time, late = r.late + EXCLUDED.late,
    withdrawn = r.withdrawn + EXCLUDED.withdrawn, stopped = r.stopped + EXCLUDED.stopped,
    refused_intake = r.refused_intake + EXCLUDED.refused_intake,
    resolution_minutes = r.resolution_minutes + EXCLUDED.resolution_minutes;

-- 3. report_snapshots keeps the figures of a closed period the first time they are
--    read; from then on the report is read back, never computed again.
CREATE TABLE report_snapshots (
    report     text NOT NULL,     -- e.g. form06
    period     text NOT NULL,     -- reports.Period.Key
    unit_path  text NOT NULL,     -- the scope
    data       jsonb NOT NULL,
    made_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (report, period, unit_path)
);

-- The period still running judges open work now, by the due date in force now: the
-- overdue dossiers per unit and procedure come from this index alone.
CREATE INDEX dossiers_open_overdue_idx ON dossiers (due_at, unit_id, procedure_code, procedure_version)
    WHERE finished_at IS NULL AND received_at IS NOT NULL;
