package engine

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
)

// PayloadItem is one stored raw payload with what its adapter made of it;
// exactly one of Record, Push and Unparsed is set.
type PayloadItem struct {
	Payload *watchfire.Payload // ID, Source, Provider and SourceID are used

	Record *DependencyRecord       // a poller's report
	Push   *watchfire.UpstreamPush // a webhook's change
	// Dependency names the dependency a Push belongs to; "" finds it by
	// the page's id, address or name, and none found makes the push's
	// events stand alone.
	Dependency string
	Unparsed   string // why no adapter could map the payload
}

// RecordPayloads applies stored payloads, in order, in one transaction:
// each one's events carry its source, provider and a reference to it, and
// each is marked done (processed, duplicate or unparsed) in the same
// transaction, so that none is applied twice, even across a crash. A push
// whose vendor event id was applied before makes no event.
func (e *Engine) RecordPayloads(ctx context.Context, items []PayloadItem) error {
	_, err := e.write(ctx, Origin{Source: watchfire.SourceSystem}, func(c *change) error {
		for i := range items {
			if err := c.recordPayload(&items[i]); err != nil {
				return fmt.Errorf("payload %d: %w", items[i].Payload.ID, err)
			}
		}
		return nil
	})
	return err
}

func (c *change) recordPayload(it *PayloadItem) error {
	p := it.Payload
	mark := len(c.events)
	done := &watchfire.Payload{ID: p.ID, State: watchfire.PayloadProcessed}
	switch {
	case it.Unparsed != "":
		done.State, done.Error = watchfire.PayloadUnparsed, it.Unparsed
	case it.Record != nil:
		if err := c.recordDependency(*it.Record); err != nil {
			return err
		}
	case it.Push != nil:
		fresh := true
		if key := it.Push.EventID; key != "" {
			done.EventKey = key
			var err error
			if fresh, err = c.tx.ClaimEventKey(c.ctx, p.Provider, p.SourceID, key, p.ID, c.now); err != nil {
				return err
			}
		}
		if !fresh {
			done.State = watchfire.PayloadDuplicate
			break
		}
		if err := c.recordPush(it.Push, it.Dependency, p.Provider); err != nil {
			return err
		}
	}
	// Our own components' changes belong to the payload that caused them.
	if err := c.rederive(); err != nil {
		return err
	}
	for i := mark; i < len(c.events); i++ {
		ev := &c.events[i]
		ev.Source, ev.Provider, ev.RawRef = p.Source, p.Provider, watchfire.PayloadRef(p.ID)
	}
	done.Events = len(c.events) - mark
	c.finished = append(c.finished, done)
	return nil
}

// recordPush merges a webhook's change into the dependency it belongs to,
// with the same events a poll seeing that change would make; a push that
// belongs to no dependency makes its events alone.
func (c *change) recordPush(push *watchfire.UpstreamPush, depID, provider string) error {
	d, err := c.pushDependency(push, depID)
	if err != nil {
		return err
	}
	if d == nil {
		for _, ev := range pushEvents(push, provider) {
			c.emit(ev)
		}
		return nil
	}
	next := mergePush(d.Report, push, provider, c.now)
	for _, ev := range diffReports(d, d.Report, next, c.now) {
		if push.Message != "" && ev.Kind == watchfire.KindComponentStatusChanged {
			ev.Message = push.Message
		}
		c.emit(ev)
	}
	// Every incident it names is kept, closed ones included; the report
	// itself lists what is open, as a poll's does.
	incidents := slices.Clone(push.Incidents)
	next.Incidents = slices.DeleteFunc(next.Incidents, func(inc watchfire.UpstreamIncident) bool { return inc.Status.Closed() })
	next.Maintenances = slices.DeleteFunc(next.Maintenances, func(m watchfire.UpstreamMaintenance) bool {
		return m.Status == watchfire.MaintenanceCompleted
	})
	// The next poll must compare its report with this one, not skip it as
	// unchanged.
	d.Report, d.ReportHash, d.UpdatedAt = next, "", c.now
	if err := c.ensureThirdPartyComponent(d); err != nil {
		return err
	}
	if err := c.upsertDependency(d); err != nil {
		return err
	}
	if len(incidents) > 0 {
		if err := c.tx.UpsertDependencyIncidents(c.ctx, d.ID, incidents); err != nil {
			return err
		}
	}
	return c.rollUpstream()
}

// pushDependency finds the dependency a push is about: the one named,
// else the one whose page has the push's page id, host or name. nil when
// none.
func (c *change) pushDependency(push *watchfire.UpstreamPush, depID string) (*watchfire.Dependency, error) {
	if depID == "" {
		all, err := c.dependencies()
		if err != nil {
			return nil, err
		}
		depID = matchDependency(all, &push.Page)
		if depID == "" {
			return nil, nil
		}
	}
	d, err := c.tx.GetDependency(c.ctx, depID)
	if isNotFound(err) {
		return nil, nil
	}
	return d, err
}

// matchDependency returns the id of the dependency whose page the push
// names, by the vendor's page id first (the surest), then the address's
// host, then the name; "" when none, or when several tie.
func matchDependency(all map[string]*watchfire.Dependency, page *watchfire.UpstreamPage) string {
	ids := slices.Sorted(maps.Keys(all))
	find := func(match func(d *watchfire.Dependency) bool) string {
		found := ""
		for _, id := range ids {
			if match(all[id]) {
				if found != "" {
					return "" // ambiguous: better stand alone than land on the wrong page
				}
				found = id
			}
		}
		return found
	}
	if page.ID != "" {
		if id := find(func(d *watchfire.Dependency) bool { return d.Report != nil && d.Report.Page.ID == page.ID }); id != "" {
			return id
		}
	}
	if host := hostOf(page.URL); host != "" {
		if id := find(func(d *watchfire.Dependency) bool { return hostOf(d.URL) == host }); id != "" {
			return id
		}
	}
	if page.Name != "" {
		return find(func(d *watchfire.Dependency) bool {
			return strings.EqualFold(d.Name, page.Name) || d.Report != nil && strings.EqualFold(d.Report.Page.Name, page.Name)
		})
	}
	return ""
}

func hostOf(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// mergePush returns the report that old becomes with the push applied:
// the components, incidents and maintenances it names replaced or added,
// the page status it gives set. old is not modified.
func mergePush(old *watchfire.UpstreamReport, push *watchfire.UpstreamPush, provider string, now time.Time) *watchfire.UpstreamReport {
	next := &watchfire.UpstreamReport{Provider: provider, Page: push.Page}
	if old != nil {
		cp := *old
		next = &cp
		next.Components = slices.Clone(old.Components)
		next.Incidents = slices.Clone(old.Incidents)
		next.Maintenances = slices.Clone(old.Maintenances)
	}
	if push.Indicator != "" {
		next.Indicator, next.Description = push.Indicator, push.Description
	}
	for _, ch := range push.Components {
		uc := ch.UpstreamComponent
		if i := slices.IndexFunc(next.Components, func(c watchfire.UpstreamComponent) bool { return sameComponent(&c, &uc) }); i >= 0 {
			next.Components[i].Status, next.Components[i].VendorStatus = uc.Status, uc.VendorStatus
			continue
		}
		next.Components = append(next.Components, uc)
	}
	for _, inc := range push.Incidents {
		if i := slices.IndexFunc(next.Incidents, func(o watchfire.UpstreamIncident) bool { return o.ID == inc.ID }); i >= 0 {
			next.Incidents[i] = inc
			continue
		}
		next.Incidents = append([]watchfire.UpstreamIncident{inc}, next.Incidents...)
	}
	for _, m := range push.Maintenances {
		if i := slices.IndexFunc(next.Maintenances, func(o watchfire.UpstreamMaintenance) bool { return o.ID == m.ID }); i >= 0 {
			next.Maintenances[i] = m
			continue
		}
		next.Maintenances = append(next.Maintenances, m)
	}
	next.UpdatedAt = push.OccurredAt
	if next.UpdatedAt.IsZero() {
		next.UpdatedAt = now
	}
	return next
}

// sameComponent matches a pushed component with a known one: by id when
// both have one, else by name (with its group when the push gives one).
func sameComponent(known, pushed *watchfire.UpstreamComponent) bool {
	if known.ID != "" && pushed.ID != "" {
		return known.ID == pushed.ID
	}
	if pushed.Group != "" {
		return strings.EqualFold(known.FullName(), pushed.FullName())
	}
	return strings.EqualFold(known.Name, pushed.Name)
}

// pushEvents are the events of a push that belongs to no dependency: what
// it says, as it says it, under the product it names.
func pushEvents(push *watchfire.UpstreamPush, provider string) []watchfire.Event {
	product := push.Page.Name
	if product == "" {
		product = push.Page.URL
	}
	if product == "" {
		product = provider
	}
	base := watchfire.Event{Product: product, OccurredAt: push.OccurredAt}
	var out []watchfire.Event
	if push.Indicator != "" && len(push.Components) == 0 && len(push.Incidents) == 0 && len(push.Maintenances) == 0 {
		ev := base
		ev.Kind, ev.NewStatus = watchfire.KindComponentStatusChanged, string(watchfire.IndicatorStatus(push.Indicator))
		ev.Message = push.Message
		if ev.Message == "" {
			ev.Message = push.Description
		}
		out = append(out, ev)
	}
	for _, ch := range push.Components {
		ev := base
		ev.Kind, ev.ComponentName = watchfire.KindComponentStatusChanged, ch.FullName()
		ev.OldStatus, ev.NewStatus = string(ch.OldStatus), string(ch.Status)
		ev.Message = push.Message
		out = append(out, ev)
	}
	for i := range push.Incidents {
		inc := &push.Incidents[i]
		kind := watchfire.KindIncidentUpdated
		switch {
		case inc.Status.Closed():
			kind = watchfire.KindIncidentResolved
		case len(inc.Updates) <= 1:
			kind = watchfire.KindIncidentCreated
		}
		ev := upstreamIncidentEvent(base, kind, inc)
		if ev.OccurredAt.IsZero() {
			ev.OccurredAt = push.OccurredAt
		}
		if ev.Message == "" {
			ev.Message = push.Message
		}
		out = append(out, ev)
	}
	for i := range push.Maintenances {
		m := &push.Maintenances[i]
		kind := watchfire.KindMaintenanceUpdated
		switch {
		case m.Status == watchfire.MaintenanceCompleted:
			kind = watchfire.KindMaintenanceCompleted
		case len(m.Updates) <= 1:
			kind = watchfire.KindMaintenanceCreated
		}
		ev := base
		ev.Kind, ev.IncidentID, ev.IncidentTitle, ev.IncidentStatus = kind, m.ID, m.Name, string(m.Status)
		ev.IncidentImpact = string(watchfire.ImpactMaintenance)
		ev.Message = latestBody(m.Updates)
		if len(m.Updates) > 0 {
			ev.OccurredAt = m.Updates[0].At
		}
		out = append(out, ev)
	}
	return out
}
