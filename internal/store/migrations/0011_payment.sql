-- Online fee payment (thanh toán trực tuyến) through the payment platform, the
-- e-receipt it ends with, and the applicants' ratings of the service.

-- The fee a dossier owes, in VND, computed from the catalog and the form at submission.
ALTER TABLE submissions ADD COLUMN fee bigint NOT NULL DEFAULT 0 CHECK (fee >= 0);

-- One row per payment asked of the platform. reference is the platform's MaThamChieu;
-- the amount asked is the fee; what the platform confirms is kept beside it, and a
-- confirmed amount that differs from the fee is flagged (mismatch), never accepted.
CREATE TABLE payments (
    reference     text PRIMARY KEY,
    dossier_code  text NOT NULL REFERENCES submissions(code),
    amount        bigint NOT NULL CHECK (amount > 0),
    status        text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'paid', 'cancelled', 'mismatch')),
    pay_url       text NOT NULL DEFAULT '',
    transaction   text NOT NULL DEFAULT '',     -- the platform's MaGiaoDich
    paid_amount   bigint,
    confirmed_by  text NOT NULL DEFAULT '',     -- callback | poll
    created_at    timestamptz NOT NULL,
    confirmed_at  timestamptz
);
CREATE INDEX payments_dossier_idx ON payments (dossier_code, created_at DESC);
-- A dossier is paid at most once.
CREATE UNIQUE INDEX payments_paid_once ON payments (dossier_code) WHERE status = 'paid';

-- Ratings (đánh giá mức độ hài lòng): one per dossier, by its applicant, after the
-- result was returned. score is the overall level 1–5; criteria the level per criterion
-- (docs/ratings.md). synced_at is set by the portal sync once the portal has it.
CREATE TABLE ratings (
    dossier_id    bigint PRIMARY KEY REFERENCES dossiers(id) ON DELETE CASCADE,
    applicant_id  bigint NOT NULL REFERENCES users(id),
    score         smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    criteria      jsonb NOT NULL DEFAULT '{}',
    comment       text NOT NULL DEFAULT '',
    rated_at      timestamptz NOT NULL,
    synced_at     timestamptz
);
CREATE INDEX ratings_rated_at_idx ON ratings (rated_at);
CREATE INDEX ratings_unsynced_idx ON ratings (dossier_id) WHERE synced_at IS NULL;
