-- Issues 12 and 14: who may apply, and accounts as the national identity system issues
-- them. An applicant account is a citizen (by personal ID number), an organization (a
-- business by tax code, an association by its identifier) or a state agency; an
-- organization's authorized representatives are people's accounts that act for it.
ALTER TABLE users
    ADD COLUMN applicant_kind text CHECK (applicant_kind IN ('citizen', 'organization', 'agency')),
    -- A business's tax code: 10 digits, or 13 for a branch (10 + 3).
    ADD COLUMN tax_code text UNIQUE CHECK (tax_code ~ '^[0-9]{10}([0-9]{3})?$'),
    -- An organization's or agency's identifier (e.g. 000.00.00.G09 for an agency).
    ADD COLUMN org_identifier text UNIQUE CHECK (length(org_identifier) BETWEEN 1 AND 64),
    -- The organization account this person represents (người đại diện theo ủy quyền).
    ADD COLUMN represents bigint REFERENCES users(id),
    ADD CONSTRAINT users_representative_is_a_person CHECK (represents IS NULL OR applicant_kind IS NULL OR applicant_kind = 'citizen');

-- Whether the login that opened a session went through VNeID (the national e-ID).
ALTER TABLE sessions ADD COLUMN via_vneid boolean NOT NULL DEFAULT false;

-- Whether the applicant had authenticated through VNeID when submitting: the national
-- portal's status sync reports it (TaiKhoanDuocXacThucVoiVNeID).
ALTER TABLE submissions ADD COLUMN applicant_vneid boolean NOT NULL DEFAULT false;
ALTER TABLE dossiers ADD COLUMN applicant_vneid boolean NOT NULL DEFAULT false;

-- Every lookup in the national population database: who looked up whom, and why. A
-- lookup without a reason is refused before it is made; the row is written before the
-- lookup is (a lookup that fails is still recorded).
CREATE TABLE population_lookups (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   bigint NOT NULL REFERENCES users(id),
    id_number  text NOT NULL CHECK (id_number ~ '^[0-9]{12}$'),
    reason     text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
    dossier    text,
    found      boolean
);
CREATE INDEX population_lookups_actor_idx ON population_lookups (actor_id, at DESC);
CREATE INDEX population_lookups_subject_idx ON population_lookups (id_number, at DESC);
