package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Option changes a tab before its first page loads.
type Option func(*tabConfig)

type tabConfig struct {
	noJS          bool
	locale        string
	width, height int64
	dark          bool
	timeout       time.Duration
}

// WithoutJavaScript disables the page's scripts (the page sees what a
// browser with JavaScript off sees; chromedp's own queries still work).
func WithoutJavaScript() Option { return func(c *tabConfig) { c.noJS = true } }

// WithLocale makes the tab send Accept-Language for locale (a BCP 47 tag
// such as "fr-FR": "fr-FR,fr;q=0.9") and makes it the page's
// navigator.language and the default locale of Intl and dates.
func WithLocale(locale string) Option { return func(c *tabConfig) { c.locale = locale } }

// WithViewport sets the viewport to width×height CSS pixels, for example
// 375×812 for a phone. The default is 1280×900, the size of the window.
func WithViewport(width, height int) Option {
	return func(c *tabConfig) { c.width, c.height = int64(width), int64(height) }
}

// WithDarkMode makes the page see prefers-color-scheme: dark.
func WithDarkMode() Option { return func(c *tabConfig) { c.dark = true } }

// WithTimeout bounds everything done through the tab's context, instead of
// DefaultTabTimeout. The screenshot of a failed test has its own time.
func WithTimeout(d time.Duration) Option { return func(c *tabConfig) { c.timeout = d } }

// tabKey finds the tab of a context that Tab returned.
type tabKey struct{}

// tab is the state of one tab.
type tab struct {
	ctx  context.Context // chromedp context of the tab, without deadline
	name string          // file name of its screenshot, without .png

	mu       sync.Mutex
	messages []consoleMessage
}

// consoleMessage is a console call, an uncaught exception or a browser log
// entry of a tab.
type consoleMessage struct {
	text  string
	error bool
}

// Tab opens a new tab in its own browser context (no cookies or storage
// shared with other tabs) and returns its chromedp context, which has the
// tab's timeout (DefaultTabTimeout unless WithTimeout). The tab closes when
// t's cleanup runs; if t failed, a screenshot of the tab is saved and its
// console is logged first.
func (b *Browser) Tab(t testing.TB, opts ...Option) context.Context {
	t.Helper()
	cfg := tabConfig{timeout: DefaultTabTimeout}
	for _, o := range opts {
		o(&cfg)
	}

	b.mu.Lock()
	n := b.tabs[t] + 1
	b.tabs[t] = n
	b.mu.Unlock()
	if n == 1 {
		t.Cleanup(func() {
			b.mu.Lock()
			delete(b.tabs, t)
			b.mu.Unlock()
		})
	}
	name := fileName(t.Name())
	if n > 1 {
		name += fmt.Sprintf("-tab%d", n)
	}

	tctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &tab{ctx: tctx, name: name}

	// The first Run creates the target and binds it to the context it is
	// given, so that context must be tctx itself; bound it with a timer.
	timer := time.AfterFunc(startTimeout, cancel)
	err := chromedp.Do(tctx)
	if !timer.Stop() {
		err = fmt.Errorf("no tab after %v: %w", startTimeout, err)
	}
	if err != nil {
		t.Fatalf("browsertest: opening a tab: %v", err)
	}
	if err := chromedp.Listen(tctx, tb.record); err != nil {
		t.Fatalf("browsertest: listening to the console: %v", err)
	}
	sctx, scancel := context.WithTimeout(tctx, startTimeout)
	defer scancel()
	if err := chromedp.Do(sctx, cfg.actions()...); err != nil {
		t.Fatalf("browsertest: setting up the tab: %v", err)
	}

	// Registered last so that it runs first, while the tab is open.
	t.Cleanup(func() {
		if t.Failed() {
			tb.dump(t)
		}
	})

	ctx, tcancel := context.WithTimeout(context.WithValue(tctx, tabKey{}, tb), cfg.timeout)
	t.Cleanup(tcancel)
	return ctx
}

// actions are the protocol calls that apply the options.
func (c tabConfig) actions() []chromedp.Action[chromedp.Void] {
	var as []chromedp.Action[chromedp.Void]
	call := func(f func(ctx context.Context, s cdp.Session) error) {
		as = append(as, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error { return f(ctx, t) }))
	}
	if c.noJS {
		call(func(ctx context.Context, s cdp.Session) error {
			_, err := cdp.Call(ctx, s, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		})
	}
	if c.locale != "" {
		call(func(ctx context.Context, s cdp.Session) error {
			_, err := cdp.Call(ctx, s, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
				Headers: network.Headers{"Accept-Language": acceptLanguage(c.locale)},
			})
			if err != nil {
				return err
			}
			if _, err := cdp.Call(ctx, s, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: c.locale}); err != nil {
				return err
			}
			// navigator.language(s) follow the user agent's language.
			v, err := cdp.Call(ctx, s, browser.GetVersion, cdp.Empty{})
			if err != nil {
				return err
			}
			_, err = cdp.Call(ctx, s, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
				UserAgent: v.UserAgent, AcceptLanguage: languages(c.locale),
			})
			return err
		})
	}
	// The window has browser UI around the page, so the viewport is set
	// explicitly, to the window's size by default.
	width, height := c.width, c.height
	if width <= 0 || height <= 0 {
		width, height = WindowWidth, WindowHeight
	}
	call(func(ctx context.Context, s cdp.Session) error {
		_, err := cdp.Call(ctx, s, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: width, Height: height, DeviceScaleFactor: 1,
		})
		return err
	})
	if c.dark {
		call(func(ctx context.Context, s cdp.Session) error {
			_, err := cdp.Call(ctx, s, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
			})
			return err
		})
	}
	return as
}

// languages is the language list of a browser set to locale: "fr-FR"
// gives "fr-FR,fr".
func languages(locale string) string {
	if lang, _, ok := strings.Cut(locale, "-"); ok && lang != "" {
		return locale + "," + lang
	}
	return locale
}

// acceptLanguage is the header a browser set to locale sends: "fr-FR"
// gives "fr-FR,fr;q=0.9".
func acceptLanguage(locale string) string {
	if lang, _, ok := strings.Cut(locale, "-"); ok && lang != "" {
		return locale + "," + lang + ";q=0.9"
	}
	return locale
}

// record keeps the console calls, exceptions and log entries of the tab.
// chromedp calls it from the loop that reads the tab's messages, in order.
func (tb *tab) record(ev any) {
	var m consoleMessage
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		args := make([]string, len(ev.Args))
		for i, a := range ev.Args {
			args[i] = objectText(a)
		}
		m.text = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
		if st := ev.StackTrace; st != nil && len(st.CallFrames) > 0 {
			f := st.CallFrames[0]
			m.text += location(f.URL, f.LineNumber)
		}
		m.error = ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			desc, _, _ := strings.Cut(objectText(d.Exception), "\n")
			text = strings.TrimSpace(text + " " + desc)
		}
		m.text = "exception: " + text + location(d.URL, d.LineNumber)
		m.error = true
	case *log.EventEntryAdded:
		e := ev.Entry
		m.text = fmt.Sprintf("log.%s [%s]: %s", e.Level, e.Source, e.Text) + location(e.URL, e.LineNumber)
		// The browser asks for /favicon.ico by itself: its 404 is no
		// error of the page.
		m.error = e.Level == log.EntryLevelError &&
			!(e.Source == log.EntrySourceNetwork && strings.HasSuffix(urlPath(e.URL), "/favicon.ico"))
	default:
		return
	}
	tb.mu.Lock()
	tb.messages = append(tb.messages, m)
	tb.mu.Unlock()
}

// objectText is how the console shows a value.
func objectText(o *runtime.RemoteObject) string {
	switch {
	case o == nil:
		return ""
	case len(o.Value) > 0:
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			return s
		}
		return string(o.Value)
	case o.UnserializableValue != "":
		return string(o.UnserializableValue)
	case o.Description != "":
		return o.Description
	}
	return string(o.Type)
}

// urlPath is the path of u, or u if it does not parse.
func urlPath(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Path
	}
	return u
}

func location(url string, line int64) string {
	if url == "" {
		return ""
	}
	return fmt.Sprintf(" (%s:%d)", url, line+1)
}

// console returns the tab's messages, only the errors if errorsOnly.
func (tb *tab) console(errorsOnly bool) []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
	for _, m := range tb.messages {
		if m.error || !errorsOnly {
			out = append(out, m.text)
		}
	}
	return out
}

// ConsoleErrors returns the errors of the tab of ctx so far: console.error
// and console.assert calls, uncaught exceptions and rejections, and the
// browser's error log entries (failed loads, CSP violations). ctx is a
// context that Tab returned; another gives nil.
func ConsoleErrors(ctx context.Context) []string {
	tb, _ := ctx.Value(tabKey{}).(*tab)
	if tb == nil {
		return nil
	}
	// The tab's events arrive in order with the replies: once a round trip
	// to the page returns, what the page logged before is recorded.
	if ctx.Err() == nil {
		fctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, _ = chromedp.Run(fctx, chromedp.Evaluate[chromedp.Void]("0"))
		cancel()
	}
	return tb.console(true)
}

// dump saves a screenshot of the tab and logs where, and logs its console.
func (tb *tab) dump(t testing.TB) {
	t.Helper()
	path, err := tb.saveScreenshot(ArtifactsDir())
	if err != nil {
		t.Logf("browsertest: no screenshot of %s: %v", tb.name, err)
	} else {
		t.Logf("browsertest: screenshot of the failed test's tab: %s", path)
	}
	if msgs := tb.console(false); len(msgs) > 0 {
		t.Logf("browsertest: console of %s:\n\t%s", tb.name, strings.Join(msgs, "\n\t"))
	} else {
		t.Logf("browsertest: console of %s: empty", tb.name)
	}
}

// saveScreenshot writes a full-page PNG of the tab in dir and returns its
// path.
func (tb *tab) saveScreenshot(dir string) (string, error) {
	if tb.ctx.Err() != nil {
		return "", fmt.Errorf("the tab is closed: %w", tb.ctx.Err())
	}
	ctx, cancel := context.WithTimeout(tb.ctx, dumpTimeout)
	defer cancel()
	// A page in the middle of a navigation has no frame to capture for a
	// moment: the capture fails ("Not attached to an active page") or
	// never answers. Try again, each time for longer.
	var png []byte
	for wait := 2 * time.Second; ; wait *= 2 {
		actx, acancel := context.WithTimeout(ctx, wait)
		var err error
		png, err = chromedp.Run(actx, chromedp.FullScreenshot(100))
		acancel()
		if err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return "", err
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, tb.name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// ArtifactsDir is where screenshots of failed tests go:
// $WATCHFIRE_TEST_ARTIFACTS, or watchfire-test-artifacts in the temporary
// directory.
func ArtifactsDir() string {
	if d := os.Getenv(EnvArtifacts); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "watchfire-test-artifacts")
}

// fileName turns a test name into a file name: "TestPage/dark mode" gives
// "TestPage__dark_mode".
func fileName(test string) string {
	var b strings.Builder
	for _, r := range strings.ReplaceAll(test, "/", "__") {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	if b.Len() == 0 {
		return "test"
	}
	return b.String()
}
