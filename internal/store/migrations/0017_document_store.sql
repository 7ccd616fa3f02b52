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
