package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/internal/httpx"
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
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
		if err != nil || id <= 0 {
			s.showError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy sự kiện đồng bộ."))
			return
		}
		if err := s.Store.RetryParkedOutbox(r.Context(), a.UserID, id); err != nil {
			s.showError(w, r, err)
			return
		}
		http.Redirect(w, r, "/quan-tri/dong-bo-cong-dvc?ok=resent", http.StatusSeeOther)
	}
}
