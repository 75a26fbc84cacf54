package cachet

import (
	"strings"

	"github.com/watchfire-status/watchfire"
)

// componentStatuses maps a component's numeric status (Cachet 2.x).
var componentStatuses = map[int64]watchfire.ComponentStatus{
	1: watchfire.StatusOperational,         // Operational
	2: watchfire.StatusDegradedPerformance, // Performance Issues
	3: watchfire.StatusPartialOutage,       // Partial Outage
	4: watchfire.StatusMajorOutage,         // Major Outage
}

// componentWords maps status_name, for a number we do not know that
// comes with a name we do (installs can translate the names, so this is
// only a fallback).
var componentWords = map[string]watchfire.ComponentStatus{
	"operational":        watchfire.StatusOperational,
	"performance issues": watchfire.StatusDegradedPerformance,
	"partial outage":     watchfire.StatusPartialOutage,
	"major outage":       watchfire.StatusMajorOutage,
}

// UnknownComponentStatus is what a status we do not know maps to: not
// operational, and degraded surfaces it without claiming an outage. A
// missing status is operational.
const UnknownComponentStatus = watchfire.StatusDegradedPerformance

// ComponentStatus maps a component's status number and status_name.
func ComponentStatus(n *int64, name string) watchfire.ComponentStatus {
	if n != nil {
		if s, ok := componentStatuses[*n]; ok {
			return s
		}
	}
	if s, ok := componentWords[strings.ToLower(strings.TrimSpace(name))]; ok {
		return s
	}
	if n == nil && strings.TrimSpace(name) == "" {
		return watchfire.StatusOperational
	}
	return UnknownComponentStatus
}

// Incident statuses. 0 (Scheduled) is how Cachet before 2.4 wrote
// scheduled maintenance, as an incident; 2.4 moved those to schedules.
const (
	incidentScheduled int64 = 0
	incidentFixed     int64 = 4
)

// incidentStatuses maps an incident's (or an incident update's) status.
var incidentStatuses = map[int64]watchfire.IncidentStatus{
	1: watchfire.IncidentInvestigating, // Investigating
	2: watchfire.IncidentIdentified,    // Identified
	3: watchfire.IncidentMonitoring,    // Watching
	4: watchfire.IncidentResolved,      // Fixed
}

// IncidentStatus maps an incident status; an unknown one is read as
// investigating, the state that claims nothing is fixed.
func IncidentStatus(n int64) watchfire.IncidentStatus {
	if s, ok := incidentStatuses[n]; ok {
		return s
	}
	return watchfire.IncidentInvestigating
}

// scheduleStatuses maps a schedule's status (Cachet 2.4+).
var scheduleStatuses = map[int64]watchfire.MaintenanceStatus{
	0: watchfire.MaintenanceScheduled,  // Upcoming
	1: watchfire.MaintenanceInProgress, // In Progress
	2: watchfire.MaintenanceCompleted,  // Complete
}

// ScheduleStatus maps a schedule's status; an unknown one is read as
// scheduled, the state that claims nothing is under way.
func ScheduleStatus(n int64) watchfire.MaintenanceStatus {
	if s, ok := scheduleStatuses[n]; ok {
		return s
	}
	return watchfire.MaintenanceScheduled
}
