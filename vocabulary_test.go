package motcua

import (
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// labelled is a kind of the vocabulary, seen through what every kind has.
type labelled interface {
	~string
	Valid() bool
	Label() string
}

func checkLabels[K labelled](t *testing.T, kinds []K) {
	t.Helper()
	seen := map[string]K{}
	for _, k := range kinds {
		l := k.Label()
		switch {
		case !k.Valid():
			t.Errorf("%q is listed but not valid", k)
		case l == "" || l == string(k):
			t.Errorf("%q has no Vietnamese label", k)
		case !norm.NFC.IsNormalString(l):
			t.Errorf("%q: label %q is not NFC", k, l)
		}
		if other, ok := seen[l]; ok {
			t.Errorf("%q and %q share the label %q", k, other, l)
		}
		seen[l] = k
	}
}

func TestEveryKindHasItsVietnameseLabel(t *testing.T) {
	t.Run("step actions", func(t *testing.T) { checkLabels(t, StepActions()) })
	t.Run("supplement policies", func(t *testing.T) {
		checkLabels(t, []SupplementPolicy{SupplementPause, SupplementRestart})
	})
	t.Run("document kinds", func(t *testing.T) { checkLabels(t, DocumentKinds()) })
	t.Run("event kinds", func(t *testing.T) { checkLabels(t, EventKinds()) })
	t.Run("SLA buckets", func(t *testing.T) { checkLabels(t, SLABuckets()) })
	t.Run("statuses", func(t *testing.T) { checkLabels(t, Statuses) })
	if EventKind("transfer2").Valid() || EventKind("transfer2").Label() != "transfer2" {
		t.Error("an unknown event kind must be invalid and shown as it is")
	}
}

func TestBucketOf(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, Vietnam)
	soon := now.Add(24 * time.Hour)
	for _, tc := range []struct {
		name string
		due  time.Time
		want SLABucket
	}{
		{"no limit yet", time.Time{}, BucketOnTime},
		{"due a minute ago", now.Add(-time.Minute), BucketOverdue},
		{"due now", now, BucketDueSoon},
		{"due before the threshold", soon.Add(-time.Minute), BucketDueSoon},
		{"due at the threshold", soon, BucketOnTime},
		{"due next week", now.AddDate(0, 0, 7), BucketOnTime},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := BucketOf(tc.due, now, soon); got != tc.want {
				t.Errorf("BucketOf(%v) = %s, want %s", tc.due, got, tc.want)
			}
		})
	}
}
