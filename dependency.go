package watchfire

import (
	"strings"
	"time"
)

// ThirdPartyGroup is the id of the group that holds one component per
// dependency, showing its live status on our page.
const ThirdPartyGroup = "third-party"

// Dependency is a third-party status page Watchfire follows: a vendor
// whose trouble may be ours. Its state is read by a provider (one per
// status-page format), normalized into an UpstreamReport, and rolled up
// onto the components it affects.
type Dependency struct {
	ID       string
	Name     string
	URL      string // the status page's address, as people know it
	Provider string // as configured: "auto" or a provider name
	Detected string // the provider the cascade settled on; "" until the first success
	Category string
	Source   EventSource // SourceConfig or SourceAPI: who added it
	Interval time.Duration
	Affects  []DependencyAffect

	// Report is the last normalized state read, nil before the first
	// successful read. ReportHash identifies its content, so a poll that
	// reads the same state again changes nothing.
	Report     *UpstreamReport
	ReportHash string
	Health     FetchHealth

	CreatedAt time.Time
	UpdatedAt time.Time
}

// DependencyAffect says that trouble upstream touches one of our
// components: trouble anywhere on the dependency, or only on one of its
// components when Upstream names it (by name, id, or "Group / Name").
type DependencyAffect struct {
	ComponentID string
	Upstream    string
}

// FetchHealth is how reading a dependency's status page has been going.
type FetchHealth struct {
	LastAttemptAt *time.Time
	LastSuccessAt *time.Time
	LastErrorAt   *time.Time
	LastError     string // why the last attempt failed, for people; "" after a success
	Failures      int    // consecutive failed attempts
}

// UpstreamReport is one third-party status page's state, normalized onto
// Watchfire's vocabulary. Providers fill what their format has: a page
// indicator and components are read independently (they can disagree, and
// one is never derived from the other).
type UpstreamReport struct {
	Provider     string
	Page         UpstreamPage
	Indicator    Indicator // "" when the format has no page-level status
	Description  string    // the vendor's own words for it, e.g. "Partial System Outage"
	Components   []UpstreamComponent
	Incidents    []UpstreamIncident    // open ones, newest first
	Maintenances []UpstreamMaintenance // scheduled or in progress
	UpdatedAt    time.Time             // when the vendor last changed it, zero if unknown
}

// UpstreamPage names the vendor's page.
type UpstreamPage struct {
	ID       string
	Name     string
	URL      string
	TimeZone string
}

// UpstreamComponent is one component of a third-party page.
type UpstreamComponent struct {
	ID           string
	Name         string
	Group        string // name of the group it belongs to, "" when none
	Status       ComponentStatus
	VendorStatus string // the status as the vendor wrote it, kept for debugging mappings
}

// FullName is "Group / Name" for grouped components, the name otherwise.
func (c *UpstreamComponent) FullName() string {
	if c.Group != "" {
		return c.Group + " / " + c.Name
	}
	return c.Name
}

// UpstreamIncident is an incident on a third-party page.
type UpstreamIncident struct {
	ID         string
	Name       string
	URL        string
	Status     IncidentStatus
	Impact     Impact
	StartedAt  time.Time
	UpdatedAt  time.Time
	ResolvedAt *time.Time
	Components []string // names of the upstream components it affects
	Updates    []UpstreamUpdate
}

// UpstreamMaintenance is planned work on a third-party page.
type UpstreamMaintenance struct {
	ID             string
	Name           string
	URL            string
	Status         MaintenanceStatus
	Impact         Impact
	ScheduledFor   time.Time
	ScheduledUntil time.Time
	Components     []string
	Updates        []UpstreamUpdate
}

// UpstreamUpdate is one entry of an upstream incident's or maintenance's
// timeline, newest first. Status holds an IncidentStatus or a
// MaintenanceStatus, or the vendor's word when it has no equivalent.
type UpstreamUpdate struct {
	Status string
	Body   string // plain text or markdown, never HTML
	At     time.Time
}

// IndicatorStatus is the component status a page indicator implies.
func IndicatorStatus(i Indicator) ComponentStatus {
	switch i {
	case IndicatorMinor:
		return StatusDegradedPerformance
	case IndicatorMajor:
		return StatusPartialOutage
	case IndicatorCritical:
		return StatusMajorOutage
	case IndicatorMaintenance:
		return StatusUnderMaintenance
	}
	return StatusOperational
}

// Overall is the dependency's status as one of ours: the worse of its
// worst component and what its page indicator says. Both are read, since
// vendors often raise one without the other. Pages without an indicator
// (incident.io's own JSON, feeds, cloud dashboards) also count their open
// incidents and active maintenances.
func (r *UpstreamReport) Overall() ComponentStatus {
	status := ComponentStatus("")
	if r.Indicator != "" {
		status = IndicatorStatus(r.Indicator)
	}
	for i := range r.Components {
		status = Worse(status, r.Components[i].Status)
	}
	if r.Indicator == "" {
		// Without a page-level status, open incidents and maintenances
		// are the page's word on its state.
		for i := range r.Incidents {
			if !r.Incidents[i].Status.Closed() {
				status = Worse(status, incidentImpactStatus(&r.Incidents[i]))
			}
		}
		for i := range r.Maintenances {
			if r.Maintenances[i].Status.Active() {
				status = Worse(status, StatusUnderMaintenance)
			}
		}
	}
	if status == "" {
		return StatusOperational
	}
	return status
}

// incidentImpactStatus is the status an open incident suggests when a page
// has nothing better. Without an impact (many formats have none) someone
// is still looking into something, which counts as degraded, until the
// incident is only being monitored.
func incidentImpactStatus(inc *UpstreamIncident) ComponentStatus {
	switch inc.Impact {
	case ImpactCritical:
		return StatusMajorOutage
	case ImpactMajor:
		return StatusPartialOutage
	case ImpactMinor:
		return StatusDegradedPerformance
	}
	if inc.Status == IncidentMonitoring {
		return ""
	}
	return StatusDegradedPerformance
}

// Component finds an upstream component by id, name or "Group / Name",
// ignoring case; nil if none.
func (r *UpstreamReport) Component(ref string) *UpstreamComponent {
	ref = strings.TrimSpace(ref)
	for i := range r.Components {
		c := &r.Components[i]
		if c.ID == ref || strings.EqualFold(c.Name, ref) || strings.EqualFold(c.FullName(), ref) {
			return c
		}
	}
	// "Group / Name" written with other spacing.
	if g, n, ok := strings.Cut(ref, "/"); ok {
		g, n = strings.TrimSpace(g), strings.TrimSpace(n)
		for i := range r.Components {
			c := &r.Components[i]
			if strings.EqualFold(c.Group, g) && strings.EqualFold(c.Name, n) {
				return c
			}
		}
	}
	return nil
}

// upstreamReasonPrefix starts the reason of a component degraded by a
// dependency.
const upstreamReasonPrefix = "Degraded: upstream "

// UpstreamReason is why one of our components is degraded by a
// dependency's trouble, e.g. "Degraded: upstream GitHub Actions partial
// outage": what (the dependency, and its component when the affect names
// one) and how bad.
func UpstreamReason(what string, status ComponentStatus) string {
	return upstreamReasonPrefix + what + " " + strings.ReplaceAll(string(status), "_", " ")
}

// ParseUpstreamReason splits a reason UpstreamReason wrote, so that pages
// can say it in their own language.
func ParseUpstreamReason(reason string) (what string, status ComponentStatus, ok bool) {
	rest, ok := strings.CutPrefix(reason, upstreamReasonPrefix)
	if !ok {
		return "", "", false
	}
	for _, s := range ComponentStatuses {
		if w, found := strings.CutSuffix(rest, " "+strings.ReplaceAll(string(s), "_", " ")); found && w != "" {
			return w, s, true
		}
	}
	return "", "", false
}
