package incidentio

import (
	"strings"

	"github.com/watchfire-status/watchfire"
)

// incident.io's native documents (/proxy/{host}, feed.atom) have their
// own words; its /api/v2/summary.json speaks Statuspage's and is mapped
// by the atlassian package's tables.
//
// Lookups ignore case and join words with underscores, so the feed's
// "Degraded performance" and the JSON's "degraded_performance" are one
// key.

// componentStatuses maps a component status: the JSON's
// affected_components[].status and the feed's "(Full outage)" suffixes.
var componentStatuses = map[string]watchfire.ComponentStatus{
	"operational":          watchfire.StatusOperational,
	"degraded_performance": watchfire.StatusDegradedPerformance,
	"partial_outage":       watchfire.StatusPartialOutage,
	"full_outage":          watchfire.StatusMajorOutage, // incident.io's word for Statuspage's major_outage
	"major_outage":         watchfire.StatusMajorOutage, // as the compatible summary writes it
	"under_maintenance":    watchfire.StatusUnderMaintenance,
}

// UnknownComponentStatus is what an unrecognized component status maps
// to: not operational, so degraded, without claiming an outage. A missing
// one is operational: the proxy lists only affected components, and every
// other is operational.
const UnknownComponentStatus = watchfire.StatusDegradedPerformance

// ComponentStatus maps an incident.io component status onto Watchfire's.
func ComponentStatus(v string) watchfire.ComponentStatus {
	v = norm(v)
	if v == "" {
		return watchfire.StatusOperational
	}
	if s, ok := componentStatuses[v]; ok {
		return s
	}
	return UnknownComponentStatus
}

// incidentStatuses maps an incident's status and its updates' to_status
// (the feed capitalizes them: "Status: Resolved").
var incidentStatuses = map[string]watchfire.IncidentStatus{
	"investigating": watchfire.IncidentInvestigating,
	"identified":    watchfire.IncidentIdentified,
	"monitoring":    watchfire.IncidentMonitoring,
	"resolved":      watchfire.IncidentResolved,
}

// UnknownIncidentStatus is what an unrecognized incident status maps to:
// not said to be over, so open.
const UnknownIncidentStatus = watchfire.IncidentInvestigating

// IncidentStatus maps an incident.io incident status onto Watchfire's.
func IncidentStatus(v string) watchfire.IncidentStatus {
	if s, ok := incidentStatuses[norm(v)]; ok {
		return s
	}
	return UnknownIncidentStatus
}

// maintenanceStatuses maps a maintenance's status. incident.io prefixes
// them ("maintenance_in_progress" in its widget API); the bare words are
// accepted too. No real /proxy payload with a maintenance has been seen
// (see docs/providers/incidentio.md), so the table is generous.
var maintenanceStatuses = map[string]watchfire.MaintenanceStatus{
	"maintenance_scheduled":   watchfire.MaintenanceScheduled,
	"scheduled":               watchfire.MaintenanceScheduled,
	"upcoming":                watchfire.MaintenanceScheduled,
	"scheduled_maintenance":   watchfire.MaintenanceScheduled,
	"maintenance_in_progress": watchfire.MaintenanceInProgress,
	"in_progress":             watchfire.MaintenanceInProgress,
	"under_maintenance":       watchfire.MaintenanceInProgress,
	"maintenance_verifying":   watchfire.MaintenanceVerifying,
	"verifying":               watchfire.MaintenanceVerifying,
	"maintenance_complete":    watchfire.MaintenanceCompleted,
	"maintenance_completed":   watchfire.MaintenanceCompleted,
	"completed":               watchfire.MaintenanceCompleted,
	"complete":                watchfire.MaintenanceCompleted,
	"resolved":                watchfire.MaintenanceCompleted,
}

// MaintenanceStatus maps a maintenance status onto Watchfire's. An
// unrecognized one is fallback: the status the list it came in implies
// (scheduled_maintenances: scheduled; in_progress_maintenances: in
// progress).
func MaintenanceStatus(v string, fallback watchfire.MaintenanceStatus) watchfire.MaintenanceStatus {
	if s, ok := maintenanceStatuses[norm(v)]; ok {
		return s
	}
	return fallback
}

// UpdateStatus maps an update's to_status: an incident or maintenance
// status when it is one, else the vendor's word in lowercase.
func UpdateStatus(v string) string {
	n := norm(v)
	if s, ok := incidentStatuses[n]; ok {
		return string(s)
	}
	if s, ok := maintenanceStatuses[n]; ok {
		return string(s)
	}
	return n
}

// Impact is the impact an incident's worst component status implies, the
// way Statuspage rates incidents: degraded is minor, partial outage major,
// full outage critical. incident.io publishes no impact of its own; an
// incident that touches no component (or only puts them under
// maintenance) is "none".
func Impact(worst watchfire.ComponentStatus) watchfire.Impact {
	return watchfire.ImpactFor(worst)
}

func norm(v string) string {
	return strings.Join(strings.Fields(strings.ToLower(v)), "_")
}
