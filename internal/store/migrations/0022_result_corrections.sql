-- Corrections and replacements of issued results (Decree 30/2020 art. 18), telling the
-- national portal of a withdrawn result, and the validity of motcua's own results
-- (issue 15).

-- A withdrawal now belongs to the issued document, not to the dossier: a result that
-- replaced another can itself be corrected, replaced or revoked later. A correction
-- notice (đính chính) leaves the result in force, marked corrected, with a link to the
-- notice (replaced_by).
ALTER TABLE result_revocations DROP CONSTRAINT result_revocations_pkey;
ALTER TABLE result_revocations ADD PRIMARY KEY (document_id);
CREATE INDEX result_revocations_dossier_idx ON result_revocations (dossier_id);
ALTER TABLE result_revocations DROP CONSTRAINT result_revocations_kind_check;
ALTER TABLE result_revocations ADD CONSTRAINT result_revocations_kind_check
    CHECK (kind IN ('revoked', 'replaced', 'corrected'));

-- Telling the portal (its national store holds the result): pending until
-- portal_told_at; a failed attempt waits until portal_next_attempt_at.
ALTER TABLE result_revocations ADD COLUMN portal_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE result_revocations ADD COLUMN portal_next_attempt_at timestamptz;
ALTER TABLE result_revocations ADD COLUMN portal_last_error text;
CREATE INDEX result_revocations_untold_idx ON result_revocations (revoked_at) WHERE portal_told_at IS NULL;

-- A proposal to correct or replace an issued result: the unit's clerk proposes with the
-- reason (and, for a correction, what is corrected); the competent leader signs; the
-- clerical office's register numbers it and the seal is applied
-- (ResultCorrectionWorkflow). The documents it makes are rows of documents at seq
-- 1000000 + 2*id (signed) and + 1 (issued), above any transition's sequence.
CREATE TABLE result_corrections (
    id              bigserial PRIMARY KEY,
    dossier_id      bigint NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    document_id     uuid NOT NULL REFERENCES documents(id),   -- the issued result concerned
    kind            text NOT NULL CHECK (kind IN ('correct', 'replace')),
    reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    corrections     text NOT NULL DEFAULT '' CHECK (length(corrections) <= 4000),
    state           text NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed', 'issued')),
    proposed_by     bigint NOT NULL REFERENCES users(id),
    proposed_at     timestamptz NOT NULL,
    signed_by       bigint REFERENCES users(id),
    issued_document uuid REFERENCES documents(id),
    issued_at       timestamptz
);
-- One open proposal per issued result.
CREATE UNIQUE INDEX result_corrections_open_idx ON result_corrections (document_id) WHERE state = 'proposed';
CREATE INDEX result_corrections_dossier_idx ON result_corrections (dossier_id);

-- Validity of an issued document (the catalog's result.validity): NULL valid_until is
-- no end. Copied into the applicant's store with the result.
ALTER TABLE documents ADD COLUMN valid_from date;
ALTER TABLE documents ADD COLUMN valid_until date;
ALTER TABLE applicant_documents ADD COLUMN valid_from date;
