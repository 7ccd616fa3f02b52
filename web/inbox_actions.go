package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/httpx"
)

// This file holds the inbox's actions that act on many tasks or on the reader's own
// arrangements: the head's bulk assignment, deleting a saved filter, and the absences
// with their substitutes. Thin handlers over the dossier service, as the API's are.

// assignee is a person the head may give work to, as the inbox's list offers them.
type assignee struct{ Username, Label string }

// inboxBack is the inbox as it was filtered (q, a query string), with a notice.
func inboxBack(q url.Values, notice string) string {
	back := url.Values{}
	for _, k := range inboxFilterKeys {
		if v := q.Get(k); v != "" {
			back.Set(k, v)
		}
	}
	back.Set("ok", notice)
	return "/can-bo/viec?" + back.Encode()
}

// pageAssign gives the tasks ticked in the inbox to one person, or back to the unit
// (giao việc, giao lại việc), as one action of the unit's head, audited per task:
// every task is one the head may assign and the person one who can act on it, or
// nothing changes and the inbox says which task was refused.
func (s *Site) pageAssign() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		q, _ := url.ParseQuery(r.PostFormValue("q"))
		as := dossiers.Assignment{To: r.PostFormValue("to")}
		for _, v := range r.PostForm["task"] {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				s.showInbox(w, r, q, http.StatusUnprocessableEntity, []pageError{{Field: "assign-to", Message: "Việc được chọn không hợp lệ."}})
				return
			}
			as.Tasks = append(as.Tasks, id)
		}
		if len(as.Tasks) == 0 {
			s.showInbox(w, r, q, http.StatusUnprocessableEntity, []pageError{{Field: "assign-to", Message: "Hãy chọn ít nhất một việc để giao."}})
			return
		}
		if _, err := s.Dossiers.Assign(r.Context(), a, as); err != nil {
			if !shownError(err) {
				s.showError(w, r, err)
				return
			}
			s.showInbox(w, r, q, httpx.StatusOf(motcua.ErrorCode(err)), errorsOf(err, map[string]string{"to": "assign-to"}))
			return
		}
		notice := "assigned"
		if as.To == "" {
			notice = "unassigned"
		}
		http.Redirect(w, r, inboxBack(q, notice), http.StatusSeeOther)
	}
}

// pageDeleteFilter removes one of the reader's saved filters and goes back to the inbox.
func (s *Site) pageDeleteFilter() http.HandlerFunc {
	return s.pageActOnID("Không tìm thấy bộ lọc.", s.Dossiers.DeleteFilter, func(r *http.Request) string {
		q, _ := url.ParseQuery(r.PostFormValue("q"))
		return inboxBack(q, "filterDeleted")
	})
}

// absenceRow is an absence as the page lists it.
type absenceRow struct {
	ID                    int64
	Principal, Substitute string
	From, Until           string // Vietnam dates, Until inclusive
	Reason                string
	Mine                  bool // the reader is away (may cancel)
	Now                   bool // in force now
}

// absencesView is the page of a person's absences and those they stand in for.
type absencesView struct {
	Items      []absenceRow
	Form       map[string]string
	Colleagues []assignee
}

// pageAbsences lists the reader's absences and the colleagues they stand in for, and
// records a new absence with its substitute (vắng mặt, người thay thế).
func (s *Site) pageAbsences() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		form := map[string]string{}
		var errs []pageError
		status := http.StatusOK
		if r.Method == http.MethodPost {
			ab := dossiers.Absence{Substitute: r.PostFormValue("substitute"), From: r.PostFormValue("from"),
				Until: r.PostFormValue("until"), Reason: r.PostFormValue("reason")}
			form = map[string]string{"substitute": ab.Substitute, "from": ab.From, "until": ab.Until, "reason": ab.Reason}
			_, err := s.Dossiers.DeclareAbsence(r.Context(), a, ab)
			if err == nil {
				http.Redirect(w, r, "/can-bo/vang-mat?ok=absence", http.StatusSeeOther)
				return
			}
			if !shownError(err) {
				s.showError(w, r, err)
				return
			}
			errs = errorsOf(err, map[string]string{"substitute": "vm-substitute", "from": "vm-from", "until": "vm-until", "reason": "vm-reason"})
			status = httpx.StatusOf(motcua.ErrorCode(err))
		}
		subs, err := s.Dossiers.Substitutions(r.Context(), a)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		v := absencesView{Form: form}
		now := s.Now()
		for _, sub := range subs {
			v.Items = append(v.Items, absenceRow{ID: sub.ID, Principal: sub.Principal, Substitute: sub.Substitute,
				From: sub.From.In(motcua.Vietnam).Format("02/01/2006"), Until: sub.Until.Add(-time.Nanosecond).In(motcua.Vietnam).Format("02/01/2006"),
				Reason: sub.Reason, Mine: sub.PrincipalID == a.UserID, Now: sub.ActiveAt(now)})
		}
		cs, err := s.Dossiers.Colleagues(r.Context(), a)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		for _, c := range cs {
			if c.ID != a.UserID {
				v.Colleagues = append(v.Colleagues, assignee{Username: c.Username, Label: c.Name + " (" + c.UnitCode + ")"})
			}
		}
		d := s.page(r, "Vắng mặt và người thay thế")
		d.Errors = errs
		d.Data = v
		s.show(w, status, "absences", d)
	}
}

// pageCancelAbsence ends one of the reader's absences now.
func (s *Site) pageCancelAbsence() http.HandlerFunc {
	return s.pageActOnID("Không tìm thấy người thay thế này.", s.Dossiers.CancelAbsence, to("/can-bo/vang-mat?ok=absenceCancelled"))
}
