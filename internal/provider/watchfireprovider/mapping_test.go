package watchfireprovider

import (
	"testing"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider/atlassian"
)

// Every value a Watchfire emits comes back as itself through the
// decoding (the atlassian package's tables), and the tables cover all of
// Watchfire's vocabulary.
func TestMapping(t *testing.T) {
	for v, s := range componentStatuses {
		if atlassian.ComponentStatus(v) != s || string(s) != v {
			t.Errorf("component status %q -> %q", v, atlassian.ComponentStatus(v))
		}
	}
	for _, s := range watchfire.ComponentStatuses {
		if _, ok := componentStatuses[string(s)]; !ok {
			t.Errorf("component status %q not in the table", s)
		}
	}
	for v, i := range indicators {
		if atlassian.Indicator(v) != i || string(i) != v {
			t.Errorf("indicator %q -> %q", v, atlassian.Indicator(v))
		}
	}
	for v, s := range incidentStatuses {
		if atlassian.IncidentStatus(v) != s || !s.Valid() {
			t.Errorf("incident status %q -> %q", v, atlassian.IncidentStatus(v))
		}
	}
	for v, i := range impacts {
		if atlassian.Impact(v) != i || !i.Valid() {
			t.Errorf("impact %q -> %q", v, atlassian.Impact(v))
		}
	}
	for v, s := range maintenanceStatuses {
		if atlassian.MaintenanceStatus(v) != s || !s.Valid() {
			t.Errorf("maintenance status %q -> %q", v, atlassian.MaintenanceStatus(v))
		}
	}
	// A newer Watchfire's unknown words get the atlassian defaults.
	if atlassian.ComponentStatus("on_fire") != watchfire.StatusDegradedPerformance ||
		atlassian.IncidentStatus("escalated") != watchfire.IncidentInvestigating ||
		atlassian.MaintenanceStatus("paused") != watchfire.MaintenanceScheduled {
		t.Error("defaults")
	}
}
