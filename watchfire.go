// Package watchfire holds Watchfire's domain: pages, groups, components,
// incidents, scheduled maintenances and the normalized events that change
// them. It imports nothing of the rest of the module; storage, HTTP and the
// engine all speak these types.
//
// The vocabulary is Atlassian Statuspage's so that existing clients
// understand a Watchfire page without translation.
package watchfire

import (
	"crypto/rand"
	"time"
)

// ComponentStatus is the status of one component.
type ComponentStatus string

const (
	StatusOperational         ComponentStatus = "operational"
	StatusDegradedPerformance ComponentStatus = "degraded_performance"
	StatusPartialOutage       ComponentStatus = "partial_outage"
	StatusMajorOutage         ComponentStatus = "major_outage"
	StatusUnderMaintenance    ComponentStatus = "under_maintenance"
)

// ComponentStatuses lists every valid component status, best first.
var ComponentStatuses = []ComponentStatus{StatusOperational, StatusUnderMaintenance,
	StatusDegradedPerformance, StatusPartialOutage, StatusMajorOutage}

// Valid reports whether s is one of the five component statuses.
func (s ComponentStatus) Valid() bool {
	switch s {
	case StatusOperational, StatusDegradedPerformance, StatusPartialOutage,
		StatusMajorOutage, StatusUnderMaintenance:
		return true
	}
	return false
}

// Severity orders statuses for "worst wins": higher is worse. Maintenance
// ranks just above operational: it is planned, not a failure.
func (s ComponentStatus) Severity() int {
	switch s {
	case StatusUnderMaintenance:
		return 1
	case StatusDegradedPerformance:
		return 2
	case StatusPartialOutage:
		return 3
	case StatusMajorOutage:
		return 4
	}
	return 0
}

// Worse returns the worse of a and b; an empty status counts as unknown
// and loses to any set one.
func Worse(a, b ComponentStatus) ComponentStatus {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	if b.Severity() > a.Severity() {
		return b
	}
	return a
}

// IncidentStatus is the lifecycle state of an incident.
type IncidentStatus string

const (
	IncidentInvestigating IncidentStatus = "investigating"
	IncidentIdentified    IncidentStatus = "identified"
	IncidentMonitoring    IncidentStatus = "monitoring"
	IncidentResolved      IncidentStatus = "resolved"
	IncidentPostmortem    IncidentStatus = "postmortem"
)

// Valid reports whether s is an incident status.
func (s IncidentStatus) Valid() bool {
	switch s {
	case IncidentInvestigating, IncidentIdentified, IncidentMonitoring, IncidentResolved, IncidentPostmortem:
		return true
	}
	return false
}

// Closed reports whether an incident in status s no longer affects anything.
func (s IncidentStatus) Closed() bool { return s == IncidentResolved || s == IncidentPostmortem }

// Impact is how bad an incident is.
type Impact string

const (
	ImpactNone        Impact = "none"
	ImpactMinor       Impact = "minor"
	ImpactMajor       Impact = "major"
	ImpactCritical    Impact = "critical"
	ImpactMaintenance Impact = "maintenance" // only on scheduled maintenances, as Statuspage does
)

// Valid reports whether i is an incident impact (maintenance excluded).
func (i Impact) Valid() bool {
	switch i {
	case ImpactNone, ImpactMinor, ImpactMajor, ImpactCritical:
		return true
	}
	return false
}

// Rank orders impacts, higher is worse.
func (i Impact) Rank() int {
	switch i {
	case ImpactMinor:
		return 1
	case ImpactMajor:
		return 2
	case ImpactCritical:
		return 3
	}
	return 0
}

// ImpactFor returns the impact that a component status implies.
func ImpactFor(s ComponentStatus) Impact {
	switch s {
	case StatusDegradedPerformance:
		return ImpactMinor
	case StatusPartialOutage:
		return ImpactMajor
	case StatusMajorOutage:
		return ImpactCritical
	}
	return ImpactNone
}

// MaintenanceStatus is the lifecycle state of a scheduled maintenance.
type MaintenanceStatus string

const (
	MaintenanceScheduled  MaintenanceStatus = "scheduled"
	MaintenanceInProgress MaintenanceStatus = "in_progress"
	MaintenanceVerifying  MaintenanceStatus = "verifying"
	MaintenanceCompleted  MaintenanceStatus = "completed"
)

// Valid reports whether s is a maintenance status.
func (s MaintenanceStatus) Valid() bool {
	switch s {
	case MaintenanceScheduled, MaintenanceInProgress, MaintenanceVerifying, MaintenanceCompleted:
		return true
	}
	return false
}

// Active reports whether a maintenance in status s puts its components
// under maintenance.
func (s MaintenanceStatus) Active() bool {
	return s == MaintenanceInProgress || s == MaintenanceVerifying
}

// Page is one public (or internal) status page. An instance serves several;
// each selects its components and is reached by host name or path prefix.
type Page struct {
	ID         string
	Name       string
	URL        string   // public URL, shown in page.url
	TimeZone   string   // IANA name; timestamps in the v2 API use its offset
	Locale     string   // default language of the HTML page
	Host       string   // serve this page for requests with this Host; "" for any
	PathPrefix string   // serve this page under this prefix, e.g. "/internal"; "" for the root
	Components []string // component ids shown on the page, in order; empty means every component
	Position   int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Shows reports whether the page displays the component.
func (p *Page) Shows(componentID string) bool {
	if len(p.Components) == 0 {
		return true
	}
	for _, id := range p.Components {
		if id == componentID {
			return true
		}
	}
	return false
}

// Group gathers components under a heading.
type Group struct {
	ID          string
	Name        string
	Description string
	Position    int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Component is one thing whose status the page reports.
//
// Status is the effective status, derived by DeriveStatus and stored so
// that every replica and every reader agrees on it. The inputs it is
// derived from are kept beside it.
type Component struct {
	ID            string
	GroupID       string // "" when ungrouped
	Name          string
	Description   string
	Position      int
	Status        ComponentStatus // effective, derived
	ManualStatus  ComponentStatus // operator override; "" when none
	MonitorStatus ComponentStatus // verdict of the component's monitors; "" when unmonitored
	// UpstreamStatus is what third-party dependencies contribute: for a
	// dependency's own "Third-party" component, its status; for one of ours
	// that a dependency affects, degraded while that dependency is down.
	// UpstreamReason says why, e.g. "Degraded: upstream GitHub Actions
	// partial outage". Both "" when no dependency touches it.
	UpstreamStatus     ComponentStatus
	UpstreamReason     string
	Showcase           bool
	OnlyShowIfDegraded bool
	StartDate          *time.Time // civil date the component started, if known
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// AffectedComponent is the status an incident update sets on a component.
type AffectedComponent struct {
	ComponentID string
	Name        string // component name at the time of the update
	OldStatus   ComponentStatus
	NewStatus   ComponentStatus
}

// IncidentUpdate is one entry in an incident's (or maintenance's)
// timeline. Status holds an IncidentStatus or a MaintenanceStatus.
type IncidentUpdate struct {
	ID                   string
	IncidentID           string
	Status               string
	Body                 string // markdown
	AffectedComponents   []AffectedComponent
	DeliverNotifications bool
	DisplayAt            time.Time
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// Incident is an unplanned event with a timeline of updates.
type Incident struct {
	ID         string
	PageID     string
	Name       string
	Status     IncidentStatus
	Impact     Impact
	Components []AffectedComponent // current status this incident sets per component (NewStatus); OldStatus unused
	Updates    []IncidentUpdate    // newest first
	Postmortem string              // markdown, published when set
	// AutoComponent is the component whose monitors opened the incident;
	// "" for incidents people open. Monitors follow up only their own.
	AutoComponent string
	StartedAt     time.Time
	MonitoringAt  *time.Time
	ResolvedAt    *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Open reports whether the incident still affects its components.
func (i *Incident) Open() bool { return !i.Status.Closed() }

// Maintenance is planned work, announced ahead.
type Maintenance struct {
	ID             string
	PageID         string
	Name           string
	Status         MaintenanceStatus
	Components     []string         // component ids under maintenance while active
	Updates        []IncidentUpdate // newest first
	ScheduledFor   time.Time
	ScheduledUntil time.Time
	StartedAt      *time.Time
	CompletedAt    *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Token is an API token. Only a hash of the secret is ever stored.
type Token struct {
	ID         string
	Name       string
	Hash       string // hex SHA-256 of the secret
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

const idAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

// NewID returns a random 12-character lowercase id, the shape Statuspage
// uses, so ids from Watchfire look familiar to existing clients.
func NewID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b[:])
}

// ValidID reports whether id can name a page, group, component or monitor:
// 1 to 64 characters of lowercase letters, digits, '-' and '_', starting
// with a letter or digit. Ids appear in URLs and YAML, so they stay plain.
func ValidID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '-' || c == '_') && i > 0:
		default:
			return false
		}
	}
	return true
}
