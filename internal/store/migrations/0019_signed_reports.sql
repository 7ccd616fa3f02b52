-- Issue 16, the missing export: the PDF of form 06/VPCP/KSTT signed by the unit's
-- leader. A report belongs to no dossier, so it is not a row of documents (whose
-- dossier_id is required); its bytes are kept here, not in blobs, so that the purge of
-- orphan uploads (which reasons about files and documents) never has to know it.
--
-- One row per issue: signing the same report again returns issue 1 unless a re-issue is
-- asked, which adds issue 2, 3, … The newest issue is the one served.
CREATE TABLE signed_reports (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    report     text NOT NULL,                       -- e.g. form06
    period     text NOT NULL,                       -- reports.Period.Key
    unit_id    bigint NOT NULL REFERENCES units(id),
    issue      integer NOT NULL CHECK (issue >= 1),
    signer_id  bigint NOT NULL REFERENCES users(id),
    signed_at  timestamptz NOT NULL,
    name       text NOT NULL,                       -- the download name
    sha256     bytea NOT NULL,
    data       bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (report, period, unit_id, issue)
);
