package aws

import (
	"regexp"
	"strings"

	"github.com/watchfire-status/watchfire"
)

// level is one of AWS's status codes, which both of its JSON documents
// write as strings ("0"–"3") and event logs as numbers.
type level struct {
	impact watchfire.Impact
	status watchfire.ComponentStatus
	// words are what AWS's RSS titles call the level, for docs and tests.
	words string
}

// levels maps AWS's status codes. The codes were checked against the real
// data: in the 2026 events, every event_log entry at 1 was published in
// the RSS feed as "Service impact:" and every one at 3 as "Service
// disruption:" (same timestamps); the legacy dashboard titled 1
// "Informational message" / "Performance issues". Level 1 covers trouble
// AWS itself ranks lowest, so it degrades; 2 is partial, 3 an outage.
var levels = map[string]level{
	"0": {watchfire.ImpactNone, watchfire.StatusOperational, "Service is operating normally"},
	"1": {watchfire.ImpactMinor, watchfire.StatusDegradedPerformance, "Service impact / Informational message"},
	"2": {watchfire.ImpactMajor, watchfire.StatusPartialOutage, "Service degradation"},
	"3": {watchfire.ImpactCritical, watchfire.StatusMajorOutage, "Service disruption"},
}

// unknownLevel is how a code AWS adds later is read: as a degradation,
// since an event carries it.
const unknownLevel = "2"

// levelOf reads a status code.
func levelOf(code string) level {
	if l, ok := levels[strings.TrimSpace(code)]; ok {
		return l
	}
	return levels[unknownLevel]
}

// resolved reports whether a status code says the event is over.
func resolved(code string) bool { return strings.TrimSpace(code) == "0" }

// updateStatus is an event_log entry's status word: its code is a
// severity, not a lifecycle, so every entry but a 0 reads investigating.
func updateStatus(code string) string {
	if resolved(code) {
		return string(watchfire.IncidentResolved)
	}
	return string(watchfire.IncidentInvestigating)
}

// indicators maps the worst open impact to the page indicator.
var indicators = map[watchfire.Impact]watchfire.Indicator{
	watchfire.ImpactMinor:    watchfire.IndicatorMinor,
	watchfire.ImpactMajor:    watchfire.IndicatorMajor,
	watchfire.ImpactCritical: watchfire.IndicatorCritical,
}

// serviceRegion splits an AWS service key, "ec2-us-east-1" or
// "acm-pca-me-central-1", into service and region; global services
// ("cloudfront", "route53") have no region.
var serviceRegion = regexp.MustCompile(`^(.+?)-((?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)$`)

// regionOf returns a service key's region, "" for a global service.
func regionOf(key string) string {
	if m := serviceRegion.FindStringSubmatch(key); m != nil {
		return m[2]
	}
	return ""
}

// resolvedPrefix marks the legacy dashboard's closed entries.
const resolvedPrefix = "[RESOLVED]"

// legacyName is a legacy entry's summary without its "[RESOLVED]".
func legacyName(summary string) (string, bool) {
	s := strings.TrimSpace(summary)
	if len(s) >= len(resolvedPrefix) && strings.EqualFold(s[:len(resolvedPrefix)], resolvedPrefix) {
		return strings.TrimSpace(s[len(resolvedPrefix):]), true
	}
	return s, false
}
