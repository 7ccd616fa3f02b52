package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/internal/httpx"
	"motcua/internal/store"
)

// inboxFilterKeys are the inbox's query parameters, the ones a claim form brings back.
var inboxFilterKeys = []string{"q", "mine", "status", "procedure", "bucket", "dueBefore", "limit", "offset"}

// inboxIDs are the filter form's inputs by the filter's field names.
var inboxIDs = map[string]string{"q": "q", "status": "status", "procedure": "procedure", "bucket": "bucket", "dueBefore": "dueBefore"}

// inboxRow is a task of the inbox with what the page says of it.
type inboxRow struct {
	store.InboxItem
	StepName string
	Mine     bool // claimed by the reader
}

type bucketCount struct {
	Key, Label, Href string
	N                int
	Current          bool
}

// inboxView is the clerk's inbox.
type inboxView struct {
	Search, Status, Procedure, Bucket, DueBefore string
	Mine                                         bool
	Statuses, Procedures, Buckets                []selectOption
	Counts                                       []bucketCount
	Total                                        int
	Items                                        []inboxRow
	Query                                        string // the filter, for the claim forms
	Prev, Next                                   string
	Filtered                                     bool
	Capped                                       bool // a search matched more than store.MaxSearchCount
	Saved                                        []savedLink
	// Assignees is whom the reader, a unit's head, may give the ticked tasks to (empty
	// for anyone else: no assignment form).
	Assignees []assignee
	// Documents are the incoming documents the units lead or support, deadline first.
	Documents []store.InboxDocument
}

// savedLink is a saved filter as the inbox links to it.
type savedLink struct {
	ID         int64
	Name, Href string
}

// inboxData reads the inbox of a with the filter q, the same way GET /api/v1/inbox does.
func (s *Site) inboxData(r *http.Request, a motcua.Actor, q url.Values) (inboxView, []pageError, error) {
	kept := url.Values{}
	for _, k := range inboxFilterKeys {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			kept.Set(k, v)
		}
	}
	v := inboxView{Search: kept.Get("q"), Mine: kept.Get("mine") == "true", Status: kept.Get("status"), Procedure: kept.Get("procedure"), Bucket: kept.Get("bucket"),
		DueBefore: kept.Get("dueBefore"), Query: kept.Encode()}
	v.Filtered = v.Search != "" || v.Mine || v.Status != "" || v.Procedure != "" || v.Bucket != "" || v.DueBefore != ""
	for _, st := range motcua.Statuses {
		if !st.Final() {
			v.Statuses = append(v.Statuses, selectOption{Value: string(st), Label: st.Label(), Selected: string(st) == v.Status})
		}
	}
	for _, code := range s.Catalog.Codes() {
		vs := s.Catalog.Versions(code)
		if len(vs) == 0 {
			continue
		}
		name := vs[len(vs)-1].Name
		if p, err := s.Catalog.Procedure(code); err == nil {
			name = p.Name
		}
		v.Procedures = append(v.Procedures, selectOption{Value: code, Label: code + " – " + name, Selected: code == v.Procedure})
	}
	for _, b := range motcua.SLABuckets() {
		v.Buckets = append(v.Buckets, selectOption{Value: string(b), Label: b.Label(), Selected: string(b) == v.Bucket})
	}
	f, err := s.Dossiers.InboxFilter(a, kept)
	if err != nil {
		if motcua.ErrorCode(err) == motcua.EINVALID {
			return v, errorsOf(err, inboxIDs), nil
		}
		return v, nil, err
	}
	page, err := s.Dossiers.Inbox(r.Context(), f)
	if err != nil {
		return v, nil, err
	}
	saved, err := s.Dossiers.SavedFilters(r.Context(), a)
	if err != nil {
		return v, nil, err
	}
	for _, f := range saved {
		v.Saved = append(v.Saved, savedLink{ID: f.ID, Name: f.Name, Href: "/can-bo/viec?" + f.Query})
	}
	people, err := s.Dossiers.Assignees(r.Context(), a)
	if err != nil {
		return v, nil, err
	}
	for _, c := range people {
		v.Assignees = append(v.Assignees, assignee{Username: c.Username, Label: c.Name + " (" + c.UnitCode + ")"})
	}
	v.Total, v.Capped = page.Counts.Total, page.Counts.Capped
	v.Documents = page.Documents
	for _, it := range page.Items {
		row := inboxRow{InboxItem: it, StepName: it.Step, Mine: it.AssigneeID != nil && *it.AssigneeID == a.UserID}
		if p, err := s.Catalog.Procedure(it.ProcedureCode); err == nil {
			for _, st := range p.Steps {
				if st.ID == it.Step {
					row.StepName = st.Name
				}
			}
		}
		v.Items = append(v.Items, row)
	}
	counts := map[motcua.SLABucket]int{motcua.BucketOverdue: page.Counts.Overdue, motcua.BucketDueSoon: page.Counts.DueSoon,
		motcua.BucketOnTime: page.Counts.OnTime}
	for _, bucket := range motcua.SLABuckets() {
		b := struct {
			key string
			n   int
		}{string(bucket), counts[bucket]}
		bq := url.Values{}
		for k, vals := range kept {
			if k != "bucket" && k != "offset" {
				bq[k] = vals
			}
		}
		bq.Set("bucket", b.key)
		v.Counts = append(v.Counts, bucketCount{Key: b.key, Label: bucket.Label(), N: b.n, Href: "/can-bo/viec?" + bq.Encode(),
			Current: b.key == v.Bucket})
	}
	page2 := func(offset int) string {
		pq := url.Values{}
		for k, vals := range kept {
			pq[k] = vals
		}
		pq.Set("offset", strconv.Itoa(offset))
		return "/can-bo/viec?" + pq.Encode()
	}
	if f.Offset > 0 {
		v.Prev = page2(max(f.Offset-f.Limit, 0))
	}
	if len(page.Items) == f.Limit {
		v.Next = page2(f.Offset + f.Limit)
	}
	return v, nil, nil
}

func (s *Site) showInbox(w http.ResponseWriter, r *http.Request, q url.Values, status int, errs []pageError) {
	a, _ := httpx.ActorFrom(r.Context())
	v, ferrs, err := s.inboxData(r, a, q)
	if err != nil {
		s.showError(w, r, err)
		return
	}
	d := s.page(r, "Hồ sơ cần xử lý")
	d.Errors = append(errs, ferrs...)
	if len(ferrs) > 0 && status == http.StatusOK {
		status = http.StatusUnprocessableEntity
	}
	d.Data = v
	s.show(w, status, "inbox", d)
}

// pageInbox is the clerk's inbox: the open tasks of the actor's unit and the units
// below it, due first, with the counts per SLA bucket.
func (s *Site) pageInbox() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.showInbox(w, r, r.URL.Query(), http.StatusOK, nil)
	}
}

// pageClaim takes a task of the inbox (nhận xử lý) and goes back to the inbox as it was
// filtered.
func (s *Site) pageClaim() http.HandlerFunc { return s.pageTask(s.Dossiers.Claim, "claimed") }

// pageRelease gives a claimed task back to its unit (trả lại việc) and goes back to the
// inbox as it was filtered.
func (s *Site) pageRelease() http.HandlerFunc { return s.pageTask(s.Dossiers.Release, "released") }

// pageTask carries out act on the task named in the URL and goes back to the inbox as
// it was filtered, with the confirmation ok; a refusal is shown on the inbox.
func (s *Site) pageTask(act func(context.Context, motcua.Actor, int64) error, ok string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		q, _ := url.ParseQuery(r.PostFormValue("q"))
		id, err := strconv.ParseInt(chi.URLParam(r, "task"), 10, 64)
		if err != nil {
			s.showError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy việc."))
			return
		}
		if err := act(r.Context(), a, id); err != nil {
			if !shownError(err) {
				s.showError(w, r, err)
				return
			}
			s.showInbox(w, r, q, httpx.StatusOf(motcua.ErrorCode(err)), errorsOf(err, nil))
			return
		}
		back := url.Values{}
		for _, k := range inboxFilterKeys {
			if v := q.Get(k); v != "" {
				back.Set(k, v)
			}
		}
		back.Set("ok", ok)
		http.Redirect(w, r, "/can-bo/viec?"+back.Encode(), http.StatusSeeOther)
	}
}

// pageSaveFilter keeps the inbox's current filter under a name and goes back to it.
func (s *Site) pageSaveFilter() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		q, _ := url.ParseQuery(r.PostFormValue("q"))
		f, err := s.Dossiers.SaveFilter(r.Context(), a, r.PostFormValue("name"), q)
		if err != nil {
			if !shownError(err) {
				s.showError(w, r, err)
				return
			}
			s.showInbox(w, r, q, httpx.StatusOf(motcua.ErrorCode(err)), errorsOf(err, map[string]string{"name": "filterName"}))
			return
		}
		back, _ := url.ParseQuery(f.Query)
		back.Set("ok", "filterSaved")
		http.Redirect(w, r, "/can-bo/viec?"+back.Encode(), http.StatusSeeOther)
	}
}
