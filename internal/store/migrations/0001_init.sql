-- Initial schema: units, users and roles, sessions, procedures, dossiers, their history,
-- tasks, files, the audit log, calendar overrides and idempotency keys.
-- Times are timestamptz (stored UTC); working-time arithmetic happens in Go.

CREATE TABLE units (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE,            -- short code, e.g. VP
    agency_code text NOT NULL,                   -- agency identifier, e.g. 000.00.00.G09
    name        text NOT NULL,
    parent_id   bigint REFERENCES units(id),
    path        text NOT NULL UNIQUE,            -- materialized path of codes: /G09/VP/
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    name          text NOT NULL,
    email         text,
    phone         text,
    title         text,                          -- chức vụ, for signer blocks
    unit_id       bigint REFERENCES units(id),   -- NULL for citizens
    password_hash text,                          -- NULL for SSO-only accounts
    oidc_issuer   text,
    oidc_subject  text,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (oidc_issuer, oidc_subject)
);

CREATE TABLE user_roles (
    user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role    text NOT NULL CHECK (role IN ('citizen', 'clerk', 'leader', 'clerical', 'admin')),
    PRIMARY KEY (user_id, role)
);

-- Sessions of pages (cookies) and tokens of programs (bearer); only the SHA-256 of the
-- secret is kept, so a leaked table does not leak usable tokens.
CREATE TABLE sessions (
    id         bigserial PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE,
    user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('web', 'api')),
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Published procedure versions; the catalog files are the source, this is what was in
-- force when, so a dossier always finds the version it was received under.
CREATE TABLE procedures (
    code           text NOT NULL,
    version        integer NOT NULL,
    name           text NOT NULL,
    domain         text NOT NULL,
    definition     jsonb NOT NULL,
    effective_from date NOT NULL,
    effective_to   date,
    published_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (code, version)
);

-- The daily sequence of dossier codes per agency; a row is locked while a number is taken.
CREATE TABLE dossier_sequences (
    agency_code text NOT NULL,
    day         date NOT NULL,
    last        integer NOT NULL,
    PRIMARY KEY (agency_code, day)
);

CREATE TABLE dossiers (
    id                bigserial PRIMARY KEY,
    code              text NOT NULL UNIQUE,
    procedure_code    text NOT NULL,
    procedure_version integer NOT NULL,
    applicant_id      bigint NOT NULL REFERENCES users(id),
    unit_id           bigint NOT NULL REFERENCES units(id),
    status            text NOT NULL,
    form_data         jsonb NOT NULL DEFAULT '{}',
    last_seq          integer NOT NULL DEFAULT 0,  -- sequence of the last recorded transition
    submitted_at      timestamptz NOT NULL DEFAULT now(),
    received_at       timestamptz,
    due_at            timestamptz,
    finished_at       timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (procedure_code, procedure_version) REFERENCES procedures(code, version)
);
CREATE INDEX dossiers_applicant_idx ON dossiers (applicant_id, submitted_at DESC);
CREATE INDEX dossiers_unit_status_idx ON dossiers (unit_id, status);

-- History: one row per transition, keyed by dossier and sequence, so that a retried
-- activity never writes the same transition twice.
CREATE TABLE dossier_events (
    id         bigserial PRIMARY KEY,
    dossier_id bigint NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    seq        integer NOT NULL,
    action     text NOT NULL,
    status     text NOT NULL,
    actor_id   bigint REFERENCES users(id),
    unit_id    bigint REFERENCES units(id),
    note       text,
    data       jsonb NOT NULL DEFAULT '{}',
    at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (dossier_id, seq)
);

CREATE TABLE tasks (
    id             bigserial PRIMARY KEY,
    dossier_id     bigint NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    unit_id        bigint NOT NULL REFERENCES units(id),
    step           text NOT NULL,
    assignee_id    bigint REFERENCES users(id),
    state          text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'cancelled')),
    budget_minutes integer NOT NULL DEFAULT 0,
    opened_at      timestamptz NOT NULL DEFAULT now(),
    due_at         timestamptz,
    closed_at      timestamptz,
    opened_seq     integer NOT NULL,               -- transition that opened it
    UNIQUE (dossier_id, step, opened_seq)
);
-- The inbox: open tasks of a unit by due date.
CREATE INDEX tasks_inbox_idx ON tasks (unit_id, due_at) WHERE state = 'open';

CREATE TABLE files (
    id           uuid PRIMARY KEY,
    sha256       bytea NOT NULL,
    size         bigint NOT NULL CHECK (size >= 0),
    content_type text NOT NULL,
    name         text NOT NULL,
    owner_id     bigint NOT NULL REFERENCES users(id),
    dossier_id   bigint REFERENCES dossiers(id),
    component    text,
    storage_key  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX files_owner_idx ON files (owner_id, created_at DESC);
CREATE INDEX files_dossier_idx ON files (dossier_id);

-- Tamper-evident audit log: each row's hash covers its content and the previous hash.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users(id),
    action      text NOT NULL,
    object_type text NOT NULL,
    object_id   text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}',
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL UNIQUE
);

-- Each year's government announcement: days off and make-up working days; wins over rules.
CREATE TABLE calendar_overrides (
    day        date PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('day_off', 'working_day')),
    name       text NOT NULL,
    updated_by bigint REFERENCES users(id),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE idempotency_keys (
    user_id      bigint NOT NULL REFERENCES users(id),
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    status       integer,
    response     jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
