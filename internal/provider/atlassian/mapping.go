package atlassian

import (
	"strings"

	"github.com/watchfire-status/watchfire"
)

// Statuspage's vocabulary is the one Watchfire adopted, so most tables
// below are the identity. They exist anyway so that a value Statuspage
// adds later is noticed (and mapped to a stated default) instead of
// flowing into a report as an invalid status.
//
// Lookups ignore case and surrounding space: the API always writes
// lowercase, but the history feed capitalizes ("In progress").

// componentStatuses maps a component's "status".
var componentStatuses = map[string]watchfire.ComponentStatus{
	"operational":          watchfire.StatusOperational,
	"degraded_performance": watchfire.StatusDegradedPerformance,
	"partial_outage":       watchfire.StatusPartialOutage,
	"major_outage":         watchfire.StatusMajorOutage,
	"under_maintenance":    watchfire.StatusUnderMaintenance,
}

// UnknownComponentStatus is what an unrecognized component status maps
// to: the page shows something that is not "operational", and calling it
// degraded surfaces it without claiming an outage. A missing status
// ("" or null) is read as operational, since nothing is reported.
const UnknownComponentStatus = watchfire.StatusDegradedPerformance

// ComponentStatus maps a Statuspage component status onto Watchfire's.
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

// indicators maps the page's status.indicator.
var indicators = map[string]watchfire.Indicator{
	"none":        watchfire.IndicatorNone,
	"minor":       watchfire.IndicatorMinor,
	"major":       watchfire.IndicatorMajor,
	"critical":    watchfire.IndicatorCritical,
	"maintenance": watchfire.IndicatorMaintenance,
}

// UnknownIndicator is what an unrecognized page indicator maps to: the
// vendor is saying something other than "none", so minor. A missing
// indicator stays "" (the document has no page-level status).
const UnknownIndicator = watchfire.IndicatorMinor

// Indicator maps status.indicator onto Watchfire's indicator.
func Indicator(v string) watchfire.Indicator {
	v = norm(v)
	if v == "" {
		return ""
	}
	if i, ok := indicators[v]; ok {
		return i
	}
	return UnknownIndicator
}

// incidentStatuses maps an incident's "status", and the status words of
// the history feed ("Investigating", "Resolved", ...).
var incidentStatuses = map[string]watchfire.IncidentStatus{
	"investigating": watchfire.IncidentInvestigating,
	"identified":    watchfire.IncidentIdentified,
	"monitoring":    watchfire.IncidentMonitoring,
	"resolved":      watchfire.IncidentResolved,
	"postmortem":    watchfire.IncidentPostmortem,
}

// UnknownIncidentStatus is what an unrecognized (or missing) incident
// status maps to: the vendor has not said the incident is over, so it is
// treated as open.
const UnknownIncidentStatus = watchfire.IncidentInvestigating

// IncidentStatus maps an incident status onto Watchfire's.
func IncidentStatus(v string) watchfire.IncidentStatus {
	if s, ok := incidentStatuses[norm(v)]; ok {
		return s
	}
	return UnknownIncidentStatus
}

// impacts maps an incident's "impact". "maintenance" is not here: it marks
// a scheduled maintenance, which is read as one (see isMaintenance).
var impacts = map[string]watchfire.Impact{
	"none":     watchfire.ImpactNone,
	"minor":    watchfire.ImpactMinor,
	"major":    watchfire.ImpactMajor,
	"critical": watchfire.ImpactCritical,
}

// UnknownImpact is what an unrecognized impact maps to: someone declared
// an incident, so at least minor. A missing impact is "none", which is
// also what the history feed gives (it does not carry impacts).
const UnknownImpact = watchfire.ImpactMinor

// Impact maps an incident impact onto Watchfire's.
func Impact(v string) watchfire.Impact {
	v = norm(v)
	if v == "" {
		return watchfire.ImpactNone
	}
	if i, ok := impacts[v]; ok {
		return i
	}
	return UnknownImpact
}

// maintenanceStatuses maps a scheduled maintenance's "status"; the feed
// writes "In progress", which norm turns into in_progress.
var maintenanceStatuses = map[string]watchfire.MaintenanceStatus{
	"scheduled":   watchfire.MaintenanceScheduled,
	"in_progress": watchfire.MaintenanceInProgress,
	"verifying":   watchfire.MaintenanceVerifying,
	"completed":   watchfire.MaintenanceCompleted,
}

// UnknownMaintenanceStatus is what an unrecognized maintenance status
// maps to: scheduled, which announces the work without putting any
// component under maintenance on a guess.
const UnknownMaintenanceStatus = watchfire.MaintenanceScheduled

// MaintenanceStatus maps a maintenance status onto Watchfire's.
func MaintenanceStatus(v string) watchfire.MaintenanceStatus {
	if s, ok := maintenanceStatuses[norm(v)]; ok {
		return s
	}
	return UnknownMaintenanceStatus
}

// UpdateStatus maps the status of one timeline entry: an incident or a
// maintenance status when it is one, else the vendor's word in lowercase
// (the feed's "Update", which changes no status, stays "update").
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

// isMaintenanceStatus reports whether v is one of the maintenance
// statuses, which no incident uses.
func isMaintenanceStatus(v string) bool {
	_, ok := maintenanceStatuses[norm(v)]
	return ok
}

// norm lowercases a vendor value and joins words with underscores, so
// "In progress" and "in_progress" look the same.
func norm(v string) string {
	return strings.Join(strings.Fields(strings.ToLower(v)), "_")
}
