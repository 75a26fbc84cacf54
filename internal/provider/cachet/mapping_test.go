package cachet

import (
	"encoding/json"
	"testing"

	"github.com/watchfire-status/watchfire"
)

func TestComponentStatus(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	for _, tc := range []struct {
		n    *int64
		name string
		want watchfire.ComponentStatus
	}{
		{n(1), "Operational", watchfire.StatusOperational},
		{n(2), "Performance Issues", watchfire.StatusDegradedPerformance},
		{n(3), "Partial Outage", watchfire.StatusPartialOutage},
		{n(4), "Major Outage", watchfire.StatusMajorOutage},
		{n(4), "Panne majeure", watchfire.StatusMajorOutage}, // the number wins over a translated name
		{n(9), "Major Outage", watchfire.StatusMajorOutage},  // the name, for a number we do not know
		{n(0), "Unknown", UnknownComponentStatus},
		{nil, "", watchfire.StatusOperational},
	} {
		if got := ComponentStatus(tc.n, tc.name); got != tc.want {
			t.Errorf("ComponentStatus(%v, %q) = %s, want %s", tc.n, tc.name, got, tc.want)
		}
	}
}

func TestIncidentAndScheduleStatus(t *testing.T) {
	for n, want := range map[int64]watchfire.IncidentStatus{
		1: watchfire.IncidentInvestigating, 2: watchfire.IncidentIdentified, 3: watchfire.IncidentMonitoring,
		4: watchfire.IncidentResolved, 7: watchfire.IncidentInvestigating,
	} {
		if got := IncidentStatus(n); got != want {
			t.Errorf("IncidentStatus(%d) = %s", n, got)
		}
	}
	for n, want := range map[int64]watchfire.MaintenanceStatus{
		0: watchfire.MaintenanceScheduled, 1: watchfire.MaintenanceInProgress, 2: watchfire.MaintenanceCompleted, 5: watchfire.MaintenanceScheduled,
	} {
		if got := ScheduleStatus(n); got != want {
			t.Errorf("ScheduleStatus(%d) = %s", n, got)
		}
	}
}

func TestNumber(t *testing.T) {
	for raw, want := range map[string]number{
		`1`: {1, true}, `"2"`: {2, true}, `" 3 "`: {3, true}, `4.0`: {4, true}, `true`: {1, true}, `false`: {0, true},
		`null`: {}, `""`: {},
	} {
		var n number
		if err := json.Unmarshal([]byte(raw), &n); err != nil || n != want {
			t.Errorf("%s: %+v %v", raw, n, err)
		}
	}
	for _, raw := range []string{`"x"`, `{}`, `[1]`, `"NaN"`, `1e300`} {
		var n number
		if err := json.Unmarshal([]byte(raw), &n); err == nil {
			t.Errorf("%s: no error", raw)
		}
	}
}
