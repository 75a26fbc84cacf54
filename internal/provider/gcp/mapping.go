package gcp

import (
	"regexp"

	"github.com/watchfire-status/watchfire"
)

// statusImpacts maps an incident's status_impact, the icon Google Cloud
// Service Health shows for it, to our impact and to the status of the
// products it affects. "Service information" is the blue (i): Google uses
// it for real but limited trouble (elevated latency for some users), so it
// degrades rather than leaving the product operational.
var statusImpacts = map[string]struct {
	impact watchfire.Impact
	status watchfire.ComponentStatus
}{
	"SERVICE_INFORMATION": {watchfire.ImpactMinor, watchfire.StatusDegradedPerformance},
	"SERVICE_DISRUPTION":  {watchfire.ImpactMajor, watchfire.StatusPartialOutage},
	"SERVICE_OUTAGE":      {watchfire.ImpactCritical, watchfire.StatusMajorOutage},
}

// severities is the fallback when status_impact is missing or new: every
// incident in the captured history pairs low, medium and high with the
// three status_impact values above, one to one.
var severities = map[string]string{
	"low":    "SERVICE_INFORMATION",
	"medium": "SERVICE_DISRUPTION",
	"high":   "SERVICE_OUTAGE",
}

// unknownImpact is what an incident whose impact Google names in a way
// this table does not know gets: it is open, so it is not nothing.
const unknownImpact = "SERVICE_DISRUPTION"

// impactOf reads an incident's impact: status_impact, else severity.
func impactOf(statusImpact, severity string) (watchfire.Impact, watchfire.ComponentStatus) {
	if m, ok := statusImpacts[statusImpact]; ok {
		return m.impact, m.status
	}
	if si, ok := severities[severity]; ok {
		return statusImpacts[si].impact, statusImpacts[si].status
	}
	m := statusImpacts[unknownImpact]
	return m.impact, m.status
}

// availableStatus is the status of an update that says the service is
// back. Updates carry the impact at the time, not a lifecycle: every
// other value is read as investigating.
const availableStatus = "AVAILABLE"

// incidentReport matches the update Google posts after the fact, its
// "(Mini) Incident Report" (the text is markdown, sometimes with escaped
// "\#" headings): the incident is then postmortem, not merely resolved.
var incidentReport = regexp.MustCompile(`(?i)^[#\s\\*]*(mini\s+)?incident\s+report`)

// lifecycle is an incident's status: resolved (postmortem once the report
// is out) when it has an end; monitoring when its latest update says the
// service is available again but Google has not closed it; investigating
// otherwise.
func lifecycle(ended bool, latest *update) watchfire.IncidentStatus {
	switch {
	case ended && latest != nil && incidentReport.MatchString(latest.Text):
		return watchfire.IncidentPostmortem
	case ended:
		return watchfire.IncidentResolved
	case latest != nil && latest.Status == availableStatus:
		return watchfire.IncidentMonitoring
	}
	return watchfire.IncidentInvestigating
}

// updateStatus is an update's status word in our vocabulary.
func updateStatus(u *update, ended bool) string {
	switch {
	case incidentReport.MatchString(u.Text):
		return string(watchfire.IncidentPostmortem)
	case u.Status == availableStatus && ended:
		return string(watchfire.IncidentResolved)
	case u.Status == availableStatus:
		return string(watchfire.IncidentMonitoring)
	}
	return string(watchfire.IncidentInvestigating)
}

// indicators maps the worst open impact to the page indicator.
var indicators = map[watchfire.Impact]watchfire.Indicator{
	watchfire.ImpactMinor:    watchfire.IndicatorMinor,
	watchfire.ImpactMajor:    watchfire.IndicatorMajor,
	watchfire.ImpactCritical: watchfire.IndicatorCritical,
}
