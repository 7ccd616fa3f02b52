-- Issue 12 (part B): delegations of the signing authority (Decree 30/2020/NĐ-CP, art. 13).
--
-- A delegation lets its delegate sign the results of the procedures it names, for the
-- one who holds the authority (the delegator), from one day to another (Vietnam time,
-- both included), by the written document it names. The signing queue and the signature
-- check read them; an administrator keeps them, and revokes rather than deletes, so that
-- a signed result's delegation can always be read back.
CREATE TABLE delegations (
    id           bigserial PRIMARY KEY,
    delegator_id bigint NOT NULL REFERENCES users(id),
    delegate_id  bigint NOT NULL REFERENCES users(id),
    kind         text NOT NULL CHECK (kind IN ('TUQ.', 'TL.', 'Q.')),
    procedures   text[] NOT NULL CHECK (cardinality(procedures) > 0),
    valid_from   date NOT NULL,
    valid_until  date NOT NULL,
    document     text NOT NULL,
    created_by   bigint REFERENCES users(id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    revoked_by   bigint REFERENCES users(id),
    CHECK (delegator_id <> delegate_id),
    CHECK (valid_until >= valid_from)
);

-- The queue asks for the delegations in force on a day.
CREATE INDEX delegations_in_force_idx ON delegations (valid_until, valid_from) WHERE revoked_at IS NULL;

-- Who may sign a result is decided per person from the catalog and the delegations, so
-- the signing queue reads every dossier awaiting a signature, not one unit's.
CREATE INDEX dossiers_awaiting_signature_idx ON dossiers (due_at, id) WHERE status = 'awaiting_signature';
