package atlassian

import (
	"testing"

	"github.com/watchfire-status/watchfire"
)

// Every value Statuspage documents maps to a valid Watchfire value, and
// the tables are the identity (Watchfire took Statuspage's vocabulary).
func TestMappingTables(t *testing.T) {
	for v, s := range componentStatuses {
		if !s.Valid() || string(s) != v || ComponentStatus(v) != s {
			t.Errorf("component status %q -> %q", v, s)
		}
	}
	if len(componentStatuses) != len(watchfire.ComponentStatuses) {
		t.Errorf("%d component statuses mapped, Watchfire has %d", len(componentStatuses), len(watchfire.ComponentStatuses))
	}
	for v, i := range indicators {
		if string(i) != v || Indicator(v) != i {
			t.Errorf("indicator %q -> %q", v, i)
		}
	}
	for v, s := range incidentStatuses {
		if !s.Valid() || string(s) != v || IncidentStatus(v) != s {
			t.Errorf("incident status %q -> %q", v, s)
		}
	}
	for v, i := range impacts {
		if !i.Valid() || string(i) != v || Impact(v) != i {
			t.Errorf("impact %q -> %q", v, i)
		}
	}
	for v, s := range maintenanceStatuses {
		if !s.Valid() || string(s) != v || MaintenanceStatus(v) != s {
			t.Errorf("maintenance status %q -> %q", v, s)
		}
	}
}

// Unknown values map to the documented defaults; missing ones to "nothing
// reported"; case and spacing do not matter.
func TestMappingDefaults(t *testing.T) {
	cases := []struct {
		got, want string
	}{
		{string(ComponentStatus("melting")), string(UnknownComponentStatus)},
		{string(ComponentStatus("")), "operational"},
		{string(ComponentStatus(" Major_Outage ")), "major_outage"},
		{string(Indicator("apocalyptic")), string(UnknownIndicator)},
		{string(Indicator("")), ""},
		{string(Indicator("CRITICAL")), "critical"},
		{string(IncidentStatus("escalated")), string(UnknownIncidentStatus)},
		{string(IncidentStatus("")), "investigating"},
		{string(IncidentStatus("Resolved")), "resolved"},
		{string(Impact("severe")), string(UnknownImpact)},
		{string(Impact("")), "none"},
		{string(MaintenanceStatus("postponed")), string(UnknownMaintenanceStatus)},
		{string(MaintenanceStatus("In progress")), "in_progress"},
		{UpdateStatus("Update"), "update"},
		{UpdateStatus("In progress"), "in_progress"},
		{UpdateStatus("Identified"), "identified"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if !UnknownComponentStatus.Valid() || !UnknownIncidentStatus.Valid() || !UnknownImpact.Valid() || !UnknownMaintenanceStatus.Valid() {
		t.Error("a default is not a valid value")
	}
	if UnknownIncidentStatus.Closed() {
		t.Error("an unknown incident status must keep the incident open")
	}
	if UnknownMaintenanceStatus.Active() {
		t.Error("an unknown maintenance status must not put components under maintenance")
	}
}

func TestZoneOffset(t *testing.T) {
	for z, want := range map[string]int{"": 0, "UTC": 0, "pdt": -420, "+08": 480, "+0530": 330, "-07:00": -420, "IST": 330} {
		if got, ok := zoneOffset(z); !ok || got != want {
			t.Errorf("zoneOffset(%q) = %d, %v", z, got, ok)
		}
	}
	for _, z := range []string{"XYZT", "+1", "+abc"} {
		if _, ok := zoneOffset(z); ok {
			t.Errorf("zoneOffset(%q) accepted", z)
		}
	}
}
