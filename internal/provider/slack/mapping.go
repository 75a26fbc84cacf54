package slack

import (
	"strings"

	"github.com/watchfire-status/watchfire"
)

// Services are the services slack-status.com lists, in its order. The API
// names a service only when an incident touches it, so without this list
// a quiet Slack would have no components to attach dependencies to. The
// list is the page's as of 2026 (the same eleven names in Slack's own
// docs and in every client of the API we checked); a service an incident
// names that is not here is added after them.
var Services = []string{
	"Login/SSO",
	"Connectivity",
	"Messaging",
	"Files",
	"Notifications",
	"Huddles",
	"Search",
	"Apps/Integrations/APIs",
	"Workspace/Org Administration",
	"Workflows",
	"Canvases",
}

// types maps an incident's type to its impact and to the status of the
// services it names. Slack's icons: a red "outage" is the service down, an
// orange "incident" a feature failing for some users (most of them read
// "Some users may be unable to…", a partial outage), a blue "notice"
// information about slowness or a minor problem.
var types = map[string]struct {
	impact watchfire.Impact
	status watchfire.ComponentStatus
}{
	"outage":   {watchfire.ImpactCritical, watchfire.StatusMajorOutage},
	"incident": {watchfire.ImpactMajor, watchfire.StatusPartialOutage},
	"notice":   {watchfire.ImpactMinor, watchfire.StatusDegradedPerformance},
}

// unknownType is how a type Slack adds later is read: as an incident.
const unknownType = "incident"

// typeOf reads an incident's type.
func typeOf(t string) (watchfire.Impact, watchfire.ComponentStatus) {
	m, ok := types[strings.ToLower(strings.TrimSpace(t))]
	if !ok {
		m = types[unknownType]
	}
	return m.impact, m.status
}

// statuses maps an entry's status. Slack has no investigating/identified
// stages: "active" is all of them, read as investigating. "scheduled" and
// "completed" are maintenance words; "cancelled" closes either kind.
var statuses = map[string]struct {
	incident    watchfire.IncidentStatus
	maintenance watchfire.MaintenanceStatus
}{
	"active":    {watchfire.IncidentInvestigating, watchfire.MaintenanceInProgress},
	"resolved":  {watchfire.IncidentResolved, watchfire.MaintenanceCompleted},
	"scheduled": {watchfire.IncidentInvestigating, watchfire.MaintenanceScheduled},
	"completed": {watchfire.IncidentResolved, watchfire.MaintenanceCompleted},
	"cancelled": {watchfire.IncidentResolved, watchfire.MaintenanceCompleted},
	"canceled":  {watchfire.IncidentResolved, watchfire.MaintenanceCompleted},
}

// isMaintenance reports whether an entry is planned work: Slack's type
// "maintenance", or an entry it has scheduled.
func isMaintenance(typ, status string) bool {
	typ, status = strings.ToLower(strings.TrimSpace(typ)), strings.ToLower(strings.TrimSpace(status))
	return typ == "maintenance" || status == "scheduled"
}

// statusOf reads an entry's status; an unknown word is read as active,
// the safe side for something Slack still lists.
func statusOf(s string) (watchfire.IncidentStatus, watchfire.MaintenanceStatus) {
	m, ok := statuses[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		m = statuses["active"]
	}
	return m.incident, m.maintenance
}

// pageStatuses are the values of current's top-level status. "broken" is
// documented but not explained; it is read as "the state is unknown" (see
// read).
var pageStatuses = map[string]bool{"ok": true, "active": true, "broken": true}

// indicators maps the worst open impact to the page indicator.
var indicators = map[watchfire.Impact]watchfire.Indicator{
	watchfire.ImpactMinor:    watchfire.IndicatorMinor,
	watchfire.ImpactMajor:    watchfire.IndicatorMajor,
	watchfire.ImpactCritical: watchfire.IndicatorCritical,
}
