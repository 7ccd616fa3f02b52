-- Documents exchanged with other agencies through the axis (issue 13, part B): what
-- OutgoingDocumentWorkflow and IncomingDocumentWorkflow record. The registers of 0013
-- keep the numbers; these tables keep the documents, their files, each recipient's
-- status and the history of statuses, read by the pages and the API.

CREATE TABLE exchange_outgoing (
    id                  bigserial PRIMARY KEY,
    workflow_id         text NOT NULL UNIQUE,
    subject             text NOT NULL,
    type_code           text NOT NULL DEFAULT '',
    type_name           text NOT NULL,
    symbol              text NOT NULL,
    priority            integer NOT NULL DEFAULT 0,
    business_type       integer NOT NULL DEFAULT 0,  -- edXML BussinessDocType: 0 new, 2 update, 3 replace
    related_document_id text NOT NULL DEFAULT '',    -- the document updated or replaced
    signer_id           bigint,                      -- the leader who signs
    register_id         bigint REFERENCES outgoing_register (id),
    code_number         text NOT NULL DEFAULT '',
    document_id         text UNIQUE,                 -- edXML DocumentId, once numbered
    dossier_code        text NOT NULL DEFAULT '',    -- the dossier the document serves, if any
    state               text NOT NULL DEFAULT 'draft', -- draft, signed, registered, sent, recalled
    axis_message_id     text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL,
    sent_at             timestamptz
);

CREATE TABLE exchange_outgoing_recipients (
    outgoing_id bigint NOT NULL REFERENCES exchange_outgoing (id),
    organ_id    text NOT NULL,
    organ_name  text NOT NULL,
    status      text NOT NULL DEFAULT '',   -- the last edXML status code received
    description text NOT NULL DEFAULT '',
    status_at   timestamptz,
    PRIMARY KEY (outgoing_id, organ_id)
);

-- One row per status a recipient reported: a status delivered twice (same document,
-- agency, code and timestamp) is one row.
CREATE TABLE exchange_status_history (
    id              bigserial PRIMARY KEY,
    outgoing_id     bigint NOT NULL REFERENCES exchange_outgoing (id),
    organ_id        text NOT NULL,
    status          text NOT NULL,
    description     text NOT NULL DEFAULT '',
    reported_at     timestamptz NOT NULL,
    axis_message_id text NOT NULL DEFAULT '',
    UNIQUE (outgoing_id, organ_id, status, reported_at)
);

CREATE TABLE exchange_incoming (
    id                  bigserial PRIMARY KEY,
    axis_message_id     text NOT NULL UNIQUE,
    workflow_id         text NOT NULL,
    document_id         text NOT NULL DEFAULT '',
    issuer_id           text NOT NULL,
    issuer_name         text NOT NULL,
    code_number         text NOT NULL DEFAULT '',
    code_notation       text NOT NULL DEFAULT '',
    promulgation_date   text NOT NULL DEFAULT '',
    type_name           text NOT NULL DEFAULT '',
    subject             text NOT NULL DEFAULT '',
    priority            integer NOT NULL DEFAULT 0,
    business_type       integer NOT NULL DEFAULT 0,
    related_document_id text NOT NULL DEFAULT '',
    due_on              text NOT NULL DEFAULT '',
    -- arrived, refused, duplicate, registered, assigned, processing, done, revoked, recall
    state               text NOT NULL,
    reason              text NOT NULL DEFAULT '',
    duplicate_of        bigint REFERENCES exchange_incoming (id),
    register_id         bigint REFERENCES incoming_register (id),
    leader_due          timestamptz,
    lead_unit           text NOT NULL DEFAULT '',
    supporting_units    text NOT NULL DEFAULT '',
    deadline            date,
    reply_document_id   text NOT NULL DEFAULT '',
    recall_reason       text NOT NULL DEFAULT '',
    recalled_at         timestamptz,
    arrived_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE INDEX exchange_incoming_document ON exchange_incoming (issuer_id, document_id) WHERE document_id <> '';
CREATE INDEX exchange_incoming_code ON exchange_incoming (issuer_id, code_number, code_notation) WHERE code_number <> '';

-- The statuses this agency sent about an incoming document, once each.
CREATE TABLE exchange_incoming_history (
    incoming_id bigint NOT NULL REFERENCES exchange_incoming (id),
    status      text NOT NULL,
    description text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL,
    PRIMARY KEY (incoming_id, status, at)
);

-- The files of exchanged documents: owner 'outgoing' or 'incoming'. Verdict is the
-- signature check of an incoming attachment (valid, invalid, unsigned).
CREATE TABLE exchange_files (
    id           bigserial PRIMARY KEY,
    owner        text NOT NULL CHECK (owner IN ('outgoing', 'incoming')),
    owner_id     bigint NOT NULL,
    name         text NOT NULL,
    content_type text NOT NULL,
    data         bytea,                      -- NULL once a recalled document is removed
    signed       boolean NOT NULL DEFAULT false,
    verdict      text NOT NULL DEFAULT '',
    UNIQUE (owner, owner_id, name)
);
