// Package activities holds motcua's Temporal activities: every piece of I/O a workflow
// needs (PostgreSQL records, PDFs, signatures, notifications, archives). Each activity
// is idempotent, because Temporal runs an activity at least once.
//
// Activities are methods of Activities, registered once with the worker; workflows
// refer to them through a nil *Activities so that names are checked by the compiler.
package activities

import (
	"context"
	"fmt"
	"motcua/internal/mail"
	"time"

	"go.temporal.io/sdk/activity"

	"motcua/forms"
	"motcua/internal/render"
	"motcua/internal/signing"
	"motcua/internal/store"
)

// Activities holds the dependencies of every activity.
type Activities struct {
	Store    *store.Store
	Catalog  *forms.Catalog
	Time     WorkingTime
	Renderer *render.Renderer
	// Signer reaches the signature service; Signing says which credentials to use.
	Signer  *signing.Client
	Signing SigningConfig
	// OrgName is the organization whose seal notices and archive packages carry ("Bộ
	// Nội vụ"; its seal is Signing.SealCredential).
	OrgName string
	// Issuers are the units that issue results in their own name, by unit code: a
	// result is numbered with its deciding unit's abbreviation and sealed with its seal.
	Issuers map[string]Issuer
	// PublicURL is the base of the public pages (verification links in QR codes).
	PublicURL string
	// Mail sends notifications by e-mail; nil keeps them in the outbox the pages show.
	Mail *mail.Sender
	// Exchange reaches the document axis (outgoing and incoming documents).
	Exchange ExchangeConfig

	looks appearances // drawn seal and signature images
}

// Issuer is a unit that issues documents in its own name (the agency of a result's
// agency line, Decree 30/2020 art. 8 and Appendix I): the abbreviation of its name in
// its documents' symbols ("BNV" in 12/QĐ-BNV, "VTLTNN" in 12/QĐ-VTLTNN) and the
// credential of its seal at the signature service, whose certificate names the unit as
// its organization. The PIN is Signing.SealPIN.
type Issuer struct {
	Abbreviation   string
	SealCredential string
}

// PurgeInput says what to purge.
type PurgeInput struct {
	// OlderThan: sessions that ended, and idempotency keys created, longer ago than
	// this are deleted.
	OlderThan time.Duration
	// OrphanFilesAfter: uploads never attached to a dossier (nor named by a saved
	// draft) are deleted this long after they were uploaded; 0 means
	// DefaultOrphanFilesAfter.
	OrphanFilesAfter time.Duration
}

// DefaultOrphanFilesAfter is how long an upload may wait for its dossier: a citizen
// fills an e-form in one sitting, or saves a draft (whose files are kept with it).
const DefaultOrphanFilesAfter = 24 * time.Hour

// PurgeResult says what was purged.
type PurgeResult struct {
	Deleted int64
	// OrphanFiles is the number of uploads deleted because they were never attached.
	OrphanFiles int64
}

// PurgeExpired deletes ended sessions, old idempotency keys and uploads never
// attached to a dossier. Deleting what is already gone deletes nothing, so a retry is
// harmless.
func (a *Activities) PurgeExpired(ctx context.Context, in PurgeInput) (PurgeResult, error) {
	now := time.Now()
	cutoff := now.Add(-in.OlderThan)
	n, err := a.Store.PurgeExpired(ctx, cutoff)
	if err != nil {
		return PurgeResult{}, fmt.Errorf("purge expired before %s: %w", cutoff.Format(time.RFC3339), err)
	}
	after := in.OrphanFilesAfter
	if after <= 0 {
		after = DefaultOrphanFilesAfter
	}
	files, err := a.Store.PurgeOrphanFiles(ctx, now.Add(-after))
	if err != nil {
		return PurgeResult{}, err
	}
	activity.GetLogger(ctx).Info("purged expired sessions, idempotency keys and orphan uploads", "deleted", n, "orphanFiles", files)
	return PurgeResult{Deleted: n, OrphanFiles: files}, nil
}
