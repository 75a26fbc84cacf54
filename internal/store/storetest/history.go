package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// The tests in this file cover Store.IncidentsBetween,
// MaintenancesBetween and FirstIncidentAt: the reads behind a history
// page paginated by month.

// The month the history tests read: [monthStart, monthEnd).
var (
	monthStart = time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	monthEnd   = time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
)

// historyPages returns a page listing two components, one listing another,
// and one listing none, which shows every component.
func historyPages() []watchfire.Page {
	return []watchfire.Page{
		{ID: "main", Name: "Main", Components: []string{"api", "db"}, Position: 1, CreatedAt: at(0), UpdatedAt: at(0)},
		{ID: "internal", Name: "Internal", Components: []string{"cache"}, Position: 2, CreatedAt: at(0), UpdatedAt: at(0)},
		{ID: "all", Name: "Everything", Position: 3, CreatedAt: at(0), UpdatedAt: at(0)},
	}
}

// historyIncident is an incident created at created (written in a non-UTC
// zone), filed on pageID, affecting components, with two updates written
// oldest first.
func historyIncident(id, pageID string, created time.Time, components ...string) *watchfire.Incident {
	inc := newIncident(id, watchfire.IncidentResolved, created.In(zone))
	inc.PageID = pageID
	inc.Impact = watchfire.ImpactMajor
	var affected []watchfire.AffectedComponent
	for _, c := range components {
		ac := watchfire.AffectedComponent{ComponentID: c, Name: "Component " + c, NewStatus: watchfire.StatusPartialOutage}
		inc.Components = append(inc.Components, ac)
		affected = append(affected, watchfire.AffectedComponent{ComponentID: c, Name: "Component " + c,
			OldStatus: watchfire.StatusOperational, NewStatus: watchfire.StatusPartialOutage})
	}
	first := newUpdate(id+"-u1", id, "investigating", created.In(zone), created.In(zone), affected...)
	last := newUpdate(id+"-u2", id, "resolved", created.Add(30*time.Minute).In(zone), created.Add(30*time.Minute).In(zone))
	inc.Updates = []watchfire.IncidentUpdate{first, last}
	return inc
}

// historyMaintenance is historyIncident for maintenances, scheduled to
// start at scheduledFor.
func historyMaintenance(id, pageID string, scheduledFor time.Time, components ...string) *watchfire.Maintenance {
	m := newMaintenance(id, watchfire.MaintenanceCompleted, scheduledFor.In(zone))
	m.PageID = pageID
	m.Components = components
	first := newUpdate(id+"-u1", id, "scheduled", scheduledFor.Add(-24*time.Hour).In(zone), scheduledFor.Add(-24*time.Hour))
	last := newUpdate(id+"-u2", id, "completed", scheduledFor.Add(2*time.Hour), scheduledFor.Add(2*time.Hour).In(zone))
	m.Updates = []watchfire.IncidentUpdate{first, last}
	return m
}

// newestFirst returns the updates, written oldest first, in the order the
// store returns them.
func newestFirst(updates []watchfire.IncidentUpdate) []watchfire.IncidentUpdate {
	out := slices.Clone(updates)
	slices.Reverse(out)
	return out
}

func writePages(t *testing.T, s store.Store, pages []watchfire.Page) {
	t.Helper()
	ctx := t.Context()
	mustUpdate(t, s, func(tx store.Tx) error {
		for i := range pages {
			if err := tx.UpsertPage(ctx, &pages[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// testIncidentsBetween checks the range bounds (from inclusive, to
// exclusive), the order, the limit, the page filter, and that each
// incident comes back whole, as Incident reads it.
func testIncidentsBetween(t *testing.T, s store.Store) {
	ctx := t.Context()
	pages := historyPages()
	writePages(t, s, pages)

	var written []*watchfire.Incident
	add := func(id, pageID string, created time.Time, components ...string) *watchfire.Incident {
		inc := historyIncident(id, pageID, created, components...)
		written = append(written, inc)
		return inc
	}
	add("before", "main", monthStart.Add(-time.Microsecond))
	add("at-start", "main", monthStart)
	add("orphan", "", monthStart.Add(time.Hour)) // no page, no component: on no page
	add("removed", "", monthStart.Add(5*24*time.Hour), "removed")
	add("mid", "internal", monthStart.Add(10*24*time.Hour), "api")
	add("tie-a", "main", monthStart.Add(20*24*time.Hour))
	add("tie-b", "main", monthStart.Add(20*24*time.Hour))
	add("lost", "gone", monthStart.Add(21*24*time.Hour)) // filed on a page that has no row
	open := add("via-db", "", monthEnd.Add(-time.Microsecond), "db")
	open.Status, open.ResolvedAt = watchfire.IncidentInvestigating, nil // open incidents are history too
	add("at-end", "main", monthEnd)
	want := map[string]watchfire.Incident{}
	for _, inc := range written {
		w := *inc
		w.Updates = newestFirst(inc.Updates)
		want[inc.ID] = w
	}

	mustUpdate(t, s, func(tx store.Tx) error {
		for _, inc := range written {
			if err := tx.CreateIncident(ctx, inc); err != nil {
				return err
			}
		}
		return nil
	})

	inMonth := []string{"via-db", "lost", "tie-b", "tie-a", "mid", "removed", "orphan", "at-start"}
	tests := []struct {
		name   string
		pageID string
		from   time.Time
		to     time.Time
		limit  int
		want   []string
	}{
		{"every page", "", monthStart, monthEnd, 0, inMonth},
		{"bounds in another zone", "", monthStart.In(zone), monthEnd.In(zone), 0, inMonth},
		{"negative limit", "", monthStart, monthEnd, -1, inMonth},
		{"limit", "", monthStart, monthEnd, 3, []string{"via-db", "lost", "tie-b"}},
		{"limit above the count", "", monthStart, monthEnd, 100, inMonth},
		// PageID main, or a component main shows (mid is filed on
		// internal but affects api; via-db has no PageID).
		{"page listing components", "main", monthStart, monthEnd, 0, []string{"via-db", "tie-b", "tie-a", "mid", "at-start"}},
		{"page listing components, limit", "main", monthStart, monthEnd, 2, []string{"via-db", "tie-b"}},
		{"page by PageID only", "internal", monthStart, monthEnd, 0, []string{"mid"}},
		// Every incident affecting a component, even one no page lists.
		{"page showing every component", "all", monthStart, monthEnd, 0, []string{"via-db", "mid", "removed"}},
		{"unknown page matches by PageID", "gone", monthStart, monthEnd, 0, []string{"lost"}},
		{"unknown page without incidents", "nobody", monthStart, monthEnd, 0, nil},
		{"from is inclusive", "", monthStart, monthStart.Add(time.Microsecond), 0, []string{"at-start"}},
		{"to is exclusive", "", monthEnd.Add(-time.Microsecond), monthEnd, 0, []string{"via-db"}},
		{"next month starts at to", "", monthEnd, monthEnd.AddDate(0, 1, 0), 0, []string{"at-end"}},
		{"previous month ends before from", "", monthStart.AddDate(0, -1, 0), monthStart, 0, []string{"before"}},
		{"empty range", "", monthStart, monthStart, 0, nil},
		{"reversed range", "", monthEnd, monthStart, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.IncidentsBetween(ctx, tt.pageID, tt.from, tt.to, tt.limit)
			if err != nil {
				t.Fatalf("IncidentsBetween(%q, %s, %s, %d): %v", tt.pageID, tt.from, tt.to, tt.limit, err)
			}
			assertEqual(t, "incident ids", incidentIDs(got), tt.want)
			for _, inc := range got {
				assertEqual(t, "incident "+inc.ID, inc, want[inc.ID])
				one, err := s.Incident(ctx, inc.ID)
				if err != nil {
					t.Fatalf("Incident(%q): %v", inc.ID, err)
				}
				assertEqual(t, "incident "+inc.ID+" against Incident", inc, *one)
			}
		})
	}

	// The expectations above follow State.IncidentOnPage; check that they
	// still do, should the domain rule change.
	st := &watchfire.State{Pages: pages}
	for _, p := range pages {
		var onPage []string
		for _, id := range inMonth {
			if inc := want[id]; st.IncidentOnPage(&p, &inc) {
				onPage = append(onPage, id)
			}
		}
		got, err := s.IncidentsBetween(ctx, p.ID, monthStart, monthEnd, 0)
		if err != nil {
			t.Fatalf("IncidentsBetween(%q): %v", p.ID, err)
		}
		assertEqual(t, "IncidentsBetween on page "+p.ID+" against State.IncidentOnPage", incidentIDs(got), onPage)
	}
}

// testMaintenancesBetween is testIncidentsBetween for maintenances, which
// fall in a range by their scheduled start.
func testMaintenancesBetween(t *testing.T, s store.Store) {
	ctx := t.Context()
	pages := historyPages()
	writePages(t, s, pages)

	var written []*watchfire.Maintenance
	add := func(id, pageID string, scheduledFor time.Time, components ...string) {
		written = append(written, historyMaintenance(id, pageID, scheduledFor, components...))
	}
	add("before", "main", monthStart.Add(-time.Microsecond))
	add("at-start", "main", monthStart)
	add("via-cache", "", monthStart.Add(3*24*time.Hour), "cache")
	add("orphan", "", monthStart.Add(4*24*time.Hour))
	add("mid", "internal", monthStart.Add(10*24*time.Hour), "db", "api")
	add("tie-a", "", monthStart.Add(20*24*time.Hour), "api")
	add("tie-b", "", monthStart.Add(20*24*time.Hour), "api")
	add("last", "main", monthEnd.Add(-time.Microsecond))
	add("at-end", "main", monthEnd)
	want := map[string]watchfire.Maintenance{}
	for _, m := range written {
		w := *m
		w.Updates = newestFirst(m.Updates)
		want[m.ID] = w
	}
	mustUpdate(t, s, func(tx store.Tx) error {
		for _, m := range written {
			if err := tx.CreateMaintenance(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})

	inMonth := []string{"last", "tie-b", "tie-a", "mid", "orphan", "via-cache", "at-start"}
	tests := []struct {
		name   string
		pageID string
		from   time.Time
		to     time.Time
		limit  int
		want   []string
	}{
		{"every page", "", monthStart, monthEnd, 0, inMonth},
		{"bounds in another zone", "", monthStart.In(zone), monthEnd.In(zone), -3, inMonth},
		{"limit", "", monthStart, monthEnd, 1, []string{"last"}},
		{"page listing components", "main", monthStart, monthEnd, 0, []string{"last", "tie-b", "tie-a", "mid", "at-start"}},
		{"page listing components, limit", "main", monthStart, monthEnd, 3, []string{"last", "tie-b", "tie-a"}},
		{"page by PageID and by component", "internal", monthStart, monthEnd, 0, []string{"mid", "via-cache"}},
		{"page showing every component", "all", monthStart, monthEnd, 0, []string{"tie-b", "tie-a", "mid", "via-cache"}},
		{"unknown page", "nobody", monthStart, monthEnd, 0, nil},
		{"from is inclusive", "", monthStart, monthStart.Add(time.Microsecond), 0, []string{"at-start"}},
		{"to is exclusive", "", monthEnd.Add(-time.Microsecond), monthEnd, 0, []string{"last"}},
		{"next month starts at to", "", monthEnd, monthEnd.AddDate(0, 1, 0), 0, []string{"at-end"}},
		{"previous month ends before from", "", monthStart.AddDate(0, -1, 0), monthStart, 0, []string{"before"}},
		{"empty range", "", monthStart, monthStart, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.MaintenancesBetween(ctx, tt.pageID, tt.from, tt.to, tt.limit)
			if err != nil {
				t.Fatalf("MaintenancesBetween(%q, %s, %s, %d): %v", tt.pageID, tt.from, tt.to, tt.limit, err)
			}
			assertEqual(t, "maintenance ids", maintenanceIDs(got), tt.want)
			for _, m := range got {
				assertEqual(t, "maintenance "+m.ID, m, want[m.ID])
				one, err := s.Maintenance(ctx, m.ID)
				if err != nil {
					t.Fatalf("Maintenance(%q): %v", m.ID, err)
				}
				assertEqual(t, "maintenance "+m.ID+" against Maintenance", m, *one)
			}
		})
	}

	st := &watchfire.State{Pages: pages}
	for _, p := range pages {
		var onPage []string
		for _, id := range inMonth {
			if m := want[id]; st.MaintenanceOnPage(&p, &m) {
				onPage = append(onPage, id)
			}
		}
		got, err := s.MaintenancesBetween(ctx, p.ID, monthStart, monthEnd, 0)
		if err != nil {
			t.Fatalf("MaintenancesBetween(%q): %v", p.ID, err)
		}
		assertEqual(t, "MaintenancesBetween on page "+p.ID+" against State.MaintenanceOnPage", maintenanceIDs(got), onPage)
	}
}

// testHistoryDefaultLimit checks that a limit of 0 or less returns
// HistoryLimit objects, the newest, and that a larger limit returns more:
// the range reads are not capped by LoadState's window.
func testHistoryDefaultLimit(t *testing.T, s store.Store) {
	ctx := t.Context()
	const n = store.HistoryLimit + 5
	mustUpdate(t, s, func(tx store.Tx) error {
		for i := range n {
			created := monthStart.Add(time.Duration(i) * time.Minute)
			if err := tx.CreateIncident(ctx, newIncident(id("inc", i), watchfire.IncidentResolved, created)); err != nil {
				return err
			}
			if err := tx.CreateMaintenance(ctx, newMaintenance(id("mnt", i), watchfire.MaintenanceCompleted, created)); err != nil {
				return err
			}
		}
		return nil
	})
	for _, limit := range []int{0, -1} {
		incs, err := s.IncidentsBetween(ctx, "", monthStart, monthEnd, limit)
		if err != nil {
			t.Fatalf("IncidentsBetween(limit %d): %v", limit, err)
		}
		assertEqual(t, "IncidentsBetween with the default limit", incidentIDs(incs), ids("inc", n-store.HistoryLimit, n))
		ms, err := s.MaintenancesBetween(ctx, "", monthStart, monthEnd, limit)
		if err != nil {
			t.Fatalf("MaintenancesBetween(limit %d): %v", limit, err)
		}
		assertEqual(t, "MaintenancesBetween with the default limit", maintenanceIDs(ms), ids("mnt", n-store.HistoryLimit, n))
	}
	incs, err := s.IncidentsBetween(ctx, "", monthStart, monthEnd, n+1)
	if err != nil {
		t.Fatal(err)
	}
	assertEqual(t, "IncidentsBetween above HistoryLimit", incidentIDs(incs), ids("inc", 0, n))
	ms, err := s.MaintenancesBetween(ctx, "", monthStart, monthEnd, n+1)
	if err != nil {
		t.Fatal(err)
	}
	assertEqual(t, "MaintenancesBetween above HistoryLimit", maintenanceIDs(ms), ids("mnt", 0, n))
}

// testFirstIncidentAt checks the oldest creation time, on every page and
// on one, and the zero time when there is no incident.
func testFirstIncidentAt(t *testing.T, s store.Store) {
	ctx := t.Context()
	first := func(pageID string) time.Time {
		t.Helper()
		got, err := s.FirstIncidentAt(ctx, pageID)
		if err != nil {
			t.Fatalf("FirstIncidentAt(%q): %v", pageID, err)
		}
		return got
	}
	for _, pageID := range []string{"", "main"} {
		if got := first(pageID); !got.IsZero() {
			t.Errorf("FirstIncidentAt(%q) with no incident = %s, want the zero time", pageID, showTime(got))
		}
	}

	pages := historyPages()
	writePages(t, s, pages)
	var written []*watchfire.Incident
	add := func(id, pageID string, created time.Time, components ...string) {
		written = append(written, historyIncident(id, pageID, created, components...))
	}
	// at(0) has nanoseconds: the result is compared to the microsecond.
	oldest := at(0).AddDate(-2, 0, 0)
	add("newest", "main", monthStart)
	add("oldest", "", oldest)                                            // on no page
	add("via-api", "internal", monthStart.AddDate(0, -3, 0), "api")      // on main by component
	add("main-only", "main", monthStart.AddDate(0, -2, 0))               // on main by PageID
	add("removed", "", monthStart.AddDate(-1, 0, 0).Add(time.Hour), "x") // on all only
	mustUpdate(t, s, func(tx store.Tx) error {
		for _, inc := range written {
			if err := tx.CreateIncident(ctx, inc); err != nil {
				return err
			}
		}
		return nil
	})

	tests := []struct {
		pageID string
		want   time.Time
	}{
		{"", oldest},
		{"main", monthStart.AddDate(0, -3, 0)},
		{"internal", monthStart.AddDate(0, -3, 0)},
		{"all", monthStart.AddDate(-1, 0, 0).Add(time.Hour)},
	}
	for _, tt := range tests {
		got := first(tt.pageID)
		assertEqual(t, "FirstIncidentAt("+tt.pageID+")", got, tt.want)
		// The oldest incident on the page is where pagination ends.
		incs, err := s.IncidentsBetween(ctx, tt.pageID, time.Time{}, got, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(incs) != 0 {
			t.Errorf("IncidentsBetween(%q) before FirstIncidentAt: %v, want none", tt.pageID, incidentIDs(incs))
		}
		incs, err = s.IncidentsBetween(ctx, tt.pageID, got, got.Add(time.Microsecond), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(incs) != 1 {
			t.Errorf("IncidentsBetween(%q) at FirstIncidentAt: %v, want one", tt.pageID, incidentIDs(incs))
		}
	}
	if got := first("nobody"); !got.IsZero() {
		t.Errorf("FirstIncidentAt on a page without incidents = %s, want the zero time", showTime(got))
	}
}
