package eventlog

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/live"
)

var at = time.Date(2025, 11, 3, 14, 32, 0, 0, time.UTC)

func TestFormatSeedExample(t *testing.T) {
	// The generic webhook example of DESIGN.md "Contracts".
	ev := watchfire.Event{OccurredAt: at, Product: "OpenAI API", ComponentName: "Chat Completions",
		Kind: watchfire.KindComponentStatusChanged, NewStatus: "degraded_performance",
		Message: "Degraded performance due to upstream issue."}
	want := "[2025-11-03 14:32:00] Product: OpenAI API - Chat Completions\nStatus: Degraded performance due to upstream issue."
	if got := Format(ev, time.UTC); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestFormat(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	comp := watchfire.Event{OccurredAt: at, Product: "Acme", ComponentName: "API",
		Kind: watchfire.KindComponentStatusChanged, NewStatus: "partial_outage"}
	with := func(f func(*watchfire.Event)) watchfire.Event { e := comp; f(&e); return e }
	cases := []struct {
		name string
		ev   watchfire.Event
		loc  *time.Location
		want string
	}{
		{"no message", comp, nil, "[2025-11-03 14:32:00] Product: Acme - API\nStatus: Partial outage."},
		{"time zone", comp, paris, "[2025-11-03 15:32:00] Product: Acme - API\nStatus: Partial outage."},
		{"received at fallback", with(func(e *watchfire.Event) { e.OccurredAt = time.Time{}; e.ReceivedAt = at.Add(time.Second) }), nil,
			"[2025-11-03 14:32:01] Product: Acme - API\nStatus: Partial outage."},
		{"no product", with(func(e *watchfire.Event) { e.Product = "" }), nil,
			"[2025-11-03 14:32:00] Product: Watchfire - API\nStatus: Partial outage."},
		{"roll-up", with(func(e *watchfire.Event) {
			e.NewStatus = "degraded_performance"
			e.Message = watchfire.UpstreamReason("GitHub Actions", watchfire.StatusPartialOutage)
		}), nil, "[2025-11-03 14:32:00] Product: Acme - API\nStatus: Degraded performance due to upstream issue (GitHub Actions partial outage)."},
		{"message starts with status", with(func(e *watchfire.Event) { e.Message = "PARTIAL OUTAGE in eu-west" }), nil,
			"[2025-11-03 14:32:00] Product: Acme - API\nStatus: PARTIAL OUTAGE in eu-west."},
		{"other message", with(func(e *watchfire.Event) { e.Message = "Elevated errors\nin eu-west." }), nil,
			"[2025-11-03 14:32:00] Product: Acme - API\nStatus: Partial outage: Elevated errors in eu-west."},
		{"incident", watchfire.Event{OccurredAt: at, Kind: watchfire.KindIncidentCreated, IncidentTitle: "Slow logins",
			IncidentStatus: "investigating", Message: "We are looking into it"}, nil,
			"[2025-11-03 14:32:00] Product: Watchfire - Slow logins\nStatus: Investigating: We are looking into it."},
		{"maintenance", watchfire.Event{OccurredAt: at, Product: "Acme", Kind: watchfire.KindMaintenanceUpdated,
			IncidentTitle: "DB upgrade", IncidentStatus: "in_progress"}, nil,
			"[2025-11-03 14:32:00] Product: Acme - DB upgrade\nStatus: In progress."},
		{"poller", watchfire.Event{OccurredAt: at, Source: watchfire.SourcePoller, Provider: "atlassian", Product: "GitHub",
			ComponentID: "github", ComponentName: "Actions", Kind: watchfire.KindComponentStatusChanged, NewStatus: "major_outage"}, nil,
			"[2025-11-03 14:32:00] Product: GitHub - Actions\nStatus: Major outage."},
		{"page configured", watchfire.Event{OccurredAt: at, Product: "Acme", Kind: watchfire.KindPageUpdated}, nil,
			"[2025-11-03 14:32:00] Product: Acme\nStatus: page.updated."},
		{"group with message", watchfire.Event{OccurredAt: at, Kind: watchfire.KindGroupUpdated, Message: "Group renamed"}, nil,
			"[2025-11-03 14:32:00] Product: Watchfire\nStatus: Group renamed."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Format(c.ev, c.loc)
			if got != c.want {
				t.Fatalf("got\n%s\nwant\n%s", got, c.want)
			}
			if strings.Count(got, "\n") != 1 {
				t.Fatalf("not two lines: %q", got)
			}
		})
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestWriterText(t *testing.T) {
	var out syncBuffer
	w := New(Options{Out: &out})
	evs := []watchfire.Event{
		{OccurredAt: at, Product: "A", ComponentName: "x", NewStatus: "operational"},
		{OccurredAt: at, Product: "B", ComponentName: "y", NewStatus: "major_outage"},
	}
	w.OnCommit(context.Background(), evs)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := Format(evs[0], nil) + "\n" + Format(evs[1], nil) + "\n"
	if out.String() != want {
		t.Fatalf("got %q want %q", out.String(), want)
	}
	w.OnCommit(context.Background(), evs) // after Close: dropped, no panic
	if out.String() != want {
		t.Fatal("wrote after Close")
	}
}

func TestWriterFlushesInBackground(t *testing.T) {
	var out syncBuffer
	w := New(Options{Out: &out})
	defer w.Close()
	w.OnCommit(context.Background(), []watchfire.Event{{OccurredAt: at, NewStatus: "operational"}})
	deadline := time.Now().Add(5 * time.Second)
	for out.String() == "" {
		if time.Now().After(deadline) {
			t.Fatal("never flushed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWriterJSON(t *testing.T) {
	var out syncBuffer
	w := New(Options{Out: &out, JSON: true})
	ev := watchfire.Event{ID: 7, ReceivedAt: at, OccurredAt: at, Source: watchfire.SourceWebhook, Provider: "generic",
		Product: "OpenAI API", ComponentName: "Chat Completions", Kind: watchfire.KindComponentStatusChanged,
		NewStatus: "degraded_performance", Message: "<slow>"}
	w.OnCommit(context.Background(), []watchfire.Event{ev, ev})
	w.Close()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", out.String())
	}
	want, _ := live.EncodeEvent(&ev)
	if lines[0] != string(want) {
		t.Fatalf("got %s want %s", lines[0], want)
	}
	var got live.EventJSON
	if err := json.Unmarshal([]byte(lines[1]), &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != 7 || got.ComponentName != "Chat Completions" || got.Message != "<slow>" || !got.OccurredAt.Equal(at) {
		t.Fatalf("%+v", got)
	}
}

func TestOpen(t *testing.T) {
	var so, se bytes.Buffer
	if w, c, err := Open("", &so, &se); err != nil || w != &so || c != nil {
		t.Fatal("default is stdout")
	}
	if w, _, _ := Open("stdout", &so, &se); w != &so {
		t.Fatal("stdout")
	}
	if w, _, _ := Open("stderr", &so, &se); w != &se {
		t.Fatal("stderr")
	}
	if w, c, err := Open("off", &so, &se); w != nil || c != nil || err != nil {
		t.Fatal("off")
	}
	path := filepath.Join(t.TempDir(), "events.log")
	if err := os.WriteFile(path, []byte("before\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, c, err := Open(path, &so, &se)
	if err != nil || c == nil {
		t.Fatal(err)
	}
	w := New(Options{Out: f, Closer: c})
	w.OnCommit(context.Background(), []watchfire.Event{{OccurredAt: at, NewStatus: "operational"}})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "before\n[2025-11-03 14:32:00] Product: Watchfire\nStatus: Operational.\n" {
		t.Fatalf("%q", b)
	}
	if _, _, err := Open(filepath.Join(t.TempDir(), "no", "such", "dir"), &so, &se); err == nil {
		t.Fatal("want an error")
	}
}

func TestWriterHeld(t *testing.T) {
	var out syncBuffer
	w := New(Options{Out: &out, Held: true})
	ev := watchfire.Event{OccurredAt: at, NewStatus: "operational"}
	w.OnCommit(context.Background(), []watchfire.Event{ev})
	time.Sleep(300 * time.Millisecond) // longer than a flush interval
	if out.String() != "" {
		t.Fatalf("held line written: %q", out.String())
	}
	out.Write([]byte("serving\n"))
	w.Start()
	w.OnCommit(context.Background(), []watchfire.Event{ev})
	w.Close()
	line := Format(ev, nil) + "\n"
	if want := "serving\n" + line + line; out.String() != want {
		t.Fatalf("got %q want %q", out.String(), want)
	}

	// Closed without Start: the held lines are still written.
	var out2 syncBuffer
	w = New(Options{Out: &out2, Held: true})
	w.OnCommit(context.Background(), []watchfire.Event{ev})
	w.Close()
	if out2.String() != line {
		t.Fatalf("got %q", out2.String())
	}
}
