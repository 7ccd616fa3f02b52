package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"motcua"
	"motcua/internal/stacktest"
)

// TestHeadAssignsTicksInBulkInTheBrowser: the ministry's leader (head of every unit)
// ticks three dossiers in the inbox, picks a clerk and gives them in one action; the
// rows then name the clerk and the audit log has one line per task with one batch. A
// clerk sees no assignment form. The clerk then saves a filter, applies it from its
// link and deletes it, and declares an absence with a substitute and cancels it, all
// through chromium.
func TestHeadAssignsTicksInBulkInTheBrowser(t *testing.T) {
	s := startSite(t)
	p := procedure(t, s.Stack, "G09.CVTLT.02")
	citizen := s.As(stacktest.ApplicantFor(p))
	var codes []motcua.DossierCode
	for range 3 {
		codes = append(codes, stacktest.Submit(citizen, p).Code)
	}
	head := s.login(t, "lanhdao1")
	head.Go("/can-bo/viec")
	if !head.Has("#giao-viec") {
		t.Fatal("the head has no assignment form")
	}
	for _, p := range head.Accessibility() {
		t.Errorf("/can-bo/viec (head): %s", p)
	}
	for _, code := range codes {
		var in struct {
			Items []struct {
				TaskID int64 `json:"taskId"`
			} `json:"items"`
		}
		s.As("lanhdao1").MustDo(200, "GET", "/api/v1/inbox?q="+url.QueryEscape(string(code)), nil, &in)
		if len(in.Items) != 1 {
			t.Fatalf("%s: %d tasks", code, len(in.Items))
		}
		head.Click(fmt.Sprintf("#task-%d", in.Items[0].TaskID))
	}
	head.Set("#assign-to", "canbo1")
	head.Submit("#giao-viec button[type=submit]")
	body := head.Body()
	if !strings.Contains(body, "Đã giao các việc đã chọn.") {
		t.Fatalf("after the assignment: %s", body)
	}
	for _, code := range codes {
		row := head.Text(fmt.Sprintf(`tr:has(a[href="/can-bo/ho-so/%s"])`, code))
		if !strings.Contains(row, "Lê Thị Hoa") {
			t.Errorf("%s's row after the assignment: %q", code, row)
		}
	}
	var lines, batches int
	if err := s.Store.Pool().QueryRow(context.Background(), `SELECT count(*), count(DISTINCT detail->>'batch') FROM audit_log
		WHERE action = 'task.assign'`).Scan(&lines, &batches); err != nil {
		t.Fatal(err)
	}
	if lines != 3 || batches != 1 {
		t.Fatalf("audit: %d lines in %d batches, want 3 in 1", lines, batches)
	}

	clerk := s.login(t, "canbo1")
	clerk.Go("/can-bo/viec?q=" + url.QueryEscape("tran van minh"))
	if clerk.Has("#giao-viec") {
		t.Error("a clerk is offered the head's assignment form")
	}
	// Saved filters: save, apply, delete.
	clerk.Type("#filterName", "Hồ sơ ông Minh")
	clerk.Submit(`form[action="/can-bo/viec/bo-loc"] button[type=submit]`)
	if !strings.Contains(clerk.Body(), "Đã lưu bộ lọc.") {
		t.Fatalf("save filter: %s", clerk.Body())
	}
	clerk.Go("/can-bo/viec")
	clerk.Submit(`ul.saved-filters a`)
	if u, err := url.Parse(clerk.URL()); err != nil || u.Query().Get("q") != "tran van minh" || !strings.Contains(clerk.Body(), string(codes[0])) {
		t.Fatalf("the saved filter applied: %s", clerk.URL())
	}
	clerk.Submit(`ul.saved-filters form button[type=submit]`)
	if !strings.Contains(clerk.Body(), "Đã xóa bộ lọc.") || clerk.Has("ul.saved-filters") {
		t.Fatalf("delete filter: %s", clerk.Body())
	}

	// Out of office: name a substitute for two days, then cancel.
	clerk.Go("/can-bo/vang-mat")
	for _, p := range clerk.Accessibility() {
		t.Errorf("/can-bo/vang-mat: %s", p)
	}
	day := s.Now().In(motcua.Vietnam)
	clerk.Set("#vm-substitute", "chuyenvien4")
	clerk.Set("#vm-from", day.Format("2006-01-02"))
	clerk.Set("#vm-until", day.AddDate(0, 0, 1).Format("2006-01-02"))
	clerk.Type("#vm-reason", "Nghỉ phép")
	clerk.Submit(`form[action="/can-bo/vang-mat"] button[type=submit]`)
	body = clerk.Body()
	if !strings.Contains(body, "Đã ghi nhận thời gian vắng mặt và người thay thế.") || !strings.Contains(body, "Đang vắng mặt") ||
		!strings.Contains(body, day.Format("02/01/2006")) {
		t.Fatalf("declare an absence: %s", body)
	}
	// The substitute reads it on their own page, without a cancel button.
	sub := s.login(t, "chuyenvien4")
	sub.Go("/can-bo/vang-mat")
	if !strings.Contains(sub.Body(), "Nghỉ phép") || sub.Has(`form[action$="/huy"]`) {
		t.Fatalf("the substitute's page: %s", sub.Body())
	}
	clerk.Submit(`form[action$="/huy"] button[type=submit]`)
	if body := clerk.Body(); !strings.Contains(body, "Đã hủy thời gian vắng mặt.") || strings.Contains(body, "Đang vắng mặt") {
		t.Fatalf("cancel the absence: %s", body)
	}
	// A date that is not one: the field's error, nothing recorded.
	clerk.Set("#vm-substitute", "chuyenvien4")
	clerk.Set("#vm-from", "")
	clerk.Set("#vm-until", day.Format("2006-01-02"))
	clerk.Submit(`form[action="/can-bo/vang-mat"] button[type=submit]`)
	if clerk.Status() != 422 || !strings.Contains(clerk.Body(), "Ngày bắt đầu phải là một ngày có thật") {
		t.Fatalf("an absence without a first day: %d %s", clerk.Status(), clerk.Body())
	}
}
