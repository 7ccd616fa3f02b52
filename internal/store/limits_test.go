package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"motcua"
	"motcua/internal/store"
)

// TestVerifyIDsAreRandomAndNameTheIssuedVersion: verification IDs are 128 random bits
// (no two alike in many draws, none derived from the dossier); the ID of a notice names
// it, the ID drawn on a draft result names the version issued from that draft, and
// nothing before it is issued;
// every ID that names nothing, of whatever shape (the old guessable form, a well-formed
// random one), gets one and the same answer; and a retried store keeps the first ID.
func TestVerifyIDsAreRandomAndNameTheIssuedVersion(t *testing.T) {
	seen := map[string]bool{}
	for range 10_000 {
		id := store.NewVerifyID()
		if !store.ValidVerifyID(id) || len(id) != 26 || seen[id] {
			t.Fatalf("verification ID %q: valid %v, repeated %v", id, store.ValidVerifyID(id), seen[id])
		}
		seen[id] = true
	}

	f := newFixture(t)
	ctx := context.Background()
	d := f.submit(procFund, vn(3, 3, 9, 0), vn(3, 3, 17, 0))
	receiptID, draftID := store.NewVerifyID(), store.NewVerifyID()
	add := func(kind motcua.DocumentKind, seq int, verifyID, number string, content string) {
		t.Helper()
		if _, err := f.s.AddDocument(ctx, store.Document{DossierID: d.id, Kind: kind, Seq: seq, Name: string(kind) + ".pdf",
			ContentType: "application/pdf", Data: []byte("%PDF-1.7 " + content), VerifyID: verifyID, Number: number}); err != nil {
			t.Fatal(err)
		}
	}
	add(motcua.DocReceipt, 2, receiptID, "", "receipt")
	add(motcua.DocReceipt, 2, store.NewVerifyID(), "", "receipt rendered again by a retry") // kept: the first
	add(motcua.DocDraftResult, 5, draftID, "", "draft")
	// Before the result is issued its QR code names nothing: neither the draft nor the
	// copy carrying the leader's signature alone.
	if doc, _, err := f.s.DocumentByVerifyID(ctx, draftID); !errors.Is(err, store.ErrNoVerifiedDocument) {
		t.Errorf("the ID of a draft not yet issued names %s %d (%v), want nothing", doc.Kind, doc.Seq, err)
	}
	add(motcua.DocResult, 6, "", "", "signed")
	if doc, _, err := f.s.DocumentByVerifyID(ctx, draftID); !errors.Is(err, store.ErrNoVerifiedDocument) {
		t.Errorf("the ID of a signed, unnumbered result names %s %d (%v), want nothing", doc.Kind, doc.Seq, err)
	}
	add(motcua.DocResult, 7, "", "1/QĐ-BNV", "sealed")

	doc, code, err := f.s.DocumentByVerifyID(ctx, receiptID)
	if err != nil || doc.Kind != motcua.DocReceipt || code != d.code || !bytes.Contains(doc.Data, []byte("%PDF-1.7 receipt")) ||
		bytes.Contains(doc.Data, []byte("retry")) || doc.VerifyID != receiptID {
		t.Fatalf("receipt's ID: %s %d %s %q, %v", doc.Kind, doc.Seq, code, doc.Data, err)
	}
	if doc, _, err := f.s.DocumentByVerifyID(ctx, draftID); err != nil || doc.Kind != motcua.DocResult || doc.Seq != 7 ||
		doc.Number != "1/QĐ-BNV" {
		t.Fatalf("the draft's ID names %s %d %q, want the sealed result 7: %v", doc.Kind, doc.Seq, doc.Number, err)
	}
	// A later draft (returned for rework, drafted again) has its own ID; the old draft's
	// ID does not jump to the results of the new one.
	newDraft := store.NewVerifyID()
	add(motcua.DocDraftResult, 9, newDraft, "", "second draft")
	add(motcua.DocResult, 10, "", "2/QĐ-BNV", "second result")
	if doc, _, _ := f.s.DocumentByVerifyID(ctx, draftID); doc.Seq != 7 {
		t.Errorf("the first draft's ID names seq %d after a second draft, want 7", doc.Seq)
	}
	if doc, _, _ := f.s.DocumentByVerifyID(ctx, newDraft); doc.Seq != 10 {
		t.Errorf("the second draft's ID names seq %d, want 10", doc.Seq)
	}

	for _, guess := range []string{
		fmt.Sprintf("%s-%s-%d", d.code, motcua.DocReceipt, 2), // the old link of this very receipt
		fmt.Sprintf("%s-result-7", d.code),
		store.NewVerifyID(), // well-formed, unknown
		"aaaaaaaaaaaaaaaaaaaaaaaaaa",
		"", "'; SELECT 1 --", string([]byte{0xff, 0xfe}),
	} {
		_, _, err := f.s.DocumentByVerifyID(ctx, guess)
		if !errors.Is(err, store.ErrNoVerifiedDocument) {
			t.Errorf("ID %q: %v, want the one answer for IDs that name nothing", guess, err)
		}
	}
}

// TestUploadLimitsBoundRateAndUnattachedBytes: an owner's uploads in the window are
// counted (attached or not), and only unattached files count for the byte quota; other
// owners are not affected.
func TestUploadLimitsBoundRateAndUnattachedBytes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	lim := store.UploadLimits{PendingBytes: 100, PerWindow: 3, Window: time.Minute}
	owner, other := f.userID("congdan1"), f.userID("canbo1")
	for i := range 3 {
		if _, err := f.s.CreateFileWithin(ctx, owner, "a.pdf", "application/pdf", []byte{byte(i), 1, 2}, lim); err != nil {
			t.Fatalf("upload %d: %v", i+1, err)
		}
	}
	if _, err := f.s.CreateFileWithin(ctx, owner, "a.pdf", "application/pdf", []byte("x"), lim); !errors.Is(err, store.ErrUploadRate) {
		t.Fatalf("the fourth upload in a minute: %v, want ErrUploadRate", err)
	}
	if _, err := f.s.CreateFileWithin(ctx, other, "a.pdf", "application/pdf", make([]byte, 60), lim); err != nil {
		t.Fatalf("another person's upload: %v", err)
	}
	if _, err := f.s.CreateFileWithin(ctx, other, "b.pdf", "application/pdf", make([]byte, 50), lim); !errors.Is(err, store.ErrUploadQuota) {
		t.Fatalf("110 unattached bytes of 100: %v, want ErrUploadQuota", err)
	}
	// Attached files leave the quota.
	d := f.submit(procFund, vn(3, 3, 9, 0), vn(3, 3, 17, 0))
	if _, err := f.s.Pool().Exec(ctx, `UPDATE files SET dossier_id = $1 WHERE owner_id = $2`, d.id, other); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.CreateFileWithin(ctx, other, "b.pdf", "application/pdf", make([]byte, 50), lim); err != nil {
		t.Fatalf("50 bytes once the 60 were attached: %v", err)
	}
}

// TestPurgeOrphanFilesKeepsWhatIsAttachedOrDrafted: uploads older than the cutoff and
// never attached go, with their bytes unless a file or document still points at them;
// recent uploads, attached files and files a saved draft names stay; purging again
// deletes nothing.
func TestPurgeOrphanFilesKeepsWhatIsAttachedOrDrafted(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	owner := f.userID("congdan1")
	up := func(content string, age time.Duration) store.File {
		t.Helper()
		file, err := f.s.CreateFile(ctx, owner, content+".pdf", "application/pdf", []byte(content))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Pool().Exec(ctx, `UPDATE files SET created_at = now() - $2::interval WHERE id = $1::uuid`, file.ID, age); err != nil {
			t.Fatal(err)
		}
		return file
	}
	orphan := up("orphan", 48*time.Hour)
	recent := up("recent", time.Hour)
	attached := up("attached", 48*time.Hour)
	twin := up("attached", 48*time.Hour) // an orphan whose bytes the attached file shares
	drafted := up("drafted", 48*time.Hour)
	d := f.submit(procFund, vn(3, 3, 9, 0), vn(3, 3, 17, 0))
	if _, err := f.s.Pool().Exec(ctx, `UPDATE files SET dossier_id = $1 WHERE id = $2::uuid`, d.id, attached.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SaveDraft(ctx, owner, procFund, map[string]any{"giayTo": []any{drafted.ID}}); err != nil {
		t.Fatal(err)
	}

	n, err := f.s.PurgeOrphanFiles(ctx, time.Now().Add(-24*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("purged %d files, %v; want 2 (the orphan and the twin)", n, err)
	}
	for _, c := range []struct {
		file store.File
		kept bool
	}{{orphan, false}, {twin, false}, {recent, true}, {attached, true}, {drafted, true}} {
		_, data, err := f.s.FileWithData(ctx, c.file.ID)
		if kept := err == nil; kept != c.kept {
			t.Errorf("file %s: kept %v, want %v (%v)", c.file.Name, kept, c.kept, err)
		} else if kept && len(data) == 0 {
			t.Errorf("file %s kept without its bytes", c.file.Name)
		}
	}
	var blobs int
	if err := f.s.Pool().QueryRow(ctx, `SELECT count(*) FROM blobs WHERE data = 'orphan'`).Scan(&blobs); err != nil || blobs != 0 {
		t.Errorf("the orphan's bytes: %d rows left, %v", blobs, err)
	}
	if n, err := f.s.PurgeOrphanFiles(ctx, time.Now().Add(-24*time.Hour)); err != nil || n != 0 {
		t.Errorf("second purge: %d, %v", n, err)
	}
}
