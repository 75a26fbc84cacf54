package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// fullDependency sets every field, down to the report's maintenance
// updates, so that a round trip checks each column and each JSON key.
func fullDependency(id string) *watchfire.Dependency {
	resolved := upstreamIncident("inc-old", at(-120))
	resolved.Status = watchfire.IncidentResolved
	resolved.ResolvedAt = ptr(at(-60))
	resolved.Updates = nil
	return &watchfire.Dependency{
		ID:       id,
		Name:     "GitHub " + id,
		URL:      "https://www.githubstatus.com",
		Provider: "auto",
		Detected: "statuspage",
		Category: "Source control",
		Source:   watchfire.SourceConfig,
		Interval: 90 * time.Second,
		Affects: []watchfire.DependencyAffect{
			{ComponentID: "ci"},
			{ComponentID: "deploys", Upstream: "Actions / Runners"},
		},
		Report: &watchfire.UpstreamReport{
			Provider: "statuspage",
			Page: watchfire.UpstreamPage{ID: "kctbh9vrtdwd", Name: "GitHub", URL: "https://www.githubstatus.com",
				TimeZone: "Etc/UTC"},
			Indicator:   watchfire.IndicatorMajor,
			Description: "Partial System Outage",
			Components: []watchfire.UpstreamComponent{
				{ID: "8l4ygp009s5s", Name: "Git Operations", Status: watchfire.StatusOperational,
					VendorStatus: "operational"},
				{ID: "br0l2tvcx85d", Name: "Runners", Group: "Actions", Status: watchfire.StatusPartialOutage,
					VendorStatus: "partial_outage"},
				{Name: "Webhooks «EU» & <more>", Status: watchfire.StatusDegradedPerformance},
			},
			Incidents: []watchfire.UpstreamIncident{upstreamIncident("inc-open", at(-30)), resolved},
			Maintenances: []watchfire.UpstreamMaintenance{{
				ID:             "mnt-1",
				Name:           "Database failover",
				URL:            "https://www.githubstatus.com/incidents/mnt-1",
				Status:         watchfire.MaintenanceInProgress,
				Impact:         watchfire.ImpactMaintenance,
				ScheduledFor:   at(-10),
				ScheduledUntil: at(50),
				Components:     []string{"Git Operations"},
				Updates: []watchfire.UpstreamUpdate{
					{Status: "in_progress", Body: "Started.", At: at(-10)},
					{Status: "scheduled", Body: "We will fail over.", At: at(-1000)},
				},
			}},
			UpdatedAt: at(-5),
		},
		ReportHash: "sha256:4f0c1e",
		Health: watchfire.FetchHealth{
			LastAttemptAt: ptr(at(2)),
			LastSuccessAt: ptr(at(1)),
			LastErrorAt:   ptr(at(2)),
			LastError:     "HTTP 503 from https://www.githubstatus.com/api/v2/summary.json",
			Failures:      1,
		},
		CreatedAt: at(-1000),
		UpdatedAt: at(1),
	}
}

// plainDependency leaves the optional fields empty: no report yet, no
// health, no affects.
func plainDependency(id string) *watchfire.Dependency {
	return &watchfire.Dependency{
		ID:        id,
		Name:      "Vendor " + id,
		URL:       "https://status.example.com/" + id,
		Provider:  "auto",
		Source:    watchfire.SourceAPI,
		Interval:  time.Minute,
		CreatedAt: at(0),
		UpdatedAt: at(0),
	}
}

// upstreamIncident is an open incident with components and updates.
func upstreamIncident(id string, started time.Time) watchfire.UpstreamIncident {
	return watchfire.UpstreamIncident{
		ID:         id,
		Name:       "Incident " + id,
		URL:        "https://www.githubstatus.com/incidents/" + id,
		Status:     watchfire.IncidentIdentified,
		Impact:     watchfire.ImpactMajor,
		StartedAt:  started,
		UpdatedAt:  started.Add(20 * time.Minute),
		Components: []string{"Actions / Runners", "Webhooks «EU» & <more>"},
		Updates: []watchfire.UpstreamUpdate{
			{Status: "identified", Body: "Runners are **queued**.\nA fix is rolling out.", At: started.Add(20 * time.Minute)},
			{Status: "investigating", Body: "We are investigating.", At: started},
		},
	}
}

func mustDependency(t *testing.T, s store.Store, id string) *watchfire.Dependency {
	t.Helper()
	d, err := s.Dependency(t.Context(), id)
	if err != nil {
		t.Fatalf("Dependency(%q): %v", id, err)
	}
	return d
}

func mustDependencyIncidents(t *testing.T, s store.Store, dependencyID string, f store.DependencyIncidentFilter) []watchfire.UpstreamIncident {
	t.Helper()
	incs, err := s.DependencyIncidents(t.Context(), dependencyID, f)
	if err != nil {
		t.Fatalf("DependencyIncidents(%q, %+v): %v", dependencyID, f, err)
	}
	return incs
}

func upstreamIncidentIDs(incs []watchfire.UpstreamIncident) []string {
	out := make([]string, len(incs))
	for i := range incs {
		out[i] = incs[i].ID
	}
	return out
}

func testDependencyRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	full, plain := fullDependency("zeta"), plainDependency("alpha")
	// A report can be empty but present: it must not come back as nil.
	bare := plainDependency("mid")
	bare.Report = &watchfire.UpstreamReport{Provider: "feed"}
	deps := []*watchfire.Dependency{full, plain, bare}

	mustUpdate(t, s, func(tx store.Tx) error {
		for _, d := range deps {
			if err := tx.UpsertDependency(ctx, d); err != nil {
				return err
			}
			got, err := tx.GetDependency(ctx, d.ID)
			if err != nil {
				return err
			}
			assertEqual(t, "GetDependency in the writing transaction", *got, *d)
		}
		return nil
	})
	for _, d := range deps {
		assertEqual(t, "Dependency after commit", *mustDependency(t, s, d.ID), *d)
	}
	all, err := s.Dependencies(ctx)
	if err != nil {
		t.Fatalf("Dependencies: %v", err)
	}
	assertEqual(t, "Dependencies, by id", all, []watchfire.Dependency{*plain, *bare, *full})
}

func testDependencyUpsertReplaces(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUpdate(t, s, func(tx store.Tx) error { return tx.UpsertDependency(ctx, fullDependency("gh")) })

	// Every field changes, including to empty and nil; CreatedAt is kept.
	changed := &watchfire.Dependency{
		ID:        "gh",
		Name:      "GitHub.com",
		URL:       "https://githubstatus.com/",
		Provider:  "statuspage",
		Source:    watchfire.SourceAPI,
		Interval:  5 * time.Minute,
		Affects:   []watchfire.DependencyAffect{{ComponentID: "builds", Upstream: "Packages"}},
		Report:    &watchfire.UpstreamReport{Provider: "statuspage", Indicator: watchfire.IndicatorNone},
		CreatedAt: at(-5),
		UpdatedAt: at(30),
	}
	want := *changed
	want.CreatedAt = fullDependency("gh").CreatedAt
	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.UpsertDependency(ctx, changed); err != nil {
			return err
		}
		got, err := tx.GetDependency(ctx, "gh")
		if err != nil {
			return err
		}
		assertEqual(t, "GetDependency after replacing it", *got, want)
		return nil
	})
	assertEqual(t, "Dependency after replacing it", *mustDependency(t, s, "gh"), want)

	// A report goes back to none.
	changed.Report = nil
	want.Report = nil
	mustUpdate(t, s, func(tx store.Tx) error { return tx.UpsertDependency(ctx, changed) })
	assertEqual(t, "Dependency after dropping its report", *mustDependency(t, s, "gh"), want)
}

func testDependencyFetchHealth(t *testing.T, s store.Store) {
	ctx := t.Context()
	failing, recovering := plainDependency("failing"), fullDependency("recovering")
	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.UpsertDependency(ctx, failing); err != nil {
			return err
		}
		return tx.UpsertDependency(ctx, recovering)
	})

	if err := s.SaveFetchHealth(ctx, nil); err != nil {
		t.Errorf("SaveFetchHealth(nil): %v", err)
	}
	failing.Health = watchfire.FetchHealth{
		LastAttemptAt: ptr(at(20)),
		LastErrorAt:   ptr(at(20)),
		LastError:     "dial tcp: i/o timeout",
		Failures:      3,
	}
	// Clears the error: every health column changes, some to NULL.
	recovering.Health = watchfire.FetchHealth{LastAttemptAt: ptr(at(21)), LastSuccessAt: ptr(at(21))}
	err := s.SaveFetchHealth(ctx, map[string]watchfire.FetchHealth{
		"failing":    failing.Health,
		"recovering": recovering.Health,
		"removed":    {LastAttemptAt: ptr(at(22)), Failures: 1}, // skipped: no such dependency
	})
	if err != nil {
		t.Fatalf("SaveFetchHealth: %v", err)
	}
	// Only the health changed: report, hash and UpdatedAt are as written.
	all, err := s.Dependencies(ctx)
	if err != nil {
		t.Fatalf("Dependencies: %v", err)
	}
	assertEqual(t, "Dependencies after SaveFetchHealth", all, []watchfire.Dependency{*failing, *recovering})
}

func testDependencyDeleteCascades(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUpdate(t, s, func(tx store.Tx) error {
		for _, id := range []string{"gh", "other"} {
			if err := tx.UpsertDependency(ctx, plainDependency(id)); err != nil {
				return err
			}
		}
		// The same incident id under another dependency is another incident.
		err := tx.UpsertDependencyIncidents(ctx, "gh", []watchfire.UpstreamIncident{
			upstreamIncident("i1", at(0)), upstreamIncident("i2", at(10)),
		})
		if err != nil {
			return err
		}
		return tx.UpsertDependencyIncidents(ctx, "other", []watchfire.UpstreamIncident{upstreamIncident("i1", at(5))})
	})
	mustUpdate(t, s, func(tx store.Tx) error { return tx.DeleteDependency(ctx, "gh") })

	_, err := s.Dependency(ctx, "gh")
	assertCode(t, "Dependency after DeleteDependency", err, watchfire.ENOTFOUND)
	if incs := mustDependencyIncidents(t, s, "gh", store.DependencyIncidentFilter{}); len(incs) != 0 {
		t.Errorf("DependencyIncidents after DeleteDependency: %v, want none", upstreamIncidentIDs(incs))
	}
	assertEqual(t, "incidents of the other dependency", mustDependencyIncidents(t, s, "other", store.DependencyIncidentFilter{}),
		[]watchfire.UpstreamIncident{upstreamIncident("i1", at(5))})

	// Added again, it starts without the old incidents: they are gone, not hidden.
	mustUpdate(t, s, func(tx store.Tx) error { return tx.UpsertDependency(ctx, plainDependency("gh")) })
	if incs := mustDependencyIncidents(t, s, "gh", store.DependencyIncidentFilter{}); len(incs) != 0 {
		t.Errorf("DependencyIncidents of a dependency deleted and added again: %v, want none", upstreamIncidentIDs(incs))
	}
}

func testDependencyIncidents(t *testing.T, s store.Store) {
	ctx := t.Context()
	incident := func(id string, started int, status watchfire.IncidentStatus, impact watchfire.Impact) watchfire.UpstreamIncident {
		inc := upstreamIncident(id, at(started))
		inc.Status, inc.Impact = status, impact
		if status.Closed() {
			inc.ResolvedAt = ptr(at(started + 60))
		}
		return inc
	}
	i1 := incident("i1", 0, watchfire.IncidentResolved, watchfire.ImpactMinor)
	i2 := incident("i2", 10, watchfire.IncidentInvestigating, watchfire.ImpactMajor)
	i3 := incident("i3", 10, watchfire.IncidentPostmortem, watchfire.ImpactMajor) // ties with i2: id decides
	i4 := incident("i4", 20, watchfire.IncidentMonitoring, watchfire.ImpactMinor)
	i5 := incident("i5", 5, watchfire.IncidentIdentified, watchfire.ImpactCritical)
	mustUpdate(t, s, func(tx store.Tx) error {
		for _, id := range []string{"gh", "other"} {
			if err := tx.UpsertDependency(ctx, plainDependency(id)); err != nil {
				return err
			}
		}
		if err := tx.UpsertDependencyIncidents(ctx, "gh", []watchfire.UpstreamIncident{i1, i2, i3, i4, i5}); err != nil {
			return err
		}
		// Another dependency's incidents never show, even with the same id.
		return tx.UpsertDependencyIncidents(ctx, "other", []watchfire.UpstreamIncident{
			incident("i2", 30, watchfire.IncidentInvestigating, watchfire.ImpactCritical),
			incident("o1", 40, watchfire.IncidentInvestigating, watchfire.ImpactMajor),
		})
	})

	// i4 resolves: the upsert replaces the whole incident, and its status
	// column, which OpenOnly reads.
	i4.Status, i4.ResolvedAt, i4.UpdatedAt = watchfire.IncidentResolved, ptr(at(90)), at(90)
	i4.Updates = append([]watchfire.UpstreamUpdate{{Status: "resolved", Body: "Fixed.", At: at(90)}}, i4.Updates...)
	mustUpdate(t, s, func(tx store.Tx) error {
		return tx.UpsertDependencyIncidents(ctx, "gh", []watchfire.UpstreamIncident{i4})
	})

	assertEqual(t, "DependencyIncidents, newest first", mustDependencyIncidents(t, s, "gh", store.DependencyIncidentFilter{}),
		[]watchfire.UpstreamIncident{i4, i3, i2, i5, i1})
	tests := []struct {
		filter store.DependencyIncidentFilter
		want   []string
	}{
		{store.DependencyIncidentFilter{Impact: watchfire.ImpactMajor}, []string{"i3", "i2"}},
		{store.DependencyIncidentFilter{OpenOnly: true}, []string{"i2", "i5"}},
		{store.DependencyIncidentFilter{OpenOnly: true, Impact: watchfire.ImpactCritical}, []string{"i5"}},
		{store.DependencyIncidentFilter{Impact: watchfire.ImpactNone}, nil},
		{store.DependencyIncidentFilter{Limit: 2}, []string{"i4", "i3"}},
		{store.DependencyIncidentFilter{Limit: 1, Impact: watchfire.ImpactMinor}, []string{"i4"}},
		{store.DependencyIncidentFilter{Limit: -1}, []string{"i4", "i3", "i2", "i5", "i1"}},
	}
	for _, tt := range tests {
		got := upstreamIncidentIDs(mustDependencyIncidents(t, s, "gh", tt.filter))
		assertEqual(t, fmt.Sprintf("DependencyIncidents(%+v) ids", tt.filter), got, tt.want)
	}
	if incs := mustDependencyIncidents(t, s, "missing", store.DependencyIncidentFilter{}); len(incs) != 0 {
		t.Errorf("DependencyIncidents of an unknown dependency: %v, want none", upstreamIncidentIDs(incs))
	}
}

func testDependencyIncidentsDefaultLimit(t *testing.T, s store.Store) {
	ctx := t.Context()
	incs := make([]watchfire.UpstreamIncident, store.HistoryLimit+1)
	for i := range incs {
		incs[i] = upstreamIncident(id("i", i), at(i))
	}
	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.UpsertDependency(ctx, plainDependency("gh")); err != nil {
			return err
		}
		return tx.UpsertDependencyIncidents(ctx, "gh", incs)
	})
	for _, limit := range []int{0, -1} {
		got := mustDependencyIncidents(t, s, "gh", store.DependencyIncidentFilter{Limit: limit})
		if len(got) != store.HistoryLimit || got[0].ID != id("i", store.HistoryLimit) || got[len(got)-1].ID != id("i", 1) {
			t.Errorf("DependencyIncidents with limit %d: %d incidents; want the %d newest", limit, len(got), store.HistoryLimit)
		}
	}
}
