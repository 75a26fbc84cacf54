package watchfire_test

import (
	"testing"

	"github.com/watchfire-status/watchfire"
)

func TestDeriveStatusPrecedence(t *testing.T) {
	open := func(status watchfire.ComponentStatus) watchfire.Incident {
		return watchfire.Incident{Status: watchfire.IncidentIdentified,
			Components: []watchfire.AffectedComponent{{ComponentID: "api", NewStatus: status}}}
	}
	closed := open(watchfire.StatusMajorOutage)
	closed.Status = watchfire.IncidentResolved
	active := watchfire.Maintenance{Status: watchfire.MaintenanceInProgress, Components: []string{"api"}}
	upcoming := watchfire.Maintenance{Status: watchfire.MaintenanceScheduled, Components: []string{"api"}}

	tests := []struct {
		name         string
		manual       watchfire.ComponentStatus
		monitor      watchfire.ComponentStatus
		incidents    []watchfire.Incident
		maintenances []watchfire.Maintenance
		want         watchfire.ComponentStatus
	}{
		{name: "nothing known is operational", want: watchfire.StatusOperational},
		{name: "monitor verdict", monitor: watchfire.StatusDegradedPerformance, want: watchfire.StatusDegradedPerformance},
		{name: "incident worse than monitor wins", monitor: watchfire.StatusDegradedPerformance,
			incidents: []watchfire.Incident{open(watchfire.StatusPartialOutage)}, want: watchfire.StatusPartialOutage},
		{name: "monitor worse than incident wins", monitor: watchfire.StatusMajorOutage,
			incidents: []watchfire.Incident{open(watchfire.StatusDegradedPerformance)}, want: watchfire.StatusMajorOutage},
		{name: "worst of several incidents", incidents: []watchfire.Incident{open(watchfire.StatusDegradedPerformance),
			open(watchfire.StatusMajorOutage), open(watchfire.StatusPartialOutage)}, want: watchfire.StatusMajorOutage},
		{name: "a resolved incident no longer counts", incidents: []watchfire.Incident{closed}, want: watchfire.StatusOperational},
		{name: "active maintenance overrides incidents and monitors", monitor: watchfire.StatusMajorOutage,
			incidents: []watchfire.Incident{open(watchfire.StatusMajorOutage)}, maintenances: []watchfire.Maintenance{active},
			want: watchfire.StatusUnderMaintenance},
		{name: "a scheduled maintenance does not count yet", maintenances: []watchfire.Maintenance{upcoming}, want: watchfire.StatusOperational},
		{name: "manual override beats everything", manual: watchfire.StatusOperational, monitor: watchfire.StatusMajorOutage,
			incidents: []watchfire.Incident{open(watchfire.StatusMajorOutage)}, maintenances: []watchfire.Maintenance{active},
			want: watchfire.StatusOperational},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := watchfire.Component{ID: "api", ManualStatus: tt.manual, MonitorStatus: tt.monitor}
			st := &watchfire.State{Components: []watchfire.Component{c}, Incidents: tt.incidents, Maintenances: tt.maintenances}
			if got := st.DeriveStatus(&c); got != tt.want {
				t.Fatalf("DeriveStatus = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPageIndicator(t *testing.T) {
	page := watchfire.Page{ID: "p", Components: []string{"api", "db"}}
	tests := []struct {
		name      string
		api, db   watchfire.ComponentStatus
		hidden    watchfire.ComponentStatus // a component the page does not show
		incident  watchfire.Impact
		want      watchfire.Indicator
		wantDescr string
	}{
		{"all fine", "operational", "operational", "major_outage", "", "none", "All Systems Operational"},
		{"degraded", "degraded_performance", "operational", "", "", "minor", "Partially Degraded Service"},
		{"partial", "partial_outage", "degraded_performance", "", "", "major", "Partial System Outage"},
		{"major", "major_outage", "operational", "", "", "critical", "Major System Outage"},
		{"maintenance", "under_maintenance", "operational", "", "", "maintenance", "Service Under Maintenance"},
		{"maintenance loses to an outage", "under_maintenance", "partial_outage", "", "", "major", "Partial System Outage"},
		{"an open incident's impact raises it", "operational", "operational", "", "critical", "critical", "Major System Outage"},
		{"minor incident, nothing degraded", "operational", "operational", "", "minor", "minor", "Minor Service Outage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &watchfire.State{Pages: []watchfire.Page{page}, Components: []watchfire.Component{
				{ID: "api", Status: tt.api}, {ID: "db", Status: tt.db}, {ID: "other", Status: tt.hidden},
			}}
			if tt.incident != "" {
				st.Incidents = []watchfire.Incident{{PageID: "p", Status: watchfire.IncidentInvestigating, Impact: tt.incident}}
			}
			ind, descr := st.PageIndicator(&page)
			if ind != tt.want || descr != tt.wantDescr {
				t.Fatalf("PageIndicator = %s %q, want %s %q", ind, descr, tt.want, tt.wantDescr)
			}
		})
	}
}

func TestPageComponentsAndIncidentsOnPage(t *testing.T) {
	st := &watchfire.State{
		Groups: []watchfire.Group{{ID: "core", Position: 1}, {ID: "infra", Position: 2}},
		Components: []watchfire.Component{
			{ID: "db", GroupID: "infra", Position: 1}, {ID: "api", GroupID: "core", Position: 2},
			{ID: "ws", GroupID: "core", Position: 1},
		},
	}
	all := watchfire.Page{ID: "public"}
	var got []string
	for _, c := range st.PageComponents(&all) {
		got = append(got, c.ID)
	}
	if want := "ws api db"; join(got) != want {
		t.Fatalf("PageComponents order = %q, want %q", join(got), want)
	}
	internal := watchfire.Page{ID: "internal", Components: []string{"db"}}
	inc := watchfire.Incident{PageID: "public", Components: []watchfire.AffectedComponent{{ComponentID: "api"}}}
	if st.IncidentOnPage(&internal, &inc) {
		t.Fatal("an incident on api shows on a page that only lists db")
	}
	inc.Components = append(inc.Components, watchfire.AffectedComponent{ComponentID: "db"})
	if !st.IncidentOnPage(&internal, &inc) {
		t.Fatal("an incident affecting db is missing from the page that lists db")
	}
}

func TestValidID(t *testing.T) {
	for id, want := range map[string]bool{
		"api": true, "api-gateway": true, "db_1": true, "9lives": true,
		"": false, "-api": false, "API": false, "a b": false, "é": false,
		"0123456789012345678901234567890123456789012345678901234567890123":  true,
		"01234567890123456789012345678901234567890123456789012345678901234": false,
	} {
		if got := watchfire.ValidID(id); got != want {
			t.Errorf("ValidID(%q) = %v, want %v", id, got, want)
		}
	}
}

func join(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}

func TestDependencyRollUp(t *testing.T) {
	st := &watchfire.State{
		DependsOn: map[string][]string{"api": {"db", "cache"}},
		Components: []watchfire.Component{
			{ID: "api"}, {ID: "db", Status: watchfire.StatusMajorOutage}, {ID: "cache", Status: watchfire.StatusOperational},
		},
	}
	api := st.Component("api")
	if got := st.DeriveStatus(api); got != watchfire.StatusDegradedPerformance {
		t.Fatalf("api with db down = %s, want degraded_performance", got)
	}
	if d := st.DependencyDown("api"); d == nil || d.ID != "db" {
		t.Fatalf("DependencyDown = %v, want db", d)
	}
	api.MonitorStatus = watchfire.StatusMajorOutage
	if got := st.DeriveStatus(api); got != watchfire.StatusMajorOutage {
		t.Fatalf("api's own major outage hidden by the roll-up: %s", got)
	}
	api.MonitorStatus = ""
	st.Component("db").Status = watchfire.StatusDegradedPerformance
	if got := st.DeriveStatus(api); got != watchfire.StatusOperational {
		t.Fatalf("a degraded dependency must not degrade dependents: %s", got)
	}
}
