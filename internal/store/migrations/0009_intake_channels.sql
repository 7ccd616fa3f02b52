-- Issue 14 (part A): every intake channel. A dossier records how it arrived (online,
-- at the desk, by post, from the national portal); the desk clerk who registered it for
-- a walk-in or postal applicant; which of its files were digitized from paper and
-- whether from an original or a copy; applicants are found by their personal ID
-- number; the national portal's calling systems have their own credentials, and each
-- portal dossier code makes one dossier.

ALTER TABLE dossiers
    ADD COLUMN channel       text NOT NULL DEFAULT 'online'
        CHECK (channel IN ('online', 'desk', 'post', 'portal')),
    ADD COLUMN registered_by bigint REFERENCES users(id),   -- the desk clerk, desk and post only
    ADD COLUMN portal_code   text;                          -- the dossier's code on the national portal
-- Dossiers recorded before channels were: the online flag said online or not.
UPDATE dossiers SET channel = 'desk' WHERE NOT online;
CREATE INDEX dossiers_received_channel_idx ON dossiers (received_at, channel);

ALTER TABLE submissions
    ADD COLUMN channel       text NOT NULL DEFAULT 'online'
        CHECK (channel IN ('online', 'desk', 'post', 'portal')),
    ADD COLUMN registered_by bigint REFERENCES users(id),
    ADD COLUMN portal_code   text;
UPDATE submissions SET channel = 'desk' WHERE NOT online;

-- Số hóa (Circular 01/2023/TT-VPCP): a file scanned from paper at intake, and whether the
-- paper was the original (bản chính) or a copy (bản sao).
ALTER TABLE files
    ADD COLUMN digitized   boolean NOT NULL DEFAULT false,
    ADD COLUMN from_copy   boolean NOT NULL DEFAULT false;

-- The personal ID number (số định danh cá nhân, 12 digits) by which the desk finds a
-- walk-in applicant and the portal names its applicant.
ALTER TABLE users ADD COLUMN id_number text UNIQUE CHECK (id_number ~ '^[0-9]{12}$');

-- The sync engineer's status_outbox rows name the dossier's channel (KenhThucHien).
ALTER TABLE status_outbox ADD COLUMN channel text;
CREATE FUNCTION status_outbox_channel() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.channel IS NULL THEN
        NEW.channel := (SELECT channel FROM dossiers WHERE id = NEW.dossier_id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER status_outbox_channel BEFORE INSERT ON status_outbox
    FOR EACH ROW EXECUTE FUNCTION status_outbox_channel();
UPDATE status_outbox o SET channel = d.channel FROM dossiers d WHERE d.id = o.dossier_id;

-- Systems allowed to file dossiers on the inbound endpoint (the national portal, a
-- ministry's LGSP): each has its own secret, of which only the SHA-256 is kept, and a
-- service account that stands as the actor of what it files.
CREATE TABLE intake_systems (
    id          text PRIMARY KEY,                  -- the X-System-Id it sends
    name        text NOT NULL,
    secret_hash bytea NOT NULL,
    user_id     bigint NOT NULL REFERENCES users(id),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One dossier per portal dossier code and calling system; the hash of the first request
-- tells a repeat (same body) from a conflicting reuse of the code.
CREATE TABLE portal_intake (
    system_id    text NOT NULL REFERENCES intake_systems(id),
    portal_code  text NOT NULL,
    request_hash bytea NOT NULL,
    dossier_code text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (system_id, portal_code)
);
