package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/watchfire-status/watchfire/internal/browsertest"
)

// The status page in a real headless Chromium: one browser for the whole
// binary, a fresh browser context per tab. Without Chromium these tests
// skip, unless WATCHFIRE_TEST_BROWSER=required (CI), where they fail.
func TestMain(m *testing.M) {
	// No test may reach the internet, not even through the demo config's
	// dependencies: their polls get a transport that only dials loopback.
	upstreamTransport = loopbackOnly()
	if args := os.Getenv(childEnv); args != "" {
		// This test binary, started again by a test as a server process
		// (one it can SIGKILL): run the command and exit.
		os.Exit(runChild(strings.Split(args, "\x1f")))
	}
	browsertest.Main(m)
}

func TestBrowserShowsComponentsAndStatuses(t *testing.T) {
	t.Parallel()
	b := browsertest.New(t)
	in := start(t, "sqlite:"+t.TempDir()+"/wf.db", "")
	ctx := b.Tab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(in.url), chromedp.WaitVisible(chromedp.ID("banner-text"))); err != nil {
		t.Fatal(err)
	}
	banner, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("banner-text")))
	if err != nil || banner != "All Systems Operational" {
		t.Errorf("banner = %q, %v", banner, err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-component]')].map(li =>
		li.querySelector('.c-name').firstChild.textContent.trim() + ': ' + li.querySelector('.c-head .st-text').textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 5 || rows[0] != "API Gateway: Operational" {
		t.Errorf("components = %q", rows)
	}
	// The live stream connects.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('live').textContent === 'Live'`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Errorf("the live stream did not connect: %v", err)
	}
	if errs := browsertest.ConsoleErrors(ctx); len(errs) > 0 {
		t.Errorf("JavaScript errors: %q", errs)
	}
}

// TestBrowserFollowsAChangeWithoutReload changes a component through the
// admin API and waits for the open page to show it, within 2 s, in place.
func TestBrowserFollowsAChangeWithoutReload(t *testing.T) {
	t.Parallel()
	b := browsertest.New(t)
	in := start(t, "sqlite:"+t.TempDir()+"/wf.db", "")
	in.createToken("browser")
	ctx := b.Tab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(in.url), chromedp.WaitVisible(chromedp.ID("banner-text"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('live').textContent === 'Live'`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the live stream did not connect: %v", err)
	}
	// A reload would lose this mark.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true`)); err != nil {
		t.Fatal(err)
	}

	changed := time.Now()
	in.mustDo(200, "PATCH", "/api/v1/components/api", map[string]any{"status": "major_outage"})
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.querySelector('[data-component="api"] .c-head .st-text').textContent === 'Major outage'`,
		chromedp.WithPollingTimeout(2*time.Second), chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		t.Fatalf("the page did not show the change within 2 s: %v", err)
	}
	t.Logf("change shown %v after the PATCH", time.Since(changed).Round(time.Millisecond))
	state, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[
		String(window.__sameDocument),
		document.getElementById('banner-text').textContent,
		document.querySelector('[data-component="api"] .c-head .st').className,
		document.getElementById('favicon').getAttribute('href')]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"true", "Major System Outage", "st st-mo", "./favicon.svg?s=critical"}
	for i := range want {
		if i >= len(state) || state[i] != want[i] {
			t.Errorf("after the change: %q, want %q", state, want)
			break
		}
	}
	if errs := browsertest.ConsoleErrors(ctx); len(errs) > 0 {
		t.Errorf("JavaScript errors: %q", errs)
	}
}

func TestBrowserFrenchPage(t *testing.T) {
	t.Parallel()
	b := browsertest.New(t)
	in := start(t, "sqlite:"+t.TempDir()+"/wf.db", "")
	ctx := b.Tab(t, browsertest.WithLocale("fr-FR"))
	if err := chromedp.Do(ctx, chromedp.Navigate(in.url), chromedp.WaitVisible(chromedp.ID("banner-text"))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[
		document.documentElement.lang,
		document.getElementById('banner-text').textContent,
		document.querySelector('[data-component] .c-head .st-text').textContent,
		document.getElementById('past-h').textContent,
		document.querySelector('#past .day p').textContent]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"fr", "Tous les systèmes fonctionnent", "Fonctionnel", "Incidents récents", "Aucun incident signalé."}
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Errorf("French page: %q, want %q", got, want)
			break
		}
	}
	// Times are rewritten in the reader's language.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`/\d/.test(document.querySelector('#banner time').textContent) &&
		!/[A-Z][a-z]{2} \d/.test(document.querySelector('#banner time').textContent)`, chromedp.WithPollingTimeout(2*time.Second))); err != nil {
		text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#banner time")))
		t.Errorf("banner time %q is not in French: %v", text, err)
	}
}

func TestBrowserWithoutJavaScript(t *testing.T) {
	t.Parallel()
	b := browsertest.New(t)
	in := start(t, "sqlite:"+t.TempDir()+"/wf.db", "")
	in.createToken("browser")
	in.mustDo(201, "POST", "/api/v1/incidents", map[string]any{
		"name": "Slow database", "status": "identified", "body": "Replication lag.",
		"components": map[string]string{"database": "degraded_performance"},
	})
	ctx := b.Tab(t, browsertest.WithoutJavaScript())
	if err := chromedp.Do(ctx, chromedp.Navigate(in.url), chromedp.WaitVisible(chromedp.ID("banner-text"))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[
		document.getElementById('banner-text').textContent,
		document.querySelector('#active h3').textContent,
		document.querySelector('[data-component="database"] .c-head .st-text').textContent,
		String(document.getElementById('live').hidden),
		String(document.querySelector('details.group').open)]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Partially Degraded Service", "Slow database", "Degraded performance", "true", "true"}
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Errorf("page without JavaScript: %q, want %q", got, want)
			break
		}
	}
	// Links work without script: the incident page.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#active h3 a")), chromedp.WaitVisible(chromedp.CSS("ol.timeline"))); err != nil {
		t.Fatalf("following the incident link: %v", err)
	}
	if body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("ol.timeline"))); err != nil || body == "" {
		t.Errorf("timeline = %q, %v", body, err)
	}
}

// TestBrowserPhoneKeyboardAndDarkMode: no sideways scrolling on a phone,
// the first Tab reaches the skip link, and the dark scheme is dark.
func TestBrowserPhoneKeyboardAndDarkMode(t *testing.T) {
	t.Parallel()
	b := browsertest.New(t)
	in := start(t, "sqlite:"+t.TempDir()+"/wf.db", "")
	ctx := b.Tab(t, browsertest.WithViewport(375, 812), browsertest.WithDarkMode())
	if err := chromedp.Do(ctx, chromedp.Navigate(in.url), chromedp.WaitVisible(chromedp.ID("banner-text"))); err != nil {
		t.Fatal(err)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > 375 {
		t.Errorf("page is %d px wide on a 375 px phone (%v)", width, err)
	}
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	if err != nil || bg != "rgb(13, 17, 23)" {
		t.Errorf("dark mode background = %q, %v", bg, err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
		t.Fatal(err)
	}
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className + ' ' + document.activeElement.getAttribute('href')`))
	if err != nil || focused != "skip #main" {
		t.Errorf("first Tab focuses %q, want the skip link", focused)
	}
}
