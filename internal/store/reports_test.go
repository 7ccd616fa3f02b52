package store_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"motcua"
	"motcua/internal/store/storetest"
	"motcua/reports"
)

// Form 06/VPCP/KSTT is checked against a fixture counted by hand: two units that
// receive dossiers (VP, CVTLT), two fields of activity, both channels, dossiers carried
// over from the previous period, and one whose due date moved after the period ended.
// The expected figures are literals.
//
// The period is the month "April 2025" of Decree 09/2019: 15/03/2025 00:00 to
// 14/04/2025 24:00, Vietnam time; the report is read on 22/04/2025 10:00, when the
// period is closed. March 2025 starts on a Saturday; working minutes are counted by the
// store's default (480 for each Monday to Friday after the day of receipt up to the day
// of resolution; no holiday).
//
//	      unit   field  channel  received      due (in force)          end                   counts as
//	R1    VP     FUND   online   10/03         20/03 17:00             returned 18/03        carried; early; 6 working days
//	R2    VP     FUND   desk     01/03         12/03 17:00             open                  carried; open overdue
//	R3    VP     FUND   online   20/03         10/04 17:00             returned 10/04 16:00  new online; on time; 15 days
//	R4    VP     FUND   desk     25/03         03/04 17:00             returned 08/04        new desk; late; 10 days
//	R5    VP     ARCH   online   01/04         10/04 17:00, moved on   open                  new online; open OVERDUE at the end
//	                                           18/04 to 30/04 17:00                          (the due date in force then)
//	R6    VP     ARCH   online   14/04 20:00   28/04 17:00             open                  new online; open in time
//	R7    VP     ARCH   desk     –             –                       refused at intake     refused at intake only
//	                                                                   05/04
//	R8    VP     FUND   online   16/03         31/03 17:00             withdrawn 02/04       new online; withdrawn
//	R9    CVTLT  ARCH   desk     17/03         31/03 17:00             returned 31/03 09:00  new desk; on time; 10 days
//	R10   CVTLT  ARCH   online   05/03         19/03 17:00             stopped 20/03         carried; stopped
//	R11   CVTLT  ARCH   online   15/04 00:30   29/04 17:00             open                  next period (May) only
//	R12   VP     FUND   online   14/03 23:00   28/03 17:00             returned 16/04        carried; open overdue at the end
//
// Rows (carried, new online, new desk | early, on time, late | open in time, overdue |
// withdrawn, stopped, refused | working minutes):
//
//	CVTLT  ARCH   1, 0, 1 | 0, 1, 0 | 0, 0 | 0, 1, 0 | 10×480 = 4800
//	VP     FUND   3, 2, 1 | 1, 1, 1 | 0, 2 | 1, 0, 0 | (6+15+10)×480 = 14880
//	VP     ARCH   0, 2, 0 | 0, 0, 0 | 1, 1 | 0, 0, 1 | 0
//	total         4, 4, 2 | 1, 2, 1 | 1, 3 | 1, 1, 1 | 19680 (average 10,25 → 10,3 days)
const (
	domainFund    = storetest.Form06DomainFund
	domainArchive = storetest.Form06DomainArchive
)

// seedForm06Fixture writes R1–R12 (storetest.SeedForm06, shared with the page and API
// tests) on the fixture's store.
func seedForm06Fixture(f *fixture) {
	f.t.Helper()
	storetest.SeedForm06(f.t, f.s)
}

// form06Want is the hand-counted April 2025.
var form06Want = []reports.Form06Row{
	{UnitCode: "CVTLT", Domain: domainArchive, Carried: 1, NewDesk: 1, OnTime: 1, Stopped: 1, ResolutionMinutes: 4800},
	{UnitCode: "VP", Domain: domainFund, Carried: 3, NewOnline: 2, NewDesk: 1, Early: 1, OnTime: 1, Late: 1, OpenOverdue: 2,
		Withdrawn: 1, ResolutionMinutes: 14880},
	{UnitCode: "VP", Domain: domainArchive, NewOnline: 2, OpenInTime: 1, OpenOverdue: 1, RefusedAtIntake: 1},
}

var form06WantTotal = reports.Form06Row{Carried: 4, NewOnline: 4, NewDesk: 2, Early: 1, OnTime: 2, Late: 1, OpenInTime: 1,
	OpenOverdue: 3, Withdrawn: 1, Stopped: 1, RefusedAtIntake: 1, ResolutionMinutes: 19680}

// sameCounts compares the figures of two rows (not their names).
func sameCounts(a, b reports.Form06Row) bool {
	a.UnitCode, a.UnitName, a.Domain = "", "", ""
	b.UnitCode, b.UnitName, b.Domain = "", "", ""
	return a == b
}

func TestForm06EqualsTheHandCountedFixture(t *testing.T) {
	f := newFixture(t)
	seedForm06Fixture(f)
	ctx := context.Background()
	april, err := reports.ParsePeriod("2025-04")
	if err != nil {
		t.Fatal(err)
	}
	now := vn(4, 22, 10, 0)
	got, err := f.s.Form06(ctx, f.units["G09"].Path, april, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != len(form06Want) {
		t.Fatalf("%d rows, want %d: %+v", len(got.Rows), len(form06Want), got.Rows)
	}
	for i, w := range form06Want {
		g := got.Rows[i]
		if g.UnitCode != w.UnitCode || g.Domain != w.Domain || !sameCounts(g, w) {
			t.Errorf("row %d\n got %+v\nwant %+v", i, g, w)
		}
		if !g.Balanced() {
			t.Errorf("row %d does not balance: %+v", i, g)
		}
	}
	if !sameCounts(got.Total, form06WantTotal) {
		t.Errorf("total\n got %+v\nwant %+v", got.Total, form06WantTotal)
	}
	if got.Total.AverageDays() != 10.3 || got.Total.Received() != 10 || got.Total.Resolved() != 4 || got.Total.Open() != 4 {
		t.Errorf("total: average %v received %d resolved %d open %d", got.Total.AverageDays(), got.Total.Received(),
			got.Total.Resolved(), got.Total.Open())
	}

	// The closed period is kept: a transition recorded later, even one back-dated into
	// the period, changes nothing.
	late := vn(4, 10, 12, 0)
	var r2 motcua.DossierCode
	if err := f.s.Pool().QueryRow(ctx, `SELECT code FROM dossiers WHERE received_at = $1`, vn(3, 1, 9, 0)).Scan(&r2); err != nil {
		t.Fatal(err)
	}
	var seq int
	if err := f.s.Pool().QueryRow(ctx, `SELECT last_seq FROM dossiers WHERE code = $1`, r2).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.RecordTransition(ctx, motcua.Transition{Code: r2, Seq: seq + 1, Action: "withdraw",
		Status: motcua.StatusWithdrawn, At: late, FinishedAt: &late, CloseTasks: true}); err != nil {
		t.Fatal(err)
	}
	again, err := f.s.Form06(ctx, f.units["G09"].Path, april, vn(5, 1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if !sameCounts(again.Total, form06WantTotal) {
		t.Errorf("the closed period changed:\n got %+v\nwant %+v", again.Total, form06WantTotal)
	}
}

// TestForm06OpenPeriodIsJudgedNow reads the period still running: open work is judged
// at now, against the due dates in force now, and nothing is kept.
func TestForm06OpenPeriodIsJudgedNow(t *testing.T) {
	f := newFixture(t)
	seedForm06Fixture(f)
	may, err := reports.ParsePeriod("2025-05")
	if err != nil {
		t.Fatal(err)
	}
	// May (15/04–14/05) read on 22/04 10:00: carried R2, R5, R6, R12; new R11 (CVTLT,
	// online); R12 resolved late (due 28/03); open now R2 overdue, R5 (due now 30/04), R6,
	// R11 in time. Not closed: nothing is kept.
	got, err := f.s.Form06(context.Background(), f.units["G09"].Path, may, vn(4, 22, 10, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := reports.Form06Row{Carried: 4, NewOnline: 1, Late: 1, OpenInTime: 3, OpenOverdue: 1,
		ResolutionMinutes: 23 * 480} // R12: Fri 14/03 to Wed 16/04 = 23 weekdays after 14/03
	if !sameCounts(got.Total, want) {
		t.Errorf("May\n got %+v\nwant %+v", got.Total, want)
	}
	var n int
	if err := f.s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM report_snapshots`).Scan(&n); err != nil || n != 0 {
		t.Errorf("an open period was kept (%d snapshots, %v)", n, err)
	}
}

// TestIndicators766OnTheFixture computes Decision 766's indicators for April 2025 over
// the form 06 fixture, with a signed result stored for R3 and R9, the portal's
// acknowledgement for R1, R3, R4 and R5, a fee on the fund procedure, then a fee paid
// online by R3 and ratings of R3 (5), R4 (2) and R9 (4). By hand:
// resolved R1 R3 R4 R9, on time R1 R3 R9: 3/4 = 75 %; new R3 R4 R5 R6 R8 R9, online R3
// R5 R6 R8: 4/6 = 66,67 %; electronic results 2/4 = 50 %; synced R3 R4 R5 (R1 was
// received before April): 3/6 = 50 %; procedures with a fee and dossiers in April: FUND,
// paid online by R3: 1/1; satisfied 2/3; full-process online (filed online, no fee owed at
// submission): R3 R5 R6 R8, 4/6; a digitized component in two dossiers received in April
// (and one received before, not counted): 2/6; a reused component in one of them: 1/6.
func TestIndicators766OnTheFixture(t *testing.T) {
	f := newFixture(t)
	seedForm06Fixture(f)
	ctx := context.Background()
	pool := f.s.Pool()
	receivedAt := func(at time.Time) int64 {
		t.Helper()
		var id int64
		if err := pool.QueryRow(ctx, `SELECT id FROM dossiers WHERE received_at = $1`, at).Scan(&id); err != nil {
			t.Fatalf("dossier received at %s: %v", at, err)
		}
		return id
	}
	r1, r3, r4, r5, r9 := receivedAt(vn(3, 10, 9, 0)), receivedAt(vn(3, 20, 9, 0)), receivedAt(vn(3, 25, 9, 0)),
		receivedAt(vn(4, 1, 9, 0)), receivedAt(vn(3, 17, 9, 0))
	if _, err := pool.Exec(ctx, `INSERT INTO blobs (sha256, size, data) VALUES ('\x01', 1, 'x')`); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{r3, r9} {
		if _, err := pool.Exec(ctx, `INSERT INTO documents (dossier_id, kind, seq, name, content_type, signed, sha256, size)
			VALUES ($1, 'result', 99, 'kq.pdf', 'application/pdf', true, '\x01', 1)`, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `UPDATE status_outbox SET sent_at = now() WHERE dossier_id = ANY ($1)`,
		[]int64{r1, r3, r4, r5}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE procedures SET definition = '{"fee": {"kind": "fixed", "amount": 100000}}' WHERE code = $1`,
		procFund); err != nil {
		t.Fatal(err)
	}
	// Components: digitized at the desk in two dossiers received in April and one
	// received before; one April dossier reused a document of its applicant's store.
	var inApril, before []int64
	rows, err := pool.Query(ctx, `SELECT id, received_at >= $1 FROM dossiers WHERE received_at IS NOT NULL AND received_at < $2 ORDER BY id`,
		vn(4, 1, 0, 0), vn(4, 22, 10, 0))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var april bool
		if err := rows.Scan(&id, &april); err != nil {
			t.Fatal(err)
		}
		if april {
			inApril = append(inApril, id)
		} else {
			before = append(before, id)
		}
	}
	if rows.Close(); len(inApril) < 2 || len(before) < 1 {
		t.Fatalf("the fixture has %d dossiers received in April and %d before", len(inApril), len(before))
	}
	for i, id := range []int64{inApril[0], inApril[1], before[0]} {
		if _, err := pool.Exec(ctx, `INSERT INTO files (id, sha256, size, content_type, name, owner_id, dossier_id, component, storage_key, digitized)
			SELECT gen_random_uuid(), '\x01', 1, 'application/pdf', 'scan.pdf', applicant_id, id, 'don', 'pg:01', true FROM dossiers WHERE id = $1`, id); err != nil {
			t.Fatalf("digitized file %d: %v", i, err)
		}
	}
	if _, err := pool.Exec(ctx, `WITH doc AS (INSERT INTO applicant_documents (holder_id, source, doc_type, name, issued_at, sha256, size, content_type)
			SELECT applicant_id, 'result', 'P', 'kq', now(), '\x01', 1, 'application/pdf' FROM dossiers WHERE id = $1 RETURNING id, holder_id)
		INSERT INTO files (id, sha256, size, content_type, name, owner_id, dossier_id, component, storage_key, reused_from)
		SELECT gen_random_uuid(), '\x01', 1, 'application/pdf', 'kq.pdf', holder_id, $1, 'chung-chi', 'pg:01', id FROM doc`, inApril[0]); err != nil {
		t.Fatalf("reused file: %v", err)
	}
	april, _ := reports.ParsePeriod("2025-04")
	in, err := f.s.Inputs766(ctx, f.units["G09"].Path, april, vn(4, 22, 10, 0))
	if err != nil {
		t.Fatal(err)
	}
	// Before the payment and the ratings below: no fee paid online, no rating.
	if in.ProceduresPaidOnline != 0 || in.Ratings != 0 {
		t.Fatalf("paid online %d, ratings %d before any", in.ProceduresPaidOnline, in.Ratings)
	}
	// R3 (the fund, owing its fee) paid it online; R3 rated 5, R4 rated 2, R9 (received
	// 17/3, in April's period) rated 4: 3 ratings, 2 satisfied. R3 still counts as full
	// online: it owed a fee and paid it online.
	if _, err := pool.Exec(ctx, `UPDATE submissions SET fee = 100000 WHERE code = (SELECT code FROM dossiers WHERE id = $1)`, r3); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO payments (reference, dossier_code, amount, status, paid_amount, created_at, confirmed_at)
		SELECT 'REF-R3', code, 100000, 'paid', 100000, now(), now() FROM dossiers WHERE id = $1`, r3); err != nil {
		t.Fatal(err)
	}
	for id, score := range map[int64]int{r3: 5, r4: 2, r9: 4} {
		if _, err := pool.Exec(ctx, `INSERT INTO ratings (dossier_id, applicant_id, score, rated_at)
			SELECT id, applicant_id, $2, now() FROM dossiers WHERE id = $1`, id, score); err != nil {
			t.Fatal(err)
		}
	}
	in, err = f.s.Inputs766(ctx, f.units["G09"].Path, april, vn(4, 22, 10, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{
		"on-time": {3, 4}, "online": {4, 6}, "full-online": {4, 6}, "fees-paid-online": {1, 1},
		"components-digitized": {2, 6}, "components-reused": {1, 6}, "results-digitized": {2, 4},
		"synced": {3, 6}, "satisfaction": {2, 3},
	}
	wantPct := map[string]float64{"on-time": 75, "online": 66.67, "full-online": 66.67, "fees-paid-online": 100,
		"results-digitized": 50, "synced": 50, "satisfaction": 66.67,
		"components-digitized": 33.33, "components-reused": 16.67}
	for _, ind := range reports.Indicators(in) {
		w := want[ind.Code]
		if ind.Numerator != w[0] || ind.Denominator != w[1] || ind.Percent != wantPct[ind.Code] {
			t.Errorf("%s = %d/%d (%v %%), want %d/%d (%v %%)", ind.Code, ind.Numerator, ind.Denominator, ind.Percent,
				w[0], w[1], wantPct[ind.Code])
		}
	}
}

// readXLSX reads a sheet of a workbook with Python's zipfile and XML parser, a reader
// that is not the writer: rows of cell texts, by the cells' references.
const readXLSX = `
import sys, zipfile, json, re, xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
z = zipfile.ZipFile(sys.argv[1])
shared = [ "".join(t.text or "" for t in si.iter("{%(m)s}t" % ns)) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)] if "xl/sharedStrings.xml" in z.namelist() else []
rows = []
for row in ET.fromstring(z.read("xl/worksheets/sheet" + sys.argv[2] + ".xml")).iter("{%(m)s}row" % ns):
    out = {}
    for c in row.findall("m:c", ns):
        col = re.match("[A-Z]+", c.get("r")).group(0)
        v = c.find("m:v", ns)
        if c.get("t") == "s":
            out[col] = shared[int(v.text)]
        elif c.get("t") == "inlineStr":
            out[col] = "".join(t.text or "" for t in c.iter("{%(m)s}t" % ns))
        elif v is not None:
            out[col] = v.text
    rows.append(out)
print(json.dumps(rows))
`

// TestForm06WorkbookOpensInAnotherReader writes April's workbook and reads it back
// with Python: the total line equals the hand-counted fixture, column by column.
func TestForm06WorkbookOpensInAnotherReader(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 is needed to read the workbook")
		}
		t.Skip("python3 not installed: apt-get install python3")
	}
	f := newFixture(t)
	seedForm06Fixture(f)
	ctx := context.Background()
	april, _ := reports.ParsePeriod("2025-04")
	form, err := f.s.Form06(ctx, f.units["G09"].Path, april, vn(4, 22, 10, 0))
	if err != nil {
		t.Fatal(err)
	}
	in, err := f.s.Inputs766(ctx, f.units["G09"].Path, april, vn(4, 22, 10, 0))
	if err != nil {
		t.Fatal(err)
	}
	b, err := reports.Workbook(form, reports.Indicators(in))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bieu-06.xlsx")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", readXLSX, path, "1").Output()
	if err != nil {
		t.Fatalf("python could not read the workbook: %v", err)
	}
	var rows []map[string]string
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatal(err)
	}
	// The title, the period, (row 3 is empty: no row element), the heading on row 4,
	// the three lines, the total.
	if len(rows) != 7 {
		t.Fatalf("%d rows, want 7: %v", len(rows), rows)
	}
	total := rows[6]
	// D.. R: received, carried, new online, new desk, resolved, early, on time, late, open,
	// in time, overdue, withdrawn, stopped, refused, average days (all hand-counted).
	want := map[string]string{"C": "Tổng cộng", "D": "10", "E": "4", "F": "4", "G": "2", "H": "4", "I": "1", "J": "2", "K": "1",
		"L": "4", "M": "1", "N": "3", "O": "1", "P": "1", "Q": "1", "R": "10.3"}
	for col, w := range want {
		if total[col] != w {
			t.Errorf("total %s = %q, want %q", col, total[col], w)
		}
	}
	if got := rows[2]["R"]; got != "Thời gian giải quyết trung bình (ngày làm việc)" {
		t.Errorf("heading R = %q", got)
	}
	if got := rows[4]["B"] + " / " + rows[4]["C"]; got != nameVP+" / "+domainFund {
		t.Errorf("line 2 = %q", got)
	}
}
