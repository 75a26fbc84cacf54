// Package statuspage renders a page's state as the JSON documents of
// Atlassian Statuspage's public API v2 (/api/v2/summary.json and friends),
// so that existing Statuspage clients, exporters and widgets read a
// Watchfire page unchanged.
//
// Documents are rendered once per state change and served as-is, so Render
// encodes every shared object (page, component, incident, maintenance)
// once and splices the bytes into each document that lists it.
package statuspage

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
)

// listLimit is how many incidents and maintenances the list documents
// carry, as Statuspage's incidents.json and scheduled-maintenances.json.
const listLimit = 50

// Document paths, relative to /api/v2/.
const (
	PathSummary              = "summary.json"
	PathStatus               = "status.json"
	PathComponents           = "components.json"
	PathIncidents            = "incidents.json"
	PathIncidentsUnresolved  = "incidents/unresolved.json"
	PathMaintenances         = "scheduled-maintenances.json"
	PathMaintenancesUpcoming = "scheduled-maintenances/upcoming.json"
	PathMaintenancesActive   = "scheduled-maintenances/active.json"
)

// IncidentPath is the path of an incident's own document.
func IncidentPath(id string) string { return "incidents/" + id + ".json" }

// MaintenancePath is the path of a scheduled maintenance's own document.
func MaintenancePath(id string) string { return "scheduled-maintenances/" + id + ".json" }

// Render returns every v2 document of page p, compact JSON keyed by path
// relative to /api/v2/ (see the Path constants, IncidentPath and
// MaintenancePath). Only what p shows appears: its components, the
// incidents and maintenances that belong on it (State.IncidentOnPage,
// State.MaintenanceOnPage), each with its own document, and within those
// only the components p shows, so a public page never names an internal
// component or incident.
//
// The error is EINVALID when the page's time zone is unknown.
func Render(st *watchfire.State, p *watchfire.Page) (map[string][]byte, error) {
	if st == nil || p == nil {
		return nil, watchfire.Errorf(watchfire.EINTERNAL, "statuspage: nothing to render")
	}
	zone := p.TimeZone
	if zone == "" {
		zone = "UTC"
	}
	loc, err := loadLocation(zone)
	if err != nil {
		return nil, &watchfire.Error{Code: watchfire.EINVALID,
			Message: fmt.Sprintf("Page %q has an unknown time zone %q; set an IANA name such as Europe/Paris.", p.ID, p.TimeZone),
			Err:     err}
	}
	r := &renderer{st: st, p: p, loc: loc, comps: make(map[string]json.RawMessage, len(st.Components))}
	return r.render(zone)
}

type renderer struct {
	st    *watchfire.State
	p     *watchfire.Page
	loc   *time.Location
	comps map[string]json.RawMessage // encoded components the page shows, by id
}

func (r *renderer) render(zone string) (map[string][]byte, error) {
	st, p := r.st, r.p
	updated := st.UpdatedAt
	if updated.IsZero() {
		updated = p.UpdatedAt
	}
	page, err := json.Marshal(pageJSON{ID: p.ID, Name: p.Name, URL: p.URL, TimeZone: zone, UpdatedAt: r.ts(updated)})
	if err != nil {
		return nil, err
	}
	indicator, description := st.PageIndicator(p)
	status, err := json.Marshal(statusJSON{Indicator: string(indicator), Description: description})
	if err != nil {
		return nil, err
	}
	components, err := r.components()
	if err != nil {
		return nil, err
	}

	// Incidents on the page, newest first; each encoded once.
	var incs []*watchfire.Incident
	for i := range st.Incidents {
		if inc := &st.Incidents[i]; st.IncidentOnPage(p, inc) {
			incs = append(incs, inc)
		}
	}
	sort.SliceStable(incs, func(i, j int) bool { return incs[i].CreatedAt.After(incs[j].CreatedAt) })
	incJSON := make([]json.RawMessage, len(incs))
	var unresolved []json.RawMessage
	for i, inc := range incs {
		if incJSON[i], err = json.Marshal(r.incident(inc)); err != nil {
			return nil, err
		}
		if inc.Open() {
			unresolved = append(unresolved, incJSON[i])
		}
	}

	var mnts []*watchfire.Maintenance
	for i := range st.Maintenances {
		if m := &st.Maintenances[i]; st.MaintenanceOnPage(p, m) {
			mnts = append(mnts, m)
		}
	}
	// Newest scheduled_for first, as scheduled-maintenances.json; upcoming
	// then reverses to soonest first.
	sort.SliceStable(mnts, func(i, j int) bool { return mnts[i].ScheduledFor.After(mnts[j].ScheduledFor) })
	mntJSON := make([]json.RawMessage, len(mnts))
	var upcoming, active []json.RawMessage
	for i, m := range mnts {
		if mntJSON[i], err = json.Marshal(r.maintenance(m)); err != nil {
			return nil, err
		}
		switch {
		case m.Status == watchfire.MaintenanceScheduled:
			upcoming = append(upcoming, mntJSON[i])
		case m.Status.Active():
			active = append(active, mntJSON[i])
		}
	}
	for i, j := 0, len(upcoming)-1; i < j; i, j = i+1, j-1 {
		upcoming[i], upcoming[j] = upcoming[j], upcoming[i]
	}

	unresolvedList := array(unresolved)
	upcomingList, activeList := array(upcoming), array(active)
	docs := make(map[string][]byte, 8+len(incs)+len(mnts))
	docs[PathSummary] = object(
		field{"page", page},
		field{"components", components},
		field{"incidents", unresolvedList},
		// Statuspage's summary lists upcoming, then active maintenances.
		field{"scheduled_maintenances", array(upcoming, active)},
		field{"status", status},
	)
	docs[PathStatus] = object(field{"page", page}, field{"status", status})
	docs[PathComponents] = object(field{"page", page}, field{"components", components})
	docs[PathIncidents] = object(field{"page", page}, field{"incidents", array(head(incJSON))})
	docs[PathIncidentsUnresolved] = object(field{"page", page}, field{"incidents", unresolvedList})
	docs[PathMaintenances] = object(field{"page", page}, field{"scheduled_maintenances", array(head(mntJSON))})
	docs[PathMaintenancesUpcoming] = object(field{"page", page}, field{"scheduled_maintenances", upcomingList})
	docs[PathMaintenancesActive] = object(field{"page", page}, field{"scheduled_maintenances", activeList})
	for i, inc := range incs {
		addOnce(docs, IncidentPath(inc.ID), object(field{"page", page}, field{"incident", incJSON[i]}))
	}
	for i, m := range mnts {
		addOnce(docs, MaintenancePath(m.ID), object(field{"page", page}, field{"scheduled_maintenance", mntJSON[i]}))
	}
	return docs, nil
}

// addOnce adds a per-object document unless the path is taken: an object
// with id "unresolved" or "active" must not replace a list document, and
// of two objects sharing an id the newer, listed first, wins.
func addOnce(docs map[string][]byte, path string, doc []byte) {
	if _, taken := docs[path]; !taken {
		docs[path] = doc
	}
}

func head(list []json.RawMessage) []json.RawMessage {
	if len(list) > listLimit {
		return list[:listLimit]
	}
	return list
}

// components encodes the page's components in display order and returns
// the components array. Groups come first among their members, as a
// Statuspage page lists them; positions are 1-based among the page's
// top-level entries (ungrouped components and groups) and within each
// group, which is how Statuspage numbers them.
func (r *renderer) components() ([]byte, error) {
	st, p := r.st, r.p
	groups := make(map[string]*watchfire.Group, len(st.Groups))
	for i := range st.Groups {
		groups[st.Groups[i].ID] = &st.Groups[i]
	}
	type entry struct {
		group   *watchfire.Group
		comp    *watchfire.Component
		members []*watchfire.Component
	}
	pcs := st.PageComponents(p)
	var top []*entry
	byGroup := map[string]*entry{}
	seen := make(map[string]bool, len(pcs))
	for i := range pcs {
		c := &pcs[i]
		if seen[c.ID] { // a page listing a component twice shows it once
			continue
		}
		seen[c.ID] = true
		g := groups[c.GroupID]
		if g == nil { // ungrouped, or its group is gone: show it on its own
			top = append(top, &entry{comp: c})
			continue
		}
		e := byGroup[g.ID]
		if e == nil {
			e = &entry{group: g}
			byGroup[g.ID] = e
			top = append(top, e)
		}
		e.members = append(e.members, c)
	}

	out := make([]json.RawMessage, 0, len(pcs)+len(byGroup))
	for i, e := range top {
		if e.comp != nil {
			b, err := json.Marshal(r.component(e.comp, i+1, nil))
			if err != nil {
				return nil, err
			}
			r.comps[e.comp.ID] = b
			out = append(out, b)
			continue
		}
		g := e.group
		ids := make([]string, len(e.members))
		for j, c := range e.members {
			ids[j] = c.ID
		}
		b, err := json.Marshal(componentJSON{
			ID:          g.ID,
			Name:        g.Name,
			Status:      string(st.GroupStatus(p, g.ID)),
			CreatedAt:   r.ts(g.CreatedAt),
			UpdatedAt:   r.ts(g.UpdatedAt),
			Position:    i + 1,
			Description: nullable(g.Description),
			PageID:      p.ID,
			Group:       true,
			Components:  ids,
		})
		if err != nil {
			return nil, err
		}
		out = append(out, b)
		for j, c := range e.members {
			gid := g.ID
			if b, err = json.Marshal(r.component(c, j+1, &gid)); err != nil {
				return nil, err
			}
			r.comps[c.ID] = b
			out = append(out, b)
		}
	}
	return array(out), nil
}

func (r *renderer) component(c *watchfire.Component, position int, groupID *string) componentJSON {
	var start *string
	if c.StartDate != nil {
		// A civil date: print it as stored, converting could shift the day.
		s := c.StartDate.Format(time.DateOnly)
		start = &s
	}
	return componentJSON{
		ID:                 c.ID,
		Name:               c.Name,
		Status:             string(c.Status),
		CreatedAt:          r.ts(c.CreatedAt),
		UpdatedAt:          r.ts(c.UpdatedAt),
		Position:           position,
		Description:        nullable(c.Description),
		Showcase:           c.Showcase,
		StartDate:          start,
		GroupID:            groupID,
		PageID:             r.p.ID,
		OnlyShowIfDegraded: c.OnlyShowIfDegraded,
	}
}

// shown returns the encoded components among ids that the page shows,
// once each. Deleted and hidden components are left out so that a public
// page never names a component it does not list.
func (r *renderer) shown(ids []string) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(ids))
	for i, id := range ids {
		b, ok := r.comps[id]
		if ok && !slices.Contains(ids[:i], id) {
			out = append(out, b)
		}
	}
	return out
}

func (r *renderer) incident(inc *watchfire.Incident) incidentJSON {
	started := inc.StartedAt
	if started.IsZero() {
		started = inc.CreatedAt
	}
	impact := string(inc.Impact)
	if impact == "" {
		impact = string(watchfire.ImpactNone)
	}
	out := incidentJSON{
		ID:              inc.ID,
		Name:            inc.Name,
		Status:          string(inc.Status),
		CreatedAt:       r.ts(inc.CreatedAt),
		UpdatedAt:       r.ts(inc.UpdatedAt),
		MonitoringAt:    r.tsp(inc.MonitoringAt),
		ResolvedAt:      r.tsp(inc.ResolvedAt),
		Impact:          impact,
		Shortlink:       r.shortlink(inc.ID),
		StartedAt:       r.ts(started),
		PageID:          r.p.ID,
		IncidentUpdates: r.updates(inc.ID, inc.Updates),
		Components:      r.shown(affectedIDs(inc.Components)),
	}
	if inc.Postmortem != "" {
		out.PostmortemBody = inc.Postmortem
		out.PostmortemPublishedAt = r.ts(postmortemPublishedAt(inc))
	}
	return out
}

func affectedIDs(acs []watchfire.AffectedComponent) []string {
	ids := make([]string, len(acs))
	for i, ac := range acs {
		ids[i] = ac.ComponentID
	}
	return ids
}

// postmortemPublishedAt approximates when the postmortem went out, which
// the domain does not record: the newest "postmortem" update, else the
// resolution, else the last change.
func postmortemPublishedAt(inc *watchfire.Incident) time.Time {
	var at time.Time
	for _, u := range inc.Updates {
		if u.Status == string(watchfire.IncidentPostmortem) && u.CreatedAt.After(at) {
			at = u.CreatedAt
		}
	}
	switch {
	case !at.IsZero():
		return at
	case inc.ResolvedAt != nil:
		return *inc.ResolvedAt
	}
	return inc.UpdatedAt
}

func (r *renderer) maintenance(m *watchfire.Maintenance) maintenanceJSON {
	// Statuspage's started_at on a maintenance is never null (it is the
	// creation time there); ours is the real start when known.
	started := m.CreatedAt
	if m.StartedAt != nil {
		started = *m.StartedAt
	}
	return maintenanceJSON{
		ID:              m.ID,
		Name:            m.Name,
		Status:          string(m.Status),
		CreatedAt:       r.ts(m.CreatedAt),
		UpdatedAt:       r.ts(m.UpdatedAt),
		ResolvedAt:      r.tsp(m.CompletedAt),
		Impact:          string(watchfire.ImpactMaintenance),
		Shortlink:       r.shortlink(m.ID),
		StartedAt:       r.ts(started),
		PageID:          r.p.ID,
		IncidentUpdates: r.updates(m.ID, m.Updates),
		Components:      r.shown(m.Components),
		ScheduledFor:    r.ts(m.ScheduledFor),
		ScheduledUntil:  r.ts(m.ScheduledUntil),
	}
}

// updates converts a timeline, newest displayed first as Statuspage
// orders it. The domain keeps them newest first already; sort only when
// it does not, without touching the shared state.
func (r *renderer) updates(parentID string, in []watchfire.IncidentUpdate) []updateJSON {
	list := in
	newestFirst := func(l []watchfire.IncidentUpdate) func(i, j int) bool {
		return func(i, j int) bool { return displayAt(&l[i]).After(displayAt(&l[j])) }
	}
	if !sort.SliceIsSorted(list, newestFirst(list)) {
		list = append([]watchfire.IncidentUpdate(nil), in...)
		sort.SliceStable(list, newestFirst(list))
	}
	out := make([]updateJSON, len(list))
	for i := range list {
		u := &list[i]
		incidentID := u.IncidentID
		if incidentID == "" {
			incidentID = parentID
		}
		var affected []affectedJSON // nil encodes as null, as Statuspage does
		for _, ac := range u.AffectedComponents {
			if _, ok := r.comps[ac.ComponentID]; !ok {
				continue // hidden on this page, or deleted
			}
			affected = append(affected, affectedJSON{
				Code:      ac.ComponentID,
				Name:      ac.Name,
				OldStatus: string(ac.OldStatus),
				NewStatus: string(ac.NewStatus),
			})
		}
		out[i] = updateJSON{
			ID:                   u.ID,
			Status:               u.Status,
			Body:                 u.Body,
			IncidentID:           incidentID,
			CreatedAt:            r.ts(u.CreatedAt),
			UpdatedAt:            r.ts(u.UpdatedAt),
			DisplayAt:            r.ts(displayAt(u)),
			AffectedComponents:   affected,
			DeliverNotifications: u.DeliverNotifications,
		}
	}
	return out
}

func displayAt(u *watchfire.IncidentUpdate) time.Time {
	if u.DisplayAt.IsZero() {
		return u.CreatedAt
	}
	return u.DisplayAt
}

func (r *renderer) shortlink(id string) string {
	return strings.TrimRight(r.p.URL, "/") + "/incidents/" + id
}

// ts formats t in the page's zone; a zero time is unknown and encodes as
// null rather than as year 1.
func (r *renderer) ts(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := formatTime(t, r.loc)
	return &s
}

func (r *renderer) tsp(t *time.Time) *string {
	if t == nil {
		return nil
	}
	return r.ts(*t)
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Envelopes are spliced from pre-encoded parts rather than marshalled:
// encoding/json would re-validate every embedded json.RawMessage, and the
// parts are already compact and valid.

type field struct {
	key string
	val []byte
}

// object writes {"k1":v1,"k2":v2,...} in the order given.
func object(fields ...field) []byte {
	n := 2
	for _, f := range fields {
		n += len(f.key) + len(f.val) + 4
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, f.key...)
		b = append(b, '"', ':')
		b = append(b, f.val...)
	}
	return append(b, '}')
}

// array writes the concatenation of lists as one JSON array; an empty one
// is [], never null.
func array(lists ...[]json.RawMessage) []byte {
	n := 2
	for _, l := range lists {
		for _, v := range l {
			n += len(v) + 1
		}
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	first := true
	for _, l := range lists {
		for _, v := range l {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, v...)
		}
	}
	return append(b, ']')
}
