// Package engine is the only place where Watchfire's state changes.
//
// Every command runs in one store transaction: it reads the live state,
// applies the change, re-derives every component's effective status,
// appends one normalized event per change, and commits. Only after the
// commit are the events published to the hub, in commit order, so the
// snapshot, live streams and notifications never see a change that could
// still roll back.
package engine

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/hub"
	"github.com/watchfire-status/watchfire/internal/store"
)

// Origin says who or what asked for a change; it is stamped on every
// event the change causes.
type Origin struct {
	Source   watchfire.EventSource
	Provider string
	RawRef   string // the raw payload the change came from, if any
}

// API is the origin of changes made through the admin API.
var API = Origin{Source: watchfire.SourceAPI}

// Engine applies commands to the store and publishes their events.
type Engine struct {
	store store.Store
	hub   *hub.Hub
	now   func() time.Time
	log   *slog.Logger

	// mu serializes writers in this process so that events reach the hub
	// in the order they were committed. It also guards the topology.
	mu sync.Mutex

	// From the config: which components depend on which, and which may
	// have incidents opened by their monitors.
	dependsOn    map[string][]string
	autoIncident map[string]bool

	// deps caches the committed dependencies (see dependencyCache).
	deps map[string]*watchfire.Dependency
}

// SetTopology sets what the config says about components beyond their
// fields: dependencies (for the status roll-up) and whether monitors may
// open incidents for them (true when absent).
func (e *Engine) SetTopology(dependsOn map[string][]string, autoIncident map[string]bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dependsOn, e.autoIncident = dependsOn, autoIncident
}

// New returns an engine writing to st and publishing to h. now is the
// clock (time.Now in production).
func New(st store.Store, h *hub.Hub, now func() time.Time, log *slog.Logger) *Engine {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{store: st, hub: h, now: now, log: log}
}

// change is the working set of one command inside its transaction.
type change struct {
	engine *Engine
	ctx    context.Context
	tx     store.Tx
	st     *watchfire.State
	now    time.Time
	origin Origin
	events []watchfire.Event

	// depWrites holds the dependencies this change wrote (nil: deleted),
	// applied to the engine's cache once committed.
	depWrites map[string]*watchfire.Dependency

	// finished holds the payloads this change normalized, marked done in
	// its transaction so that each is applied exactly once.
	finished []*watchfire.Payload

	// monitorReasons holds, per component, why its monitors gave their
	// verdict, for the status-change event's message.
	monitorReasons map[string]string
}

func (c *change) emit(e watchfire.Event) { c.events = append(c.events, e) }

// write runs fn in one transaction and publishes the events it emitted. It
// returns the live state as committed, statuses re-derived.
func (e *Engine) write(ctx context.Context, origin Origin, fn func(c *change) error) (*watchfire.State, error) {
	e.mu.Lock()
	defer e.mu.Unlock()

	now := e.now().UTC()
	var committed []watchfire.Event
	var after *watchfire.State
	var done *change
	err := e.store.Update(ctx, func(tx store.Tx) error {
		st, err := tx.LoadLive(ctx)
		if err != nil {
			return err
		}
		st.DependsOn = e.dependsOn
		c := &change{engine: e, ctx: ctx, tx: tx, st: st, now: now, origin: origin}
		done = c
		if err := fn(c); err != nil {
			return err
		}
		if err := c.rederive(); err != nil {
			return err
		}
		for i := range c.events {
			ev := &c.events[i]
			ev.ReceivedAt = now
			if ev.OccurredAt.IsZero() {
				ev.OccurredAt = now
			}
			if ev.Source == "" { // commands applying several payloads stamp their own
				ev.Source, ev.Provider, ev.RawRef = origin.Source, origin.Provider, origin.RawRef
			}
			if err := tx.AppendEvent(ctx, ev); err != nil {
				return err
			}
		}
		for _, p := range c.finished {
			p.ProcessedAt = &now
			if err := tx.FinishPayload(ctx, p); err != nil {
				return err
			}
		}
		committed, after = c.events, st
		return nil
	})
	if err != nil {
		return nil, err
	}
	if e.deps != nil {
		for id, d := range done.depWrites {
			if d == nil {
				delete(e.deps, id)
			} else {
				e.deps[id] = d
			}
		}
	}
	// The change is durable; readers must learn of it even if the caller
	// has gone away meanwhile.
	e.hub.Publish(context.WithoutCancel(ctx), committed)
	return after, nil
}

// rederive recomputes every component's effective status from the state
// the command left, and records each one that changed. A change can ripple
// along depends_on, so it repeats until nothing moves; the config forbids
// cycles, so that takes at most one pass per component.
func (c *change) rederive() error {
	for pass := 0; pass <= len(c.st.Components); pass++ {
		moved := false
		for i := range c.st.Components {
			comp := &c.st.Components[i]
			next := c.st.DeriveStatus(comp)
			if next == comp.Status {
				continue
			}
			moved = true
			prev := comp.Status
			comp.Status = next
			comp.UpdatedAt = c.now
			if err := c.tx.UpdateComponent(c.ctx, comp); err != nil {
				return err
			}
			c.emit(watchfire.Event{
				Kind:          watchfire.KindComponentStatusChanged,
				PageID:        c.pageFor(comp.ID),
				Product:       c.productFor(comp.ID),
				ComponentID:   comp.ID,
				ComponentName: comp.Name,
				OldStatus:     string(prev),
				NewStatus:     string(next),
				Message:       c.reason(comp),
			})
		}
		if !moved {
			return nil
		}
	}
	return nil
}

// reason explains in one line why a component has its status.
func (c *change) reason(comp *watchfire.Component) string {
	if comp.ManualStatus != "" {
		return "Status set by an operator."
	}
	for _, m := range c.st.Maintenances {
		if m.Status.Active() && containsID(m.Components, comp.ID) {
			return "Scheduled maintenance: " + m.Name
		}
	}
	for _, inc := range c.st.Incidents {
		if !inc.Open() {
			continue
		}
		for _, ac := range inc.Components {
			if ac.ComponentID == comp.ID && ac.NewStatus == comp.Status {
				return "Incident: " + inc.Name
			}
		}
	}
	if comp.MonitorStatus != "" && comp.MonitorStatus == comp.Status {
		if why := c.monitorReasons[comp.ID]; why != "" && comp.Status != watchfire.StatusOperational {
			return "Reported by monitors: " + why
		}
		return "Reported by monitors."
	}
	if comp.UpstreamStatus != "" && comp.UpstreamStatus == comp.Status && comp.UpstreamReason != "" {
		return comp.UpstreamReason
	}
	if d := c.st.DependencyDown(comp.ID); d != nil && comp.Status == watchfire.StatusDegradedPerformance {
		return "Depends on " + d.Name + ", which has a " + strings.ReplaceAll(string(d.Status), "_", " ") + "."
	}
	return ""
}

// pageFor returns the first page that shows the component.
func (c *change) pageFor(componentID string) string {
	for _, p := range c.st.Pages {
		if p.Shows(componentID) {
			return p.ID
		}
	}
	return ""
}

func (c *change) productFor(componentID string) string {
	if p := c.st.Page(c.pageFor(componentID)); p != nil {
		return p.Name
	}
	return ""
}

// defaultPage returns the page that requests naming no page go to: the
// first with neither host nor path prefix, else the first page.
func defaultPage(st *watchfire.State) *watchfire.Page {
	for i := range st.Pages {
		if st.Pages[i].Host == "" && st.Pages[i].PathPrefix == "" {
			return &st.Pages[i]
		}
	}
	if len(st.Pages) > 0 {
		return &st.Pages[0]
	}
	return nil
}

// resolvePage returns the page a command names, or the default page.
func (c *change) resolvePage(id string) (*watchfire.Page, error) {
	if id == "" {
		if p := defaultPage(c.st); p != nil {
			return p, nil
		}
		return nil, watchfire.Errorf(watchfire.ECONFLICT, "there is no page yet; define one in the config file first")
	}
	if p := c.st.Page(id); p != nil {
		return p, nil
	}
	return nil, watchfire.Errorf(watchfire.ENOTFOUND, "page %q not found", id)
}

func containsID(list []string, id string) bool {
	for _, v := range list {
		if v == id {
			return true
		}
	}
	return false
}

func invalid(format string, args ...any) error {
	return watchfire.Errorf(watchfire.EINVALID, format, args...)
}

func statusList() string {
	return fmt.Sprintf("%s, %s, %s, %s or %s", watchfire.StatusOperational, watchfire.StatusDegradedPerformance,
		watchfire.StatusPartialOutage, watchfire.StatusMajorOutage, watchfire.StatusUnderMaintenance)
}
