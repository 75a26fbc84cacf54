package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// tailWait polls cond until it holds or the deadline passes.
func tailWait(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// runTail runs `watchfire tail` until the test ends.
func runTail(t *testing.T, getenv func(string) string, args ...string) (stdout, stderr *lockedBuffer) {
	t.Helper()
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"tail"}, args...), getenv, stdout, stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("tail returned %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("tail did not stop within 10s of Ctrl-C")
		}
	})
	return stdout, stderr
}

var statusLines = regexp.MustCompile(`(?m)^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] Product: .+ - API Gateway\nStatus: Major outage\b.*\.$`)

// A PATCH of a component's status shows up in `watchfire tail` and on the
// server's own stdout as the standard two lines.
func TestTailEndToEnd(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		in := start(t, dsn(t), "")
		in.createToken("test")
		out, errOut := runTail(t, func(k string) string {
			if k == "WATCHFIRE_SERVER" {
				return in.url
			}
			return ""
		}, "--component", "api")
		tailWait(t, "tail to connect", 10*time.Second, func() bool { return strings.Contains(errOut.String(), "following ") })
		if !strings.Contains(errOut.String(), "component=api") {
			t.Errorf("component filter not sent to the server: %s", errOut.String())
		}

		in.mustDo(200, "PATCH", "/api/v1/components/api", map[string]any{"status": "major_outage"})
		tailWait(t, "the event in tail's output", 10*time.Second, func() bool { return statusLines.MatchString(out.String()) })
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != 2 {
			t.Fatalf("tail printed %d lines, want the two of one event:\n%s", len(lines), out.String())
		}
		t.Logf("tail:\n%s", out.String())

		// The server prints the same lines, after its serving line.
		tailWait(t, "the event on serve's stdout", 10*time.Second, func() bool { return statusLines.MatchString(in.stdout.String()) })
		s := in.stdout.String()
		if i, j := strings.Index(s, "serving "), strings.Index(s, "Product: "); i < 0 || j < i {
			t.Fatalf("serve's stdout does not start with its serving line:\n%s", s)
		}
		if !strings.Contains(s, strings.Join(lines, "\n")) {
			t.Errorf("serve printed other lines than tail:\n%s\ntail:\n%s", s, out.String())
		}
	})
}

// tail filters providers itself, prints JSON lines with --json, and
// reconnects with the last event id when the stream drops.
func TestTailReconnectsAndFilters(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var lastIDs []string
	conns := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/events" || r.Header.Get("Accept") != "text/event-stream" {
			http.Error(w, "not a stream request", 400)
			return
		}
		mu.Lock()
		conns++
		n := conns
		lastIDs = append(lastIDs, r.Header.Get("Last-Event-ID"))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream")
		if n == 1 {
			fmt.Fprint(w, "retry: 2000\n\n")
			fmt.Fprint(w, "event: heartbeat\ndata: {\"kind\":\"heartbeat\",\"time\":\"2025-11-03T14:32:00Z\"}\n\n")
			fmt.Fprint(w, `id: 5
data: {"id":5,"received_at":"2025-11-03T14:32:00Z","occurred_at":"2025-11-03T14:32:00Z","source":"poller","provider":"statusio","product":"Other","component":"X","kind":"component.status_changed","new_status":"major_outage"}

id: 6
data: {"id":6,"received_at":"2025-11-03T14:32:00Z","occurred_at":"2025-11-03T14:32:00Z","source":"poller","provider":"atlassian","product":"GitHub","component_id":"github","component":"Actions","kind":"component.status_changed","new_status":"partial_outage"}

`)
			return // the connection drops
		}
		fmt.Fprint(w, `id: 7
data: {"id":7,"received_at":"2025-11-03T14:33:00Z","occurred_at":"2025-11-03T14:33:00Z","source":"poller","provider":"atlassian","product":"GitHub","component_id":"github","component":"Actions","kind":"component.status_changed","new_status":"operational"}

`)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close) // after the tails stop (cleanups run last first)

	out, errOut := runTail(t, func(string) string { return "" }, "--server", srv.URL, "--provider", "atlassian")
	want := "[2025-11-03 14:32:00] Product: GitHub - Actions\nStatus: Partial outage.\n" +
		"[2025-11-03 14:33:00] Product: GitHub - Actions\nStatus: Operational.\n"
	tailWait(t, "both events", 10*time.Second, func() bool { return out.String() == want })
	mu.Lock()
	if len(lastIDs) < 2 || lastIDs[0] != "" || lastIDs[1] != "6" {
		t.Errorf("Last-Event-ID headers = %q, want \"\" then 6", lastIDs)
	}
	mu.Unlock()
	if e := errOut.String(); !strings.Contains(e, "reconnecting in") || !strings.Contains(e, "reconnected to") {
		t.Errorf("stderr does not tell of the reconnection:\n%s", e)
	}

	jout, _ := runTail(t, func(string) string { return "" }, "--server", srv.URL, "--provider", "atlassian", "--json")
	tailWait(t, "a JSON line", 10*time.Second, func() bool { return strings.Contains(jout.String(), `"id":7,`) })
	for _, line := range strings.Split(strings.TrimSpace(jout.String()), "\n") {
		if !strings.HasPrefix(line, `{"id":`) || strings.Contains(line, "statusio") {
			t.Errorf("JSON line %q", line)
		}
	}
}

func TestTailBadServer(t *testing.T) {
	_, errOut, err := runCmd(t, nil, "tail", "--server", "ftp://example.test")
	if err == nil || !strings.Contains(err.Error(), "not an http:// or https:// URL") {
		t.Fatalf("err = %v, stderr %s", err, errOut)
	}
}
