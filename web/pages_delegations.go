package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/httpx"
)

// delegationsPage lists the signing delegations with the form to record one.
type delegationsPage struct {
	Items      []delegationView
	Leaders    []leaderOption
	Procedures []procedureOption
	Kinds      []kindOption
	Form       map[string]string
	Chosen     map[string]bool // procedures ticked
}

type delegationView struct {
	motcua.Delegation
	KindLabel, From, Until, State string
	Revocable                     bool
}

type leaderOption struct {
	ID    int64
	Label string
}

type procedureOption struct{ Code, Name string }

type kindOption struct {
	Value motcua.SigningForm
	Label string
}

// delegationFields are the form's inputs by the service's field names.
var delegationFields = map[string]string{"delegatorId": "uq-delegator", "delegateId": "uq-delegate", "kind": "uq-kind-TUQ.",
	"procedures": "uq-proc-0", "from": "uq-from", "until": "uq-until", "document": "uq-document"}

func (s *Site) showDelegations(w http.ResponseWriter, r *http.Request, form map[string]string, chosen map[string]bool, errs []pageError) {
	a, _ := httpx.ActorFrom(r.Context())
	items, err := s.Dossiers.Delegations(r.Context(), a, false)
	if err != nil {
		s.showError(w, r, err)
		return
	}
	staff, err := s.Store.Staff(r.Context(), 2000)
	if err != nil {
		s.showError(w, r, err)
		return
	}
	dp := delegationsPage{Form: form, Chosen: chosen}
	if dp.Form == nil {
		dp.Form = map[string]string{"kind": string(motcua.ByAuthorization)}
	}
	if dp.Chosen == nil {
		dp.Chosen = map[string]bool{}
	}
	today := motcua.Day(s.Now())
	for _, d := range items {
		v := delegationView{Delegation: d, KindLabel: d.Kind.Label(), From: d.From.Format("02/01/2006"), Until: d.Until.Format("02/01/2006")}
		switch {
		case d.RevokedAt != nil:
			v.State = "Đã thu hồi " + d.RevokedAt.In(motcua.Vietnam).Format("02/01/2006 15:04")
		case d.Until.Before(today):
			v.State = "Đã hết hạn"
		case d.From.After(today):
			v.State, v.Revocable = "Chưa đến ngày hiệu lực", true
		default:
			v.State, v.Revocable = "Đang có hiệu lực", true
		}
		dp.Items = append(dp.Items, v)
	}
	for _, st := range staff {
		if st.Active && slices.Contains(st.Roles, motcua.RoleLeader) {
			dp.Leaders = append(dp.Leaders, leaderOption{ID: st.ID, Label: st.Name + " – " + st.Title + ", " + st.UnitName})
		}
	}
	for _, p := range s.Catalog.Procedures() {
		dp.Procedures = append(dp.Procedures, procedureOption{Code: p.Code, Name: p.Name})
	}
	for _, k := range []motcua.SigningForm{motcua.ByAuthorization, motcua.ByOrder, motcua.Acting} {
		dp.Kinds = append(dp.Kinds, kindOption{Value: k, Label: k.Label()})
	}
	d := s.page(r, "Ủy quyền ký")
	d.Errors = errs
	d.Data = dp
	s.show(w, statusFor(errs), "admin-delegations", d)
}

// pageAdminDelegations lists the delegations and records one.
func (s *Site) pageAdminDelegations() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		if r.Method != http.MethodPost {
			s.showDelegations(w, r, nil, nil, nil)
			return
		}
		var errs []pageError
		document := textField(r, "document", "uq-document", "Văn bản ủy quyền", true, 300, &errs)
		form := map[string]string{"delegatorId": r.PostFormValue("delegatorId"), "delegateId": r.PostFormValue("delegateId"),
			"kind": r.PostFormValue("kind"), "from": r.PostFormValue("from"), "until": r.PostFormValue("until"), "document": document}
		chosen := map[string]bool{}
		d := motcua.Delegation{Kind: motcua.SigningForm(form["kind"]), Document: document}
		for _, p := range r.PostForm["procedures"] {
			if _, err := s.Catalog.Procedure(p); err == nil && !chosen[p] {
				chosen[p] = true
				d.Procedures = append(d.Procedures, p)
			}
		}
		d.DelegatorID, _ = strconv.ParseInt(form["delegatorId"], 10, 64)
		d.DelegateID, _ = strconv.ParseInt(form["delegateId"], 10, 64)
		for _, f := range []struct {
			name, id, label string
			to              *time.Time
		}{{"from", "uq-from", "Từ ngày", &d.From}, {"until", "uq-until", "Đến hết ngày", &d.Until}} {
			t, err := dossiers.ParseDay(form[f.name])
			if err != nil {
				errs = append(errs, pageError{Field: f.id, Message: f.label + ": vui lòng nhập một ngày hợp lệ."})
			}
			*f.to = t
		}
		if len(errs) == 0 {
			if _, err := s.Dossiers.CreateDelegation(r.Context(), a, d); err != nil {
				if !shownError(err) {
					s.showError(w, r, err)
					return
				}
				errs = errorsOf(err, delegationFields)
			}
		}
		if len(errs) == 0 {
			http.Redirect(w, r, "/quan-tri/uy-quyen?ok=saved", http.StatusSeeOther)
			return
		}
		s.showDelegations(w, r, form, chosen, errs)
	}
}

// pageAdminDelegationRevoke revokes a delegation now.
func (s *Site) pageAdminDelegationRevoke() http.HandlerFunc {
	return s.pageActOnID("Không tìm thấy văn bản ủy quyền.", s.Dossiers.RevokeDelegation, to("/quan-tri/uy-quyen?ok=saved"))
}
