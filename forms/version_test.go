package forms

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"motcua"
)

// A dossier keeps code + version. Publishing Decree 03/2026's version of the fund licence
// must not change what the Decree 93/2019 version says or accepts.
func TestNewVersionDoesNotChangeDossiersUnderTheOldOne(t *testing.T) {
	c := testCatalog(t)
	const code = "1.014936"
	before := time.Date(2025, 6, 1, 10, 0, 0, 0, motcua.Vietnam)
	lastOld := time.Date(2026, 2, 28, 23, 59, 0, 0, motcua.Vietnam)
	firstNew := time.Date(2026, 3, 1, 0, 0, 0, 0, motcua.Vietnam)

	for _, tc := range []struct {
		at      time.Time
		version int
		days    float64
	}{{before, 1, 40}, {lastOld, 1, 40}, {firstNew, 2, 45}, {testNow, 2, 45}} {
		p, err := c.At(code, tc.at)
		if err != nil || p.Version != tc.version || p.TimeLimit.InPerson != tc.days {
			t.Errorf("At(%s) = v%d (%v days), %v; want v%d (%v days)", tc.at, p.Version, p.TimeLimit.InPerson, err, tc.version, tc.days)
		}
	}
	cur, _ := c.Procedure(code)
	old, err := c.Version(code, 1)
	if err != nil || cur.Version != 2 || old.Version != 1 || old.TimeLimit.InPerson != 40 {
		t.Fatalf("current v%d, Version(1) = v%d, %v", cur.Version, old.Version, err)
	}

	// A dossier received under v1 still validates under v1.
	v1Sample, _ := os.ReadFile(filepath.Join("catalog", code, "v1", "valid.json"))
	if _, errs := old.Validate(v1Sample); errs != nil {
		t.Errorf("v1 dossier rejected by v1: %v", errs)
	}
	// The new version's data (a domain added by Decree 03/2026) is not valid under v1.
	v2Sample, _ := os.ReadFile(filepath.Join("catalog", code, "v2", "valid.json"))
	if _, errs := old.Validate(v2Sample); len(errs) == 0 {
		t.Error("v1 accepted a domain that only Decree 03/2026 allows")
	}
	if _, errs := cur.Validate(v2Sample); errs != nil {
		t.Errorf("v2 dossier rejected by v2: %v", errs)
	}
}

// Publishing is adding a file. Loading the catalog before and after must give the same old
// version, field for field.
func TestPublishingAVersionLeavesTheEarlierOneUnchanged(t *testing.T) {
	v1 := []byte(validProcedure)
	v1Closed := bytes.Replace(v1, []byte(`"effectiveFrom": "2025-01-01",`), []byte(`"effectiveFrom": "2025-01-01", "effectiveTo": "2026-01-01",`), 1)
	v2 := bytes.Replace(v1, []byte(`"version": 1`), []byte(`"version": 2`), 1)
	v2 = bytes.Replace(v2, []byte(`"effectiveFrom": "2025-01-01"`), []byte(`"effectiveFrom": "2026-01-01"`), 1)
	v2 = bytes.Replace(v2, []byte(`"kind": "text", "required": true`), []byte(`"kind": "text", "required": true, "maxLength": 5`), 1)

	clock := WithClock(func() time.Time { return testNow })
	beforeCat, err := Load(fstest.MapFS{"1.000001/v1/procedure.json": {Data: v1Closed}}, clock)
	if err != nil {
		t.Fatal(err)
	}
	afterCat, err := Load(fstest.MapFS{
		"1.000001/v1/procedure.json": {Data: v1Closed},
		"1.000001/v2/procedure.json": {Data: v2},
	}, clock)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := beforeCat.Version("1.000001", 1)
	a, _ := afterCat.Version("1.000001", 1)
	if !bytes.Equal(a.Schema(), b.Schema()) || a.TimeLimit != b.TimeLimit {
		t.Error("publishing v2 changed v1")
	}
	data := []byte(`{"name": "Nguyễn Văn An", "fileDon": "upl_00000000000000000001"}`)
	if _, errs := a.Validate(data); errs != nil {
		t.Errorf("v1 rejects its dossier after v2 was published: %v", errs)
	}
	cur, _ := afterCat.Procedure("1.000001")
	if _, errs := cur.Validate(data); len(errs) != 1 || errs[0].Code != "too_long" {
		t.Errorf("v2 should apply its own rule (name of at most 5 characters), got %v", errs)
	}

	// Overlapping versions are refused: two versions in force at once would make
	// "the version in force" ambiguous.
	_, err = Load(fstest.MapFS{
		"1.000001/v1/procedure.json": {Data: v1},
		"1.000001/v2/procedure.json": {Data: v2},
	})
	if err == nil {
		t.Error("overlapping versions loaded")
	}
}
