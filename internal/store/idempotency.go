package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// IdempotencyKey is what a person's Idempotency-Key made: the hash of the request that
// used it first, the dossier that request stored, and the answer it was given.
type IdempotencyKey struct {
	RequestHash []byte
	DossierCode motcua.DossierCode // "" until the submission is stored
	Response    []byte             // the first answer (JSON), once given
}

const idempotencyColumns = `request_hash, coalesce(dossier_code, ''), coalesce(response::text, '')`

func scanIdempotencyKey(row pgx.Row) (IdempotencyKey, error) {
	var k IdempotencyKey
	var code, response string
	if err := row.Scan(&k.RequestHash, &code, &response); err != nil {
		return IdempotencyKey{}, err
	}
	k.DossierCode, k.Response = motcua.DossierCode(code), []byte(response)
	return k, nil
}

// ClaimIdempotencyKey takes key for a request whose body hashes to hash, in tx: claimed
// is false when the key was taken before, and prev is then what it made. The key's row
// lock makes a concurrent request with the same key wait until the first one's
// transaction ends, so it sees the dossier that one stored.
func ClaimIdempotencyKey(ctx context.Context, tx pgx.Tx, userID int64, key string, hash []byte) (claimed bool, prev IdempotencyKey, err error) {
	tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, key) DO NOTHING`, userID, key, hash)
	if err != nil {
		return false, IdempotencyKey{}, fmt.Errorf("claim idempotency key: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return true, IdempotencyKey{}, nil
	}
	prev, err = scanIdempotencyKey(tx.QueryRow(ctx, `SELECT `+idempotencyColumns+` FROM idempotency_keys
		WHERE user_id = $1 AND key = $2`, userID, key))
	if err != nil {
		return false, IdempotencyKey{}, fmt.Errorf("read idempotency key: %w", err)
	}
	return false, prev, nil
}

// BindIdempotencyKey records, in the transaction that stored it, the dossier the key's
// request made.
func BindIdempotencyKey(ctx context.Context, tx pgx.Tx, userID int64, key string, code motcua.DossierCode) error {
	if _, err := tx.Exec(ctx, `UPDATE idempotency_keys SET dossier_code = $3 WHERE user_id = $1 AND key = $2`, userID, key, code); err != nil {
		return fmt.Errorf("bind idempotency key to %s: %w", code, err)
	}
	return nil
}

// IdempotencyKeyOf reads a person's key; ok is false when they never used it.
func (s *Store) IdempotencyKeyOf(ctx context.Context, userID int64, key string) (k IdempotencyKey, ok bool, err error) {
	k, err = scanIdempotencyKey(s.pool.QueryRow(ctx, `SELECT `+idempotencyColumns+` FROM idempotency_keys
		WHERE user_id = $1 AND key = $2`, userID, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return IdempotencyKey{}, false, nil
	}
	if err != nil {
		return IdempotencyKey{}, false, fmt.Errorf("read idempotency key: %w", err)
	}
	return k, true, nil
}

// KeepIdempotentAnswer stores the answer given to the key's first request, to replay it.
func (s *Store) KeepIdempotentAnswer(ctx context.Context, userID int64, key string, response []byte) error {
	if _, err := s.pool.Exec(ctx, `UPDATE idempotency_keys SET status = 201, response = $3 WHERE user_id = $1 AND key = $2`,
		userID, key, response); err != nil {
		return fmt.Errorf("keep idempotent answer: %w", err)
	}
	return nil
}

// SubmitOnce stores a submission under the next code of agency's daily sequence, in one
// transaction. With an idempotency key it claims the key first: a key taken before
// stores nothing and answers what the earlier request made (prev, non-nil), for the
// caller to replay or refuse. Nothing inside the transaction takes a second connection
// from the pool: requests waiting on the same key hold theirs.
func (s *Store) SubmitOnce(ctx context.Context, key string, hash []byte, agency string, sub Submission) (code motcua.DossierCode, prev *IdempotencyKey, err error) {
	return s.SubmitOnceAs(ctx, sub.ApplicantID, key, hash, agency, sub)
}

// SubmitOnceAs is SubmitOnce with the idempotency key of user (a desk clerk who
// registers a dossier for an applicant) rather than the applicant's.
func (s *Store) SubmitOnceAs(ctx context.Context, user int64, key string, hash []byte, agency string, sub Submission) (code motcua.DossierCode, prev *IdempotencyKey, err error) {
	err = s.Tx(ctx, func(tx pgx.Tx) error {
		if key != "" {
			claimed, p, err := ClaimIdempotencyKey(ctx, tx, user, key, hash)
			if err != nil {
				return err
			}
			if !claimed {
				prev = &p
				return nil
			}
		}
		var err error
		if code, err = NextDossierCode(ctx, tx, agency, sub.SubmittedAt); err != nil {
			return err
		}
		sub.Code = code
		if err := CreateSubmission(ctx, tx, sub); err != nil {
			return err
		}
		if key != "" {
			return BindIdempotencyKey(ctx, tx, user, key, code)
		}
		return nil
	})
	if err != nil || prev != nil {
		return "", prev, err
	}
	return code, nil, nil
}
