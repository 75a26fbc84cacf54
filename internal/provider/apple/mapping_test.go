package apple

import (
	"testing"

	"github.com/watchfire-status/watchfire"
)

func TestStatusTypeTable(t *testing.T) {
	for typ, want := range map[string]struct {
		impact watchfire.Impact
		status watchfire.ComponentStatus
	}{
		"Outage":      {watchfire.ImpactCritical, watchfire.StatusMajorOutage},
		"Issue":       {watchfire.ImpactMajor, watchfire.StatusPartialOutage},
		"Performance": {watchfire.ImpactMinor, watchfire.StatusDegradedPerformance},
		"Maintenance": {watchfire.ImpactMaintenance, watchfire.StatusUnderMaintenance},
		"Available":   {watchfire.ImpactNone, watchfire.StatusOperational},
		"Glitch":      {watchfire.ImpactMajor, watchfire.StatusPartialOutage}, // unknown: an issue
	} {
		i, s := typeOf(typ)
		if i != want.impact || s != want.status {
			t.Errorf("typeOf(%q) = %s, %s; want %+v", typ, i, s, want)
		}
	}
	if !isMaintenance(" maintenance ") || isMaintenance("Outage") {
		t.Error("isMaintenance")
	}
}

func TestEventStatusTable(t *testing.T) {
	for word, want := range map[string]struct {
		incident    watchfire.IncidentStatus
		maintenance watchfire.MaintenanceStatus
	}{
		"ongoing":   {watchfire.IncidentInvestigating, watchfire.MaintenanceInProgress},
		"upcoming":  {watchfire.IncidentInvestigating, watchfire.MaintenanceScheduled},
		"resolved":  {watchfire.IncidentResolved, watchfire.MaintenanceCompleted},
		"Completed": {watchfire.IncidentResolved, watchfire.MaintenanceCompleted},
		"paused":    {watchfire.IncidentInvestigating, watchfire.MaintenanceInProgress}, // unknown: still listed
	} {
		i, m := statusOf(word)
		if i != want.incident || m != want.maintenance {
			t.Errorf("statusOf(%q) = %s, %s; want %+v", word, i, m, want)
		}
	}
}

func TestName(t *testing.T) {
	for _, c := range []struct {
		typ      string
		services []string
		want     string
	}{
		{"Outage", []string{"iCloud Mail"}, "Outage: iCloud Mail"},
		{"issue", []string{"A", "B", "C", "D", "E"}, "Issue: A, B, C and 2 more"},
		{"", nil, "Issue"},
		{"élan", []string{"X"}, "Élan: X"},
	} {
		if got := name(c.typ, c.services); got != c.want {
			t.Errorf("name(%q, %v) = %q, want %q", c.typ, c.services, got, c.want)
		}
	}
}
