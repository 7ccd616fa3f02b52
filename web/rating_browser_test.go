package web_test

import (
	"strings"
	"testing"

	"motcua"
	"motcua/internal/stacktest"
)

// TestApplicantRatesOnceOnTheDossierPage: in a real browser the rating form is not on
// the dossier page before the result is returned, nor for staff; after return the
// applicant sees a radio group per criterion; sent without the overall level it says
// so at the field; sent with it, the rating is stored once and the page shows it
// instead of the form.
func TestApplicantRatesOnceOnTheDossierPage(t *testing.T) {
	s := startSite(t)
	p := procedure(t, s.Stack, "1.014937")
	applicant := stacktest.ApplicantFor(p)
	sub := stacktest.Submit(s.As(applicant), p)
	tab := s.login(t, applicant)
	tab.Go("/ho-so/" + string(sub.Code))
	if tab.Has("#gui-danh-gia") {
		t.Fatal("the rating form is offered before the result is returned")
	}
	s.Drive(sub.Code, p)

	tab.Go("/ho-so/" + string(sub.Code))
	if !tab.Has("#gui-danh-gia") {
		t.Fatalf("no rating form after return:\n%s", tab.Body())
	}
	if n := tab.Count("#danh-gia ~ form fieldset"); n != 1+len(motcua.RatingCriteria()) {
		t.Errorf("%d radio groups, want the overall level and %d criteria", n, len(motcua.RatingCriteria()))
	}
	for _, c := range motcua.RatingCriteria() {
		if got := tab.Text("#danh-gia-" + string(c) + " legend"); !strings.HasPrefix(got, c.Label()) {
			t.Errorf("criterion %s's legend %q", c, got)
		}
		if n := tab.Count("#danh-gia-" + string(c) + " input[type=radio]"); n != 5 {
			t.Errorf("criterion %s has %d levels, want 5", c, n)
		}
	}
	if got := tab.Text("label[for=danh-gia-chung-5]"); got != motcua.RatingLevel(5).Label() {
		t.Errorf("level 5 is labelled %q", got)
	}
	checkPage(t, tab, "dossier-rating")

	// Without the overall level: the error, at its field, and nothing stored.
	tab.Click("#danh-gia-attitude-4")
	tab.Submit("#gui-danh-gia")
	if got := tab.Text("#danh-gia-chung-error"); !strings.Contains(got, "Vui lòng chọn mức độ hài lòng chung") {
		t.Errorf("the missing level's error %q", got)
	}
	if !tab.Has("#danh-gia-attitude-4:checked") || !strings.Contains(tab.Body(), "Gửi đánh giá") {
		t.Error("the form is not shown again")
	}
	if _, rated, _ := s.Store.RatingOf(t.Context(), sub.Code); rated {
		t.Fatal("a rating without an overall level was stored")
	}

	tab.Click("#danh-gia-chung-4")
	tab.Click("#danh-gia-attitude-5")
	tab.Click("#danh-gia-timeliness-3")
	tab.Type("#danh-gia-y-kien", "Cán bộ hướng dẫn tận tình.")
	tab.Submit("#gui-danh-gia")
	if !strings.Contains(tab.URL(), "ok=rated") {
		t.Fatalf("after rating: %s\n%s", tab.URL(), tab.Body())
	}
	r, rated, err := s.Store.RatingOf(t.Context(), sub.Code)
	if err != nil || !rated || r.Score != 4 || r.Criteria["attitude"] != 5 || r.Criteria["timeliness"] != 3 ||
		len(r.Criteria) != 2 || r.Comment != "Cán bộ hướng dẫn tận tình." {
		t.Fatalf("stored rating %+v %v %v", r, rated, err)
	}
	if tab.Has("#gui-danh-gia") {
		t.Error("the rating form is offered a second time")
	}
	body := tab.Body()
	for _, want := range []string{"Đánh giá của bạn", motcua.RatingLevel(4).Label(), motcua.RateAttitude.Label() + ": " + motcua.RatingLevel(5).Label()} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	checkPage(t, tab, "dossier-rated")

	// Staff who read the dossier page are not offered the form.
	staff := s.login(t, "canbo1")
	staff.Go("/ho-so/" + string(sub.Code))
	if staff.Has("#gui-danh-gia") {
		t.Error("staff are offered the rating form")
	}
}
