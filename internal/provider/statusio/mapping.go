package statusio

import (
	"strings"

	"github.com/watchfire-status/watchfire"
)

// status.io writes every status as a number, the same scale for the page
// (status_overall), components, containers and incident messages; the
// higher, the worse, and the page shows its highest. The words next to the
// numbers are the vendor's labels, kept in VendorStatus.
const (
	codeOperational         = 100
	codePlannedMaintenance  = 200
	codeDegradedPerformance = 300
	codePartialDisruption   = 400
	codeServiceDisruption   = 500
	codeSecurityIssue       = 600
)

// componentStatuses maps status codes to component statuses.
//
// 600 "Security Issue" is status.io's top code, but it says the vendor is
// dealing with a security problem, not that the service is down: in the
// one capture we have (GitLab, February 2020) everything worked except a
// feature switched off as a precaution. A partial outage says "affected"
// without declaring the service unreachable.
var componentStatuses = map[int]watchfire.ComponentStatus{
	codeOperational:         watchfire.StatusOperational,
	codePlannedMaintenance:  watchfire.StatusUnderMaintenance,
	codeDegradedPerformance: watchfire.StatusDegradedPerformance,
	codePartialDisruption:   watchfire.StatusPartialOutage,
	codeServiceDisruption:   watchfire.StatusMajorOutage,
	codeSecurityIssue:       watchfire.StatusPartialOutage,
}

// statusWords maps the vendor's labels, for a code we do not know that
// comes with a label we do.
var statusWords = map[string]watchfire.ComponentStatus{
	"operational":                watchfire.StatusOperational,
	"planned maintenance":        watchfire.StatusUnderMaintenance,
	"degraded performance":       watchfire.StatusDegradedPerformance,
	"partial service disruption": watchfire.StatusPartialOutage,
	"service disruption":         watchfire.StatusMajorOutage,
	"security issue":             watchfire.StatusPartialOutage,
	"security event":             watchfire.StatusPartialOutage,
}

// ComponentStatus maps a status code (and its label, as a fallback) to a
// component status. A code we have never seen is still trouble the vendor
// chose to show, so it counts as degraded rather than operational.
func ComponentStatus(code int, label string) watchfire.ComponentStatus {
	if s, ok := componentStatuses[code]; ok {
		return s
	}
	if s, ok := statusWords[strings.ToLower(strings.TrimSpace(label))]; ok {
		return s
	}
	if code == 0 && label == "" {
		return watchfire.StatusOperational // nothing said at all
	}
	return watchfire.StatusDegradedPerformance
}

// Indicator maps status_overall's code to a page indicator, by the rule
// Watchfire uses for its own page: the worst component status decides
// (major outage → critical, partial → major, degraded → minor).
func Indicator(code int, label string) watchfire.Indicator {
	switch ComponentStatus(code, label) {
	case watchfire.StatusUnderMaintenance:
		return watchfire.IndicatorMaintenance
	case watchfire.StatusDegradedPerformance:
		return watchfire.IndicatorMinor
	case watchfire.StatusPartialOutage:
		return watchfire.IndicatorMajor
	case watchfire.StatusMajorOutage:
		return watchfire.IndicatorCritical
	}
	return watchfire.IndicatorNone
}

// Impact is the impact an incident message's status code implies.
func Impact(code int) watchfire.Impact {
	if code == 0 {
		return watchfire.ImpactNone
	}
	return watchfire.ImpactFor(ComponentStatus(code, ""))
}

// incidentStates maps an incident message's state. status.io lists only
// open incidents in its public status API; resolving one removes it, so
// there is no resolved state to read there.
var incidentStates = map[int]watchfire.IncidentStatus{
	100: watchfire.IncidentInvestigating,
	200: watchfire.IncidentIdentified,
	300: watchfire.IncidentMonitoring,
}

// IncidentStatus maps an incident message's state; an unknown state of an
// incident that is still listed is read as investigating.
func IncidentStatus(state int) watchfire.IncidentStatus {
	if s, ok := incidentStates[state]; ok {
		return s
	}
	return watchfire.IncidentInvestigating
}

// maintenanceStates maps a maintenance message's state. Not documented:
// inferred from captures, where the message posted when the maintenance
// is announced has 100 and those posted while it runs have 200.
var maintenanceStates = map[int]watchfire.MaintenanceStatus{
	100: watchfire.MaintenanceScheduled,
	200: watchfire.MaintenanceInProgress,
	300: watchfire.MaintenanceCompleted,
}

// maintenanceUpdateStatus is the status word of one maintenance message:
// ours when the state is known, the number otherwise.
func maintenanceUpdateStatus(state int, fallback watchfire.MaintenanceStatus) string {
	if s, ok := maintenanceStates[state]; ok {
		return string(s)
	}
	return string(fallback)
}
