// Package browsertest drives Debian's chromium, headless, for tests of the pages: one
// browser per test, an isolated browser context (its own cookies) per person, helpers
// that wait for the next page after a click, the HTTP status of the page shown,
// screenshots at a desk's and a phone's width, and an accessibility check run in the
// page. It is for tests only; nothing in motcua imports it.
package browsertest

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Browser is a running headless chromium.
type Browser struct {
	t     testing.TB
	base  string
	alloc context.Context
	root  context.Context
}

// ExecPath finds chromium; .ci/run installs Debian's package when it is missing.
func ExecPath() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no chromium on this machine: apt-get install chromium (.ci/run does)")
}

// Start starts chromium for pages served at base; it stops when the test ends.
func Start(t testing.TB, base string) *Browser {
	t.Helper()
	path, err := ExecPath()
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		// This machine has no network but loopback: keep chromium from calling home.
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.Flag("lang", "vi-VN"),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(alloc)
	if err := chromedp.Do(root); err != nil {
		cancelRoot()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() { cancelRoot(); cancelAlloc() })
	return &Browser{t: t, base: strings.TrimRight(base, "/"), alloc: alloc, root: root}
}

// Tab is one person's tab, in a browser context of its own.
type Tab struct {
	T    testing.TB
	Ctx  context.Context
	base string

	mu     sync.Mutex
	status int // of the last document loaded
}

// NewTab opens a tab in a fresh browser context (no cookies shared with other tabs).
func (b *Browser) NewTab(t testing.TB) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tab := &Tab{T: t, Ctx: ctx, base: b.base}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventResponseReceived); ok && e.Type == network.ResourceTypeDocument {
			tab.mu.Lock()
			tab.status = int(e.Response.Status)
			tab.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("listen to tab: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{})
		return err
	})); err != nil {
		t.Fatalf("enable network events: %v", err)
	}
	return tab
}

// Status is the HTTP status of the page shown.
func (tab *Tab) Status() int {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	return tab.status
}

// Do runs steps with a time limit, failing the test on error.
func (tab *Tab) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tab.T.Helper()
	ctx, cancel := context.WithTimeout(tab.Ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tab.T.Fatalf("%s: %v (page %s)", what, err, tab.URL())
	}
}

// run runs one action that returns a value, failing the test on error.
func run[T any](tab *Tab, what string, a chromedp.Action[T]) T {
	tab.T.Helper()
	ctx, cancel := context.WithTimeout(tab.Ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tab.T.Fatalf("%s: %v (page %s)", what, err, tab.URL())
	}
	return v
}

// URL is the address shown.
func (tab *Tab) URL() string {
	ctx, cancel := context.WithTimeout(tab.Ctx, 5*time.Second)
	defer cancel()
	u, _ := chromedp.Run(ctx, chromedp.Location())
	return u
}

// Go opens path (relative to the site) and waits for the page.
func (tab *Tab) Go(path string) {
	tab.T.Helper()
	tab.Do("open "+path, chromedp.Navigate(tab.base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// Submit clicks sel (a submit button or a link) and waits until the next page has
// loaded.
func (tab *Tab) Submit(sel string) {
	tab.T.Helper()
	tab.Do("mark the page", chromedp.Evaluate[chromedp.Void](`window.__motcuaOld = true`))
	tab.Do("click "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	tab.waitNewPage("after clicking " + sel)
}

// waitNewPage waits until the page marked by Submit has been replaced by a loaded one.
// It polls from here rather than in the page, because the navigation destroys the
// page a poll would run in.
func (tab *Tab) waitNewPage(what string) {
	tab.T.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(tab.Ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !window.__motcuaOld`))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			tab.T.Fatalf("no new page %s (last error: %v; page %s)", what, err, tab.URL())
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// Text is the text of the first element matching sel.
func (tab *Tab) Text(sel string) string {
	tab.T.Helper()
	return run(tab, "read "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeReady))
}

// Has reports whether an element matches sel.
func (tab *Tab) Has(sel string) bool {
	tab.T.Helper()
	return run(tab, "look for "+sel, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q) !== null`, sel)))
}

// Eval runs JavaScript in the page (test set-up that a person would do by hand, such
// as typing the same note into every box of a form).
func (tab *Tab) Eval(js string) {
	tab.T.Helper()
	tab.Do("run script", chromedp.Evaluate[chromedp.Void](js))
}

// Attr is the value of attribute name of the first element matching sel.
func (tab *Tab) Attr(sel, name string) string {
	tab.T.Helper()
	return run(tab, "read "+name+" of "+sel, chromedp.Evaluate[string](fmt.Sprintf(
		`(document.querySelector(%q) || {getAttribute: () => ""}).getAttribute(%q) || ""`, sel, name)))
}

// Count is the number of elements matching sel.
func (tab *Tab) Count(sel string) int {
	tab.T.Helper()
	return run(tab, "count "+sel, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
}

// Value is the value of the input matching sel.
func (tab *Tab) Value(sel string) string {
	tab.T.Helper()
	return run(tab, "read the value of "+sel, chromedp.Value(chromedp.CSS(sel)))
}

// Title is the page's title.
func (tab *Tab) Title() string {
	tab.T.Helper()
	return run(tab, "read the title", chromedp.Title())
}

// Body is the page's text as a person reads it.
func (tab *Tab) Body() string {
	tab.T.Helper()
	return run(tab, "read the page", chromedp.Evaluate[string](`document.body.innerText`))
}

// Set sets the value of the input or select matching sel.
func (tab *Tab) Set(sel, value string) {
	tab.T.Helper()
	tab.Do("fill "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// Type types value into the input matching sel, key by key, as a person does.
func (tab *Tab) Type(sel, value string) {
	tab.T.Helper()
	tab.Do("type into "+sel, chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, sel)),
		chromedp.SendKeys(chromedp.CSS(sel), value))
}

// Click clicks sel without waiting for a page (a radio button, a checkbox).
func (tab *Tab) Click(sel string) {
	tab.T.Helper()
	tab.Do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// Upload puts files in the file input matching sel.
func (tab *Tab) Upload(sel string, files ...string) {
	tab.T.Helper()
	tab.Do("upload into "+sel, chromedp.SetUploadFiles(chromedp.CSS(sel), files))
}

// Fetch downloads path with the tab's cookies, as a link the person clicks would, and
// returns the HTTP status and body.
func (tab *Tab) Fetch(path string) (int, []byte) {
	tab.T.Helper()
	type result struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	js := fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(async r => {
		const b = new Uint8Array(await r.arrayBuffer()); let s = "";
		for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000));
		return {status: r.status, body: btoa(s)}; })`, path)
	out := run(tab, "fetch "+path, chromedp.Evaluate[result](js, func(p *cdpruntime.EvaluateParams) { p.AwaitPromise = new(true) }))
	b, err := base64.StdEncoding.DecodeString(out.Body)
	if err != nil {
		tab.T.Fatalf("fetch %s: %v", path, err)
	}
	return out.Status, b
}

// Screenshot saves the page at a desk's width (1280 px) and a phone's (375 px) as
// DIR/NAME-1280.png and DIR/NAME-375.png, DIR being testoutput/screenshots at the
// module's root (not committed), and returns the two paths.
func (tab *Tab) Screenshot(name string) []string {
	tab.T.Helper()
	dir := ScreenshotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tab.T.Fatal(err)
	}
	var paths []string
	for _, w := range []int64{1280, 375} {
		h := int64(900)
		var opts []chromedp.EmulateViewportOption
		if w < 500 {
			h = 812
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulatePortrait)
		}
		tab.Do("set the viewport", chromedp.EmulateViewport(w, h, opts...), chromedp.Sleep(100*time.Millisecond))
		png := run(tab, "screenshot "+name, chromedp.CaptureScreenshot())
		p := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w))
		if err := os.WriteFile(p, png, 0o644); err != nil {
			tab.T.Fatal(err)
		}
		paths = append(paths, p)
	}
	tab.Do("restore the viewport", chromedp.EmulateViewport(1280, 900))
	return paths
}

// OverflowAt lays the page out width pixels wide, as a phone would, and returns how
// many pixels its content is wider than that (0 when nothing needs sideways scrolling;
// a table inside a scrolling wrapper does not count).
func (tab *Tab) OverflowAt(width int64) int {
	tab.T.Helper()
	tab.Do("set the viewport", chromedp.EmulateViewport(width, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait),
		chromedp.Sleep(100*time.Millisecond))
	over := run(tab, "measure the page", chromedp.Evaluate[int](`Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)`))
	tab.Do("restore the viewport", chromedp.EmulateViewport(1280, 900))
	return over
}

// ScreenshotDir is where screenshots go: testoutput/screenshots at the module's root.
func ScreenshotDir() string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "..", "testoutput", "screenshots")
}
