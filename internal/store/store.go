// Package store defines how Watchfire persists its domain. Two
// implementations, sqlite and postgres, satisfy these interfaces and pass
// the same conformance suite (storetest). Driver errors become domain
// errors (watchfire.Error) inside each implementation, never above it.
//
// The store holds no business rules: the engine decides what changes and
// which events they cause, and writes both through one Tx.
package store

import (
	"context"
	"time"

	"github.com/watchfire-status/watchfire"
)

// Store is a database holding Watchfire's state.
type Store interface {
	// Update runs fn in one write transaction. If fn returns an error the
	// transaction rolls back and Update returns that error unchanged.
	// Writes are serialized: on SQLite by the single writer connection, on
	// PostgreSQL by a transaction-scoped advisory lock, so fn may read
	// state, decide, and write without racing another writer.
	Update(ctx context.Context, fn func(Tx) error) error

	// LoadState reads the state pages render: all pages, groups and
	// components, every open incident and unfinished maintenance, and the
	// most recent closed ones (see HistoryLimit), newest first, with their
	// updates.
	LoadState(ctx context.Context) (*watchfire.State, error)

	// Events lists events matching the filter, newest first (ascending by
	// id when filter.AfterID is set, for replay).
	Events(ctx context.Context, filter watchfire.EventFilter) ([]watchfire.Event, error)

	// Incident reads one incident with its updates, however old, outside any
	// write transaction. ENOTFOUND if none.
	Incident(ctx context.Context, id string) (*watchfire.Incident, error)
	// Maintenance reads one maintenance with its updates. ENOTFOUND if none.
	Maintenance(ctx context.Context, id string) (*watchfire.Maintenance, error)

	// IncidentsBetween returns the incidents created in [from, to), newest
	// first (by creation time, then id), with their updates (newest first)
	// and per-component statuses, as Incident reads them; at most limit of
	// them (limit <= 0: HistoryLimit). Like Incident it reads committed
	// data outside any write transaction, however old, open or closed.
	//
	// pageID "" means every page. Otherwise it returns the incidents that
	// watchfire.State.IncidentOnPage puts on that page: those filed on it
	// (PageID), and those affecting a component the page shows (any
	// component when the page lists none), whatever their PageID. An
	// unknown pageID matches by PageID only.
	IncidentsBetween(ctx context.Context, pageID string, from, to time.Time, limit int) ([]watchfire.Incident, error)
	// MaintenancesBetween returns the maintenances scheduled to start in
	// [from, to), newest first (by ScheduledFor, then id), with their
	// updates and components, at most limit of them (limit <= 0:
	// HistoryLimit). pageID filters as in IncidentsBetween, matching
	// watchfire.State.MaintenanceOnPage.
	MaintenancesBetween(ctx context.Context, pageID string, from, to time.Time, limit int) ([]watchfire.Maintenance, error)
	// FirstIncidentAt returns the creation time of the oldest incident on
	// pageID ("" = any page, otherwise as in IncidentsBetween), the zero
	// time if there is none, so that a history page knows where pagination
	// ends.
	FirstIncidentAt(ctx context.Context, pageID string) (time.Time, error)

	// TokenByHash returns the token whose hash matches. ENOTFOUND if none.
	TokenByHash(ctx context.Context, hash string) (*watchfire.Token, error)
	// TouchToken records that the token was used at t.
	TouchToken(ctx context.Context, id string, t time.Time) error

	// MonitorStore keeps monitor results and their rollups.
	MonitorStore
	// MetricStore keeps metric points.
	MetricStore
	// DependencyStore reads the third-party pages Watchfire follows.
	DependencyStore
	// PayloadStore keeps raw inputs (webhook deliveries, poller reports)
	// from before they are acknowledged until they are normalized.
	PayloadStore

	// Ping checks that the database answers. EUNAVAILABLE if not.
	Ping(ctx context.Context) error
	// Close releases the connections.
	Close() error
}

// HistoryLimit is how many closed incidents and completed maintenances
// LoadState returns, newest first, beside the open ones.
const HistoryLimit = 250

// HistoryRangeLimit returns how many incidents or maintenances
// IncidentsBetween and MaintenancesBetween return for a requested limit:
// HistoryLimit when it is 0 or negative.
func HistoryRangeLimit(requested int) int {
	if requested <= 0 {
		return HistoryLimit
	}
	return requested
}

// Tx is one write transaction. Its reads see its own writes.
type Tx interface {
	// LoadLive reads what status derivation needs: pages, groups,
	// components, open incidents and unfinished maintenances.
	LoadLive(ctx context.Context) (*watchfire.State, error)

	PageWriter
	ComponentWriter
	IncidentWriter
	MaintenanceWriter
	EventWriter
	TokenWriter
	DependencyWriter
	PayloadWriter
}

// PageWriter writes pages and groups.
type PageWriter interface {
	// UpsertPage creates the page or replaces its fields.
	UpsertPage(ctx context.Context, p *watchfire.Page) error
	// UpsertGroup creates the group or replaces its fields.
	UpsertGroup(ctx context.Context, g *watchfire.Group) error
}

// ComponentWriter writes components.
type ComponentWriter interface {
	// GetComponent returns the component. ENOTFOUND if none.
	GetComponent(ctx context.Context, id string) (*watchfire.Component, error)
	// CreateComponent inserts a component. ECONFLICT if the id is taken.
	CreateComponent(ctx context.Context, c *watchfire.Component) error
	// UpdateComponent replaces a component's fields. ENOTFOUND if none.
	UpdateComponent(ctx context.Context, c *watchfire.Component) error
	// DeleteComponent removes a component. ENOTFOUND if none.
	DeleteComponent(ctx context.Context, id string) error
}

// IncidentWriter writes incidents and their updates.
type IncidentWriter interface {
	// GetIncident returns the incident with its updates (newest first) and
	// its current per-component statuses. ENOTFOUND if none.
	GetIncident(ctx context.Context, id string) (*watchfire.Incident, error)
	// CreateIncident inserts the incident with its Components and Updates.
	// ECONFLICT if the id is taken.
	CreateIncident(ctx context.Context, inc *watchfire.Incident) error
	// UpdateIncident replaces the incident's own fields and its Components
	// (the current per-component statuses). Updates are not touched.
	// ENOTFOUND if none.
	UpdateIncident(ctx context.Context, inc *watchfire.Incident) error
	// AddIncidentUpdate appends one update to an incident's timeline.
	AddIncidentUpdate(ctx context.Context, u *watchfire.IncidentUpdate) error
}

// MaintenanceWriter writes scheduled maintenances and their updates.
type MaintenanceWriter interface {
	// GetMaintenance returns the maintenance with its updates. ENOTFOUND if none.
	GetMaintenance(ctx context.Context, id string) (*watchfire.Maintenance, error)
	// CreateMaintenance inserts the maintenance with its Components and
	// Updates. ECONFLICT if the id is taken.
	CreateMaintenance(ctx context.Context, m *watchfire.Maintenance) error
	// UpdateMaintenance replaces its own fields and Components. ENOTFOUND if none.
	UpdateMaintenance(ctx context.Context, m *watchfire.Maintenance) error
	// AddMaintenanceUpdate appends one update to a maintenance's timeline.
	AddMaintenanceUpdate(ctx context.Context, u *watchfire.IncidentUpdate) error
}

// EventWriter appends to the event log.
type EventWriter interface {
	// AppendEvent stores the event and sets its ID, which increases in
	// commit order.
	AppendEvent(ctx context.Context, e *watchfire.Event) error
}

// TokenWriter creates API tokens.
type TokenWriter interface {
	// CreateToken stores a token (only its hash). ECONFLICT if the name is taken.
	CreateToken(ctx context.Context, t *watchfire.Token) error
}

// DependencyStore reads third-party dependencies outside any write
// transaction.
type DependencyStore interface {
	// Dependencies returns every dependency, by id, with its last report
	// and fetch health.
	Dependencies(ctx context.Context) ([]watchfire.Dependency, error)
	// Dependency returns one dependency. ENOTFOUND if none.
	Dependency(ctx context.Context, id string) (*watchfire.Dependency, error)
	// DependencyIncidents returns a dependency's known incidents (those its
	// reports and history brought), newest first (by StartedAt, then id);
	// none for an unknown dependency.
	DependencyIncidents(ctx context.Context, dependencyID string, f DependencyIncidentFilter) ([]watchfire.UpstreamIncident, error)
	// SaveFetchHealth records how fetching went for several dependencies
	// at once, in one transaction of its own: polls that change nothing
	// only touch this. Ids that no longer exist are skipped.
	SaveFetchHealth(ctx context.Context, health map[string]watchfire.FetchHealth) error
}

// DependencyIncidentFilter narrows DependencyIncidents.
type DependencyIncidentFilter struct {
	Limit    int              // at most this many; <= 0 means HistoryLimit
	Impact   watchfire.Impact // only this impact; "" for any
	OpenOnly bool             // only incidents not closed (neither resolved nor postmortem)
}

// DependencyWriter writes dependencies inside a transaction.
type DependencyWriter interface {
	// GetDependency returns one dependency. ENOTFOUND if none.
	GetDependency(ctx context.Context, id string) (*watchfire.Dependency, error)
	// UpsertDependency creates the dependency or replaces all its fields:
	// definition, report, report hash and health. CreatedAt of an existing
	// dependency is kept, as UpsertPage keeps a page's.
	UpsertDependency(ctx context.Context, d *watchfire.Dependency) error
	// DeleteDependency removes a dependency and its incidents. ENOTFOUND
	// if none.
	DeleteDependency(ctx context.Context, id string) error
	// UpsertDependencyIncidents stores incidents of a dependency, each
	// replacing the one with the same (dependency, incident) id. ENOTFOUND
	// if the dependency does not exist.
	UpsertDependencyIncidents(ctx context.Context, dependencyID string, incs []watchfire.UpstreamIncident) error
}

// PayloadStore keeps raw payloads outside the engine's transactions: the
// ingest path appends them in batches of their own (group commit), so that
// acknowledging a delivery never waits for a state change.
type PayloadStore interface {
	// AppendPayloads stores the payloads in one transaction, so many
	// deliveries share one commit and one fsync, and sets their IDs
	// (increasing in the order given). Once it returns nil they are
	// durable. Their State is PayloadPending.
	AppendPayloads(ctx context.Context, ps []*watchfire.Payload) error
	// PendingPayloads returns, oldest first, at most limit payloads still
	// pending whose id is greater than afterID, bodies included.
	PendingPayloads(ctx context.Context, afterID int64, limit int) ([]watchfire.Payload, error)
	// Payloads lists payloads matching the filter, newest first, without
	// their bodies (Size says how long each is).
	Payloads(ctx context.Context, f PayloadFilter) ([]watchfire.Payload, error)
	// Payload returns one payload with its body. ENOTFOUND if none (or
	// pruned).
	Payload(ctx context.Context, id int64) (*watchfire.Payload, error)
	// FailPayload records a failed processing attempt: Attempts goes up by
	// one and Error is set; the payload becomes PayloadFailed when final,
	// and stays pending (to be tried again) otherwise.
	FailPayload(ctx context.Context, id int64, reason string, final bool) error
	// PrunePayloads deletes the payloads received before t that are no
	// longer pending, and the event keys recorded before t. It returns how
	// many payloads it deleted.
	PrunePayloads(ctx context.Context, before time.Time) (int64, error)
}

// PayloadFilter narrows Payloads.
type PayloadFilter struct {
	State    watchfire.PayloadState // "" for any
	Source   watchfire.EventSource  // "" for any
	Provider string                 // "" for any
	Since    time.Time              // received at or after
	BeforeID int64                  // only ids below this (paging); 0 for no bound
	Limit    int                    // at most this many; <= 0 means EventLimit's default
}

// PayloadWriter finishes a payload in the transaction that applies it, so
// that a payload is normalized exactly once even across a crash.
type PayloadWriter interface {
	// ClaimEventKey records that the vendor event key (scoped by provider
	// and source) was processed, from payload payloadID. It returns false,
	// recording nothing, when the key was claimed before.
	ClaimEventKey(ctx context.Context, provider, sourceID, key string, payloadID int64, at time.Time) (bool, error)
	// FinishPayload sets a pending payload's State, Error, EventKey,
	// Events and ProcessedAt. ECONFLICT if it is not pending (another
	// worker applied it first) or does not exist.
	FinishPayload(ctx context.Context, p *watchfire.Payload) error
}
