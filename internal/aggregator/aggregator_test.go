package aggregator_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/aggregator"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/hub"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/atlassian"
	"github.com/watchfire-status/watchfire/internal/provider/providers"
	"github.com/watchfire-status/watchfire/internal/store/sqlite"
)

// vendor is a fake Atlassian status page on loopback. Its summary changes
// when the test says so; it answers conditional requests with 304, and
// counts what it served.
type vendor struct {
	mu      sync.Mutex
	summary []byte
	status  int         // answer this status instead of the summary, when set
	retry   string      // Retry-After to send with it
	hits    []time.Time // every request to the summary
	notMod  int         // 304s sent
	srv     *httptest.Server
}

func newVendor(t *testing.T) *vendor {
	v := &vendor{}
	v.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v2/summary.json" {
			http.NotFound(w, r)
			return
		}
		if !strings.HasPrefix(r.Header.Get("User-Agent"), "Watchfire") {
			t.Errorf("User-Agent %q does not name Watchfire", r.Header.Get("User-Agent"))
		}
		v.mu.Lock()
		defer v.mu.Unlock()
		v.hits = append(v.hits, time.Now())
		if v.status != 0 {
			if v.retry != "" {
				w.Header().Set("Retry-After", v.retry)
			}
			w.WriteHeader(v.status)
			return
		}
		sum := sha256.Sum256(v.summary)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		if r.Header.Get("If-None-Match") == etag {
			v.notMod++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(v.summary)
	}))
	t.Cleanup(v.srv.Close)
	return v
}

func (v *vendor) set(summary string) {
	v.mu.Lock()
	v.summary = []byte(summary)
	v.mu.Unlock()
}

func (v *vendor) fail(status int, retry string) {
	v.mu.Lock()
	v.status, v.retry = status, retry
	v.mu.Unlock()
}

func (v *vendor) counts() (hits, notModified int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.hits), v.notMod
}

// summary renders an Atlassian summary.json: Actions in a status, and an
// incident with n updates when status is not "".
func summary(actions string, incident string, updates int) string {
	indicator, incidents := "none", "[]"
	if incident != "" {
		indicator = "minor"
		var ups []string
		for i := updates; i >= 1; i-- {
			ups = append(ups, fmt.Sprintf(`{"id":"u%d","status":%q,"body":"Update %d","created_at":"2025-11-03T14:%02d:00Z","display_at":"2025-11-03T14:%02d:00Z","updated_at":"2025-11-03T14:%02d:00Z","affected_components":[]}`, i, incident, i, i, i, i))
		}
		incidents = fmt.Sprintf(`[{"id":"inc1","name":"Actions delays","status":%q,"impact":"minor","created_at":"2025-11-03T14:00:00Z","updated_at":"2025-11-03T14:%02d:00Z","started_at":"2025-11-03T14:00:00Z","resolved_at":null,"shortlink":"https://stspg.io/x","page_id":"p1","incident_updates":[%s],"components":[{"id":"a1","name":"Actions","status":%q}]}]`, incident, updates, strings.Join(ups, ","), actions)
	}
	return fmt.Sprintf(`{"page":{"id":"p1","name":"GitHub","url":"https://www.githubstatus.com","time_zone":"Etc/UTC","updated_at":"2025-11-03T14:00:00Z"},
"components":[{"id":"a1","name":"Actions","status":%q,"created_at":"2020-01-01T00:00:00Z","updated_at":"2025-11-03T14:00:00Z","position":1,"description":null,"showcase":false,"start_date":null,"group_id":null,"page_id":"p1","group":false,"only_show_if_degraded":false},
{"id":"g1","name":"Git Operations","status":"operational","created_at":"2020-01-01T00:00:00Z","updated_at":"2025-11-03T14:00:00Z","position":2,"description":null,"showcase":false,"start_date":null,"group_id":null,"page_id":"p1","group":false,"only_show_if_degraded":false}],
"incidents":%s,"scheduled_maintenances":[],"status":{"indicator":%q,"description":"x"}}`, actions, incidents, indicator)
}

// world is Watchfire's side: a SQLite store, an engine, an aggregator.
type world struct {
	db  *sqlite.DB
	eng *engine.Engine
	agg *aggregator.Aggregator
	sub *hub.Subscription
}

func newWorld(t *testing.T, deps []watchfire.Dependency, opts aggregator.Options) *world {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	h := hub.New()
	w := &world{db: db, eng: engine.New(db, h, nil, nil), sub: h.Subscribe(100000)}
	t.Cleanup(w.sub.Close)
	if err := w.eng.Apply(t.Context(), engine.Desired{
		Pages:      []watchfire.Page{{ID: "main", Name: "Acme", TimeZone: "UTC", Locale: "en"}},
		Components: []watchfire.Component{{ID: "api", Name: "API"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.eng.ApplyDependencies(t.Context(), deps); err != nil {
		t.Fatal(err)
	}
	if opts.Registry == nil {
		opts.Registry = providers.Registry()
	}
	if opts.Client == nil {
		opts.Client = provider.NewHTTPClient(provider.HTTPOptions{PerHost: 1000, Burst: 100, Timeout: 2 * time.Second})
	}
	opts.Recorder, opts.Health = w.eng, db
	if opts.Jitter == nil {
		opts.Jitter = func() float64 { return 0.5 }
	}
	w.agg = aggregator.New(opts)
	all, err := w.eng.Dependencies(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var list []watchfire.Dependency
	for _, d := range all {
		list = append(list, *d)
	}
	w.agg.Set(list)
	return w
}

func (w *world) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.agg.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// poller events so far, drained from the hub.
func (w *world) events() []watchfire.Event {
	var out []watchfire.Event
	for {
		select {
		case ev := <-w.sub.C():
			if ev.Source == watchfire.SourcePoller {
				out = append(out, ev)
			}
		default:
			return out
		}
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func describe(evs []watchfire.Event) string {
	var b strings.Builder
	for _, ev := range evs {
		fmt.Fprintf(&b, "%s %s/%s %s→%s %s %s\n", ev.Kind, ev.ComponentID, ev.ComponentName, ev.OldStatus, ev.NewStatus, ev.IncidentID, ev.IncidentStatus)
	}
	return b.String()
}

func count(evs []watchfire.Event, kind watchfire.EventKind, component string) int {
	n := 0
	for _, ev := range evs {
		if ev.Kind == kind && (component == "" || ev.ComponentID+"/"+ev.ComponentName == component) {
			n++
		}
	}
	return n
}

// TestFakeVendorLifecycle: an incident opens, is updated and resolves on
// a vendor's page polled every 40 ms. Each change makes its events exactly
// once, whatever the number of polls between changes, which the vendor
// answers with 304s that produce nothing.
func TestFakeVendorLifecycle(t *testing.T) {
	t.Parallel()
	v := newVendor(t)
	v.set(summary("operational", "", 0))
	dep := watchfire.Dependency{ID: "github", Name: "GitHub", URL: v.srv.URL, Provider: "auto", Interval: 40 * time.Millisecond,
		Affects: []watchfire.DependencyAffect{{ComponentID: "api", Upstream: "Actions"}}}
	w := newWorld(t, []watchfire.Dependency{dep}, aggregator.Options{})
	w.run(t)

	settle := func() { // several polls, all answered 304
		h, n := v.counts()
		waitFor(t, "three more 304s", func() bool { _, m := v.counts(); return m >= n+3 })
		_ = h
	}
	waitFor(t, "the first read", func() bool {
		d, _ := w.eng.Dependencies(t.Context())
		return d["github"] != nil && d["github"].Report != nil
	})
	settle()
	// Its first read shows it on the page, and says nothing else.
	if evs := w.events(); len(evs) != 1 || evs[0].Kind != watchfire.KindComponentCreated {
		t.Fatalf("a quiet vendor made events:\n%s", describe(evs))
	}

	v.set(summary("partial_outage", "investigating", 1))
	settle()
	evs := w.events()
	for _, want := range []struct {
		kind watchfire.EventKind
		comp string
	}{
		{watchfire.KindComponentStatusChanged, "github/Actions"},
		{watchfire.KindIncidentCreated, ""},
		{watchfire.KindComponentStatusChanged, "github/GitHub"},
		{watchfire.KindComponentStatusChanged, "api/API"},
	} {
		if n := count(evs, want.kind, want.comp); n != 1 {
			t.Errorf("%s %s: %d events, want exactly 1; got\n%s", want.kind, want.comp, n, describe(evs))
		}
	}
	st, _ := w.db.LoadState(t.Context())
	if c := st.Component("api"); c.Status != watchfire.StatusDegradedPerformance || c.UpstreamReason != "Degraded: upstream GitHub Actions partial outage" {
		t.Errorf("api = %s %q", c.Status, c.UpstreamReason)
	}

	v.set(summary("partial_outage", "identified", 2))
	settle()
	if evs := w.events(); count(evs, watchfire.KindIncidentUpdated, "") != 1 || len(evs) != 1 {
		t.Errorf("an update made:\n%s want exactly one incident.updated", describe(evs))
	}

	v.set(summary("operational", "", 0))
	settle()
	evs = w.events()
	if count(evs, watchfire.KindIncidentResolved, "") != 1 || count(evs, watchfire.KindComponentStatusChanged, "api/API") != 1 {
		t.Errorf("the resolution made:\n%s", describe(evs))
	}
	st, _ = w.db.LoadState(t.Context())
	if c := st.Component("api"); c.Status != watchfire.StatusOperational || c.UpstreamReason != "" {
		t.Errorf("api after recovery = %s %q", c.Status, c.UpstreamReason)
	}
	if h, n := v.counts(); n < h/2 {
		t.Errorf("%d of %d requests answered 304: conditional requests are not used", n, h)
	}
}

// TestBackoffAndRetryAfter: failures space polls out exponentially, and
// a 429's Retry-After is honoured.
func TestBackoffAndRetryAfter(t *testing.T) {
	t.Parallel()
	v := newVendor(t)
	v.fail(http.StatusInternalServerError, "")
	dep := watchfire.Dependency{ID: "github", Name: "GitHub", URL: v.srv.URL, Provider: "atlassian", Interval: 20 * time.Millisecond}
	w := newWorld(t, []watchfire.Dependency{dep}, aggregator.Options{MaxBackoff: 320 * time.Millisecond})
	w.run(t)
	// The wait scheduled after each failure, read from the poller's own
	// schedule (timings on a loaded machine would be noise): 20, 40, 80,
	// 160, then 320 ms, the cap (jitter fixed at its middle, ±0).
	waits := map[int]time.Duration{}
	waitFor(t, "six failed polls", func() bool {
		h, next, _ := w.agg.Health("github")
		if h.Failures > 0 && h.LastAttemptAt != nil {
			waits[h.Failures] = next.Sub(*h.LastAttemptAt)
		}
		return h.Failures >= 6
	})
	for failures, wait := range waits {
		want := min(20*time.Millisecond<<(failures-1), 320*time.Millisecond)
		if d := wait - want; d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("after %d failures the next poll is in %s, want %s", failures, wait, want)
		}
	}
	if len(waits) < 3 {
		t.Errorf("saw the schedule after only %d failures: %v", len(waits), waits)
	}
	// The vendor counts a request before the poller has recorded its answer.
	waitFor(t, "six failures recorded", func() bool { h, _, _ := w.agg.Health("github"); return h.Failures >= 6 })
	health, _, _ := w.agg.Health("github")
	if !strings.Contains(health.LastError, "HTTP 500") {
		t.Errorf("health = %+v, want failures counted and the HTTP status as the error", health)
	}

	v.fail(http.StatusTooManyRequests, "1")
	h0, _ := v.counts()
	waitFor(t, "the 429", func() bool { h, _ := v.counts(); return h > h0 })
	v.mu.Lock()
	at := v.hits[len(v.hits)-1]
	v.status = 0
	v.summary = []byte(summary("operational", "", 0))
	v.mu.Unlock()
	waitFor(t, "the poll after the 429", func() bool { h, _ := v.counts(); return h > h0+1 })
	v.mu.Lock()
	next := v.hits[h0+1]
	v.mu.Unlock()
	if wait := next.Sub(at); wait < 900*time.Millisecond {
		t.Errorf("polled again %s after a 429 with Retry-After: 1", wait)
	}
	waitFor(t, "recovery", func() bool { h, _, _ := w.agg.Health("github"); return h.Failures == 0 && h.LastError == "" })
}

// TestBadInputIsAFetchErrorOfItsOwn: each kind of bad answer becomes a
// fetch error with its reason on that dependency alone; the good one
// beside them is read, and nothing crashes.
func TestBadInputIsAFetchErrorOfItsOwn(t *testing.T) {
	t.Parallel()
	good := []byte(summary("operational", "", 0))
	urls := map[string]string{}
	// Each vendor on its own server: an Atlassian page lives at a root.
	serve := func(id string, h http.HandlerFunc) {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		urls[id] = srv.URL
	}
	static := func(ct string, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			_, _ = w.Write(body)
		}
	}
	serve("good", static("application/json", good))
	serve("truncated", static("application/json", good[:len(good)/2]))
	serve("html", static("text/html; charset=utf-8", []byte("<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>")))
	serve("ctype", static("image/png", good))
	serve("latin1", static("application/json", bytes.Replace(good, []byte("Actions"), []byte("Acti\xf6ns"), 1)))
	serve("huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := bytes.Repeat([]byte(" "), 1<<20)
		for range 50 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	serve("slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		for range 100 { // one byte every 100 ms: never done within the timeout
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
	serve("loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})

	want := map[string]string{
		"truncated": "cut short",
		"html":      "HTML page",
		"ctype":     "image/png",
		"latin1":    "not valid UTF-8",
		"huge":      "more than 16 MiB",
		"slow":      "did not answer in full",
		"loop":      "redirect loop",
	}
	deps := []watchfire.Dependency{{ID: "good", Name: "Good", URL: urls["good"], Provider: "atlassian", Interval: time.Hour}}
	for id := range want {
		deps = append(deps, watchfire.Dependency{ID: id, Name: id, URL: urls[id], Provider: "atlassian", Interval: time.Hour})
	}
	w := newWorld(t, deps, aggregator.Options{
		Client: provider.NewHTTPClient(provider.HTTPOptions{PerHost: 1000, Burst: 100, Timeout: 1500 * time.Millisecond}),
		Jitter: func() float64 { return 0 }, // read each page at once
	})
	w.run(t)
	waitFor(t, "every page read once", func() bool {
		for _, d := range deps {
			if h, _, _ := w.agg.Health(d.ID); h.LastAttemptAt == nil {
				return false
			}
		}
		return true
	})
	for id, reason := range want {
		h, _, _ := w.agg.Health(id)
		if h.Failures != 1 || !strings.Contains(h.LastError, reason) {
			t.Errorf("%s: health %+v, want one failure saying %q", id, h, reason)
		}
	}
	if h, _, _ := w.agg.Health("good"); h.Failures != 0 || h.LastSuccessAt == nil {
		t.Errorf("good: health %+v, want a success", h)
	}
	d, _ := w.eng.Dependencies(t.Context())
	if d["good"].Report == nil || d["good"].Report.Component("Actions") == nil {
		t.Errorf("the good page was not recorded: %+v", d["good"])
	}
	_ = atlassian.New
}
