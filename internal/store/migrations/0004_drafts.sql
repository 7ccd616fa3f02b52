-- Drafts of e-forms that citizens save on the pages before submitting (one per person
-- and procedure). token is the Idempotency-Key the submission of this draft uses, so a
-- double click on "Nộp hồ sơ" makes one dossier.
CREATE TABLE drafts (
    user_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    procedure_code text   NOT NULL,
    data           jsonb  NOT NULL DEFAULT '{}',
    token          text   NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, procedure_code)
);
