package salesforce

import (
	"strings"
	"unicode"

	"github.com/watchfire-status/watchfire"
)

// instanceStatuses maps an instance's status to a component status.
//
// Trust writes a status as SEVERITY_SCOPE. The severity words follow the
// Trust page's legend: a minor incident is "Performance Degradation", a
// major one "Service Disruption". The scope says whether the instance's
// core service is hit (CORE) or only a feature or product on it
// (NONCORE): a major non-core incident leaves the instance itself up, so
// it is a partial outage, not a major one. INFORMATIONAL is a notice
// without impact.
var instanceStatuses = map[string]watchfire.ComponentStatus{
	"OK":                     watchfire.StatusOperational,
	"INFORMATIONAL_CORE":     watchfire.StatusOperational,
	"INFORMATIONAL_NONCORE":  watchfire.StatusOperational,
	"MINOR_INCIDENT_CORE":    watchfire.StatusDegradedPerformance,
	"MINOR_INCIDENT_NONCORE": watchfire.StatusDegradedPerformance,
	"MAJOR_INCIDENT_CORE":    watchfire.StatusMajorOutage,
	"MAJOR_INCIDENT_NONCORE": watchfire.StatusPartialOutage,
	"MAINTENANCE_CORE":       watchfire.StatusUnderMaintenance,
	"MAINTENANCE_NONCORE":    watchfire.StatusUnderMaintenance,
}

// InstanceStatus maps a Trust instance status to a component status. A
// status we do not know is read by its words (MAJOR, MINOR, MAINTENANCE);
// failing that it is still not OK, so it counts as degraded.
func InstanceStatus(status string) watchfire.ComponentStatus {
	s := strings.ToUpper(strings.TrimSpace(status))
	if c, ok := instanceStatuses[s]; ok {
		return c
	}
	switch {
	case s == "":
		return watchfire.StatusOperational
	case strings.Contains(s, "MAJOR"):
		return watchfire.StatusPartialOutage
	case strings.Contains(s, "MAINTENANCE"):
		return watchfire.StatusUnderMaintenance
	case strings.Contains(s, "INFORMATIONAL"):
		return watchfire.StatusOperational
	}
	return watchfire.StatusDegradedPerformance
}

// severityImpacts maps an incident impact's severity (IncidentImpacts[]
// .severity) to an incident impact. Trust uses minor and major; "critical"
// is accepted in case the scale grows.
var severityImpacts = map[string]watchfire.Impact{
	"informational": watchfire.ImpactNone,
	"minor":         watchfire.ImpactMinor,
	"major":         watchfire.ImpactMajor,
	"critical":      watchfire.ImpactCritical,
}

// SeverityImpact maps a Trust severity to an impact; an unknown one is
// still an incident, so it is minor.
func SeverityImpact(severity string) watchfire.Impact {
	if i, ok := severityImpacts[strings.ToLower(strings.TrimSpace(severity))]; ok {
		return i
	}
	return watchfire.ImpactMinor
}

// ImpactTitle turns an impact type such as
// "performanceDegradationAsynchronousProcessingSubset" into words,
// "Performance degradation asynchronous processing subset": Trust
// incidents have no title, and the type is what its page shows.
func ImpactTitle(typ string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(typ) {
		switch {
		case i == 0:
			b.WriteRune(unicode.ToUpper(r))
		case unicode.IsUpper(r):
			b.WriteByte(' ')
			b.WriteRune(unicode.ToLower(r))
		case r == '_' || r == '-':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
