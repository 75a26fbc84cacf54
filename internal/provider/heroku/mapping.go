package heroku

import (
	"strings"

	"github.com/watchfire-status/watchfire"
)

// Heroku writes every status as a traffic-light color: the three systems
// (Apps, Data, Tools), each update's status_dev and status_prod, and the
// v4 systems[] of an incident all use the same four words.
const (
	colorGreen  = "green"
	colorYellow = "yellow"
	colorRed    = "red"
	colorBlue   = "blue" // planned maintenance
)

// colorStatuses maps a color to a component status. Heroku's page words
// yellow as issues that affect some customers and red as an outage of
// the system, which is what degraded and major outage say; blue is only
// used for scheduled maintenance.
var colorStatuses = map[string]watchfire.ComponentStatus{
	colorGreen:  watchfire.StatusOperational,
	colorYellow: watchfire.StatusDegradedPerformance,
	colorRed:    watchfire.StatusMajorOutage,
	colorBlue:   watchfire.StatusUnderMaintenance,
}

// ColorStatus maps a Heroku color to a component status. An empty color
// says nothing, so it is operational; a color we have never seen is still
// one Heroku chose to show instead of green, so it counts as degraded.
func ColorStatus(color string) watchfire.ComponentStatus {
	color = strings.ToLower(strings.TrimSpace(color))
	if s, ok := colorStatuses[color]; ok {
		return s
	}
	if color == "" {
		return watchfire.StatusOperational
	}
	return watchfire.StatusDegradedPerformance
}

// ColorImpact is the incident impact a color implies: blue (maintenance)
// carries none, since maintenance is not an incident impact.
func ColorImpact(color string) watchfire.Impact {
	s := ColorStatus(color)
	if s == watchfire.StatusUnderMaintenance {
		return watchfire.ImpactNone
	}
	return watchfire.ImpactFor(s)
}

// incidentUpdateTypes maps an incident update's update_type to the
// incident status it moves the incident to. "issue" is the update Heroku
// posts once it has confirmed a problem (after "investigating"), which is
// Statuspage's "identified". "update" only adds news and is absent: the
// incident keeps the status of the last typed update.
var incidentUpdateTypes = map[string]watchfire.IncidentStatus{
	"investigating": watchfire.IncidentInvestigating,
	"issue":         watchfire.IncidentIdentified,
	"identified":    watchfire.IncidentIdentified,
	"monitoring":    watchfire.IncidentMonitoring,
	"resolved":      watchfire.IncidentResolved,
	"postmortem":    watchfire.IncidentPostmortem,
}

// maintenanceUpdateTypes maps a scheduled item's update_type to a
// maintenance status: "scheduled" announces the window, "maintenance"
// reports the work under way, "resolved" closes it.
var maintenanceUpdateTypes = map[string]watchfire.MaintenanceStatus{
	"scheduled":   watchfire.MaintenanceScheduled,
	"maintenance": watchfire.MaintenanceInProgress,
	"monitoring":  watchfire.MaintenanceVerifying,
	"resolved":    watchfire.MaintenanceCompleted,
	"completed":   watchfire.MaintenanceCompleted,
}

// IncidentUpdateStatus is an incident update's status for the timeline:
// the incident status its type means, or the vendor's word ("update").
func IncidentUpdateStatus(updateType string) string {
	t := strings.ToLower(strings.TrimSpace(updateType))
	if s, ok := incidentUpdateTypes[t]; ok {
		return string(s)
	}
	return t
}

// MaintenanceUpdateStatus is a maintenance update's status for the
// timeline, as IncidentUpdateStatus.
func MaintenanceUpdateStatus(updateType string) string {
	t := strings.ToLower(strings.TrimSpace(updateType))
	if s, ok := maintenanceUpdateTypes[t]; ok {
		return string(s)
	}
	return t
}

// resolvedStates are the item states that close an incident or a
// scheduled item. Heroku's resolved flag is not always set with them
// (incident 2963 was seen on the live v4 API with state "resolved" and
// resolved false), so either one closes it.
var resolvedStates = map[string]bool{"resolved": true, "closed": true, "completed": true}
