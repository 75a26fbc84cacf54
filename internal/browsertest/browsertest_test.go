package browsertest

import (
	"bytes"
	"fmt"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.uber.org/goleak"
)

// Wrap shares one browser between the tests; goleak then checks that
// Shutdown left no goroutine of chromedp behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(Wrap(m)) }

// timeout bounds each tab of these tests.
const timeout = 10 * time.Second

// serve serves html at / and records the Accept-Language of each request
// of it.
func serve(t *testing.T, html string) (url string, acceptLanguage func() []string) {
	t.Helper()
	var mu sync.Mutex
	var langs []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		langs = append(langs, r.Header.Get("Accept-Language"))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, html)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), langs...)
	}
}

func TestPageLoads(t *testing.T) {
	t.Parallel()
	url, _ := serve(t, `<!doctype html><title>Watchfire</title><h1>All systems operational</h1>`)
	ctx := New(t).Tab(t, WithTimeout(timeout))

	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("navigate and read: %v", time.Since(start))
	if h1 != "All systems operational" {
		t.Errorf("h1 = %q", h1)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil || title != "Watchfire" {
		t.Errorf("title = %q, %v", title, err)
	}
	size, err := chromedp.Run(ctx, chromedp.Evaluate[[2]int](`[innerWidth, innerHeight]`))
	if err != nil || size != [2]int{WindowWidth, WindowHeight} {
		t.Errorf("viewport = %v, %v; want %dx%d", size, err, WindowWidth, WindowHeight)
	}
	// The favicon's 404 is no error of the page.
	if errs := ConsoleErrors(ctx); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

func TestJavaScript(t *testing.T) {
	t.Parallel()
	url, _ := serve(t, `<!doctype html><p id="s">static</p>
<script>document.getElementById("s").textContent = "scripted"</script>`)
	b := New(t)
	for _, tc := range []struct {
		name string
		opts []Option
		want string
	}{
		{"on", nil, "scripted"},
		{"off", []Option{WithoutJavaScript()}, "static"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := b.Tab(t, append(tc.opts, WithTimeout(timeout))...)
			if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("s")))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("text = %q, want %q", got, tc.want)
			}
			if errs := ConsoleErrors(ctx); len(errs) > 0 {
				t.Errorf("console errors: %q", errs)
			}
		})
	}
}

func TestLocale(t *testing.T) {
	t.Parallel()
	url, langs := serve(t, `<!doctype html><p>bonjour</p>`)
	b := New(t)

	ctx := b.Tab(t, WithLocale("fr-FR"), WithTimeout(timeout))
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	got := langs()
	if len(got) != 1 || got[0] != "fr-FR,fr;q=0.9" {
		t.Errorf("Accept-Language = %q, want [fr-FR,fr;q=0.9]", got)
	}
	locale, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Intl.DateTimeFormat().resolvedOptions().locale`))
	if err != nil || locale != "fr-FR" {
		t.Errorf("Intl locale = %q, %v; want fr-FR", locale, err)
	}
	nav, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.language`))
	if err != nil || nav != "fr-FR" {
		t.Errorf("navigator.language = %q, %v; want fr-FR", nav, err)
	}
	date, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new Date(Date.UTC(2026, 0, 15, 12)).toLocaleDateString(undefined, {timeZone: "UTC", month: "long"})`))
	if err != nil || date != "janvier" {
		t.Errorf("month of toLocaleDateString = %q, %v; want janvier", date, err)
	}

	ctx = b.Tab(t, WithTimeout(timeout))
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	if got := langs(); len(got) != 2 || strings.HasPrefix(got[1], "fr") {
		t.Errorf("Accept-Language without WithLocale = %q", got)
	}
}

func TestViewportAndDarkMode(t *testing.T) {
	t.Parallel()
	url, _ := serve(t, `<!doctype html><meta name="viewport" content="width=device-width">
<style>body{background:#fff} @media (prefers-color-scheme: dark){body{background:#000}}</style><p>x</p>`)
	b := New(t)
	const probe = `[innerWidth, innerHeight, matchMedia("(prefers-color-scheme: dark)").matches ? 1 : 0]`
	for _, tc := range []struct {
		name string
		opts []Option
		want [3]int
	}{
		{"default", nil, [3]int{1280, 900, 0}},
		{"phone", []Option{WithViewport(375, 812)}, [3]int{375, 812, 0}},
		{"dark", []Option{WithDarkMode()}, [3]int{1280, 900, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := b.Tab(t, append(tc.opts, WithTimeout(timeout))...)
			if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[[3]int](probe))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("[width, height, dark] = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestConsoleErrors(t *testing.T) {
	t.Parallel()
	url, _ := serve(t, `<!doctype html><p>x</p><script>
console.log("just a log");
console.error("boom from the page", 42);
setTimeout(() => { throw new Error("uncaught kaboom") }, 0);
</script><img src="/missing.png">`)
	ctx := New(t).Tab(t, WithTimeout(timeout))
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	var errs []string
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if errs = ConsoleErrors(ctx); len(errs) >= 3 {
			break
		}
	}
	all := strings.Join(errs, "\n")
	for _, want := range []string{"console.error: boom from the page 42", "exception: Uncaught Error: uncaught kaboom", "404"} {
		if !strings.Contains(all, want) {
			t.Errorf("console errors lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "just a log") {
		t.Errorf("console errors hold a log:\n%s", all)
	}
}

// fakeTB is a test that can fail, skip and clean up without ending the
// real one.
type fakeTB struct {
	testing.TB
	name string

	mu       sync.Mutex
	failed   bool
	cleanups []func()
	logs     []string
	fatal    string
	skipped  string
}

func (f *fakeTB) Name() string { return f.name }
func (f *fakeTB) Helper()      {}
func (f *fakeTB) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}
func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}
func (f *fakeTB) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.failed = true
	f.fatal = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeTB) Skipf(format string, args ...any) {
	f.mu.Lock()
	f.skipped = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}

// runCleanups runs the cleanups as testing does: last registered first.
func (f *fakeTB) runCleanups() {
	f.mu.Lock()
	fns := f.cleanups
	f.cleanups = nil
	f.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
}

// inGoroutine runs fn like a test body: Fatalf and Skipf end it.
func inGoroutine(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
}

func TestScreenshotOnFailure(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvArtifacts, dir)
	url, _ := serve(t, `<!doctype html><h1 style="height:2000px">tall page</h1>
<script>console.warn("warned before the failure")</script>`)
	b := New(t)

	f := &fakeTB{TB: t, name: t.Name() + "/a page: that fails"}
	inGoroutine(func() {
		ctx := b.Tab(f, WithTimeout(timeout))
		if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
			f.Fatalf("%v", err)
		}
		b.Tab(f, WithTimeout(timeout)) // a second tab, still blank
	})
	if f.fatal != "" {
		t.Fatal(f.fatal)
	}
	f.failed = true
	f.runCleanups()

	logs := strings.Join(f.logs, "\n")
	t.Logf("logs of the failed test:\n%s", logs)
	first := filepath.Join(dir, "TestScreenshotOnFailure__a_page__that_fails.png")
	second := filepath.Join(dir, "TestScreenshotOnFailure__a_page__that_fails-tab2.png")
	for _, path := range []string{first, second} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// The header is enough: decoding a full page is slow under -race.
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		t.Logf("%s: %dx%d, %d bytes", filepath.Base(path), cfg.Width, cfg.Height, len(data))
		if cfg.Width != WindowWidth || cfg.Height < WindowHeight || len(data) < 1000 {
			t.Errorf("%s is %dx%d, %d bytes", path, cfg.Width, cfg.Height, len(data))
		}
		if path == first && cfg.Height < 2000 {
			t.Errorf("%s is %dx%d, not the full page", path, cfg.Width, cfg.Height)
		}
		if !strings.Contains(logs, path) {
			t.Errorf("logs do not name %s", path)
		}
	}
	if !strings.Contains(logs, "console.warning: warned before the failure") {
		t.Errorf("the console was not logged")
	}

	// A test that failed by running out of time still gets its screenshot.
	slow := &fakeTB{TB: t, name: "slow"}
	inGoroutine(func() {
		ctx := b.Tab(slow, WithTimeout(300*time.Millisecond))
		if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
			slow.Fatalf("%v", err)
		}
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#never"))); err == nil {
			slow.Fatalf("waiting for nothing ended")
		}
		// Actions on the expired context fail, but may reach the page.
		if err := chromedp.Do(ctx, chromedp.Navigate(url)); err == nil {
			slow.Fatalf("navigating after the tab's timeout worked")
		}
		slow.failed = true
	})
	slow.runCleanups()
	if _, err := os.Stat(filepath.Join(dir, "slow.png")); err != nil {
		t.Errorf("no screenshot after a timeout: %v; logs %q, fatal %q", err, slow.logs, slow.fatal)
	}

	// A test that passes leaves nothing.
	dir2 := t.TempDir()
	t.Setenv(EnvArtifacts, dir2)
	ok := &fakeTB{TB: t, name: "passes"}
	inGoroutine(func() { b.Tab(ok, WithTimeout(timeout)) })
	ok.runCleanups()
	if entries, _ := os.ReadDir(dir2); len(entries) > 0 || len(ok.logs) > 0 {
		t.Errorf("a passing test left %v and logged %q", entries, ok.logs)
	}
}

func TestMissingChromium(t *testing.T) {
	saved := candidates
	t.Cleanup(func() { candidates = saved })
	candidates = []string{"/nonexistent/chromium", "watchfire-no-such-browser"}
	t.Setenv(EnvChromium, "")

	for _, tc := range []struct {
		required, chromium string
		fatal              bool
	}{
		{"", "", false},
		{"required", "", true},
		{"", "/nonexistent/bin/chrome", false},
		{"required", "/nonexistent/bin/chrome", true},
	} {
		t.Setenv(EnvRequired, tc.required)
		t.Setenv(EnvChromium, tc.chromium)
		f := &fakeTB{TB: t, name: "t"}
		inGoroutine(func() { New(f) })
		msg := f.skipped
		if tc.fatal {
			msg = f.fatal
		}
		if msg == "" || (f.fatal != "") != tc.fatal {
			t.Errorf("%+v: fatal %q, skipped %q", tc, f.fatal, f.skipped)
			continue
		}
		for _, want := range []string{"apt-get install chromium", EnvChromium} {
			if !strings.Contains(msg, want) {
				t.Errorf("%+v: message lacks %q: %s", tc, want, msg)
			}
		}
		if tc.chromium != "" && !strings.Contains(msg, tc.chromium) {
			t.Errorf("%+v: message does not name %s: %s", tc, tc.chromium, msg)
		}
	}
}

func TestNoNetworkButLoopback(t *testing.T) {
	t.Parallel()
	b := New(t)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><p>loopback</p>`)
	})
	for _, addr := range []string{"127.0.0.1:0", "127.0.0.2:0", "[::1]:0"} {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Logf("no listener on %s: %v", addr, err)
			continue
		}
		srv := httptest.NewUnstartedServer(handler)
		srv.Listener = l
		srv.Start()
		defer srv.Close()
		ctx := b.Tab(t, WithTimeout(timeout))
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
			t.Errorf("loopback %s: %v", srv.URL, err)
		}
		if addr != "127.0.0.1:0" {
			continue
		}
		// Chromium resolves *.localhost to loopback by itself; the
		// resolver rules make every name but localhost resolve to
		// nothing, so this loopback server is not reached through that
		// name. No packet leaves the machine either way.
		other := strings.Replace(srv.URL, "127.0.0.1", "watchfire.localhost", 1)
		_, err = chromedp.Run(ctx, chromedp.NavigateResponse(other))
		if err == nil || !strings.Contains(err.Error(), "ERR_NAME_NOT_RESOLVED") {
			t.Errorf("navigating to %s: err = %v, want ERR_NAME_NOT_RESOLVED", other, err)
		}
	}
}

// Without Main or Wrap, each New starts a browser that its test's cleanup
// stops.
func TestBrowserPerTestWithoutMain(t *testing.T) {
	// Parallel tests wait until this one ends, so nobody else sees the
	// switch.
	shared.enabled.Store(false)
	defer shared.enabled.Store(true)

	url, _ := serve(t, `<!doctype html><p>own browser</p>`)
	f := &fakeTB{TB: t, name: t.Name()}
	var b *Browser
	var text string
	var err error
	inGoroutine(func() {
		b = New(f)
		ctx := b.Tab(f, WithTimeout(timeout))
		if err = chromedp.Do(ctx, chromedp.Navigate(url)); err == nil {
			text, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("p")))
		}
	})
	f.runCleanups()
	if f.skipped != "" {
		t.Skip(f.skipped)
	}
	if f.fatal != "" || err != nil || text != "own browser" {
		t.Fatalf("fatal %q, err %v, text %q", f.fatal, err, text)
	}
	if b == shared.b {
		t.Errorf("got the shared browser")
	}
	if b.ctx.Err() == nil {
		t.Errorf("the test's cleanup did not stop its browser")
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"TestX":                 "TestX",
		"TestX/sub case":        "TestX__sub_case",
		"TestX/a/b:c#1":         "TestX__a__b_c_1",
		"TestÜ/../etc":          "Test___..__etc",
		"":                      "test",
		"TestX/fr-FR_dark.v1.2": "TestX__fr-FR_dark.v1.2",
	} {
		if got := fileName(in); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
}
