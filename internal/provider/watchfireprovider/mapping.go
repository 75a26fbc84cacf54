package watchfireprovider

import "github.com/watchfire-status/watchfire"

// A Watchfire writes its own vocabulary into its API, and that vocabulary
// is Statuspage's: every value maps to itself. The decoding is the
// atlassian package's, so are its tables and its defaults for values it
// does not know (a newer Watchfire adding one): an unknown component
// status reads as degraded_performance, an unknown indicator as minor, an
// unknown incident status as investigating, an unknown impact as minor,
// an unknown maintenance status as scheduled.
//
// The tables below list what a Watchfire emits (internal/statuspage), so
// that a test can hold the two packages to each other.

// componentStatuses maps what a Watchfire writes in components[].status.
var componentStatuses = map[string]watchfire.ComponentStatus{
	"operational":          watchfire.StatusOperational,
	"degraded_performance": watchfire.StatusDegradedPerformance,
	"partial_outage":       watchfire.StatusPartialOutage,
	"major_outage":         watchfire.StatusMajorOutage,
	"under_maintenance":    watchfire.StatusUnderMaintenance,
}

// indicators maps status.indicator (State.PageIndicator's values).
var indicators = map[string]watchfire.Indicator{
	"none":        watchfire.IndicatorNone,
	"minor":       watchfire.IndicatorMinor,
	"major":       watchfire.IndicatorMajor,
	"critical":    watchfire.IndicatorCritical,
	"maintenance": watchfire.IndicatorMaintenance,
}

// incidentStatuses maps incidents[].status.
var incidentStatuses = map[string]watchfire.IncidentStatus{
	"investigating": watchfire.IncidentInvestigating,
	"identified":    watchfire.IncidentIdentified,
	"monitoring":    watchfire.IncidentMonitoring,
	"resolved":      watchfire.IncidentResolved,
	"postmortem":    watchfire.IncidentPostmortem,
}

// impacts maps incidents[].impact; maintenances always say "maintenance",
// which marks them as maintenances.
var impacts = map[string]watchfire.Impact{
	"none":     watchfire.ImpactNone,
	"minor":    watchfire.ImpactMinor,
	"major":    watchfire.ImpactMajor,
	"critical": watchfire.ImpactCritical,
}

// maintenanceStatuses maps scheduled_maintenances[].status.
var maintenanceStatuses = map[string]watchfire.MaintenanceStatus{
	"scheduled":   watchfire.MaintenanceScheduled,
	"in_progress": watchfire.MaintenanceInProgress,
	"verifying":   watchfire.MaintenanceVerifying,
	"completed":   watchfire.MaintenanceCompleted,
}
