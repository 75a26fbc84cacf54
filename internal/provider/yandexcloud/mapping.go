package yandexcloud

import (
	"strconv"
	"strings"

	"github.com/watchfire-status/watchfire"
)

// levelImpacts maps an incident's levelId to its impact.
//
// Yandex Cloud publishes no scale; this is read from the data. Every
// incident we have (the December 2024 list, the detail, the services'
// embedded incidents) carries its level beside the id, and only two
// appear: 1 "Minor" (theme "normal", 14 of 20 in the list) and 2
// "Unavailable" (theme "danger", 6 of 20). The words do not split the
// titles cleanly: level 1 has delays ("Задержка в доставке событий") but
// also "Недоступность CDN API"; level 2 has whole services
// ("Недоступность сервиса Object Storage") but mostly one zone's network
// ("Частичная недоступность сети"), and the postmortem of one (972)
// counts about a fifth of one zone's machines. So level 1 is minor, and
// level 2, Yandex's worst but usually partial, is major (a partial
// outage) rather than critical. Critical is kept for a level above 2,
// should Yandex add one.
var levelImpacts = map[int]watchfire.Impact{
	0: watchfire.ImpactNone,
	1: watchfire.ImpactMinor,
	2: watchfire.ImpactMajor,
}

// levelLabels maps the level's label, for a levelId we do not know.
var levelLabels = map[string]watchfire.Impact{
	"minor":       watchfire.ImpactMinor,
	"unavailable": watchfire.ImpactMajor,
}

// LevelImpact maps an incident's levelId (and level.label, as a fallback)
// to an impact.
func LevelImpact(level int, label string) watchfire.Impact {
	if i, ok := levelImpacts[level]; ok {
		return i
	}
	if i, ok := levelLabels[strings.ToLower(strings.TrimSpace(label))]; ok {
		return i
	}
	if level > 2 {
		return watchfire.ImpactCritical
	}
	return watchfire.ImpactMinor
}

// ImpactStatus is the status of a service an open incident of the impact
// affects.
func ImpactStatus(i watchfire.Impact) watchfire.ComponentStatus {
	switch i {
	case watchfire.ImpactCritical:
		return watchfire.StatusMajorOutage
	case watchfire.ImpactMajor:
		return watchfire.StatusPartialOutage
	}
	return watchfire.StatusDegradedPerformance
}

// commentTypes maps a comment's type to the incident status it moves the
// incident to. "update" adds news without changing it, and is absent.
var commentTypes = map[string]watchfire.IncidentStatus{
	"investigation": watchfire.IncidentInvestigating,
	"identified":    watchfire.IncidentIdentified,
	"monitoring":    watchfire.IncidentMonitoring,
	"resolved":      watchfire.IncidentResolved,
}

// CommentStatus is a comment's status for the timeline: the incident
// status its type means, or the vendor's word ("update").
func CommentStatus(typ string) string {
	t := strings.ToLower(strings.TrimSpace(typ))
	if s, ok := commentTypes[t]; ok {
		return string(s)
	}
	return t
}

// closedStatuses are the incident statuses that close it. The API
// answers "open" and "resolved"; its status filter says "opened".
var closedStatuses = map[string]bool{"resolved": true, "closed": true}

// installations names the installations (Yandex Cloud's separate
// regions, each with its own copy of the services) for component groups.
var installations = map[string]string{
	"ru": "Russia",
	"kz": "Kazakhstan",
}

// InstallationName is an installation code's name, the code in capitals
// for one we do not know.
func InstallationName(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if n, ok := installations[code]; ok {
		return n
	}
	return strings.ToUpper(code)
}

func atoi(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}
