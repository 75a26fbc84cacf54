package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/gateway"
	"github.com/watchfire-status/watchfire/internal/hub"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/store/postgres"
	"github.com/watchfire-status/watchfire/internal/store/sqlite"
	"github.com/watchfire-status/watchfire/internal/store/storetest"
)

// testAdapter reads {"id","product","component","status"}; anything
// without a product is not its format.
type testAdapter struct{}

func (testAdapter) Name() string { return "test" }
func (testAdapter) Signature() provider.Signature {
	return provider.Signature{Scheme: provider.SchemeHMACHex, Header: "X-Sig"}
}
func (testAdapter) ParseWebhook(body []byte) (*watchfire.UpstreamPush, error) {
	var in struct{ ID, Product, Component, Status string }
	if err := json.Unmarshal(body, &in); err != nil || in.Product == "" {
		return nil, provider.Formatf("no product")
	}
	if in.Product == "panic" {
		panic("adapter bug")
	}
	return &watchfire.UpstreamPush{EventID: in.ID, Page: watchfire.UpstreamPage{Name: in.Product},
		Components: []watchfire.ComponentChange{{UpstreamComponent: watchfire.UpstreamComponent{Name: in.Component,
			Status: watchfire.ComponentStatus(in.Status)}}}}, nil
}

func stores(t *testing.T) map[string]func(t *testing.T) store.Store {
	out := map[string]func(t *testing.T) store.Store{"sqlite": func(t *testing.T) store.Store {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "w.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		return db
	}}
	if os.Getenv(storetest.PostgresEnv) != "" {
		out["postgres"] = func(t *testing.T) store.Store {
			db, err := postgres.Open(t.Context(), storetest.PostgresDSN(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if err := db.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			return db
		}
	}
	return out
}

type rig struct {
	db  store.Store
	eng *engine.Engine
	gw  *gateway.Gateway
}

// start runs a gateway on db until the test ends (or stop is called).
func start(t *testing.T, db store.Store, rec gateway.Recorder, queue int) (*rig, func()) {
	return startWith(t, db, rec, gateway.Options{Queue: queue})
}

func startWith(t *testing.T, db store.Store, rec gateway.Recorder, opts gateway.Options) (*rig, func()) {
	eng := engine.New(db, hub.New(), nil, nil)
	if rec == nil {
		rec = eng
	}
	opts.Store, opts.Recorder, opts.Adapters = db, rec, []provider.WebhookAdapter{testAdapter{}}
	gw := gateway.New(opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); gw.Run(ctx, nil) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return &rig{db: db, eng: eng, gw: gw}, stop
}

func delivery(n int) *watchfire.Payload {
	return &watchfire.Payload{Source: watchfire.SourceWebhook, Provider: "test", ContentType: "application/json",
		Body: fmt.Appendf(nil, `{"id":"ev-%d","product":"Vendor","component":"C%d","status":"major_outage"}`, n, n)}
}

// waitDone waits until no payload is pending.
func waitDone(t *testing.T, db store.Store) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ps, err := db.PendingPayloads(context.Background(), 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("payload %d still pending (attempts %d, error %q)", ps[0].ID, ps[0].Attempts, ps[0].Error)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Concurrent deliveries are each stored once, acknowledged after their
// commit, sharing commits, and applied in the order they were stored, even
// when the queue is far too small and the processor must read the store.
func TestAcceptGroupCommitsAndAppliesInOrder(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, queue := range []int{1, 4096} {
				r, _ := start(t, open(t), nil, queue)
				const n = 300
				var wg sync.WaitGroup
				ids := make(chan int64, n)
				for i := range n {
					wg.Go(func() {
						p := delivery(i)
						if err := r.gw.Accept(t.Context(), p); err != nil {
							t.Error(err)
							return
						}
						// Acknowledged: it must be readable now.
						if _, err := r.db.Payload(context.Background(), p.ID); err != nil {
							t.Errorf("payload %d acknowledged but not stored: %v", p.ID, err)
						}
						ids <- p.ID
					})
				}
				wg.Wait()
				close(ids)
				if st := r.gw.Stats(); st.Committed != n || st.Commits >= n {
					t.Errorf("queue %d: %d payloads in %d commits; want %d in fewer commits", queue, st.Committed, st.Commits, n)
				}
				waitDone(t, r.db)
				events, err := r.db.Events(context.Background(), watchfire.EventFilter{Source: watchfire.SourceWebhook, Limit: 1000})
				if err != nil {
					t.Fatal(err)
				}
				if len(events) != n {
					t.Fatalf("queue %d: %d events, want %d", queue, len(events), n)
				}
				// Newest first: raw refs must decrease with the event ids.
				for i := 1; i < len(events); i++ {
					if refID(events[i]) >= refID(events[i-1]) {
						t.Fatalf("queue %d: payload %s applied after payload %s", queue, events[i].RawRef, events[i-1].RawRef)
					}
				}
			}
		})
	}
}

func refID(e watchfire.Event) int64 {
	var id int64
	fmt.Sscanf(e.RawRef, "payload:%d", &id)
	return id
}

// What a crash left committed but not applied is applied at the next
// start; a vendor event id delivered twice makes one event.
func TestCatchUpAfterRestartAndIdempotency(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := open(t)
			left := []*watchfire.Payload{delivery(1), delivery(2), delivery(1)} // ev-1 twice
			for _, p := range left {
				p.ReceivedAt = time.Now()
			}
			if err := db.AppendPayloads(context.Background(), left); err != nil {
				t.Fatal(err)
			}
			start(t, db, nil, 16)
			waitDone(t, db)
			events, _ := db.Events(context.Background(), watchfire.EventFilter{Source: watchfire.SourceWebhook})
			if len(events) != 2 {
				t.Errorf("%d events from 3 deliveries of 2 vendor events, want 2", len(events))
			}
			dup, _ := db.Payload(context.Background(), left[2].ID)
			if dup.State != watchfire.PayloadDuplicate || dup.EventKey != "ev-1" {
				t.Errorf("redelivery = %+v, want duplicate of ev-1", dup)
			}
		})
	}
}

// flaky fails every batch holding a given payload.
type flaky struct {
	next gateway.Recorder
	bad  int64
}

func (f *flaky) RecordPayloads(ctx context.Context, items []engine.PayloadItem) error {
	for _, it := range items {
		if it.Payload.ID == f.bad {
			return fmt.Errorf("disk on fire")
		}
	}
	return f.next.RecordPayloads(ctx, items)
}

// A payload that cannot be applied does not hold up the others; it is
// marked failed, with the reason, once its attempts run out. Unparsable
// payloads, and adapters that panic, leave an unparsed payload.
func TestFailuresAndUnparsed(t *testing.T) {
	db := stores(t)["sqlite"](t)
	eng := engine.New(db, hub.New(), nil, nil)
	rec := &flaky{next: eng, bad: 2} // a fresh database numbers payloads from 1
	r, _ := startWith(t, db, rec, gateway.Options{RetryEvery: 20 * time.Millisecond})
	for i := range 3 {
		if err := r.gw.Accept(t.Context(), delivery(i)); err != nil {
			t.Fatal(err)
		}
	}
	for _, body := range []string{`{"no":"product"}`, `{"product":"panic"}`} {
		p := delivery(0)
		p.Body = []byte(body)
		if err := r.gw.Accept(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	waitDone(t, db)
	unparsed, err := db.Payloads(context.Background(), store.PayloadFilter{State: watchfire.PayloadUnparsed})
	if err != nil || len(unparsed) != 2 {
		t.Fatalf("unparsed = %+v, %v", unparsed, err)
	}
	if unparsed[0].Error == "" || unparsed[1].Error == "" {
		t.Errorf("unparsed payloads without a reason: %+v", unparsed)
	}
	failed, _ := db.Payload(context.Background(), 2)
	if failed.State != watchfire.PayloadFailed || failed.Attempts != 5 || failed.Error != "disk on fire" {
		t.Errorf("payload that cannot be applied = %+v; want failed after 5 attempts", failed)
	}
	if processed, _ := db.Payloads(context.Background(), store.PayloadFilter{State: watchfire.PayloadProcessed}); len(processed) != 2 {
		t.Errorf("%d payloads processed beside the failing one, want 2", len(processed))
	}
}
