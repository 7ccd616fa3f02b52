-- The applicant's document store and the life of an issued result after issue (issue 15).

-- Revocation or replacement of an issued result (Decree 30/2020 art. 18): one row per
-- dossier whose result is no longer in force. The signatures of the PDF stay
-- mathematically valid; the verification answers say that the document was withdrawn,
-- when and why. portal_told_at is when the national portal acknowledged the change.
CREATE TABLE result_revocations (
    dossier_id     bigint PRIMARY KEY REFERENCES dossiers(id) ON DELETE CASCADE,
    document_id    uuid NOT NULL REFERENCES documents(id),
    kind           text NOT NULL CHECK (kind IN ('revoked', 'replaced')),
    reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    revoked_at     timestamptz NOT NULL,
    revoked_by     bigint NOT NULL REFERENCES users(id),
    replaced_by    uuid REFERENCES documents(id),
    portal_told_at timestamptz
);
-- POST /api/v1/verify finds our document by the uploaded bytes' hash (documents_sha256_idx).

-- The applicant's store of electronic documents (kho quản lý dữ liệu điện tử, Decree
-- 45/2020 art. 16 as amended by Decree 118/2025 art. 40): each issued result and each
-- component a clerk accepted (digitized at intake) of the applicant's dossiers, and the
-- documents fetched from the national store. holder_id is the applicant's account
-- (a person is one account, by ID number). sha256 is the content as it was stored, so
-- that a change in storage is seen before reuse. Rows are keyed by what they come from,
-- so filling the store again adds nothing twice.
CREATE TABLE applicant_documents (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    holder_id    bigint NOT NULL REFERENCES users(id),
    source       text NOT NULL CHECK (source IN ('result', 'component', 'national')),
    doc_type     text NOT NULL,              -- procedure code (results), component ID, national type code
    name         text NOT NULL,
    number       text,
    issuer       text NOT NULL DEFAULT '',
    issued_at    timestamptz NOT NULL,
    valid_until  date,                       -- NULL: no end of validity
    dossier_id   bigint REFERENCES dossiers(id) ON DELETE CASCADE,
    document_id  uuid UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
    file_id      uuid UNIQUE REFERENCES files(id),
    national_ref text UNIQUE,
    sha256       bytea NOT NULL REFERENCES blobs(sha256),
    size         bigint NOT NULL,
    content_type text NOT NULL,
    signed       boolean NOT NULL DEFAULT false,
    copy_kind    text,                       -- components: original, certified_copy, copy
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applicant_documents_holder_idx ON applicant_documents (holder_id, issued_at DESC);

-- A component attached by reference to a document of the applicant's store.
ALTER TABLE files ADD COLUMN reused_from uuid REFERENCES applicant_documents(id);
CREATE INDEX files_reused_idx ON files (dossier_id) WHERE reused_from IS NOT NULL;

-- Pushes of issued results to the national document store: a result is pending until
-- sent_at is set (the store acknowledged it); a failed attempt waits until
-- next_attempt_at. A result without a row here is pending too, so none is lost.
CREATE TABLE national_pushes (
    document_id     uuid PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    sent_at         timestamptz,
    last_error      text
);
