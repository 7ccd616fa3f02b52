-- A dossier step that consults an agency outside the ministry (issue 13, acceptance 9):
-- the consultation is an outgoing document; the agency's reply is an incoming document
-- whose edXML MessageHeader/ResponseFor names it.

-- The documents an exchanged document answers (edXML MessageHeader/ResponseFor): for an
-- outgoing reply, what it answers; for an incoming document, what its issuer says it
-- answers.
CREATE TABLE exchange_response_for (
    owner             text NOT NULL CHECK (owner IN ('outgoing', 'incoming')),
    owner_id          bigint NOT NULL,
    organ_id          text NOT NULL DEFAULT '',
    code              text NOT NULL DEFAULT '',
    promulgation_date text NOT NULL DEFAULT '',
    document_id       text NOT NULL,
    PRIMARY KEY (owner, owner_id, document_id)
);

-- An incoming document that answers one of our outgoing documents (its ResponseFor names
-- that document's DocumentId and its issuer is one of that document's recipients).
ALTER TABLE exchange_incoming ADD COLUMN answers_outgoing_id bigint REFERENCES exchange_outgoing (id);

-- One row per agency consulted at a dossier's step: the outgoing document that asks,
-- and once it came, the reply.
CREATE TABLE dossier_external_consultations (
    id                bigserial PRIMARY KEY,
    dossier_code      text NOT NULL,
    step              text NOT NULL,
    organ_id          text NOT NULL,
    organ_name        text NOT NULL,
    outgoing_id       bigint NOT NULL UNIQUE REFERENCES exchange_outgoing (id),
    asked_by          bigint,
    asked_at          timestamptz NOT NULL,
    reply_incoming_id bigint REFERENCES exchange_incoming (id),
    answered_at       timestamptz
);
CREATE INDEX dossier_external_consultations_dossier ON dossier_external_consultations (dossier_code);
