package chaostest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"motcua"
)

// allowedDuringOutage is the one list of answers a request may get while a fault lasts
// (from the fault's start until every dossier in flight progresses again). Any other
// answer then, and any answer but 2xx or 429 outside a fault, fails the suite with its
// body. (Before issue 11's outage work an outage answered 500 internal; Interim rows, for
// answers reported but tolerated unless CHAOS_STRICT=1, are kept for a change that needs
// them.)
var allowedDuringOutage = []allowed{
	{Status: 503, Code: motcua.EUNAVAILABLE, RetryAfter: true, Why: "a dependency is down: try again later"},
	{Status: 504, Code: motcua.EUNKNOWNOUTCOME, Why: "a decision's outcome is unknown: the clerk looks again (the retry with the same requestId settles it)"},
	{Transport: true, Faults: []string{"kill"}, Why: "connection refused or reset while the process is down"},
	{Transport: true, Faults: []string{"freeze"}, Why: "the client's timeout while the process is frozen"},
}

// allowed describes answers allowed during an outage. Zero fields match anything;
// Faults, when set, limits the row to those faults.
type allowed struct {
	Status     int
	Code       string
	RetryAfter bool // the answer must carry Retry-After
	Transport  bool // no HTTP answer at all (refused, reset, timed out)
	Faults     []string
	Interim    bool
	Why        string
}

func (a allowed) match(ans answer, fault string) bool {
	if len(a.Faults) > 0 && !slices.Contains(a.Faults, fault) {
		return false
	}
	if a.Transport {
		return ans.Err != ""
	}
	if ans.Err != "" {
		return false
	}
	return (a.Status == 0 || a.Status == ans.Status) && (a.Code == "" || a.Code == ans.Code) &&
		(!a.RetryAfter || ans.RetryAfter != "")
}

// answer is what one HTTP request got.
type answer struct {
	Op         string // what the driver was doing: login, upload, submit, decide/ACTION, read, probe
	Method     string
	Path       string
	Start, End time.Time
	Status     int    // 0 when no HTTP answer came (Err)
	Code       string // the problem's code, for an error answer
	RetryAfter string
	Err        string // the transport error
	Body       string // the start of an error answer's body
}

func (a answer) ok() bool { return a.Err == "" && a.Status/100 == 2 }

// kind names the answer for the tables: "200", "503 unavailable+Retry-After", "transport: …".
func (a answer) kind() string {
	if a.Err != "" {
		return "no answer: " + transportKind(a.Err)
	}
	k := fmt.Sprint(a.Status)
	if a.Code != "" {
		k += " " + a.Code
	}
	if a.RetryAfter != "" {
		k += " +Retry-After"
	}
	return k
}

// transportKind shortens a transport error to its kind.
func transportKind(err string) string {
	for _, k := range []string{"connection refused", "connection reset", "EOF", "Client.Timeout", "deadline exceeded", "broken pipe"} {
		if strings.Contains(err, k) {
			return k
		}
	}
	return err
}

// window is the span of a fault in which outage answers are judged.
type window struct {
	Fault      string
	Start, End time.Time
}

// judgment is what judge says of one answer.
type judgment int

const (
	fine    judgment = iota // 2xx, 429, or an allowed outage answer
	interim                 // allowed today only
	wrong                   // a failure
)

// judge says whether answer a is allowed, given the fault windows, and names the fault
// (or "outside any fault"). A request that overlaps several faults' windows (it hung
// through one and was cut by the next) is judged by the one that allows it best.
func judge(a answer, windows []window) (judgment, string) {
	if a.ok() || a.Status == 429 {
		return fine, ""
	}
	best, where := wrong, "outside any fault"
	for _, w := range windows {
		if !a.Start.Before(w.End) || !a.End.After(w.Start) {
			continue
		}
		if best == wrong {
			where = "during " + w.Fault
		}
		for _, al := range allowedDuringOutage {
			if !al.match(a, w.Fault) {
				continue
			}
			v := fine
			if al.Interim {
				v = interim
			}
			if v < best {
				best, where = v, w.Fault
			}
		}
	}
	return best, where
}

// recorder keeps every answer.
type recorder struct {
	mu      sync.Mutex
	answers []answer
}

func (r *recorder) add(a answer) {
	r.mu.Lock()
	r.answers = append(r.answers, a)
	r.mu.Unlock()
}

func (r *recorder) all() []answer {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.answers)
}

// firstOKAfter is the end of the first successful request started at or after t.
func (r *recorder) firstOKAfter(t time.Time) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var first time.Time
	for _, a := range r.answers {
		if a.ok() && !a.Start.Before(t) && (first.IsZero() || a.End.Before(first)) {
			first = a.End
		}
	}
	return first, !first.IsZero()
}

// tally counts answer kinds in a window, for the report.
func tally(answers []answer, w window) string {
	n := map[string]int{}
	for _, a := range answers {
		if a.ok() || !(a.Start.Before(w.End) && a.End.After(w.Start)) {
			continue
		}
		n[a.kind()]++
	}
	if len(n) == 0 {
		return "only 2xx"
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d× %s", n[k], k)
	}
	return b.String()
}

// slowest is the longest a request overlapping the window waited for its answer (a
// clerk's click that hangs).
func slowest(answers []answer, w window) time.Duration {
	var d time.Duration
	for _, a := range answers {
		if a.Start.Before(w.End) && a.End.After(w.Start) {
			d = max(d, a.End.Sub(a.Start))
		}
	}
	return d
}
