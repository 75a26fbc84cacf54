package gcp

import (
	"testing"

	"github.com/watchfire-status/watchfire"
)

func TestImpactTable(t *testing.T) {
	for _, c := range []struct {
		statusImpact, severity string
		impact                 watchfire.Impact
		status                 watchfire.ComponentStatus
	}{
		{"SERVICE_INFORMATION", "low", watchfire.ImpactMinor, watchfire.StatusDegradedPerformance},
		{"SERVICE_DISRUPTION", "medium", watchfire.ImpactMajor, watchfire.StatusPartialOutage},
		{"SERVICE_OUTAGE", "high", watchfire.ImpactCritical, watchfire.StatusMajorOutage},
		{"", "high", watchfire.ImpactCritical, watchfire.StatusMajorOutage}, // severity alone
		{"SERVICE_NEW_KIND", "low", watchfire.ImpactMinor, watchfire.StatusDegradedPerformance},
		{"", "", watchfire.ImpactMajor, watchfire.StatusPartialOutage}, // open, unknown: not nothing
	} {
		i, s := impactOf(c.statusImpact, c.severity)
		if i != c.impact || s != c.status {
			t.Errorf("impactOf(%q, %q) = %s, %s; want %s, %s", c.statusImpact, c.severity, i, s, c.impact, c.status)
		}
	}
	for si, sev := range severities {
		if _, ok := statusImpacts[sev]; !ok {
			t.Errorf("severity %q maps to unknown %q", si, sev)
		}
	}
}

func TestLifecycle(t *testing.T) {
	report := &update{Status: "AVAILABLE", Text: "## \\# Incident Report\n## \\#\\# Summary"}
	mini := &update{Status: "AVAILABLE", Text: "# Mini Incident Report\nWe apologize"}
	back := &update{Status: "AVAILABLE", Text: "The issue with BigQuery has been resolved."}
	busy := &update{Status: "SERVICE_DISRUPTION", Text: "We are investigating."}
	mention := &update{Status: "AVAILABLE", Text: "The Incident Report is now available on the page."}
	for _, c := range []struct {
		ended  bool
		latest *update
		want   watchfire.IncidentStatus
	}{
		{true, report, watchfire.IncidentPostmortem},
		{true, mini, watchfire.IncidentPostmortem},
		{true, back, watchfire.IncidentResolved},
		{true, mention, watchfire.IncidentResolved}, // a pointer to the report is not the report
		{true, nil, watchfire.IncidentResolved},
		{false, back, watchfire.IncidentMonitoring},
		{false, busy, watchfire.IncidentInvestigating},
		{false, nil, watchfire.IncidentInvestigating},
	} {
		if got := lifecycle(c.ended, c.latest); got != c.want {
			t.Errorf("lifecycle(%v, %+v) = %s, want %s", c.ended, c.latest, got, c.want)
		}
	}
	if got := updateStatus(busy, true); got != "investigating" {
		t.Errorf("a disruption update is %q", got)
	}
	if got := updateStatus(back, true); got != "resolved" {
		t.Errorf("an available update of a closed incident is %q", got)
	}
}
