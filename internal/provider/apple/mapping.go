package apple

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/watchfire-status/watchfire"
)

// statusTypes maps an event's statusType, the kind of trouble, to our
// impact and to the status of the services it names while it is ongoing.
// Apple's legend has "Outage" (red), "Issue" (yellow: some users cannot
// use the service, a partial outage) and "Performance" (slower than
// normal); "Maintenance" is planned work and becomes a maintenance.
var statusTypes = map[string]struct {
	impact watchfire.Impact
	status watchfire.ComponentStatus
}{
	"outage":      {watchfire.ImpactCritical, watchfire.StatusMajorOutage},
	"issue":       {watchfire.ImpactMajor, watchfire.StatusPartialOutage},
	"performance": {watchfire.ImpactMinor, watchfire.StatusDegradedPerformance},
	"maintenance": {watchfire.ImpactMaintenance, watchfire.StatusUnderMaintenance},
	"available":   {watchfire.ImpactNone, watchfire.StatusOperational},
}

// unknownType is how a statusType Apple adds later is read.
const unknownType = "issue"

func typeOf(t string) (watchfire.Impact, watchfire.ComponentStatus) {
	m, ok := statusTypes[strings.ToLower(strings.TrimSpace(t))]
	if !ok {
		m = statusTypes[unknownType]
	}
	return m.impact, m.status
}

// isMaintenance reports whether an event is planned work.
func isMaintenance(statusType string) bool {
	return strings.EqualFold(strings.TrimSpace(statusType), "maintenance")
}

// eventStatuses maps an event's eventStatus, for incidents and for
// maintenances. "upcoming" is only seen on maintenances; an incident
// Apple announced ahead would be odd, and is read as open.
var eventStatuses = map[string]struct {
	incident    watchfire.IncidentStatus
	maintenance watchfire.MaintenanceStatus
}{
	"ongoing":   {watchfire.IncidentInvestigating, watchfire.MaintenanceInProgress},
	"upcoming":  {watchfire.IncidentInvestigating, watchfire.MaintenanceScheduled},
	"scheduled": {watchfire.IncidentInvestigating, watchfire.MaintenanceScheduled},
	"resolved":  {watchfire.IncidentResolved, watchfire.MaintenanceCompleted},
	"completed": {watchfire.IncidentResolved, watchfire.MaintenanceCompleted},
	"cancelled": {watchfire.IncidentResolved, watchfire.MaintenanceCompleted},
	"canceled":  {watchfire.IncidentResolved, watchfire.MaintenanceCompleted},
}

// unknownStatus is how an eventStatus Apple adds later is read: the page
// still lists the event, so as going on.
const unknownStatus = "ongoing"

func statusOf(s string) (watchfire.IncidentStatus, watchfire.MaintenanceStatus) {
	m, ok := eventStatuses[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		m = eventStatuses[unknownStatus]
	}
	return m.incident, m.maintenance
}

// label is how an incident is named, Apple's events having no title:
// "Outage: iCloud Mail, iCloud Drive".
func label(statusType string) string {
	t := strings.TrimSpace(statusType)
	if t == "" {
		return "Issue"
	}
	r, size := utf8.DecodeRuneInString(t)
	return string(unicode.ToUpper(r)) + t[size:]
}

// indicators maps the worst open impact to the page indicator.
var indicators = map[watchfire.Impact]watchfire.Indicator{
	watchfire.ImpactMinor:    watchfire.IndicatorMinor,
	watchfire.ImpactMajor:    watchfire.IndicatorMajor,
	watchfire.ImpactCritical: watchfire.IndicatorCritical,
}
