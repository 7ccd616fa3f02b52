-- The national portal's status sync (issue 14): the drainer claims the oldest undelivered
-- row of each dossier for a while (lease_until), so a crashed drainer's rows return by
-- themselves; a failed attempt waits until next_attempt_at; a row the portal refused for
-- good is parked with its reason until an administrator sends it again. sent_at is when
-- the portal acknowledged it; delay (sent_at − at) is how late the portal learned of it.
ALTER TABLE status_outbox
    ADD COLUMN next_attempt_at timestamptz,
    ADD COLUMN lease_until     timestamptz,
    ADD COLUMN last_error      text,
    ADD COLUMN operation       text CHECK (operation IN ('add', 'update')),
    ADD COLUMN parked_at       timestamptz,
    ADD COLUMN parked_reason   text,
    ADD COLUMN delay           interval GENERATED ALWAYS AS (sent_at - at) STORED;
-- The drainer's scan: undelivered rows of each dossier in order (the oldest is the only
-- one eligible); and the administrator's list of parked rows.
CREATE INDEX status_outbox_pending_idx ON status_outbox (dossier_id, seq) WHERE sent_at IS NULL;
CREATE INDEX status_outbox_parked_idx ON status_outbox (parked_at) WHERE parked_at IS NOT NULL AND sent_at IS NULL;
