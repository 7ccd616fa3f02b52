package dossiers

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"motcua"
	"motcua/internal/store"
)

// InboxFilter reads the inbox's query parameters (q, mine, status, procedure, bucket,
// dueBefore, limit, offset) for a: the tasks of a's unit and the units below it, and
// those of the colleagues a stands in for now.
func (s *Service) InboxFilter(a motcua.Actor, q url.Values) (store.InboxFilter, error) {
	if err := ValidText(q); err != nil {
		return store.InboxFilter{}, err
	}
	now := s.Now()
	f := store.InboxFilter{UnitPath: a.UnitPath, Status: motcua.Status(q.Get("status")), Procedure: q.Get("procedure"),
		Bucket: motcua.SLABucket(q.Get("bucket")), Now: now, Soon: s.Soon(now), Reader: a.UserID,
		Search: strings.TrimSpace(q.Get("q"))}
	if n := utf8.RuneCountInString(f.Search); f.Search != "" && (n < 3 || n > 100) {
		return f, &motcua.Error{Code: motcua.EINVALID, Field: "q", Message: "Từ khóa tìm kiếm phải có từ 3 đến 100 ký tự (mã hồ sơ, tên người nộp hoặc số định danh)."}
	}
	switch q.Get("mine") {
	case "", "false", "0":
	case "true", "1":
		f.Mine = true
	default:
		return f, &motcua.Error{Code: motcua.EINVALID, Field: "mine", Message: "Tham số «mine» phải là true hoặc false."}
	}
	if f.Status != "" && !f.Status.Valid() {
		return f, &motcua.Error{Code: motcua.EINVALID, Field: "status", Message: "Trạng thái lọc không hợp lệ."}
	}
	if f.Bucket != "" && !f.Bucket.Valid() {
		return f, &motcua.Error{Code: motcua.EINVALID, Field: "bucket", Message: "Nhóm thời hạn phải là on_time, due_soon hoặc overdue."}
	}
	if v := q.Get("dueBefore"); v != "" {
		t, err := ParseDay(v)
		if err != nil {
			return f, &motcua.Error{Code: motcua.EINVALID, Field: "dueBefore", Message: "Ngày lọc phải là một ngày có thật, dạng dd/mm/yyyy hoặc YYYY-MM-DD.", Err: err}
		}
		f.DueBefore = t.AddDate(0, 0, 1)
	}
	var err error
	if f.Limit, err = intParam(q.Get("limit"), 100, 1, 500, "limit"); err != nil {
		return f, err
	}
	if f.Offset, err = intParam(q.Get("offset"), 0, 0, 1_000_000, "offset"); err != nil {
		return f, err
	}
	return f, nil
}

// Inbox lists the open tasks the filter (from InboxFilter) selects, due first, with the
// counts per SLA bucket.
func (s *Service) Inbox(ctx context.Context, f store.InboxFilter) (store.InboxPage, error) {
	return s.Store.Inbox(ctx, f)
}

// Soon is one working day from now: open work due before it is "due soon".
func (s *Service) Soon(now time.Time) time.Time {
	if s.WorkingTime == nil {
		return now.Add(24 * time.Hour)
	}
	return s.WorkingTime.Due(now, 8*60, nil)
}

// Bucket is the SLA bucket of open work due at due (nil: no time limit yet), now.
func (s *Service) Bucket(due *time.Time) motcua.SLABucket {
	now := s.Now()
	var d time.Time
	if due != nil {
		d = *due
	}
	return motcua.BucketOf(d, now, s.Soon(now))
}

// ParseDay reads a day as the API writes it (2026-12-24) or as people do (24/12/2026),
// in Vietnam time.
func ParseDay(v string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", v, motcua.Vietnam)
	if err != nil {
		if t2, err2 := time.ParseInLocation("02/01/2006", v, motcua.Vietnam); err2 == nil {
			return t2, nil
		}
	}
	return t, err
}

func intParam(v string, def, lo, hi int, name string) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, &motcua.Error{Code: motcua.EINVALID, Field: name, Message: "Tham số «" + name + "» phải là số từ " +
			strconv.Itoa(lo) + " đến " + strconv.Itoa(hi) + "."}
	}
	return n, nil
}

// StatsFilter reads the statistics' query parameters for a: by, from, to (days,
// Vietnam time, to inclusive), procedure. The default period is the current month.
func (s *Service) StatsFilter(a motcua.Actor, q url.Values) (store.StatsFilter, error) {
	if err := ValidText(q); err != nil {
		return store.StatsFilter{}, err
	}
	now := s.Now()
	l := now.In(motcua.Vietnam)
	f := store.StatsFilter{UnitPath: a.UnitPath, Now: now, By: q.Get("by"), Procedure: q.Get("procedure"),
		From: time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, motcua.Vietnam)}
	f.To = f.From.AddDate(0, 1, 0)
	switch f.By {
	case "", store.ByProcedure, store.ByUnit, store.ByMonth:
	default:
		return f, &motcua.Error{Code: motcua.EINVALID, Field: "by", Message: "Tham số «by» phải là procedure, unit hoặc month."}
	}
	if v := q.Get("from"); v != "" {
		t, err := ParseDay(v)
		if err != nil {
			return f, &motcua.Error{Code: motcua.EINVALID, Field: "from", Message: "Ngày bắt đầu phải là một ngày có thật, dạng dd/mm/yyyy hoặc YYYY-MM-DD.", Err: err}
		}
		f.From = t
	}
	if v := q.Get("to"); v != "" {
		t, err := ParseDay(v)
		if err != nil {
			return f, &motcua.Error{Code: motcua.EINVALID, Field: "to", Message: "Ngày kết thúc phải là một ngày có thật, dạng dd/mm/yyyy hoặc YYYY-MM-DD.", Err: err}
		}
		f.To = t.AddDate(0, 0, 1)
	}
	if !f.From.Before(f.To) || f.To.Sub(f.From) > 5*366*24*time.Hour {
		return f, &motcua.Error{Code: motcua.EINVALID, Field: "to", Message: "Kỳ thống kê phải có ngày kết thúc sau ngày bắt đầu và không quá 5 năm."}
	}
	return f, nil
}

// Stats counts the dossiers the filter (from StatsFilter) selects.
func (s *Service) Stats(ctx context.Context, f store.StatsFilter) (store.Stats, error) {
	return s.Store.Stats(ctx, f)
}

// Weekly is the flow of the filter's weeks: received and resolved per week.
func (s *Service) Weekly(ctx context.Context, f store.StatsFilter) ([]store.StatsRow, error) {
	return s.Store.Weekly(ctx, f)
}

// EBADREQUEST is the code of a request that cannot be read at all (HTTP 400): text that
// is not UTF-8.
const EBADREQUEST = "bad_request"

// ValidText refuses (EBADREQUEST) parameters that are not UTF-8 text: they would reach
// PostgreSQL, which refuses them with an error that is not the caller's to see.
func ValidText(q url.Values) error {
	for k, vs := range q {
		ok := utf8.ValidString(k)
		for _, v := range vs {
			ok = ok && utf8.ValidString(v)
		}
		if !ok {
			return &motcua.Error{Code: EBADREQUEST, Field: strings.ToValidUTF8(k, "?"),
				Message: "Dữ liệu gửi lên có ký tự không hợp lệ (không phải văn bản UTF-8). Hãy nhập lại bằng chữ thông thường."}
		}
	}
	return nil
}
