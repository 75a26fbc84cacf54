package feed

import (
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
)

// A feed has no schema for status: what an item means is written in its
// words. These tables are the heuristics that read them, checked in the
// order given; docs/providers/feed.md shows them with examples from the
// real feeds they were taken from.

// OpenWindow is how recent an unresolved item must be to count as open in
// Current. Most feeds never say an incident is over (Azure drops the item,
// AWS posts a "[RESOLVED]" item only sometimes), so an item nobody updated
// for a day is taken as stale rather than as an outage forever.
const OpenWindow = 24 * time.Hour

// lifecycle is what a status word says: an incident status, or a
// maintenance one for words only maintenances use.
type lifecycle struct {
	incident    watchfire.IncidentStatus
	maintenance watchfire.MaintenanceStatus
}

// statusWords maps the status words of the feeds that carry one per
// update — Atlassian Statuspage ("<strong>Resolved</strong> - …") and
// incident.io ("<b>Status: Resolved</b>") — to ours. Statuspage's
// "Update" is not a status (the previous one still holds) and is absent
// on purpose. "completed" closes both kinds.
var statusWords = map[string]lifecycle{
	"investigating": {incident: watchfire.IncidentInvestigating},
	"identified":    {incident: watchfire.IncidentIdentified},
	"monitoring":    {incident: watchfire.IncidentMonitoring},
	"resolved":      {incident: watchfire.IncidentResolved},
	"postmortem":    {incident: watchfire.IncidentPostmortem},
	"scheduled":     {maintenance: watchfire.MaintenanceScheduled},
	"in progress":   {maintenance: watchfire.MaintenanceInProgress},
	"verifying":     {maintenance: watchfire.MaintenanceVerifying},
	"completed":     {incident: watchfire.IncidentResolved, maintenance: watchfire.MaintenanceCompleted},
}

// statusWord looks a status word up, ignoring case and spacing.
func statusWord(w string) (lifecycle, bool) {
	l, ok := statusWords[strings.Join(strings.Fields(strings.ToLower(w)), " ")]
	return l, ok
}

// resolvedTitleMarkers mark an item's title as the end of its incident,
// anywhere in the title: AWS writes "Service is operating normally:
// [RESOLVED] Increased Packet loss".
var resolvedTitleMarkers = []string{
	"[resolved]",
	"service is operating normally",
}

// resolvedTitlePrefixes do the same only at the start of a title
// ("Resolved: …", "RESOLVED - …"): elsewhere "resolved" is too common a
// word ("unresolved", "partially resolved").
var resolvedTitlePrefixes = []string{"resolved"}

// resolvedBodyPhrases close an incident when its latest text says so.
// They are read only for feeds without a status word, and only phrases
// that state the end outright are listed: "we expect this to be resolved
// soon" must not close anything.
var resolvedBodyPhrases = []string{
	"has been resolved",
	"is now resolved",
	"has been fully resolved",
	"is now mitigated",
	"has been mitigated",
	"service is operating normally",
}

// impactPhrases give an item's impact, first match wins, title before
// body. AWS's prefixes are its severity levels (checked against its JSON
// feed: "Service impact" items are level 1, "Service disruption" level 3;
// see internal/provider/aws), so they map as that provider maps the levels.
// Without any match an unresolved item is minor: someone posted it.
var impactPhrases = []struct {
	phrase string
	impact watchfire.Impact
}{
	{"service disruption", watchfire.ImpactCritical},
	{"full outage", watchfire.ImpactCritical},
	{"major outage", watchfire.ImpactCritical},
	{"service degradation", watchfire.ImpactMajor},
	{"partial outage", watchfire.ImpactMajor},
	{"degradation", watchfire.ImpactMajor},
	{"service impact", watchfire.ImpactMinor},
	{"informational message", watchfire.ImpactMinor},
	{"performance issues", watchfire.ImpactMinor},
	{"degraded performance", watchfire.ImpactMinor},
}

// defaultImpact is the impact of an item no phrase matched.
const defaultImpact = watchfire.ImpactMinor

// componentStatusWords read the "(Status)" incident.io writes after each
// affected component in its feed ("File uploads (Operational)").
var componentStatusWords = map[string]watchfire.ComponentStatus{
	"operational":          watchfire.StatusOperational,
	"degraded performance": watchfire.StatusDegradedPerformance,
	"partial outage":       watchfire.StatusPartialOutage,
	"full outage":          watchfire.StatusMajorOutage,
	"major outage":         watchfire.StatusMajorOutage,
	"under maintenance":    watchfire.StatusUnderMaintenance,
}

// titlePrefixes are status words vendors put before the incident's name;
// they are cut from incident names (repeatedly: AWS stacks two) so that
// every item of one incident carries the same name.
var titlePrefixes = []string{
	"service is operating normally:",
	"service impact:",
	"service disruption:",
	"service degradation:",
	"informational message:",
	"performance issues:",
	"[resolved]",
	"resolved:",
	"resolved -",
}

// impactStatus is the component status an incident's impact implies for
// the components it names, when the feed does not say.
func impactStatus(i watchfire.Impact) watchfire.ComponentStatus {
	switch i {
	case watchfire.ImpactCritical:
		return watchfire.StatusMajorOutage
	case watchfire.ImpactMajor:
		return watchfire.StatusPartialOutage
	}
	return watchfire.StatusDegradedPerformance
}

// indicatorFor is the page indicator of the worst open impact.
func indicatorFor(i watchfire.Impact) watchfire.Indicator {
	switch i {
	case watchfire.ImpactCritical:
		return watchfire.IndicatorCritical
	case watchfire.ImpactMajor:
		return watchfire.IndicatorMajor
	case watchfire.ImpactMinor:
		return watchfire.IndicatorMinor
	}
	return watchfire.IndicatorNone
}
