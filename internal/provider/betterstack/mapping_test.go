package betterstack

import (
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
)

func TestResourceStatus(t *testing.T) {
	for v, want := range map[string]watchfire.ComponentStatus{
		"operational":   watchfire.StatusOperational,
		"not_monitored": watchfire.StatusOperational,
		"degraded":      watchfire.StatusDegradedPerformance,
		"downtime":      watchfire.StatusMajorOutage,
		"maintenance":   watchfire.StatusUnderMaintenance,
		"Downtime":      watchfire.StatusMajorOutage,
		"":              watchfire.StatusOperational,
		"paused":        UnknownResourceStatus,
	} {
		if got := ResourceStatus(v); got != want {
			t.Errorf("ResourceStatus(%q) = %s, want %s", v, got, want)
		}
	}
}

func TestIndicatorAndImpact(t *testing.T) {
	for v, want := range map[string]struct {
		i   watchfire.Indicator
		imp watchfire.Impact
	}{
		"operational": {watchfire.IndicatorNone, watchfire.ImpactNone},
		"degraded":    {watchfire.IndicatorMinor, watchfire.ImpactMinor},
		"downtime":    {watchfire.IndicatorCritical, watchfire.ImpactCritical},
		"maintenance": {watchfire.IndicatorMaintenance, watchfire.ImpactNone},
		"weird":       {watchfire.IndicatorMinor, watchfire.ImpactMinor},
		"":            {"", watchfire.ImpactNone},
	} {
		if got := Indicator(v); got != want.i {
			t.Errorf("Indicator(%q) = %q, want %q", v, got, want.i)
		}
		if got := Impact(v); got != want.imp {
			t.Errorf("Impact(%q) = %q, want %q", v, got, want.imp)
		}
	}
}

func TestUpdateStatus(t *testing.T) {
	for _, tc := range []struct {
		aff  []affected
		want string
	}{
		{nil, ""},
		{[]affected{{"1", "resolved"}, {"2", "resolved"}}, "resolved"},
		{[]affected{{"1", "resolved"}, {"2", "degraded"}}, "degraded"},
		{[]affected{{"1", "degraded"}, {"2", "downtime"}}, "downtime"},
		{[]affected{{"1", "maintenance"}}, "maintenance"},
	} {
		if got := updateStatus(tc.aff, "resolved"); got != tc.want {
			t.Errorf("updateStatus(%v) = %q, want %q", tc.aff, got, tc.want)
		}
	}
}

// Every IANA name in the Rails table loads, so no page's zone silently
// falls back to UTC.
func TestRailsZones(t *testing.T) {
	if _, err := time.LoadLocation("America/New_York"); err != nil {
		t.Skip("no time zone data on this system")
	}
	for rails, iana := range railsZones {
		if _, err := time.LoadLocation(iana); err != nil {
			t.Errorf("%q → %q: %v", rails, iana, err)
		}
	}
	for in, want := range map[string]string{
		"Eastern Time (US & Canada)": "America/New_York",
		"Pacific Time (US & Canada)": "America/Los_Angeles",
		"UTC":                        "UTC",
		"America/New_York":           "America/New_York",
		" Berlin ":                   "Europe/Berlin",
		"Atlantis":                   "Atlantis",
	} {
		if got := IANAZone(in); got != want {
			t.Errorf("IANAZone(%q) = %q, want %q", in, got, want)
		}
	}
	if location("Atlantis") != time.UTC || location("../../etc/passwd") != time.UTC || location("Tokyo").String() != "Asia/Tokyo" {
		t.Error("location fallbacks")
	}
}
