package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/hub"
	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/store/postgres"
	"github.com/watchfire-status/watchfire/internal/store/sqlite"
	"github.com/watchfire-status/watchfire/internal/store/storetest"
)

// backend opens a fresh, migrated, empty store.
type backend struct {
	name string
	open func(t *testing.T) store.Store
}

// backends lists the stores the engine is tested on: SQLite always,
// PostgreSQL when $WATCHFIRE_TEST_POSTGRES names a database.
func backends() []backend {
	list := []backend{{"sqlite", func(t *testing.T) store.Store {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "w.db"))
		if err != nil {
			t.Fatalf("sqlite.Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatalf("sqlite Migrate: %v", err)
		}
		return db
	}}}
	if os.Getenv(storetest.PostgresEnv) != "" {
		list = append(list, backend{"postgres", func(t *testing.T) store.Store {
			db, err := postgres.Open(t.Context(), storetest.PostgresDSN(t))
			if err != nil {
				t.Fatalf("postgres.Open: %v", err)
			}
			t.Cleanup(func() { db.Close() })
			if err := db.Migrate(t.Context()); err != nil {
				t.Fatalf("postgres Migrate: %v", err)
			}
			return db
		}})
	}
	return list
}

// forEachStore runs test once per backend, each with its own store, hub,
// clock and engine. It runs them in parallel with each other and with the
// other tests.
func forEachStore(t *testing.T, test func(t *testing.T, e *env)) {
	t.Helper()
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			test(t, newEnv(t, b.open(t)))
		})
	}
}

// zone is not UTC: the engine must store and publish UTC times.
var zone = time.FixedZone("UTC+2", 2*60*60)

// clock is a controllable time source. Its times are whole seconds, within
// PostgreSQL's microsecond precision, so stored times compare equal.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2025, 11, 3, 14, 32, 0, 0, zone)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on and returns the new time.
func (c *clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// env is one engine on one store, with a subscription that records what
// the hub publishes.
type env struct {
	db    store.Store
	hub   *hub.Hub
	eng   *engine.Engine
	clock *clock
	sub   *hub.Subscription
}

func newEnv(t *testing.T, db store.Store) *env {
	h := hub.New()
	c := newClock()
	e := &env{db: db, hub: h, eng: engine.New(db, h, c.Now, nil), clock: c, sub: h.Subscribe(10000)}
	t.Cleanup(e.sub.Close)
	return e
}

// fixture is a small configuration: one page, one group, three components.
func fixture() engine.Desired {
	return engine.Desired{
		Pages:  []watchfire.Page{{ID: "main", Name: "Acme Cloud", URL: "https://status.acme.test", TimeZone: "UTC", Locale: "en", Position: 1}},
		Groups: []watchfire.Group{{ID: "core", Name: "Core Platform", Position: 1}},
		Components: []watchfire.Component{
			{ID: "api", Name: "API Gateway", GroupID: "core", Position: 1},
			{ID: "db", Name: "Database", GroupID: "core", Position: 2},
			{ID: "cache", Name: "Cache", Position: 3},
		},
	}
}

// configure applies the fixture and forgets its events.
func (e *env) configure(t *testing.T) {
	t.Helper()
	e.run(t, configOrigin, func() error { return e.eng.Apply(t.Context(), fixture()) })
}

var (
	configOrigin = engine.Origin{Source: watchfire.SourceConfig}
	probeOrigin  = engine.Origin{Source: watchfire.SourceProbe}
	pollerOrigin = engine.Origin{Source: watchfire.SourcePoller, Provider: "atlassian"}
	hookOrigin   = engine.Origin{Source: watchfire.SourceWebhook, Provider: "incidentio"}
)

// run advances the clock, runs a command that must succeed, and checks
// that the events it committed are exactly those the hub delivered, in the
// same order, stamped with the clock and the origin. It returns them.
func (e *env) run(t *testing.T, origin engine.Origin, cmd func() error) []watchfire.Event {
	t.Helper()
	before := e.lastEventID(t)
	now := e.clock.Advance(time.Minute)
	if err := cmd(); err != nil {
		t.Fatalf("command failed: %v", err)
	}
	stored := e.eventsAfter(t, before)
	published := e.drain(t)
	if !slices.Equal(normalize(published), normalize(stored)) {
		t.Fatalf("the hub delivered\n\t%s\nbut the store holds\n\t%s",
			strings.Join(describe(published), "\n\t"), strings.Join(describe(stored), "\n\t"))
	}
	last := before
	for _, ev := range stored {
		if ev.ID <= last {
			t.Errorf("event ids are not increasing: %d after %d", ev.ID, last)
		}
		last = ev.ID
		if !ev.ReceivedAt.Equal(now) || ev.ReceivedAt.Location() != time.UTC {
			t.Errorf("event %d (%s): ReceivedAt = %v, want the clock, %v, in UTC", ev.ID, ev.Kind, ev.ReceivedAt, now.UTC())
		}
		if !ev.OccurredAt.Equal(now) {
			t.Errorf("event %d (%s): OccurredAt = %v, want %v", ev.ID, ev.Kind, ev.OccurredAt, now.UTC())
		}
		if ev.Source != origin.Source || ev.Provider != origin.Provider {
			t.Errorf("event %d (%s): source %q, provider %q; want the origin's, %q and %q",
				ev.ID, ev.Kind, ev.Source, ev.Provider, origin.Source, origin.Provider)
		}
	}
	return stored
}

// fail runs a command that must fail with code, and checks that it left
// no trace: the same state, no new event, nothing published.
func (e *env) fail(t *testing.T, code string, cmd func() error) {
	t.Helper()
	before := e.loadState(t)
	e.clock.Advance(time.Minute)
	err := cmd()
	if got := watchfire.ErrorCode(err); got != code {
		t.Errorf("error code %q (%v), want %q", got, err, code)
	}
	if err != nil && watchfire.ErrorMessage(err) == "" {
		t.Errorf("error %v has no message for the user", err)
	}
	after := e.loadState(t)
	if d := stateDiff(before, after); d != "" {
		t.Errorf("a failed command changed the stored state: %s", d)
	}
	if events := e.eventsAfter(t, before.LastEventID); len(events) > 0 {
		t.Errorf("a failed command stored events:\n\t%s", strings.Join(describe(events), "\n\t"))
	}
	if published := e.drain(t); len(published) > 0 {
		t.Errorf("a failed command published events:\n\t%s", strings.Join(describe(published), "\n\t"))
	}
}

func (e *env) loadState(t *testing.T) *watchfire.State {
	t.Helper()
	st, err := e.db.LoadState(t.Context())
	if err != nil {
		t.Fatalf("LoadState: %v", err)
	}
	st.LoadedAt = time.Time{}
	return st
}

// stateDiff names the parts of two states that differ.
func stateDiff(a, b *watchfire.State) string {
	var parts []string
	va, vb := reflect.ValueOf(*a), reflect.ValueOf(*b)
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			parts = append(parts, fmt.Sprintf("%s: %+v → %+v", va.Type().Field(i).Name, va.Field(i).Interface(), vb.Field(i).Interface()))
		}
	}
	return strings.Join(parts, "; ")
}

func (e *env) lastEventID(t *testing.T) int64 {
	t.Helper()
	events, err := e.db.Events(t.Context(), watchfire.EventFilter{Limit: 1})
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	if len(events) == 0 {
		return 0
	}
	return events[0].ID
}

// eventsAfter returns the stored events after the id, oldest first.
func (e *env) eventsAfter(t *testing.T, id int64) []watchfire.Event {
	t.Helper()
	var events []watchfire.Event
	var err error
	if id > 0 {
		events, err = e.db.Events(t.Context(), watchfire.EventFilter{AfterID: id, Limit: store.MaxEventLimit})
	} else { // AfterID 0 lists newest first
		events, err = e.db.Events(t.Context(), watchfire.EventFilter{Limit: store.MaxEventLimit})
		slices.Reverse(events)
	}
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	return events
}

// drain returns what the hub has delivered since the last drain. Publish
// runs before a command returns, so nothing is still on its way.
func (e *env) drain(t *testing.T) []watchfire.Event {
	t.Helper()
	var out []watchfire.Event
	for {
		select {
		case ev, ok := <-e.sub.C():
			if !ok {
				t.Fatalf("the hub closed the test's subscription (lagged: %v)", e.sub.Lagged())
			}
			out = append(out, ev)
		default:
			return out
		}
	}
}

// normalize makes events comparable with ==: times in UTC, no monotonic
// reading.
func normalize(events []watchfire.Event) []watchfire.Event {
	out := make([]watchfire.Event, len(events))
	for i, ev := range events {
		ev.ReceivedAt = time.Unix(0, ev.ReceivedAt.UnixNano()).UTC()
		ev.OccurredAt = time.Unix(0, ev.OccurredAt.UnixNano()).UTC()
		out[i] = ev
	}
	return out
}

func describe(events []watchfire.Event) []string {
	out := make([]string, len(events))
	for i, ev := range events {
		out[i] = fmt.Sprintf("%d %s %+v", ev.ID, ev.Kind, ev)
	}
	if len(out) == 0 {
		return []string{"(none)"}
	}
	return out
}

func kinds(events []watchfire.Event) []watchfire.EventKind {
	out := []watchfire.EventKind{}
	for _, ev := range events {
		out = append(out, ev.Kind)
	}
	return out
}

// statusChanges lists the component.status_changed events as
// "id: old → new", in order.
func statusChanges(events []watchfire.Event) []string {
	out := []string{}
	for _, ev := range events {
		if ev.Kind == watchfire.KindComponentStatusChanged {
			out = append(out, ev.ComponentID+": "+ev.OldStatus+" → "+ev.NewStatus)
		}
	}
	return out
}

// statuses returns every stored component's effective status.
func (e *env) statuses(t *testing.T) map[string]watchfire.ComponentStatus {
	t.Helper()
	out := map[string]watchfire.ComponentStatus{}
	for _, c := range e.loadState(t).Components {
		out[c.ID] = c.Status
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// ignore drops a command's result, keeping its error.
func ignore[T any](_ T, err error) error { return err }
