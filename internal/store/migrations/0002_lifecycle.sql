-- The dossier lifecycle: who holds a dossier now, its clock, stored bytes (attachments,
-- notices, results), submissions waiting for their workflow, the portal's status outbox,
-- the process control sheet, notifications, document numbers and archive packages.

ALTER TABLE dossiers
    ADD COLUMN online           boolean NOT NULL DEFAULT true,
    ADD COLUMN holder_unit_id   bigint REFERENCES units(id),   -- unit that must act next
    ADD COLUMN current_step     text,
    ADD COLUMN due_original     timestamptz,                   -- appointment on the receipt
    ADD COLUMN apology_given    boolean NOT NULL DEFAULT false,
    ADD COLUMN supplement_count integer NOT NULL DEFAULT 0;
-- Statistics scan dossiers by receipt and by resolution.
CREATE INDEX dossiers_received_idx ON dossiers (received_at, procedure_code);
CREATE INDEX dossiers_finished_idx ON dossiers (finished_at, procedure_code) WHERE finished_at IS NOT NULL;
CREATE INDEX dossiers_open_due_idx ON dossiers (due_at) WHERE finished_at IS NULL;
-- The signing queue: dossiers awaiting a leader's signature, per holder unit.
CREATE INDEX dossiers_holder_status_idx ON dossiers (holder_unit_id, status, due_at);

-- Content-addressed bytes; files and documents point here. Kept in PostgreSQL so one
-- backup holds everything; the storage key leaves room for an object store later.
CREATE TABLE blobs (
    sha256     bytea PRIMARY KEY,
    size       bigint NOT NULL,
    data       bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A submission the API has taken and numbered, waiting for the dossier's workflow to
-- record it (RecordSubmission). The form data never travels through Temporal.
CREATE TABLE submissions (
    code              text PRIMARY KEY,
    applicant_id      bigint NOT NULL REFERENCES users(id),
    unit_id           bigint NOT NULL REFERENCES units(id),
    procedure_code    text NOT NULL,
    procedure_version integer NOT NULL,
    online            boolean NOT NULL DEFAULT true,
    form_data         jsonb NOT NULL,
    files             jsonb NOT NULL DEFAULT '[]',   -- [{"id": uuid, "component": id}]
    submitted_at      timestamptz NOT NULL,
    recorded_at       timestamptz,
    FOREIGN KEY (procedure_code, procedure_version) REFERENCES procedures(code, version)
);

-- The idempotency key's answer points at the dossier it made.
ALTER TABLE idempotency_keys ADD COLUMN dossier_code text;

-- Documents a dossier produced: notices (forms 01–06), the draft and the signed result,
-- one per kind and transition, so a retried activity stores nothing twice.
CREATE TABLE documents (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    dossier_id   bigint NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    kind         text NOT NULL,
    seq          integer NOT NULL,
    name         text NOT NULL,
    content_type text NOT NULL,
    number       text,                      -- số/ký hiệu, once issued
    signed       boolean NOT NULL DEFAULT false,
    sha256       bytea NOT NULL REFERENCES blobs(sha256),
    size         bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (dossier_id, kind, seq)
);

-- Each status change, for the portal adapter to push (status 1–10, handler, unit,
-- content); sent_at is set once the portal acknowledged it.
CREATE TABLE status_outbox (
    id            bigserial PRIMARY KEY,
    dossier_id    bigint NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    seq           integer NOT NULL,
    portal_status smallint NOT NULL CHECK (portal_status BETWEEN 1 AND 10),
    status        text NOT NULL,
    handler_id    bigint REFERENCES users(id),
    unit_id       bigint REFERENCES units(id),
    content       text NOT NULL,
    at            timestamptz NOT NULL,
    due_at        timestamptz,
    sent_at       timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    UNIQUE (dossier_id, seq)
);
CREATE INDEX status_outbox_unsent_idx ON status_outbox (id) WHERE sent_at IS NULL;

-- The process control sheet (form 06): every hand-over with its budget, and how it
-- ended against it.
CREATE TABLE handovers (
    id             bigserial PRIMARY KEY,
    dossier_id     bigint NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    seq            integer NOT NULL,            -- transition that handed over
    step           text NOT NULL,
    from_unit_id   bigint REFERENCES units(id),
    from_user_id   bigint REFERENCES users(id),
    to_unit_id     bigint NOT NULL REFERENCES units(id),
    handed_at      timestamptz NOT NULL,
    budget_minutes integer NOT NULL DEFAULT 0,
    due_at         timestamptz,
    finished_at    timestamptz,
    finished_seq   integer,
    outcome        text CHECK (outcome IN ('early', 'on-time', 'late')),
    UNIQUE (dossier_id, seq)
);
CREATE INDEX handovers_open_idx ON handovers (dossier_id) WHERE finished_at IS NULL;

CREATE TABLE notifications (
    id           bigserial PRIMARY KEY,
    key          text NOT NULL UNIQUE,
    dossier_id   bigint REFERENCES dossiers(id) ON DELETE CASCADE,
    recipient_id bigint NOT NULL REFERENCES users(id),
    channel      text NOT NULL CHECK (channel IN ('outbox', 'email')),
    subject      text NOT NULL,
    body         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    read_at      timestamptz
);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, created_at DESC);

-- Numbers of issued documents: one sequence per symbol and year; a dossier keeps the
-- number it was given, so issuing again reuses it.
CREATE TABLE document_numbers (
    symbol      text NOT NULL,
    year        integer NOT NULL,
    dossier_code text NOT NULL,
    number      integer NOT NULL,
    PRIMARY KEY (symbol, year, dossier_code),
    UNIQUE (symbol, year, number)
);

CREATE TABLE archive_packages (
    dossier_id      bigint PRIMARY KEY REFERENCES dossiers(id) ON DELETE CASCADE,
    manifest        bytea NOT NULL,
    manifest_sha256 bytea NOT NULL,
    signed_manifest bytea NOT NULL,            -- detached CMS by the organization's seal
    retention_until date,                      -- NULL: permanent
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Tasks: one per unit and step opening; claim by a person.
CREATE INDEX tasks_dossier_open_idx ON tasks (dossier_id) WHERE state = 'open';
