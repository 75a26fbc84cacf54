package slack

import (
	"testing"

	"github.com/watchfire-status/watchfire"
)

func TestTypeTable(t *testing.T) {
	for typ, want := range map[string]struct {
		impact watchfire.Impact
		status watchfire.ComponentStatus
	}{
		"outage":   {watchfire.ImpactCritical, watchfire.StatusMajorOutage},
		"Incident": {watchfire.ImpactMajor, watchfire.StatusPartialOutage},
		" notice ": {watchfire.ImpactMinor, watchfire.StatusDegradedPerformance},
		"glitch":   {watchfire.ImpactMajor, watchfire.StatusPartialOutage}, // unknown: an incident
	} {
		i, s := typeOf(typ)
		if i != want.impact || s != want.status {
			t.Errorf("typeOf(%q) = %s, %s; want %+v", typ, i, s, want)
		}
	}
}

func TestStatusTable(t *testing.T) {
	for word, want := range map[string]struct {
		incident    watchfire.IncidentStatus
		maintenance watchfire.MaintenanceStatus
	}{
		"active":    {watchfire.IncidentInvestigating, watchfire.MaintenanceInProgress},
		"Resolved":  {watchfire.IncidentResolved, watchfire.MaintenanceCompleted},
		"scheduled": {watchfire.IncidentInvestigating, watchfire.MaintenanceScheduled},
		"completed": {watchfire.IncidentResolved, watchfire.MaintenanceCompleted},
		"cancelled": {watchfire.IncidentResolved, watchfire.MaintenanceCompleted},
		"paused":    {watchfire.IncidentInvestigating, watchfire.MaintenanceInProgress}, // unknown: still listed, so open
	} {
		i, m := statusOf(word)
		if i != want.incident || m != want.maintenance {
			t.Errorf("statusOf(%q) = %s, %s; want %+v", word, i, m, want)
		}
	}
	if !isMaintenance("maintenance", "active") || !isMaintenance("notice", "Scheduled") || isMaintenance("incident", "active") {
		t.Error("isMaintenance")
	}
	seen := map[string]bool{}
	for _, s := range Services {
		if seen[s] {
			t.Errorf("service %q listed twice", s)
		}
		seen[s] = true
	}
}
