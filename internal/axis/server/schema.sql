-- The development axis's own database. Idempotent: applied at every start.

CREATE TABLE IF NOT EXISTS axis_agencies (
    id          text PRIMARY KEY,            -- OrganId
    name        text NOT NULL,
    secret_hash bytea NOT NULL,              -- bcrypt of the agency's secret
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per message sent; the sender's idempotency key makes a retried send one row.
CREATE TABLE IF NOT EXISTS axis_messages (
    id              bigserial PRIMARY KEY,
    sender          text NOT NULL REFERENCES axis_agencies (id),
    idempotency_key text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('edoc', 'status')),
    document_id     text NOT NULL,
    body            bytea NOT NULL,
    body_sha256     bytea NOT NULL,
    sent_at         timestamptz NOT NULL,
    UNIQUE (sender, idempotency_key)
);
CREATE INDEX IF NOT EXISTS axis_messages_sender_document ON axis_messages (sender, document_id, id);

-- One queue row per recipient, with its transport acknowledgement.
CREATE TABLE IF NOT EXISTS axis_deliveries (
    message_id bigint NOT NULL REFERENCES axis_messages (id),
    recipient  text NOT NULL REFERENCES axis_agencies (id),
    acked_at   timestamptz,
    PRIMARY KEY (message_id, recipient)
);
CREATE INDEX IF NOT EXISTS axis_deliveries_queue ON axis_deliveries (recipient, message_id);
CREATE INDEX IF NOT EXISTS axis_deliveries_pending ON axis_deliveries (recipient, message_id) WHERE acked_at IS NULL;
