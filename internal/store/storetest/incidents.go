package storetest

import (
	"fmt"
	"testing"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// fullIncident has two affected components and three updates given out of
// order; wantUpdates is the order the store must return them in.
func fullIncident() (inc *watchfire.Incident, wantUpdates []watchfire.IncidentUpdate) {
	api := watchfire.AffectedComponent{ComponentID: "api", Name: "API", OldStatus: watchfire.StatusOperational,
		NewStatus: watchfire.StatusMajorOutage}
	db := watchfire.AffectedComponent{ComponentID: "db", Name: "Database", OldStatus: watchfire.StatusOperational,
		NewStatus: watchfire.StatusDegradedPerformance}
	first := newUpdate("u-first", "inc", "investigating", at(0), at(0), api, db)
	second := newUpdate("u-second", "inc", "identified", at(20), at(20), db)
	// Same display time as second but created later, so it sorts first;
	// its id is the smaller, so that breaking the tie by id fails.
	third := newUpdate("u-1", "inc", "monitoring", at(20), at(25))
	third.DeliverNotifications = true

	inc = &watchfire.Incident{
		ID:           "inc",
		PageID:       "main",
		Name:         "Elevated API errors",
		Status:       watchfire.IncidentMonitoring,
		Impact:       watchfire.ImpactMajor,
		Components:   []watchfire.AffectedComponent{{ComponentID: "db", Name: "Database", NewStatus: watchfire.StatusDegradedPerformance}, {ComponentID: "api", Name: "API", NewStatus: watchfire.StatusMajorOutage}},
		Updates:      []watchfire.IncidentUpdate{second, first, third},
		Postmortem:   "## What happened\nA bad deploy.",
		StartedAt:    at(-3),
		MonitoringAt: ptr(at(25)),
		CreatedAt:    at(0),
		UpdatedAt:    at(25),
	}
	return inc, []watchfire.IncidentUpdate{third, second, first}
}

func testIncidentRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc, wantUpdates := fullIncident()
	want := *inc
	want.Updates = wantUpdates

	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		got, err := tx.GetIncident(ctx, "inc")
		if err != nil {
			return err
		}
		assertEqual(t, "GetIncident", *got, want)
		return nil
	})
	st := mustLoadState(t, s)
	if len(st.Incidents) != 1 {
		t.Fatalf("LoadState: %d incidents, want 1", len(st.Incidents))
	}
	assertEqual(t, "LoadState incident", st.Incidents[0], want)
}

func testUpdateIncidentReplacesComponents(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc, wantUpdates := fullIncident()
	mustUpdate(t, s, func(tx store.Tx) error { return tx.CreateIncident(ctx, inc) })

	changed := &watchfire.Incident{
		ID:     "inc",
		PageID: "",
		Name:   "Elevated API errors (resolved)",
		Status: watchfire.IncidentResolved,
		Impact: watchfire.ImpactMinor,
		Components: []watchfire.AffectedComponent{
			{ComponentID: "cache", Name: "Cache", NewStatus: watchfire.StatusOperational},
			{ComponentID: "api", Name: "API", NewStatus: watchfire.StatusOperational},
		},
		StartedAt:    at(-3),
		MonitoringAt: nil,
		ResolvedAt:   ptr(at(40)),
		CreatedAt:    at(0),
		UpdatedAt:    at(40),
	}
	mustUpdate(t, s, func(tx store.Tx) error { return tx.UpdateIncident(ctx, changed) })

	latest := newUpdate("u-latest", "inc", "resolved", at(40), at(40))
	mustUpdate(t, s, func(tx store.Tx) error { return tx.AddIncidentUpdate(ctx, &latest) })

	want := *changed
	want.Updates = append([]watchfire.IncidentUpdate{latest}, wantUpdates...) // UpdateIncident kept them
	mustUpdate(t, s, func(tx store.Tx) error {
		got, err := tx.GetIncident(ctx, "inc")
		if err != nil {
			return err
		}
		assertEqual(t, "incident after UpdateIncident and AddIncidentUpdate", *got, want)
		return nil
	})

	// Clearing the components leaves none.
	changed.Components = nil
	mustUpdate(t, s, func(tx store.Tx) error { return tx.UpdateIncident(ctx, changed) })
	st := mustLoadState(t, s)
	if len(st.Incidents) != 1 || len(st.Incidents[0].Components) != 0 {
		t.Errorf("after UpdateIncident with no components: %+v", st.Incidents)
	}
}

func testMaintenanceRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	scheduled := newUpdate("m-u1", "mnt", "scheduled", at(0), at(0))
	started := newUpdate("m-u2", "mnt", "in_progress", at(60), at(60),
		watchfire.AffectedComponent{ComponentID: "db", Name: "Database", OldStatus: watchfire.StatusOperational,
			NewStatus: watchfire.StatusUnderMaintenance})
	m := &watchfire.Maintenance{
		ID:             "mnt",
		PageID:         "main",
		Name:           "Database upgrade",
		Status:         watchfire.MaintenanceInProgress,
		Components:     []string{"db", "api", "cache"},
		Updates:        []watchfire.IncidentUpdate{scheduled, started},
		ScheduledFor:   at(60),
		ScheduledUntil: at(180),
		StartedAt:      ptr(at(61)),
		CreatedAt:      at(0),
		UpdatedAt:      at(61),
	}
	want := *m
	want.Updates = []watchfire.IncidentUpdate{started, scheduled}

	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.CreateMaintenance(ctx, m); err != nil {
			return err
		}
		got, err := tx.GetMaintenance(ctx, "mnt")
		if err != nil {
			return err
		}
		assertEqual(t, "GetMaintenance", *got, want)
		return nil
	})
	st := mustLoadState(t, s)
	if len(st.Maintenances) != 1 {
		t.Fatalf("LoadState: %d maintenances, want 1", len(st.Maintenances))
	}
	assertEqual(t, "LoadState maintenance", st.Maintenances[0], want)

	// Complete it: fields and components are replaced, updates kept.
	completed := *m
	completed.Status = watchfire.MaintenanceCompleted
	completed.Components = []string{"cache", "db"}
	completed.Updates = nil
	completed.CompletedAt = ptr(at(150))
	completed.UpdatedAt = at(150)
	done := newUpdate("m-u3", "mnt", "completed", at(150), at(150))
	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.UpdateMaintenance(ctx, &completed); err != nil {
			return err
		}
		return tx.AddMaintenanceUpdate(ctx, &done)
	})
	want = completed
	want.Updates = []watchfire.IncidentUpdate{done, started, scheduled}
	st = mustLoadState(t, s)
	if len(st.Maintenances) != 1 {
		t.Fatalf("LoadState after completing: %d maintenances, want 1", len(st.Maintenances))
	}
	assertEqual(t, "completed maintenance", st.Maintenances[0], want)
}

// testLoadStateHistoryLimit checks that open incidents and unfinished
// maintenances are always loaded, however old, and that only the newest
// HistoryLimit closed ones are.
func testLoadStateHistoryLimit(t *testing.T, s store.Store) {
	ctx := t.Context()
	const extra = 5
	closed := []watchfire.IncidentStatus{watchfire.IncidentResolved, watchfire.IncidentPostmortem}
	open := []watchfire.IncidentStatus{watchfire.IncidentInvestigating, watchfire.IncidentIdentified,
		watchfire.IncidentMonitoring}
	unfinished := []watchfire.MaintenanceStatus{watchfire.MaintenanceScheduled, watchfire.MaintenanceInProgress,
		watchfire.MaintenanceVerifying}
	mustUpdate(t, s, func(tx store.Tx) error {
		for i := range store.HistoryLimit + extra {
			inc := newIncident(id("closed", i), closed[i%2], at(i))
			if err := tx.CreateIncident(ctx, inc); err != nil {
				return err
			}
			m := newMaintenance(id("completed", i), watchfire.MaintenanceCompleted, at(i))
			if err := tx.CreateMaintenance(ctx, m); err != nil {
				return err
			}
		}
		// Older than every closed one.
		for i, status := range open {
			if err := tx.CreateIncident(ctx, newIncident(id("open", i), status, at(-1000+i))); err != nil {
				return err
			}
		}
		for i, status := range unfinished {
			if err := tx.CreateMaintenance(ctx, newMaintenance(id("unfinished", i), status, at(-1000+i))); err != nil {
				return err
			}
		}
		return nil
	})

	st := mustLoadState(t, s)
	wantIncidents := append(ids("closed", extra, store.HistoryLimit+extra), ids("open", 0, len(open))...)
	wantMaintenances := append(ids("completed", extra, store.HistoryLimit+extra), ids("unfinished", 0, len(unfinished))...)
	assertEqual(t, "LoadState incident ids", incidentIDs(st.Incidents), wantIncidents)
	assertEqual(t, "LoadState maintenance ids", maintenanceIDs(st.Maintenances), wantMaintenances)

	mustUpdate(t, s, func(tx store.Tx) error {
		live, err := tx.LoadLive(ctx)
		if err != nil {
			return err
		}
		assertEqual(t, "LoadLive incident ids", incidentIDs(live.Incidents), ids("open", 0, len(open)))
		assertEqual(t, "LoadLive maintenance ids", maintenanceIDs(live.Maintenances), ids("unfinished", 0, len(unfinished)))
		return nil
	})
}

// id numbers objects so that their ids sort like their numbers.
func id(prefix string, n int) string { return fmt.Sprintf("%s-%04d", prefix, n) }

// ids returns the ids numbered from..to-1, newest (highest) first.
func ids(prefix string, from, to int) []string {
	var out []string
	for n := to - 1; n >= from; n-- {
		out = append(out, id(prefix, n))
	}
	return out
}

func incidentIDs(incs []watchfire.Incident) []string {
	var out []string
	for _, inc := range incs {
		out = append(out, inc.ID)
	}
	return out
}

func maintenanceIDs(ms []watchfire.Maintenance) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}
