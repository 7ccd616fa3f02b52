package web

import (
	"context"
	"net/http"

	"motcua"
	"motcua/internal/store"
)

// The national portal's status sync, as the administrator sees it: the status changes
// the portal refused for good (parked, with the portal's reason), each holding the later
// changes of its dossier, and a button that sends one again once the cause is fixed.

// parkedEvent is a parked status change on the page.
type parkedEvent struct {
	store.ParkedOutboxRow
	StatusLabel, AtText, ParkedText string
}

// pageAdminPortal lists the parked status changes.
func (s *Site) pageAdminPortal() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rows, err := s.Store.ParkedOutbox(r.Context(), 500)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		list := make([]parkedEvent, len(rows))
		for i, p := range rows {
			list[i] = parkedEvent{ParkedOutboxRow: p, StatusLabel: p.Status.Label(),
				AtText:     p.At.In(motcua.Vietnam).Format("15:04 02/01/2006"),
				ParkedText: p.ParkedAt.In(motcua.Vietnam).Format("15:04 02/01/2006")}
		}
		d := s.page(r, "Đồng bộ Cổng Dịch vụ công quốc gia")
		d.Data = list
		s.show(w, http.StatusOK, "admin-portal", d)
	}
}

// pageAdminPortalRetry sends a parked status change again at the next drain.
func (s *Site) pageAdminPortalRetry() http.HandlerFunc {
	return s.pageActOnID("Không tìm thấy sự kiện đồng bộ.", func(ctx context.Context, a motcua.Actor, id int64) error {
		return s.Store.RetryParkedOutbox(ctx, a.UserID, id)
	}, to("/quan-tri/dong-bo-cong-dvc?ok=resent"))
}
