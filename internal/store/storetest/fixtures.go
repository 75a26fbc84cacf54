package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// zone is deliberately not UTC: the store must convert on write.
var zone = time.FixedZone("UTC+5", 5*60*60)

// at returns a fixed instant plus minutes. Its nanoseconds are below
// PostgreSQL's precision, which the comparisons allow for.
func at(minutes int) time.Time {
	return time.Date(2025, 11, 3, 14, 32, 7, 123456789, zone).Add(time.Duration(minutes) * time.Minute)
}

func ptr[T any](v T) *T { return &v }

// mustUpdate runs fn in a transaction and fails the test on error.
func mustUpdate(t *testing.T, s store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func mustLoadState(t *testing.T, s store.Store) *watchfire.State {
	t.Helper()
	st, err := s.LoadState(t.Context())
	if err != nil {
		t.Fatalf("LoadState: %v", err)
	}
	return st
}

func mustEvents(t *testing.T, s store.Store, filter watchfire.EventFilter) []watchfire.Event {
	t.Helper()
	events, err := s.Events(t.Context(), filter)
	if err != nil {
		t.Fatalf("Events(%+v): %v", filter, err)
	}
	return events
}

// assertCode checks the domain error code of err.
func assertCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := watchfire.ErrorCode(err); got != code {
		t.Errorf("%s: error code %q (%v), want %q", what, got, err, code)
	}
}

// fullComponent sets every field, so that a round trip checks each column.
func fullComponent(id string) *watchfire.Component {
	return &watchfire.Component{
		ID:                 id,
		GroupID:            "core",
		Name:               "Component " + id,
		Description:        "Public REST API, «quoted» & 'escaped'",
		Position:           3,
		Status:             watchfire.StatusPartialOutage,
		ManualStatus:       watchfire.StatusDegradedPerformance,
		MonitorStatus:      watchfire.StatusMajorOutage,
		UpstreamStatus:     watchfire.StatusDegradedPerformance,
		UpstreamReason:     "Degraded: upstream GitHub Actions partial outage",
		Showcase:           true,
		OnlyShowIfDegraded: true,
		StartDate:          ptr(time.Date(2021, 3, 1, 0, 0, 0, 0, zone)),
		CreatedAt:          at(0),
		UpdatedAt:          at(1),
	}
}

// plainComponent leaves the optional fields empty.
func plainComponent(id, name string, position int) *watchfire.Component {
	return &watchfire.Component{
		ID:        id,
		Name:      name,
		Position:  position,
		Status:    watchfire.StatusOperational,
		CreatedAt: at(0),
		UpdatedAt: at(0),
	}
}

func newIncident(id string, status watchfire.IncidentStatus, created time.Time) *watchfire.Incident {
	inc := &watchfire.Incident{
		ID:        id,
		Name:      "Incident " + id,
		Status:    status,
		Impact:    watchfire.ImpactMinor,
		StartedAt: created,
		CreatedAt: created,
		UpdatedAt: created,
	}
	if status.Closed() {
		inc.ResolvedAt = ptr(created.Add(time.Hour))
	}
	return inc
}

func newMaintenance(id string, status watchfire.MaintenanceStatus, scheduledFor time.Time) *watchfire.Maintenance {
	return &watchfire.Maintenance{
		ID:             id,
		Name:           "Maintenance " + id,
		Status:         status,
		ScheduledFor:   scheduledFor,
		ScheduledUntil: scheduledFor.Add(2 * time.Hour),
		CreatedAt:      at(0),
		UpdatedAt:      at(0),
	}
}

func newUpdate(id, ownerID, status string, displayAt, createdAt time.Time, affected ...watchfire.AffectedComponent) watchfire.IncidentUpdate {
	return watchfire.IncidentUpdate{
		ID:                 id,
		IncidentID:         ownerID,
		Status:             status,
		Body:               "Update **" + id + "**",
		AffectedComponents: affected,
		DisplayAt:          displayAt,
		CreatedAt:          createdAt,
		UpdatedAt:          createdAt,
	}
}

func newEvent(received time.Time, source watchfire.EventSource, provider, pageID string) *watchfire.Event {
	return &watchfire.Event{
		ReceivedAt: received,
		OccurredAt: received.Add(-time.Minute),
		Source:     source,
		Provider:   provider,
		PageID:     pageID,
		Kind:       watchfire.KindComponentStatusChanged,
		Message:    fmt.Sprintf("%s event from %q", source, provider),
	}
}

func newToken(id, name, hash string) *watchfire.Token {
	return &watchfire.Token{ID: id, Name: name, Hash: hash, CreatedAt: at(0)}
}

// writeOneOfEach writes one object of every kind, for the tests that check
// a transaction left nothing behind.
func writeOneOfEach(ctx context.Context, tx store.Tx) error {
	inc := newIncident("inc", watchfire.IncidentInvestigating, at(0))
	inc.Updates = []watchfire.IncidentUpdate{newUpdate("inc-u1", "inc", "investigating", at(0), at(0))}
	m := newMaintenance("mnt", watchfire.MaintenanceScheduled, at(60))
	m.Components = []string{"api"}
	for _, write := range []func() error{
		func() error { return tx.UpsertPage(ctx, &watchfire.Page{ID: "main", Name: "Main", CreatedAt: at(0)}) },
		func() error { return tx.UpsertGroup(ctx, &watchfire.Group{ID: "core", Name: "Core", CreatedAt: at(0)}) },
		func() error { return tx.CreateComponent(ctx, fullComponent("api")) },
		func() error { return tx.CreateIncident(ctx, inc) },
		func() error { return tx.CreateMaintenance(ctx, m) },
		func() error { return tx.AppendEvent(ctx, newEvent(at(0), watchfire.SourceAPI, "", "main")) },
		func() error { return tx.CreateToken(ctx, newToken("tok", "deploy", "hash-deploy")) },
		func() error { return tx.UpsertDependency(ctx, fullDependency("github")) },
		func() error {
			return tx.UpsertDependencyIncidents(ctx, "github", []watchfire.UpstreamIncident{upstreamIncident("gh-1", at(0))})
		},
	} {
		if err := write(); err != nil {
			return err
		}
	}
	return nil
}

// assertNothingWritten checks that writeOneOfEach's writes are absent.
func assertNothingWritten(t *testing.T, s store.Store) {
	t.Helper()
	st := mustLoadState(t, s)
	if n := len(st.Pages) + len(st.Groups) + len(st.Components) + len(st.Incidents) + len(st.Maintenances); n != 0 {
		t.Errorf("LoadState after rollback: %d pages, %d groups, %d components, %d incidents, %d maintenances; want none",
			len(st.Pages), len(st.Groups), len(st.Components), len(st.Incidents), len(st.Maintenances))
	}
	if st.LastEventID != 0 {
		t.Errorf("LastEventID after rollback = %d, want 0", st.LastEventID)
	}
	if events := mustEvents(t, s, watchfire.EventFilter{}); len(events) != 0 {
		t.Errorf("Events after rollback: %d, want none", len(events))
	}
	_, err := s.TokenByHash(t.Context(), "hash-deploy")
	assertCode(t, "TokenByHash after rollback", err, watchfire.ENOTFOUND)
	if deps, err := s.Dependencies(t.Context()); err != nil || len(deps) != 0 {
		t.Errorf("Dependencies after rollback = %d dependencies, %v; want none", len(deps), err)
	}
	incs, err := s.DependencyIncidents(t.Context(), "github", store.DependencyIncidentFilter{})
	if err != nil || len(incs) != 0 {
		t.Errorf("DependencyIncidents after rollback = %d incidents, %v; want none", len(incs), err)
	}
}
