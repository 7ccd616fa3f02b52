package store_test

import (
	"context"
	"testing"
	"time"

	"motcua"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// TestBucketSQLIsBucketOf holds the inbox's SQL to the domain's one definition of the SLA
// buckets: for due times around now and the "due soon" threshold, PostgreSQL answers
// what motcua.BucketOf answers.
func TestBucketSQLIsBucketOf(t *testing.T) {
	s := storetest.NewSeeded(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	soon := now.Add(24 * time.Hour)
	for _, due := range []time.Time{{}, now.Add(-time.Hour), now.Add(-time.Microsecond), now, now.Add(time.Hour),
		soon.Add(-time.Microsecond), soon, soon.Add(time.Hour), now.AddDate(0, 1, 0)} {
		var arg *time.Time
		if !due.IsZero() {
			arg = &due
		}
		var got motcua.SLABucket
		q := `SELECT ` + store.BucketSQL("$1::timestamptz", "$2::timestamptz", "$3::timestamptz")
		if err := s.Pool().QueryRow(ctx, q, arg, now, soon).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := motcua.BucketOf(due, now, soon); got != want {
			t.Errorf("due %v: SQL says %s, motcua.BucketOf %s", due, got, want)
		}
	}
}
