package instatus

import (
	"testing"

	"github.com/watchfire-status/watchfire"
)

func TestComponentStatus(t *testing.T) {
	for v, want := range map[string]watchfire.ComponentStatus{
		"OPERATIONAL":         watchfire.StatusOperational,
		"UNDERMAINTENANCE":    watchfire.StatusUnderMaintenance,
		"DEGRADEDPERFORMANCE": watchfire.StatusDegradedPerformance,
		"PARTIALOUTAGE":       watchfire.StatusPartialOutage,
		"MINOROUTAGE":         watchfire.StatusPartialOutage,
		"MAJOROUTAGE":         watchfire.StatusMajorOutage,
		"major_outage":        watchfire.StatusMajorOutage,
		"":                    watchfire.StatusOperational,
		"SOMETHINGNEW":        UnknownComponentStatus,
	} {
		if got := ComponentStatus(v); got != want {
			t.Errorf("ComponentStatus(%q) = %s, want %s", v, got, want)
		}
	}
}

func TestIndicator(t *testing.T) {
	for v, want := range map[string]watchfire.Indicator{
		"UP":               watchfire.IndicatorNone,
		"HASISSUES":        watchfire.IndicatorMinor,
		"UNDERMAINTENANCE": watchfire.IndicatorMaintenance,
		"ONEMAJOROUTAGE":   watchfire.IndicatorCritical,
		"ALLMAJOROUTAGE":   watchfire.IndicatorCritical,
		"TWOPARTIALOUTAGE": watchfire.IndicatorMajor,
		"MAINTENANCESOON":  watchfire.IndicatorMaintenance,
		"WHATEVER":         UnknownIndicator,
		"":                 "",
	} {
		if got := Indicator(v); got != want {
			t.Errorf("Indicator(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestImpact(t *testing.T) {
	for v, want := range map[string]watchfire.Impact{
		"OPERATIONAL":         watchfire.ImpactNone,
		"DEGRADEDPERFORMANCE": watchfire.ImpactMinor,
		"PARTIALOUTAGE":       watchfire.ImpactMajor,
		"MAJOROUTAGE":         watchfire.ImpactCritical,
		"UNDERMAINTENANCE":    watchfire.ImpactNone,
		"":                    watchfire.ImpactNone,
	} {
		if got := Impact(v); got != want {
			t.Errorf("Impact(%q) = %s, want %s", v, got, want)
		}
	}
}

func TestLifecycles(t *testing.T) {
	for v, want := range map[string]watchfire.IncidentStatus{
		"INVESTIGATING": watchfire.IncidentInvestigating, "IDENTIFIED": watchfire.IncidentIdentified,
		"MONITORING": watchfire.IncidentMonitoring, "RESOLVED": watchfire.IncidentResolved, "NEW": watchfire.IncidentInvestigating,
	} {
		if got := IncidentStatus(v); got != want {
			t.Errorf("IncidentStatus(%q) = %s", v, got)
		}
	}
	for v, want := range map[string]watchfire.MaintenanceStatus{
		"NOTSTARTEDYET": watchfire.MaintenanceScheduled, "INPROGRESS": watchfire.MaintenanceInProgress,
		"COMPLETED": watchfire.MaintenanceCompleted, "LATER": watchfire.MaintenanceScheduled,
	} {
		if got := MaintenanceStatus(v); got != want {
			t.Errorf("MaintenanceStatus(%q) = %s", v, got)
		}
	}
}

func TestMinutes(t *testing.T) {
	for raw, want := range map[string]int64{`15`: 15, `"240"`: 240, `null`: 0, ``: 0, `-5`: 0, `1e300`: 0, `"x"`: 0} {
		if got := minutes([]byte(raw)); got != want {
			t.Errorf("minutes(%s) = %d, want %d", raw, got, want)
		}
	}
}

func TestRaise(t *testing.T) {
	open := func(i watchfire.Impact) watchfire.UpstreamIncident {
		return watchfire.UpstreamIncident{Status: watchfire.IncidentInvestigating, Impact: i}
	}
	closed := watchfire.UpstreamIncident{Status: watchfire.IncidentResolved, Impact: watchfire.ImpactCritical}
	for _, tc := range []struct {
		in   watchfire.Indicator
		incs []watchfire.UpstreamIncident
		want watchfire.Indicator
	}{
		{watchfire.IndicatorMinor, nil, watchfire.IndicatorMinor},
		{watchfire.IndicatorMinor, []watchfire.UpstreamIncident{open(watchfire.ImpactMajor), open(watchfire.ImpactMinor)}, watchfire.IndicatorMajor},
		{watchfire.IndicatorCritical, []watchfire.UpstreamIncident{open(watchfire.ImpactMinor)}, watchfire.IndicatorCritical},
		{watchfire.IndicatorMaintenance, []watchfire.UpstreamIncident{open(watchfire.ImpactNone)}, watchfire.IndicatorMaintenance},
		{watchfire.IndicatorMaintenance, []watchfire.UpstreamIncident{open(watchfire.ImpactMinor)}, watchfire.IndicatorMinor},
		{watchfire.IndicatorNone, []watchfire.UpstreamIncident{closed}, watchfire.IndicatorNone},
	} {
		if got := raise(tc.in, tc.incs); got != tc.want {
			t.Errorf("raise(%s, %v) = %s, want %s", tc.in, tc.incs, got, tc.want)
		}
	}
}
