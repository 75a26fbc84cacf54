package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/snapshot"
	"github.com/watchfire-status/watchfire/internal/statuspage"
)

// TestConcurrentCommands runs commands from many goroutines and checks
// that none fails and that the hub delivers events in commit order: ids
// strictly increasing, and exactly the events the store holds.
func TestConcurrentCommands(t *testing.T) {
	const workers = 20
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		e.configure(t)
		before := e.lastEventID(t)

		// The inline listener sees whole batches, one command's at a time.
		// It takes a little time, as the snapshot's rebuild does, so that
		// publishing outside the writers' lock would show as reordering.
		var mu sync.Mutex
		var batches [][]int64
		e.hub.OnCommit(func(_ context.Context, events []watchfire.Event) {
			time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
			ids := make([]int64, len(events))
			for i, ev := range events {
				ids[i] = ev.ID
			}
			mu.Lock()
			batches = append(batches, ids)
			mu.Unlock()
		})

		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Go(func() {
				id := fmt.Sprintf("c%02d", w)
				origin := engine.Origin{Source: watchfire.SourceProbe, Provider: id}
				inc := &watchfire.Incident{}
				for _, cmd := range []func() error{
					func() error {
						return ignore(e.eng.CreateComponent(ctx, origin, engine.ComponentInput{ID: id, Name: "Component " + id}))
					},
					func() (err error) {
						inc, err = e.eng.CreateIncident(ctx, origin, engine.IncidentInput{Name: "Down " + id,
							Components: []engine.AffectedInput{{ComponentID: id, Status: "major_outage"}}})
						return err
					},
					func() error {
						return ignore(e.eng.UpdateComponent(ctx, origin, id, engine.ComponentPatch{Name: ptr("Renamed " + id)}))
					},
					func() error { return ignore(e.eng.ResolveIncident(ctx, origin, inc.ID, "")) },
				} {
					if err := cmd(); err != nil {
						errs <- fmt.Errorf("worker %d: %w", w, err)
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}

		published := e.drain(t)
		var ids []int64
		for i, ev := range published {
			if i > 0 && ev.ID <= published[i-1].ID {
				t.Fatalf("the hub delivered event %d after event %d: not in commit order", ev.ID, published[i-1].ID)
			}
			ids = append(ids, ev.ID)
			// Each worker's events carry its own origin.
			if ev.Source != watchfire.SourceProbe || ev.Provider != ev.ComponentID {
				t.Errorf("event %d (%s) about %q came from %s/%s", ev.ID, ev.Kind, ev.ComponentID, ev.Source, ev.Provider)
			}
		}
		var storedIDs []int64
		for _, ev := range e.eventsAfter(t, before) {
			storedIDs = append(storedIDs, ev.ID)
		}
		if want := workers * 6; len(storedIDs) != want { // created; incident + status; updated; resolved + status
			t.Errorf("%d events stored, want %d", len(storedIDs), want)
		}
		if !slices.Equal(ids, storedIDs) {
			t.Errorf("the hub delivered ids %v, the store holds %v", ids, storedIDs)
		}
		mu.Lock()
		defer mu.Unlock()
		var fromBatches []int64
		for _, b := range batches {
			fromBatches = append(fromBatches, b...)
		}
		if !slices.Equal(fromBatches, storedIDs) {
			t.Errorf("OnCommit listeners got ids %v, the store holds %v", fromBatches, storedIDs)
		}
		for id, status := range e.statuses(t) {
			if status != op {
				t.Errorf("component %s is %s after its incident was resolved", id, status)
			}
		}
	})
}

// summary is the part of summary.json these tests read.
type summary struct {
	Components []struct {
		ID, Name, Status string
		Group            bool
	}
	Incidents []struct{ ID, Status string }
	Status    struct{ Indicator string }
}

func readSummary(t *testing.T, snap *snapshot.Snapshot, pageID string) summary {
	t.Helper()
	pv := snap.Page(pageID)
	if pv == nil {
		t.Fatalf("the snapshot has no page %q", pageID)
	}
	doc := pv.Docs[statuspage.PathSummary]
	if doc == nil {
		t.Fatalf("page %q has no %s", pageID, statuspage.PathSummary)
	}
	var s summary
	if err := json.Unmarshal(doc.Body, &s); err != nil {
		t.Fatalf("decoding %s: %v", statuspage.PathSummary, err)
	}
	return s
}

func (s summary) statuses() map[string]string {
	out := map[string]string{}
	for _, c := range s.Components {
		if c.Group {
			continue
		}
		out[c.ID] = c.Status
	}
	return out
}

// TestSnapshotFollowsEveryCommand wires a snapshot builder to the hub and
// checks that by the time each command returns, the current snapshot
// reflects it: its state, its last event and the rendered documents.
func TestSnapshotFollowsEveryCommand(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		b := snapshot.NewBuilder(e.db, slog.New(slog.DiscardHandler), e.clock.Now)
		e.hub.OnCommit(b.OnCommit)
		if err := b.Refresh(ctx); err != nil {
			t.Fatalf("Refresh: %v", err)
		}
		if snap := b.Current(); snap == nil || snap.Default != nil || snap.State.LastEventID != 0 {
			t.Fatalf("snapshot of an empty store: %+v", snap)
		}

		var incID, mntID string
		steps := []struct {
			name   string
			origin engine.Origin
			cmd    func() error
			check  func(t *testing.T, snap *snapshot.Snapshot)
		}{
			{"Apply", configOrigin, func() error { return e.eng.Apply(ctx, fixture()) }, func(t *testing.T, snap *snapshot.Snapshot) {
				if snap.Default == nil || snap.Default.Page.ID != "main" {
					t.Errorf("default page %+v, want main", snap.Default)
				}
				want := map[string]string{"api": "operational", "db": "operational", "cache": "operational"}
				if got := readSummary(t, snap, "main").statuses(); !maps.Equal(got, want) {
					t.Errorf("summary.json statuses %v, want %v", got, want)
				}
			}},
			{"CreateIncident", engine.API, func() error {
				inc, err := e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "API down",
					Components: []engine.AffectedInput{{ComponentID: "api", Status: "major_outage"}}})
				if inc != nil {
					incID = inc.ID
				}
				return err
			}, func(t *testing.T, snap *snapshot.Snapshot) {
				if inc := snap.State.Incident(incID); inc == nil || !inc.Open() {
					t.Errorf("incident %s in the snapshot: %+v", incID, inc)
				}
				s := readSummary(t, snap, "main")
				if s.statuses()["api"] != "major_outage" || s.Status.Indicator != "critical" ||
					len(s.Incidents) != 1 || s.Incidents[0].ID != incID {
					t.Errorf("summary.json: %+v", s)
				}
			}},
			{"UpdateComponent manual status", engine.API, func() error {
				return ignore(e.eng.UpdateComponent(ctx, engine.API, "db", engine.ComponentPatch{Status: ptr("degraded_performance")}))
			}, func(t *testing.T, snap *snapshot.Snapshot) {
				if c := snap.State.Component("db"); c.Status != deg || c.ManualStatus != deg {
					t.Errorf("db in the snapshot: status %q, manual %q", c.Status, c.ManualStatus)
				}
			}},
			{"CreateMaintenance in progress", engine.API, func() error {
				m, err := e.eng.CreateMaintenance(ctx, engine.API, engine.MaintenanceInput{Name: "Cache upgrade", Status: "in_progress",
					ScheduledFor: e.clock.Now(), ScheduledUntil: e.clock.Now().Add(time.Hour), Components: []string{"cache"}})
				if m != nil {
					mntID = m.ID
				}
				return err
			}, func(t *testing.T, snap *snapshot.Snapshot) {
				if snap.State.Maintenance(mntID) == nil || snap.State.Component("cache").Status != maint {
					t.Errorf("maintenance %s or cache status missing from the snapshot", mntID)
				}
				if got := readSummary(t, snap, "main").statuses()["cache"]; got != "under_maintenance" {
					t.Errorf("summary.json: cache is %s", got)
				}
			}},
			{"ResolveIncident", engine.API, func() error { return ignore(e.eng.ResolveIncident(ctx, engine.API, incID, "")) },
				func(t *testing.T, snap *snapshot.Snapshot) {
					if inc := snap.State.Incident(incID); inc == nil || inc.Open() {
						t.Errorf("incident %s in the snapshot: %+v", incID, inc)
					}
					if s := readSummary(t, snap, "main"); s.statuses()["api"] != "operational" || len(s.Incidents) != 0 {
						t.Errorf("summary.json: %+v", s)
					}
				}},
			{"AddMaintenanceUpdate completing it", engine.API, func() error {
				return ignore(e.eng.AddMaintenanceUpdate(ctx, engine.API, mntID, engine.MaintenanceUpdateInput{Status: "completed"}))
			}, func(t *testing.T, snap *snapshot.Snapshot) {
				if got := snap.State.Component("cache").Status; got != op {
					t.Errorf("cache in the snapshot: %s", got)
				}
			}},
			{"DeleteComponent", engine.API, func() error { return e.eng.DeleteComponent(ctx, engine.API, "db") },
				func(t *testing.T, snap *snapshot.Snapshot) {
					if snap.State.Component("db") != nil {
						t.Error("the deleted component is still in the snapshot")
					}
					if _, ok := readSummary(t, snap, "main").statuses()["db"]; ok {
						t.Error("the deleted component is still in summary.json")
					}
				}},
			{"Apply a rename", configOrigin, func() error {
				d := fixture()
				d.Components[0].Name = "Public API"
				return e.eng.Apply(ctx, d)
			}, func(t *testing.T, snap *snapshot.Snapshot) {
				if got := snap.State.Component("api").Name; got != "Public API" {
					t.Errorf("api in the snapshot is named %q", got)
				}
			}},
		}
		for _, step := range steps {
			ok := t.Run(step.name, func(t *testing.T) {
				events := e.run(t, step.origin, step.cmd)
				snap := b.Current()
				last := events[len(events)-1]
				if snap.State.LastEventID != last.ID {
					t.Errorf("snapshot LastEventID = %d, want the command's last event, %d", snap.State.LastEventID, last.ID)
				}
				if !snap.State.UpdatedAt.Equal(e.clock.Now()) {
					t.Errorf("snapshot UpdatedAt = %v, want the time of the command, %v", snap.State.UpdatedAt, e.clock.Now().UTC())
				}
				step.check(t, snap)
			})
			if !ok {
				break
			}
		}
	})
}

// TestSnapshotSeesEveryChange checks that a command that changes the state
// without changing any status still reaches the snapshot.
func TestSnapshotSeesEveryChange(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		e.configure(t)
		b := snapshot.NewBuilder(e.db, slog.New(slog.DiscardHandler), e.clock.Now)
		e.hub.OnCommit(b.OnCommit)
		if err := b.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		// Pin db at operational: its effective status does not change.
		e.run(t, engine.API, func() error {
			return ignore(e.eng.UpdateComponent(ctx, engine.API, "db", engine.ComponentPatch{Status: ptr("operational")}))
		})
		if stored := e.loadState(t).Component("db").ManualStatus; stored != op {
			t.Fatalf("stored manual status %q, want operational", stored)
		}
		if got := b.Current().State.Component("db").ManualStatus; got != op {
			t.Errorf("snapshot manual status of db = %q after the command returned, want operational", got)
		}
	})
}
