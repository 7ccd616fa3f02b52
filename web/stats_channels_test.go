package web_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"motcua/internal/stacktest"
)

// TestStatisticsPageShowsChannelsAndRatings: the procedure table of /thong-ke has a
// column group of the dossiers received per channel and one of the ratings (count and
// average out of 5) of the dossiers returned in the period, fed by real dossiers rated
// through the API.
func TestStatisticsPageShowsChannelsAndRatings(t *testing.T) {
	s := stacktest.Start(t)
	p, err := s.Catalog.Version("1.014937", 1)
	if err != nil {
		t.Fatal(err)
	}
	citizen := s.As(stacktest.ApplicantFor(p))
	for i, score := range []int{5, 2, 0} {
		sub := stacktest.Submit(citizen, p)
		if score == 0 {
			if r := s.Act("canbo1", sub.Code, map[string]any{"action": "receive"}); r.Status != 200 {
				t.Fatalf("receive %d: %d %s", i, r.Status, r.Body)
			}
			continue
		}
		s.Drive(sub.Code, p)
		citizen.MustDo(201, "POST", "/api/v1/dossiers/"+string(sub.Code)+"/rating", map[string]any{"score": score}, nil)
	}

	leader := pageLogin(t, s.URL, "lanhdao1")
	st := leader.get("/thong-ke")
	if st.Status != 200 {
		t.Fatalf("stats: %d", st.Status)
	}
	groups := find(st.Doc, func(n *html.Node) bool { return n.Data == "th" && attr(n, "scope") == "colgroup" })
	var names []string
	for _, g := range groups {
		names = append(names, text(g))
	}
	if !strings.Contains(strings.Join(names, "|"), "Tiếp nhận theo kênh") || !strings.Contains(strings.Join(names, "|"), "Đánh giá mức độ hài lòng") {
		t.Fatalf("column groups %q", names)
	}
	rows := find(st.Doc, func(n *html.Node) bool {
		if n.Data != "tr" {
			return false
		}
		h := find(n, func(c *html.Node) bool { return c.Data == "th" && attr(c, "scope") == "row" })
		return len(h) == 1 && strings.HasPrefix(text(h[0]), p.Code+" ")
	})
	// The first table with the procedure's row is the period's (the last lists the
	// work open now).
	if len(rows) == 0 {
		t.Fatalf("no row of %s in the procedure table", p.Code)
	}
	var cells []string
	for _, td := range find(rows[0], func(n *html.Node) bool { return n.Data == "td" }) {
		cells = append(cells, strings.TrimSpace(text(td)))
	}
	// Received, resolved, early, on time, late, rate, refused, open; online, desk,
	// post, portal; ratings, average.
	if len(cells) != 14 {
		t.Fatalf("cells %q", cells)
	}
	if got, want := cells[8:], []string{"3", "0", "0", "0", "2", "3,50"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("channels and ratings %q, want %q (all cells %q)", got, want, cells)
	}
}
