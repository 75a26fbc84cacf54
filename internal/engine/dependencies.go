package engine

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
)

// thirdPartyGroupName is the heading dependencies' components show under.
const thirdPartyGroupName = "Third-party"

// thirdPartyGroupPosition puts the group after any group people define.
const thirdPartyGroupPosition = 1 << 20

// DependencyRecord is what one poll of a dependency learned.
type DependencyRecord struct {
	ID       string
	Provider string // the provider that read it
	// Report is the new state, nil when only health or history changed.
	Report *watchfire.UpstreamReport
	Hash   string
	Health watchfire.FetchHealth
	// History holds past incidents read from the provider's history, to
	// store beside the ones reports bring; nil when not fetched this time.
	History []watchfire.UpstreamIncident
}

// PollerOrigin is the origin of changes that dependency pollers cause.
func PollerOrigin(provider string) Origin {
	return Origin{Source: watchfire.SourcePoller, Provider: provider}
}

// ApplyDependencies makes the config's dependencies exist: their
// definitions (keeping what polls learned), one component each in the
// Third-party group, and the roll-up onto the components they affect.
// Config dependencies no longer in the file are removed; those added
// through the API stay.
func (e *Engine) ApplyDependencies(ctx context.Context, defs []watchfire.Dependency) error {
	_, err := e.write(ctx, Origin{Source: watchfire.SourceConfig}, func(c *change) error {
		all, err := c.dependencies()
		if err != nil {
			return err
		}
		want := map[string]bool{}
		for _, def := range defs {
			want[def.ID] = true
			def.Source = watchfire.SourceConfig
			if err := c.putDependency(&def, all); err != nil {
				return err
			}
		}
		for _, d := range all {
			if d.Source == watchfire.SourceConfig && !want[d.ID] {
				if err := c.removeDependency(d.ID); err != nil {
					return err
				}
			}
		}
		return c.rollUpstream()
	})
	return err
}

// DependencyInput adds a dependency through the API.
type DependencyInput struct {
	ID       string // "" derives one from the name
	Name     string
	URL      string
	Provider string // "" or "auto" lets the cascade find it
	Category string
	Interval time.Duration
	Affects  []watchfire.DependencyAffect
}

// CreateDependency adds a dependency through the API. EINVALID for bad
// input, ECONFLICT when the id is taken by a dependency or a component.
func (e *Engine) CreateDependency(ctx context.Context, origin Origin, in DependencyInput, providers []string,
	minInterval time.Duration) (*watchfire.Dependency, error) {
	var out watchfire.Dependency
	_, err := e.write(ctx, origin, func(c *change) error {
		d, err := checkDependency(in, providers, minInterval)
		if err != nil {
			return err
		}
		if d.ID == "" {
			d.ID = slug(d.Name)
		}
		all, err := c.dependencies()
		if err != nil {
			return err
		}
		if all[d.ID] != nil {
			return watchfire.Errorf(watchfire.ECONFLICT, "a dependency with id %q exists already", d.ID)
		}
		if c.st.Component(d.ID) != nil {
			return watchfire.Errorf(watchfire.ECONFLICT, "%q is already the id of a component; choose another id", d.ID)
		}
		for _, a := range d.Affects {
			if c.st.Component(a.ComponentID) == nil {
				return watchfire.Errorf(watchfire.ENOTFOUND, "affects: component %q not found", a.ComponentID)
			}
		}
		d.Source = origin.Source
		if err := c.putDependency(d, all); err != nil {
			return err
		}
		if err := c.rollUpstream(); err != nil {
			return err
		}
		out = *d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func checkDependency(in DependencyInput, providers []string, minInterval time.Duration) (*watchfire.Dependency, error) {
	d := &watchfire.Dependency{ID: strings.TrimSpace(in.ID), Name: strings.TrimSpace(in.Name), URL: strings.TrimSpace(in.URL),
		Provider: in.Provider, Category: in.Category, Interval: in.Interval, Affects: in.Affects}
	if err := checkName(d.Name); err != nil {
		return nil, err
	}
	if d.ID != "" && !watchfire.ValidID(d.ID) {
		return nil, invalid("id %q: use 1 to 64 lowercase letters, digits, '-' or '_'", d.ID)
	}
	if !strings.HasPrefix(d.URL, "https://") && !strings.HasPrefix(d.URL, "http://") || len(d.URL) < 10 {
		return nil, invalid("url %q: give the status page's http(s) address, e.g. https://www.githubstatus.com", d.URL)
	}
	if d.Provider == "" {
		d.Provider = "auto"
	}
	if !slices.Contains(providers, d.Provider) {
		return nil, invalid("provider %q: use one of %s", d.Provider, strings.Join(providers, ", "))
	}
	if d.Interval == 0 {
		d.Interval = 60 * time.Second
	}
	if d.Interval < minInterval {
		return nil, invalid("interval %s is too short; use at least %s to be polite to the provider", d.Interval, minInterval)
	}
	return d, nil
}

// DeleteDependency removes a dependency, its component and its roll-up.
// ENOTFOUND if none; EINVALID for one the config defines.
func (e *Engine) DeleteDependency(ctx context.Context, origin Origin, id string) error {
	_, err := e.write(ctx, origin, func(c *change) error {
		d, err := c.tx.GetDependency(c.ctx, id)
		if err != nil {
			return err
		}
		if d.Source == watchfire.SourceConfig {
			return invalid("dependency %q comes from the config file; remove it there", id)
		}
		if err := c.removeDependency(id); err != nil {
			return err
		}
		return c.rollUpstream()
	})
	return err
}

// putDependency creates or updates a dependency's definition, keeping its
// report and health, and its component in the Third-party group.
func (c *change) putDependency(def *watchfire.Dependency, all map[string]*watchfire.Dependency) error {
	old := all[def.ID]
	next := *def
	next.CreatedAt, next.UpdatedAt = c.now, c.now
	if old != nil {
		next.Detected, next.Report, next.ReportHash, next.Health = old.Detected, old.Report, old.ReportHash, old.Health
		next.CreatedAt = old.CreatedAt
		if old.Provider != next.Provider || old.URL != next.URL {
			next.Detected = "" // read it afresh
		}
		if sameDefinition(old, &next) {
			return c.ensureThirdPartyComponent(&next)
		}
	}
	if err := c.upsertDependency(&next); err != nil {
		return err
	}
	return c.ensureThirdPartyComponent(&next)
}

func sameDefinition(a, b *watchfire.Dependency) bool {
	return a.Name == b.Name && a.URL == b.URL && a.Provider == b.Provider && a.Category == b.Category &&
		a.Source == b.Source && a.Interval == b.Interval && a.Detected == b.Detected && slices.Equal(a.Affects, b.Affects)
}

func (c *change) ensureThirdPartyComponent(d *watchfire.Dependency) error {
	if d.Report == nil {
		// Never read (or a directory entry, never to be read): showing it
		// as "operational" would be a claim nobody made. Its component
		// appears with the first report.
		return nil
	}
	if c.st.Group(watchfire.ThirdPartyGroup) == nil {
		g := watchfire.Group{ID: watchfire.ThirdPartyGroup, Name: thirdPartyGroupName, Position: thirdPartyGroupPosition,
			Description: "Services we depend on, as their own status pages report them.", CreatedAt: c.now, UpdatedAt: c.now}
		if err := c.tx.UpsertGroup(c.ctx, &g); err != nil {
			return err
		}
		c.st.Groups = append(c.st.Groups, g)
	}
	desc := "Status read from " + d.URL
	if comp := c.st.Component(d.ID); comp != nil {
		if comp.GroupID != watchfire.ThirdPartyGroup {
			// One of ours, made through the API after the config named
			// the dependency: never take it over.
			c.engine.log.Warn("a dependency has the id of one of your components; it is not shown on the page until one of them is renamed",
				"dependency", d.ID)
			return nil
		}
		if comp.Name == d.Name && comp.Description == desc {
			return nil
		}
		comp.Name, comp.Description, comp.UpdatedAt = d.Name, desc, c.now
		return c.tx.UpdateComponent(c.ctx, comp)
	}
	comp := watchfire.Component{ID: d.ID, GroupID: watchfire.ThirdPartyGroup, Name: d.Name, Description: desc,
		Position: c.nextPosition(watchfire.ThirdPartyGroup), Status: watchfire.StatusOperational, CreatedAt: c.now, UpdatedAt: c.now}
	if err := c.tx.CreateComponent(c.ctx, &comp); err != nil {
		return err
	}
	c.st.Components = append(c.st.Components, comp)
	c.emit(watchfire.Event{Kind: watchfire.KindComponentCreated, PageID: c.pageFor(comp.ID), Product: c.productFor(comp.ID),
		ComponentID: comp.ID, ComponentName: comp.Name, NewStatus: string(comp.Status), Message: "Third-party dependency added."})
	return nil
}

func (c *change) removeDependency(id string) error {
	if err := c.tx.DeleteDependency(c.ctx, id); err != nil {
		return err
	}
	if c.depWrites == nil {
		c.depWrites = map[string]*watchfire.Dependency{}
	}
	c.depWrites[id] = nil
	comp := c.st.Component(id)
	if comp == nil || comp.GroupID != watchfire.ThirdPartyGroup {
		return nil
	}
	if err := c.tx.DeleteComponent(c.ctx, id); err != nil && !isNotFound(err) {
		return err
	}
	c.st.Components = slices.DeleteFunc(c.st.Components, func(x watchfire.Component) bool { return x.ID == id })
	c.emit(watchfire.Event{Kind: watchfire.KindComponentDeleted, ComponentID: id, ComponentName: comp.Name,
		Message: "Third-party dependency removed."})
	return nil
}

func isNotFound(err error) bool {
	var e *watchfire.Error
	return errors.As(err, &e) && e.Code == watchfire.ENOTFOUND
}

// RecordDependency stores what a poll learned, in one transaction: the
// new report and one event per change against the previous one (upstream
// component statuses, incidents opened, updated and resolved, maintenances),
// the fetch health, history incidents, and the roll-up onto our components.
// A dependency removed meanwhile is ignored.
func (e *Engine) RecordDependency(ctx context.Context, rec DependencyRecord) error {
	_, err := e.write(ctx, PollerOrigin(rec.Provider), func(c *change) error {
		return c.recordDependency(rec)
	})
	return err
}

func (c *change) recordDependency(rec DependencyRecord) error {
	d, err := c.tx.GetDependency(c.ctx, rec.ID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var incidents []watchfire.UpstreamIncident
	if rec.Report != nil {
		for _, ev := range diffReports(d, d.Report, rec.Report, c.now) {
			c.emit(ev)
		}
		incidents = append(incidents, rec.Report.Incidents...)
		incidents = append(incidents, vanished(d.Report, rec.Report, c.now)...)
		d.Report, d.ReportHash = rec.Report, rec.Hash
		if err := c.ensureThirdPartyComponent(d); err != nil {
			return err
		}
	}
	if rec.Provider != "" {
		d.Detected = rec.Provider
	}
	d.Health = rec.Health
	d.UpdatedAt = c.now
	if err := c.upsertDependency(d); err != nil {
		return err
	}
	// History first: the reports' view of an incident is the newer one.
	if len(rec.History) > 0 {
		if err := c.tx.UpsertDependencyIncidents(c.ctx, d.ID, rec.History); err != nil {
			return err
		}
	}
	if len(incidents) > 0 {
		if err := c.tx.UpsertDependencyIncidents(c.ctx, d.ID, incidents); err != nil {
			return err
		}
	}
	if rec.Report == nil {
		return nil
	}
	return c.rollUpstream()
}

// rollUpstream sets every component's upstream status and reason from the
// dependencies as this transaction leaves them.
func (c *change) rollUpstream() error {
	deps, err := c.dependencies()
	if err != nil {
		return err
	}
	affecting := map[string][]*watchfire.Dependency{}
	for _, id := range slices.Sorted(maps.Keys(deps)) { // the same reason every time
		for _, a := range deps[id].Affects {
			affecting[a.ComponentID] = append(affecting[a.ComponentID], deps[id])
		}
	}
	for i := range c.st.Components {
		comp := &c.st.Components[i]
		status, reason := upstreamFor(comp, deps[comp.ID], affecting[comp.ID])
		if status == comp.UpstreamStatus && reason == comp.UpstreamReason {
			continue
		}
		comp.UpstreamStatus, comp.UpstreamReason, comp.UpdatedAt = status, reason, c.now
		if err := c.tx.UpdateComponent(c.ctx, comp); err != nil {
			return err
		}
	}
	return nil
}

// dependencies returns every dependency as this transaction sees it: the
// engine's cache of committed ones with this transaction's writes on top.
func (c *change) dependencies() (map[string]*watchfire.Dependency, error) {
	cache, err := c.engine.dependencyCache(c.ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*watchfire.Dependency, len(cache)+len(c.depWrites))
	for id, d := range cache {
		out[id] = d
	}
	for id, d := range c.depWrites {
		if d == nil {
			delete(out, id)
		} else {
			out[id] = d
		}
	}
	return out, nil
}

// dependencyCache returns the committed dependencies, read from the store
// once and then kept current by commits; callers hold e.mu. Roll-ups need
// every dependency's report, and reading them all back for each change
// would cost more than the change.
func (e *Engine) dependencyCache(ctx context.Context) (map[string]*watchfire.Dependency, error) {
	if e.deps != nil {
		return e.deps, nil
	}
	all, err := e.store.Dependencies(ctx)
	if err != nil {
		return nil, err
	}
	e.deps = make(map[string]*watchfire.Dependency, len(all))
	for i := range all {
		e.deps[all[i].ID] = &all[i]
	}
	return e.deps, nil
}

// Dependencies returns the committed dependencies, by id. The values are
// shared: callers must not modify them.
func (e *Engine) Dependencies(ctx context.Context) (map[string]*watchfire.Dependency, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	cache, err := e.dependencyCache(ctx)
	if err != nil {
		return nil, err
	}
	return maps.Clone(cache), nil
}

// upsertDependency writes a dependency and records it for the cache.
func (c *change) upsertDependency(d *watchfire.Dependency) error {
	if err := c.tx.UpsertDependency(c.ctx, d); err != nil {
		return err
	}
	if c.depWrites == nil {
		c.depWrites = map[string]*watchfire.Dependency{}
	}
	cp := *d
	c.depWrites[d.ID] = &cp
	return nil
}

// upstreamFor is what dependencies contribute to a component: a
// dependency's own component carries its overall status; one of ours is
// degraded while a dependency it is affected by has a partial or major
// outage (on the named upstream component, when the affect names one).
func upstreamFor(comp *watchfire.Component, own *watchfire.Dependency, affecting []*watchfire.Dependency) (watchfire.ComponentStatus, string) {
	if own != nil && comp.GroupID == watchfire.ThirdPartyGroup {
		if own.Report == nil {
			return "", ""
		}
		status := own.Report.Overall()
		if status == watchfire.StatusOperational {
			return status, ""
		}
		why := own.Report.Description
		if why == "" {
			why = statusWords(status)
		}
		return status, own.Name + " reports: " + why
	}
	for _, d := range affecting {
		if d.Report == nil {
			continue
		}
		for _, a := range d.Affects {
			if a.ComponentID != comp.ID {
				continue
			}
			name, status := d.Name, d.Report.Overall()
			if a.Upstream != "" {
				uc := d.Report.Component(a.Upstream)
				if uc == nil {
					continue
				}
				name, status = d.Name+" "+uc.Name, uc.Status
			}
			if isOutage(status) {
				return watchfire.StatusDegradedPerformance, watchfire.UpstreamReason(name, status)
			}
		}
	}
	return "", ""
}

func statusWords(s watchfire.ComponentStatus) string {
	return strings.ReplaceAll(string(s), "_", " ")
}

// diffReports returns one event per change from old to new: upstream
// components whose status moved, incidents opened, updated or resolved,
// maintenances announced, started or completed. The first report of a
// dependency only announces what is not fine: open incidents, active
// maintenances and components that are not operational.
func diffReports(d *watchfire.Dependency, old, next *watchfire.UpstreamReport, now time.Time) []watchfire.Event {
	var out []watchfire.Event
	base := watchfire.Event{Product: d.Name, ComponentID: d.ID}
	oldComps := map[string]watchfire.ComponentStatus{}
	if old != nil {
		for _, uc := range old.Components {
			oldComps[componentKey(&uc)] = uc.Status
		}
	}
	for _, uc := range next.Components {
		was, seen := oldComps[componentKey(&uc)]
		if (old == nil || !seen) && uc.Status == watchfire.StatusOperational {
			continue
		}
		if seen && was == uc.Status {
			continue
		}
		ev := base
		ev.Kind, ev.ComponentName, ev.OldStatus, ev.NewStatus = watchfire.KindComponentStatusChanged, uc.FullName(), string(was), string(uc.Status)
		ev.Message = d.Name + " reports " + uc.FullName() + " " + statusWords(uc.Status) + "."
		ev.OccurredAt = next.UpdatedAt
		out = append(out, ev)
	}
	oldIncs := map[string]*watchfire.UpstreamIncident{}
	if old != nil {
		for i := range old.Incidents {
			oldIncs[old.Incidents[i].ID] = &old.Incidents[i]
		}
	}
	for i := range next.Incidents {
		inc := &next.Incidents[i]
		prev := oldIncs[inc.ID]
		delete(oldIncs, inc.ID)
		var kind watchfire.EventKind
		switch {
		case prev == nil && inc.Status.Closed():
			continue // opened and closed between two polls; history keeps it
		case prev == nil:
			kind = watchfire.KindIncidentCreated
		case inc.Status.Closed() && !prev.Status.Closed():
			kind = watchfire.KindIncidentResolved
		case incidentChanged(prev, inc):
			kind = watchfire.KindIncidentUpdated
		default:
			continue
		}
		out = append(out, upstreamIncidentEvent(base, kind, inc))
	}
	// Incidents that left the list of open ones were resolved upstream.
	for _, inc := range vanished(old, next, now) {
		out = append(out, upstreamIncidentEvent(base, watchfire.KindIncidentResolved, &inc))
	}
	oldMaint := map[string]*watchfire.UpstreamMaintenance{}
	if old != nil {
		for i := range old.Maintenances {
			oldMaint[old.Maintenances[i].ID] = &old.Maintenances[i]
		}
	}
	for i := range next.Maintenances {
		m := &next.Maintenances[i]
		prev := oldMaint[m.ID]
		delete(oldMaint, m.ID)
		var kind watchfire.EventKind
		switch {
		case prev == nil && old == nil && !m.Status.Active():
			continue
		case prev == nil:
			kind = watchfire.KindMaintenanceCreated
		case m.Status == watchfire.MaintenanceCompleted && prev.Status != watchfire.MaintenanceCompleted:
			kind = watchfire.KindMaintenanceCompleted
		case m.Status != prev.Status || len(m.Updates) != len(prev.Updates):
			kind = watchfire.KindMaintenanceUpdated
		default:
			continue
		}
		ev := base
		ev.Kind, ev.IncidentID, ev.IncidentTitle, ev.IncidentStatus = kind, m.ID, m.Name, string(m.Status)
		ev.IncidentImpact = string(watchfire.ImpactMaintenance)
		ev.Message = latestBody(m.Updates)
		out = append(out, ev)
	}
	for _, m := range oldMaint {
		if m.Status == watchfire.MaintenanceCompleted {
			continue
		}
		ev := base
		ev.Kind, ev.IncidentID, ev.IncidentTitle, ev.IncidentStatus = watchfire.KindMaintenanceCompleted, m.ID, m.Name, string(watchfire.MaintenanceCompleted)
		ev.IncidentImpact = string(watchfire.ImpactMaintenance)
		ev.Message = "No longer listed on " + d.Name + "'s status page."
		out = append(out, ev)
	}
	return out
}

func componentKey(c *watchfire.UpstreamComponent) string {
	if c.ID != "" {
		return c.ID
	}
	return c.FullName()
}

func incidentChanged(a, b *watchfire.UpstreamIncident) bool {
	return a.Status != b.Status || a.Impact != b.Impact || a.Name != b.Name || len(a.Updates) != len(b.Updates) ||
		latestBody(a.Updates) != latestBody(b.Updates)
}

func latestBody(updates []watchfire.UpstreamUpdate) string {
	if len(updates) == 0 {
		return ""
	}
	return updates[0].Body
}

func upstreamIncidentEvent(base watchfire.Event, kind watchfire.EventKind, inc *watchfire.UpstreamIncident) watchfire.Event {
	ev := base
	ev.Kind, ev.IncidentID, ev.IncidentTitle = kind, inc.ID, inc.Name
	ev.IncidentStatus, ev.IncidentImpact = string(inc.Status), string(inc.Impact)
	ev.Message = latestBody(inc.Updates)
	if len(inc.Updates) > 0 {
		ev.OccurredAt = inc.Updates[0].At
	} else if !inc.UpdatedAt.IsZero() {
		ev.OccurredAt = inc.UpdatedAt
	}
	if len(inc.Components) == 1 {
		ev.ComponentName = inc.Components[0]
	}
	return ev
}

// vanished returns the incidents open in old and absent from next,
// marked resolved now: lists of open incidents drop them once resolved.
func vanished(old, next *watchfire.UpstreamReport, now time.Time) []watchfire.UpstreamIncident {
	if old == nil {
		return nil
	}
	var out []watchfire.UpstreamIncident
	for _, inc := range old.Incidents {
		if inc.Status.Closed() || slices.ContainsFunc(next.Incidents, func(n watchfire.UpstreamIncident) bool { return n.ID == inc.ID }) {
			continue
		}
		inc.Status = watchfire.IncidentResolved
		resolved := now
		inc.ResolvedAt, inc.UpdatedAt = &resolved, now
		inc.Updates = append([]watchfire.UpstreamUpdate{{Status: string(watchfire.IncidentResolved),
			Body: "No longer listed as open on the status page.", At: now}}, inc.Updates...)
		out = append(out, inc)
	}
	return out
}
