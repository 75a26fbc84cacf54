package instatus

import (
	"strings"

	"github.com/watchfire-status/watchfire"
)

// Instatus writes its enums in upper case without separators
// ("HASISSUES", "NOTSTARTEDYET"). Lookups ignore case and surrounding
// space, and drop '_' and '-', so that a spelling Instatus uses elsewhere
// ("PARTIAL_OUTAGE") still matches.

// componentStatuses maps a component's status, and an incident's impact
// read as the status it puts its components in.
var componentStatuses = map[string]watchfire.ComponentStatus{
	"OPERATIONAL":         watchfire.StatusOperational,
	"UNDERMAINTENANCE":    watchfire.StatusUnderMaintenance,
	"DEGRADEDPERFORMANCE": watchfire.StatusDegradedPerformance,
	"DEGRADED":            watchfire.StatusDegradedPerformance,
	"PARTIALOUTAGE":       watchfire.StatusPartialOutage,
	"MINOROUTAGE":         watchfire.StatusPartialOutage, // an outage, but not of everything
	"MAJOROUTAGE":         watchfire.StatusMajorOutage,
}

// UnknownComponentStatus is what a status we do not know maps to: the
// page shows something other than operational, and degraded surfaces it
// without claiming an outage. A missing status is operational.
const UnknownComponentStatus = watchfire.StatusDegradedPerformance

// ComponentStatus maps an Instatus component status.
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

// Impact maps an incident's impact (written like a component status):
// the impact Watchfire gives the status it names. A maintenance-like
// impact on an incident says nothing about trouble, so none.
func Impact(v string) watchfire.Impact {
	if norm(v) == "" {
		return watchfire.ImpactNone
	}
	return watchfire.ImpactFor(ComponentStatus(v))
}

// indicators maps page.status. The known values are UP, HASISSUES,
// UNDERMAINTENANCE and ONEMAJOROUTAGE; the others are the component
// words, which Instatus has been seen to use for the page too.
//
// HASISSUES says only "something is wrong": minor, and the components and
// incident impacts tell more. ONEMAJOROUTAGE (a component down) maps the
// way Watchfire rates its own page: a component in major outage makes the
// indicator critical.
var indicators = map[string]watchfire.Indicator{
	"UP":                  watchfire.IndicatorNone,
	"OPERATIONAL":         watchfire.IndicatorNone,
	"HASISSUES":           watchfire.IndicatorMinor,
	"UNDERMAINTENANCE":    watchfire.IndicatorMaintenance,
	"DEGRADEDPERFORMANCE": watchfire.IndicatorMinor,
	"PARTIALOUTAGE":       watchfire.IndicatorMajor,
	"MINOROUTAGE":         watchfire.IndicatorMajor,
	"ONEMAJOROUTAGE":      watchfire.IndicatorCritical,
	"MAJOROUTAGE":         watchfire.IndicatorCritical,
}

// UnknownIndicator is what a page status we do not know maps to, unless
// its words say more (see Indicator).
const UnknownIndicator = watchfire.IndicatorMinor

// Indicator maps page.status; "" when the document has none.
func Indicator(v string) watchfire.Indicator {
	v = norm(v)
	if v == "" {
		return ""
	}
	if i, ok := indicators[v]; ok {
		return i
	}
	// A new value built from the same words ("ALLMAJOROUTAGE").
	switch {
	case strings.Contains(v, "MAJOROUTAGE"):
		return watchfire.IndicatorCritical
	case strings.Contains(v, "OUTAGE"):
		return watchfire.IndicatorMajor
	case strings.Contains(v, "MAINTENANCE"):
		return watchfire.IndicatorMaintenance
	}
	return UnknownIndicator
}

// raise lifts a vague page status to the worst impact among the page's
// open incidents, the way Statuspage's indicator counts incident impact:
// HASISSUES with a major-outage incident is critical, not minor. A page
// under maintenance with an incident shows the incident.
func raise(i watchfire.Indicator, incidents []watchfire.UpstreamIncident) watchfire.Indicator {
	worst := watchfire.ImpactNone
	for _, inc := range incidents {
		if !inc.Status.Closed() && inc.Impact.Rank() > worst.Rank() {
			worst = inc.Impact
		}
	}
	if worst.Rank() > indicatorRank(i) {
		return impactIndicators[worst]
	}
	return i
}

// impactIndicators is the indicator an incident impact calls for.
var impactIndicators = map[watchfire.Impact]watchfire.Indicator{
	watchfire.ImpactMinor:    watchfire.IndicatorMinor,
	watchfire.ImpactMajor:    watchfire.IndicatorMajor,
	watchfire.ImpactCritical: watchfire.IndicatorCritical,
}

// indicatorRank orders indicators by trouble, maintenance counting as none.
func indicatorRank(i watchfire.Indicator) int {
	switch i {
	case watchfire.IndicatorMinor:
		return 1
	case watchfire.IndicatorMajor:
		return 2
	case watchfire.IndicatorCritical:
		return 3
	}
	return 0
}

// incidentStatuses maps an incident's status.
var incidentStatuses = map[string]watchfire.IncidentStatus{
	"INVESTIGATING": watchfire.IncidentInvestigating,
	"IDENTIFIED":    watchfire.IncidentIdentified,
	"MONITORING":    watchfire.IncidentMonitoring,
	"RESOLVED":      watchfire.IncidentResolved,
}

// IncidentStatus maps an incident's status; an unknown one of an incident
// listed as active is read as investigating.
func IncidentStatus(v string) watchfire.IncidentStatus {
	if s, ok := incidentStatuses[norm(v)]; ok {
		return s
	}
	return watchfire.IncidentInvestigating
}

// maintenanceStatuses maps a maintenance's status.
var maintenanceStatuses = map[string]watchfire.MaintenanceStatus{
	"NOTSTARTEDYET": watchfire.MaintenanceScheduled,
	"INPROGRESS":    watchfire.MaintenanceInProgress,
	"COMPLETED":     watchfire.MaintenanceCompleted,
}

// MaintenanceStatus maps a maintenance's status; an unknown one is read
// as scheduled, the state that claims nothing is under way.
func MaintenanceStatus(v string) watchfire.MaintenanceStatus {
	if s, ok := maintenanceStatuses[norm(v)]; ok {
		return s
	}
	return watchfire.MaintenanceScheduled
}

func norm(v string) string {
	v = strings.ToUpper(strings.TrimSpace(v))
	return strings.NewReplacer("_", "", "-", "", " ", "").Replace(v)
}

// upperEnum reports whether v is written the way Instatus writes its
// enums, so that a lowercase Statuspage status ("operational") is told
// apart from Instatus's.
func upperEnum(v string) bool {
	if v == "" {
		return false
	}
	for _, r := range v {
		if (r < 'A' || r > 'Z') && r != '_' {
			return false
		}
	}
	return true
}
