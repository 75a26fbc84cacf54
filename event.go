package watchfire

import "time"

// EventSource says what caused an event.
type EventSource string

const (
	SourceAPI     EventSource = "api"     // the admin API or UI
	SourceConfig  EventSource = "config"  // the YAML file, applied at start or reload
	SourceProbe   EventSource = "probe"   // Watchfire's own monitors
	SourcePoller  EventSource = "poller"  // a third-party status page read by a poller
	SourceWebhook EventSource = "webhook" // a vendor's webhook
	SourceSystem  EventSource = "system"  // Watchfire itself (schedules, retention)
)

// EventKind says what changed.
type EventKind string

const (
	KindPageUpdated            EventKind = "page.updated"
	KindGroupUpdated           EventKind = "group.updated"
	KindComponentCreated       EventKind = "component.created"
	KindComponentUpdated       EventKind = "component.updated"
	KindComponentDeleted       EventKind = "component.deleted"
	KindComponentStatusChanged EventKind = "component.status_changed"
	KindIncidentCreated        EventKind = "incident.created"
	KindIncidentUpdated        EventKind = "incident.updated"
	KindIncidentResolved       EventKind = "incident.resolved"
	KindMaintenanceCreated     EventKind = "maintenance.created"
	KindMaintenanceUpdated     EventKind = "maintenance.updated"
	KindMaintenanceCompleted   EventKind = "maintenance.completed"
)

// Event is a normalized state change. Whatever causes a change (the admin
// API, a monitor, a poller, a webhook) writes one of these in the same
// transaction as the change itself; after the commit it is published to
// the hub, which feeds the snapshot, the live streams and notifications.
type Event struct {
	ID             int64 // assigned by the store, increasing in commit order
	ReceivedAt     time.Time
	OccurredAt     time.Time
	Source         EventSource
	Provider       string // third-party provider name for poller and webhook events
	PageID         string
	Product        string // name of the product or page the event is about
	ComponentID    string
	ComponentName  string
	Kind           EventKind
	OldStatus      string
	NewStatus      string
	IncidentID     string
	IncidentTitle  string
	IncidentStatus string
	IncidentImpact string
	Message        string
	RawRef         string // reference to the stored raw payload, if any
}

// EventFilter selects events, newest first.
type EventFilter struct {
	Source   EventSource
	Provider string
	PageID   string
	Since    time.Time // only events received at or after this time
	AfterID  int64     // only events with a greater id (replay from a cursor)
	Limit    int       // at most this many; 0 means the store's default
}
