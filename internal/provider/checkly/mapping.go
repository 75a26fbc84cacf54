package checkly

import (
	"strings"

	"github.com/watchfire-status/watchfire"
)

// severities maps an incident's severity to its impact. Checkly's scale
// has four levels, documented as MINOR "most users unaffected", MEDIUM
// "some users affected", MAJOR "many users affected" and CRITICAL "all
// users affected". Watchfire has three, so MINOR and MEDIUM share minor:
// the real MEDIUM incidents we have seen are titled "… Degraded" and say
// "experiencing degraded service", which is what minor (degraded
// performance) means; MAJOR, many users but not all, is a partial outage.
var severities = map[string]watchfire.Impact{
	"MINOR":    watchfire.ImpactMinor,
	"MEDIUM":   watchfire.ImpactMinor,
	"MAJOR":    watchfire.ImpactMajor,
	"CRITICAL": watchfire.ImpactCritical,
}

// SeverityImpact maps a Checkly severity to an impact; an unknown one is
// still an open incident, so it is minor.
func SeverityImpact(severity string) watchfire.Impact {
	if i, ok := severities[strings.ToUpper(strings.TrimSpace(severity))]; ok {
		return i
	}
	return watchfire.ImpactMinor
}

// SeverityStatus is the status of a service an incident of the severity
// affects: the status the impact implies.
func SeverityStatus(severity string) watchfire.ComponentStatus {
	switch SeverityImpact(severity) {
	case watchfire.ImpactCritical:
		return watchfire.StatusMajorOutage
	case watchfire.ImpactMajor:
		return watchfire.StatusPartialOutage
	}
	return watchfire.StatusDegradedPerformance
}

// updateStatuses maps an update's status (and an incident's
// lastUpdateStatus) to an incident status; Checkly uses Statuspage's
// words in capitals.
var updateStatuses = map[string]watchfire.IncidentStatus{
	"INVESTIGATING": watchfire.IncidentInvestigating,
	"IDENTIFIED":    watchfire.IncidentIdentified,
	"MONITORING":    watchfire.IncidentMonitoring,
	"RESOLVED":      watchfire.IncidentResolved,
}

// maintenanceWord is the update status (or severity) other readers of
// Checkly pages report for maintenance posted as an incident. It is not
// in the captures we have; an item carrying it is read as a maintenance
// in progress, since the document lists only what is unresolved.
const maintenanceWord = "MAINTENANCE"

// UpdateStatus maps a Checkly status to an incident status; ok is false
// for one we do not know (and for MAINTENANCE, which is no incident
// status).
func UpdateStatus(status string) (watchfire.IncidentStatus, bool) {
	s, ok := updateStatuses[strings.ToUpper(strings.TrimSpace(status))]
	return s, ok
}

// updateWord is an update's status for the timeline: the incident status,
// or the vendor's word lowercased.
func updateWord(status string) string {
	if s, ok := UpdateStatus(status); ok {
		return string(s)
	}
	if strings.EqualFold(strings.TrimSpace(status), maintenanceWord) {
		return string(watchfire.MaintenanceInProgress)
	}
	return strings.ToLower(strings.TrimSpace(status))
}
