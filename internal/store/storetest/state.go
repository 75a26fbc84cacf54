package storetest

import (
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

func testPagesAndGroups(t *testing.T, s store.Store) {
	ctx := t.Context()
	page := &watchfire.Page{
		ID:         "internal",
		Name:       "Acme Internal",
		URL:        "https://status.acme.test/internal",
		TimeZone:   "Europe/Paris",
		Locale:     "fr",
		Host:       "status.acme.test",
		PathPrefix: "/internal",
		Components: []string{"db", "api", "cache"}, // not sorted: order is kept
		Position:   2,
		CreatedAt:  at(0),
		UpdatedAt:  at(1),
	}
	everything := &watchfire.Page{ID: "public", Name: "Acme Cloud", Position: 1, CreatedAt: at(0), UpdatedAt: at(0)}
	group := &watchfire.Group{ID: "core", Name: "Core Platform", Description: "What everything runs on",
		Position: 1, CreatedAt: at(0), UpdatedAt: at(1)}
	mustUpdate(t, s, func(tx store.Tx) error {
		for _, p := range []*watchfire.Page{page, everything} {
			if err := tx.UpsertPage(ctx, p); err != nil {
				return err
			}
		}
		return tx.UpsertGroup(ctx, group)
	})
	st := mustLoadState(t, s)
	assertEqual(t, "pages", st.Pages, []watchfire.Page{*everything, *page})
	assertEqual(t, "groups", st.Groups, []watchfire.Group{*group})

	// A second upsert replaces every field but keeps the creation time.
	changedPage := &watchfire.Page{ID: "internal", Name: "Internal", URL: "https://internal.acme.test",
		TimeZone: "UTC", Locale: "en", Host: "internal.acme.test", PathPrefix: "",
		Components: []string{"cache"}, Position: 0, CreatedAt: at(50), UpdatedAt: at(50)}
	changedGroup := &watchfire.Group{ID: "core", Name: "Core", Position: 4, CreatedAt: at(50), UpdatedAt: at(50)}
	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.UpsertPage(ctx, changedPage); err != nil {
			return err
		}
		return tx.UpsertGroup(ctx, changedGroup)
	})
	wantPage, wantGroup := *changedPage, *changedGroup
	wantPage.CreatedAt, wantGroup.CreatedAt = page.CreatedAt, group.CreatedAt
	st = mustLoadState(t, s)
	assertEqual(t, "pages after a second upsert", st.Pages, []watchfire.Page{wantPage, *everything})
	assertEqual(t, "groups after a second upsert", st.Groups, []watchfire.Group{wantGroup})
}

func testLoadStateOrder(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUpdate(t, s, func(tx store.Tx) error {
		for _, p := range []*watchfire.Page{
			{ID: "c", Name: "C", Position: 2}, {ID: "b", Name: "B", Position: 1}, {ID: "a", Name: "A", Position: 1},
		} {
			if err := tx.UpsertPage(ctx, p); err != nil {
				return err
			}
		}
		for _, g := range []*watchfire.Group{
			{ID: "g1", Name: "Zeta", Position: 1}, {ID: "g2", Name: "Alpha", Position: 1}, {ID: "g3", Name: "Mid", Position: 0},
		} {
			if err := tx.UpsertGroup(ctx, g); err != nil {
				return err
			}
		}
		for _, c := range []*watchfire.Component{
			plainComponent("c1", "Zeta", 1), plainComponent("c2", "Alpha", 1), plainComponent("c3", "Mid", 0),
		} {
			if err := tx.CreateComponent(ctx, c); err != nil {
				return err
			}
		}
		for _, inc := range []*watchfire.Incident{
			newIncident("old-open", watchfire.IncidentInvestigating, at(0)),
			newIncident("new-closed", watchfire.IncidentResolved, at(30)),
			newIncident("tie-a", watchfire.IncidentIdentified, at(10)),
			newIncident("tie-b", watchfire.IncidentPostmortem, at(10)),
		} {
			if err := tx.CreateIncident(ctx, inc); err != nil {
				return err
			}
		}
		for _, m := range []*watchfire.Maintenance{
			newMaintenance("next-week", watchfire.MaintenanceScheduled, at(7*24*60)),
			newMaintenance("last-week", watchfire.MaintenanceCompleted, at(-7*24*60)),
			newMaintenance("now", watchfire.MaintenanceInProgress, at(0)),
		} {
			if err := tx.CreateMaintenance(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})

	st := mustLoadState(t, s)
	var pages, groups, components []string
	for _, p := range st.Pages {
		pages = append(pages, p.ID)
	}
	for _, g := range st.Groups {
		groups = append(groups, g.ID)
	}
	for _, c := range st.Components {
		components = append(components, c.ID)
	}
	tests := []struct {
		what      string
		got, want []string
	}{
		{"pages by position, then id", pages, []string{"a", "b", "c"}},
		{"groups by position, then name", groups, []string{"g3", "g2", "g1"}},
		{"components by position, then name", components, []string{"c3", "c2", "c1"}},
		{"incidents newest first, then by id descending", incidentIDs(st.Incidents),
			[]string{"new-closed", "tie-b", "tie-a", "old-open"}},
		{"maintenances by scheduled time, latest first", maintenanceIDs(st.Maintenances),
			[]string{"next-week", "now", "last-week"}},
	}
	for _, tt := range tests {
		assertEqual(t, tt.what, tt.got, tt.want)
	}
}

func testLastEvent(t *testing.T, s store.Store) {
	ctx := t.Context()
	var last *watchfire.Event
	for i := range 3 {
		last = newEvent(at(i), watchfire.SourceAPI, "", "")
		mustUpdate(t, s, func(tx store.Tx) error { return tx.AppendEvent(ctx, last) })
	}
	st := mustLoadState(t, s)
	if st.LastEventID != last.ID {
		t.Errorf("LastEventID = %d, want %d", st.LastEventID, last.ID)
	}
	assertEqual(t, "UpdatedAt (received_at of the last event)", st.UpdatedAt, last.ReceivedAt)
}

// testTimesAreUTC writes every kind of timestamp in a non-UTC zone and
// checks that all of them come back in UTC, at the same instant.
func testTimesAreUTC(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUpdate(t, s, func(tx store.Tx) error {
		if err := writeOneOfEach(ctx, tx); err != nil {
			return err
		}
		return tx.CreateIncident(ctx, newIncident("closed", watchfire.IncidentResolved, at(3)))
	})
	if err := s.TouchToken(ctx, "tok", at(9)); err != nil {
		t.Fatal(err)
	}
	st := mustLoadState(t, s)
	assertUTC(t, "LoadState", st)
	assertEqual(t, "component StartDate", st.Component("api").StartDate, fullComponent("api").StartDate)
	assertEqual(t, "incident ResolvedAt", st.Incident("closed").ResolvedAt, ptr(at(3).Add(time.Hour)))

	assertUTC(t, "Events", mustEvents(t, s, watchfire.EventFilter{}))
	tok, err := s.TokenByHash(ctx, "hash-deploy")
	if err != nil {
		t.Fatal(err)
	}
	assertUTC(t, "token", tok)
	assertEqual(t, "token LastUsedAt", tok.LastUsedAt, ptr(at(9)))
}
