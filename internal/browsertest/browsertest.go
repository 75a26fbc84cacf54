// Package browsertest runs tests of the status page in a real headless
// Chromium, through chromedp. Only _test files import it.
//
//	func TestMain(m *testing.M) { browsertest.Main(m) }
//
//	func TestStatusPage(t *testing.T) {
//		srv := httptest.NewServer(handler)
//		defer srv.Close()
//		ctx := browsertest.New(t).Tab(t, browsertest.WithViewport(375, 812))
//		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
//			t.Fatal(err)
//		}
//		h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
//		...
//		if errs := browsertest.ConsoleErrors(ctx); len(errs) > 0 {
//			t.Errorf("JavaScript errors: %q", errs)
//		}
//	}
//
// New looks for Chromium in $WATCHFIRE_CHROMIUM, /usr/bin/chromium, then
// chromium, chromium-browser, google-chrome and google-chrome-stable on PATH.
// Without one the test is skipped, or fails when WATCHFIRE_TEST_BROWSER is
// "required" (CI sets it). Install Debian's with `apt-get install chromium`.
//
// With Main or Wrap in TestMain, all the tests of a binary share one
// browser, and each Tab gets a browser context of its own (cookies, storage
// and cache are not shared between tabs). Without it, each New starts a
// browser for its test.
//
// The browser reaches no network but loopback: chromedp's default flags are
// not used, background networking, component updates, sync and QUIC are off,
// no proxy is used, and every host name and address but localhost, 127.*
// and ::1 resolves to nothing.
//
// When a test fails, a full-page PNG screenshot of each of its tabs is saved
// in $WATCHFIRE_TEST_ARTIFACTS (default $TMPDIR/watchfire-test-artifacts),
// and the tab's console messages and JavaScript exceptions are logged.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Environment variables.
const (
	// EnvChromium names the Chromium binary to use, before any other.
	EnvChromium = "WATCHFIRE_CHROMIUM"
	// EnvRequired set to "required" makes a missing Chromium a failure.
	EnvRequired = "WATCHFIRE_TEST_BROWSER"
	// EnvArtifacts is the directory for screenshots of failed tests.
	EnvArtifacts = "WATCHFIRE_TEST_ARTIFACTS"
)

// Window size of the browser, and so the default viewport of a tab.
const (
	WindowWidth  = 1280
	WindowHeight = 900
)

const (
	// startTimeout bounds the launch of Chromium and its first tab.
	startTimeout = 30 * time.Second
	// DefaultTabTimeout bounds everything done through a Tab's context;
	// change it with WithTimeout.
	DefaultTabTimeout = 30 * time.Second
	// dumpTimeout bounds the screenshot taken when a test fails.
	dumpTimeout = 10 * time.Second
)

// Where to look for Chromium after $WATCHFIRE_CHROMIUM: absolute paths are
// checked as they are, other names on PATH. Tests replace it.
var candidates = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// installHint is the end of every message about a missing Chromium.
const installHint = "install Debian's with `apt-get install chromium`, or set " + EnvChromium + " to the browser's path"

// Browser is one running headless Chromium. Its tabs are safe to use from
// parallel tests.
type Browser struct {
	// Path is the Chromium binary that runs.
	Path string

	ctx    context.Context // chromedp context holding the browser
	cancel context.CancelFunc

	mu   sync.Mutex
	tabs map[testing.TB]int // tabs opened so far per test, to name screenshots
}

// New returns a running Chromium for t, or skips t when there is none (fails
// it when $WATCHFIRE_TEST_BROWSER is "required").
func New(t testing.TB) *Browser {
	t.Helper()
	path, err := findChromium()
	if err != nil {
		if strings.EqualFold(strings.TrimSpace(os.Getenv(EnvRequired)), "required") {
			t.Fatalf("browsertest: %v; %s=required, so browser tests must run: %s", err, EnvRequired, installHint)
		}
		t.Skipf("browsertest: skipping browser test: %v; %s (set %s=required to fail instead)", err, installHint, EnvRequired)
	}
	if shared.enabled.Load() {
		b, err := shared.get(path)
		if err != nil {
			t.Fatalf("browsertest: starting %s: %v", path, err)
		}
		return b
	}
	b, err := start(path)
	if err != nil {
		t.Fatalf("browsertest: starting %s: %v", path, err)
	}
	t.Cleanup(b.close)
	return b
}

// findChromium returns the first Chromium of $WATCHFIRE_CHROMIUM and the
// candidates.
func findChromium() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("%s=%q is not an executable: %w", EnvChromium, p, err)
		}
		return found, nil
	}
	for _, c := range candidates {
		if found, err := exec.LookPath(c); err == nil {
			return found, nil
		}
	}
	return "", fmt.Errorf("no Chromium found (looked at $%s, %s on PATH)", EnvChromium, strings.Join(candidates, ", "))
}

// allocatorOptions are the launch flags. chromedp's DefaultExecAllocatorOptions
// are left out on purpose: some of them turn on features that reach the
// network.
func allocatorOptions(path string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		// chromedp makes a fresh --user-data-dir under the temporary
		// directory for each browser and removes it when the browser ends.
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("mute-audio", true),
		chromedp.WindowSize(WindowWidth, WindowHeight),
		// No network but loopback, and nothing that phones home.
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.*, EXCLUDE ::1"),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		// Stable rendering for screenshots, in small containers too.
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Tabs in background windows must keep running at full speed.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-hang-monitor", true),
		chromedp.Flag("disable-ipc-flooding-protection", true),
		chromedp.Flag("disable-popup-blocking", true),
	}
}

// start launches a browser and waits for its first tab.
func start(path string) (*Browser, error) {
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), allocatorOptions(path)...)
	ctx, cancel := chromedp.NewContext(allocCtx,
		// chromedp logs protocol oddities through the log package;
		// they are noise in test output.
		chromedp.WithLogf(func(string, ...any) {}),
	)
	b := &Browser{Path: path, ctx: ctx, tabs: map[testing.TB]int{}}
	b.cancel = func() {
		// Close gracefully, then make sure the process and its
		// temporary profile are gone.
		cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
		_ = chromedp.Cancel(cctx)
		ccancel()
		cancel()
		allocCancel()
	}
	// The context of the first Run holds the browser for its life, so it
	// cannot carry the timeout itself.
	timer := time.AfterFunc(startTimeout, cancel)
	err := chromedp.Do(ctx)
	if !timer.Stop() {
		err = fmt.Errorf("no browser after %v: %w", startTimeout, err)
	}
	if err != nil {
		b.cancel()
		return nil, err
	}
	return b, nil
}

// close stops the browser and waits for it.
func (b *Browser) close() { b.cancel() }

// shared is the browser of a test binary whose TestMain calls Main or Wrap;
// its tests run their tabs in it in parallel.
var shared sharedBrowser

type sharedBrowser struct {
	enabled atomic.Bool
	once    sync.Once
	b       *Browser
	err     error
	mu      sync.Mutex
	done    bool
}

// errShutdown is the error of New after the tests ended.
var errShutdown = errors.New("the shared browser was stopped")

// get starts the shared browser on its first call.
func (s *sharedBrowser) get(path string) (*Browser, error) {
	s.once.Do(func() {
		b, err := start(path)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.done && b != nil {
			b.close()
			b, err = nil, errShutdown
		}
		s.b, s.err = b, err
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b, s.err
}

// shutdown stops the shared browser, if it started.
func (s *sharedBrowser) shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	if s.b != nil {
		s.b.close()
	}
	s.b, s.err = nil, errShutdown
}

// Runner is what TestMain runs: *testing.M, or what wraps it.
type Runner interface{ Run() int }

// Main runs the tests of m with one browser shared by all of them, stops
// the browser, and exits. Call it from TestMain:
//
//	func TestMain(m *testing.M) { browsertest.Main(m) }
func Main(m Runner) { os.Exit(Wrap(m).Run()) }

// Wrap is Main for a TestMain that does more, such as goleak's:
//
//	func TestMain(m *testing.M) { goleak.VerifyTestMain(browsertest.Wrap(m)) }
//
// Its Run shares one browser between the tests and stops it before
// returning.
func Wrap(m Runner) Runner { return wrapped{m} }

type wrapped struct{ m Runner }

func (w wrapped) Run() int {
	shared.enabled.Store(true)
	defer shared.shutdown()
	return w.m.Run()
}
