package incidentio

import (
	"testing"

	"github.com/watchfire-status/watchfire"
)

func TestMappingTables(t *testing.T) {
	for v, s := range componentStatuses {
		if !s.Valid() || ComponentStatus(v) != s {
			t.Errorf("component status %q -> %q", v, s)
		}
	}
	// incident.io's full outage is Statuspage's (and Watchfire's) major outage.
	if ComponentStatus("full_outage") != watchfire.StatusMajorOutage || ComponentStatus("Full outage") != watchfire.StatusMajorOutage {
		t.Error("full_outage")
	}
	// The feed's capitalized words map like the JSON's.
	for feed, want := range map[string]watchfire.ComponentStatus{
		"Operational": watchfire.StatusOperational, "Degraded performance": watchfire.StatusDegradedPerformance,
		"Partial outage": watchfire.StatusPartialOutage, "Under maintenance": watchfire.StatusUnderMaintenance,
	} {
		if ComponentStatus(feed) != want {
			t.Errorf("%q -> %q", feed, ComponentStatus(feed))
		}
	}
	for v, s := range incidentStatuses {
		if !s.Valid() || IncidentStatus(v) != s || UpdateStatus(v) != string(s) {
			t.Errorf("incident status %q -> %q", v, s)
		}
	}
	for v, s := range maintenanceStatuses {
		if !s.Valid() || MaintenanceStatus(v, "") != s {
			t.Errorf("maintenance status %q -> %q", v, s)
		}
		if _, clash := incidentStatuses[v]; !clash && UpdateStatus(v) != string(s) {
			t.Errorf("update status %q -> %q", v, UpdateStatus(v))
		}
	}
	for s, want := range map[watchfire.ComponentStatus]watchfire.Impact{
		watchfire.StatusOperational: watchfire.ImpactNone, watchfire.StatusUnderMaintenance: watchfire.ImpactNone,
		watchfire.StatusDegradedPerformance: watchfire.ImpactMinor, watchfire.StatusPartialOutage: watchfire.ImpactMajor,
		watchfire.StatusMajorOutage: watchfire.ImpactCritical, "": watchfire.ImpactNone,
	} {
		if Impact(s) != want {
			t.Errorf("impact of %q: %q", s, Impact(s))
		}
	}
}

func TestMappingDefaults(t *testing.T) {
	if ComponentStatus("meltdown") != UnknownComponentStatus || ComponentStatus("") != watchfire.StatusOperational {
		t.Error("component defaults")
	}
	if IncidentStatus("escalated") != UnknownIncidentStatus || UnknownIncidentStatus.Closed() {
		t.Error("incident default")
	}
	if MaintenanceStatus("postponed", watchfire.MaintenanceInProgress) != watchfire.MaintenanceInProgress ||
		MaintenanceStatus("postponed", watchfire.MaintenanceScheduled) != watchfire.MaintenanceScheduled {
		t.Error("maintenance fallback")
	}
	if UpdateStatus("Some New Word") != "some_new_word" {
		t.Error("update status keeps the vendor's word")
	}
}
