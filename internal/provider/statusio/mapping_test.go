package statusio

import (
	"testing"

	"github.com/watchfire-status/watchfire"
)

func TestComponentStatus(t *testing.T) {
	for _, tc := range []struct {
		code  int
		label string
		want  watchfire.ComponentStatus
	}{
		{100, "Operational", watchfire.StatusOperational},
		{200, "Planned Maintenance", watchfire.StatusUnderMaintenance},
		{300, "Degraded Performance", watchfire.StatusDegradedPerformance},
		{400, "Partial Service Disruption", watchfire.StatusPartialOutage},
		{500, "Service Disruption", watchfire.StatusMajorOutage},
		{600, "Security Issue", watchfire.StatusPartialOutage},
		{0, "Service Disruption", watchfire.StatusMajorOutage}, // label as a fallback
		{0, "", watchfire.StatusOperational},
		{700, "Something New", watchfire.StatusDegradedPerformance},
	} {
		if got := ComponentStatus(tc.code, tc.label); got != tc.want {
			t.Errorf("ComponentStatus(%d, %q) = %s, want %s", tc.code, tc.label, got, tc.want)
		}
	}
}

func TestIndicator(t *testing.T) {
	for code, want := range map[int]watchfire.Indicator{
		100: watchfire.IndicatorNone, 200: watchfire.IndicatorMaintenance, 300: watchfire.IndicatorMinor,
		400: watchfire.IndicatorMajor, 500: watchfire.IndicatorCritical, 600: watchfire.IndicatorMajor,
	} {
		if got := Indicator(code, ""); got != want {
			t.Errorf("Indicator(%d) = %s, want %s", code, got, want)
		}
	}
}

func TestImpact(t *testing.T) {
	for code, want := range map[int]watchfire.Impact{
		0: watchfire.ImpactNone, 100: watchfire.ImpactNone, 200: watchfire.ImpactNone, 300: watchfire.ImpactMinor,
		400: watchfire.ImpactMajor, 500: watchfire.ImpactCritical, 600: watchfire.ImpactMajor,
	} {
		if got := Impact(code); got != want {
			t.Errorf("Impact(%d) = %s, want %s", code, got, want)
		}
	}
}

func TestStates(t *testing.T) {
	for state, want := range map[int]watchfire.IncidentStatus{
		100: watchfire.IncidentInvestigating, 200: watchfire.IncidentIdentified, 300: watchfire.IncidentMonitoring, 999: watchfire.IncidentInvestigating,
	} {
		if got := IncidentStatus(state); got != want {
			t.Errorf("IncidentStatus(%d) = %s, want %s", state, got, want)
		}
	}
	for state, want := range map[int]string{100: "scheduled", 200: "in_progress", 300: "completed", 999: "in_progress"} {
		if got := maintenanceUpdateStatus(state, watchfire.MaintenanceInProgress); got != want {
			t.Errorf("maintenance state %d = %s, want %s", state, got, want)
		}
	}
}
