package incidentio

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/atlassian"
)

// proxyDoc is one of the documents incident.io's page front end loads:
// /proxy/{host} ({"summary": …}) or /proxy/{host}/incidents/{id}
// ({"incident": …}). Only what the report needs is decoded.
type proxyDoc struct {
	Summary  *proxySummary   `json:"summary"`
	Incident *proxyIncident  `json:"incident"`
	Page     json.RawMessage `json:"page"` // the compatible API's; never in a proxy document
}

type proxySummary struct {
	ID                 string           `json:"id"`
	Name               string           `json:"name"`
	PublicURL          string           `json:"public_url"`
	Components         []proxyComponent `json:"components"`
	AffectedComponents []proxyAffected  `json:"affected_components"`
	OngoingIncidents   []proxyIncident  `json:"ongoing_incidents"`
	// Maintenances: the summary has scheduled_maintenances; incident.io's
	// widget API splits off in_progress_maintenances, read too in case
	// the summary does the same.
	ScheduledMaintenances  []proxyIncident `json:"scheduled_maintenances"`
	InProgressMaintenances []proxyIncident `json:"in_progress_maintenances"`
	Structure              *struct {
		Items []struct {
			Group     *proxyGroup     `json:"group"`
			Component *proxyStructure `json:"component"`
		} `json:"items"`
	} `json:"structure"`
}

type proxyComponent struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type proxyGroup struct {
	ID         string           `json:"id"`
	Name       string           `json:"name"`
	Hidden     bool             `json:"hidden"`
	Components []proxyStructure `json:"components"`
}

// proxyStructure is a component's place on the page.
type proxyStructure struct {
	ComponentID string `json:"component_id"`
	Name        string `json:"name"`
	Hidden      bool   `json:"hidden"`
}

// proxyAffected is a component an incident touches: Status is the worst
// it got during the incident, CurrentStatus what it is now (on the
// summary's own list, only status is given, and it is the current one).
type proxyAffected struct {
	ComponentID   string `json:"component_id"`
	Status        string `json:"status"`
	CurrentStatus string `json:"current_status"`
}

type proxyIncident struct {
	ID                 string          `json:"id"`
	Name               string          `json:"name"`
	Status             string          `json:"status"`
	Type               string          `json:"type"` // "incident"; maintenances presumably "maintenance"
	PublishedAt        string          `json:"published_at"`
	Updates            []proxyUpdate   `json:"updates"`
	AffectedComponents []proxyAffected `json:"affected_components"`
	ComponentImpacts   []struct {
		ComponentID string `json:"component_id"`
		Status      string `json:"status"`
		StartAt     string `json:"start_at"`
		EndAt       string `json:"end_at"`
	} `json:"component_impacts"`
	StatusSummaries []struct {
		WorstComponentStatus string `json:"worst_component_status"`
	} `json:"status_summaries"`

	// A maintenance's window. No real payload with one has been seen;
	// these are the names incident.io uses elsewhere, first found wins.
	StartsAt       string `json:"starts_at"`
	EndsAt         string `json:"ends_at"`
	StartAt        string `json:"start_at"`
	EndAt          string `json:"end_at"`
	ScheduledStart string `json:"scheduled_start"`
	ScheduledEnd   string `json:"scheduled_end"`
}

type proxyUpdate struct {
	ID            string          `json:"id"`
	PublishedAt   string          `json:"published_at"`
	MessageString string          `json:"message_string"`
	Message       json.RawMessage `json:"message"` // {"markdown": …, "text_node": …}
	ToStatus      string          `json:"to_status"`
}

// text is the update's message: message_string, else the markdown of the
// structured message.
func (u *proxyUpdate) text() string {
	if strings.TrimSpace(u.MessageString) != "" {
		return u.MessageString
	}
	var m struct {
		Markdown string `json:"markdown"`
	}
	if len(u.Message) > 0 && u.Message[0] == '{' && json.Unmarshal(u.Message, &m) == nil {
		return m.Markdown
	}
	return ""
}

// parseProxy reads a /proxy document. A document with neither a summary
// nor an incident gives ErrFormat.
func parseProxy(d *proxyDoc) (*watchfire.UpstreamReport, error) {
	rep := &watchfire.UpstreamReport{Provider: Name}
	switch {
	case d.Summary != nil:
		s := d.Summary
		rep.Page = watchfire.UpstreamPage{ID: s.ID, Name: collapse(s.Name), URL: s.PublicURL}
		names := map[string]string{}
		for _, c := range s.Components {
			names[c.ID] = collapse(c.Name)
		}
		rep.Components = s.components(names)
		for i := range s.OngoingIncidents {
			if err := addIncident(rep, &s.OngoingIncidents[i], names, s.PublicURL); err != nil {
				return nil, err
			}
		}
		for i := range s.InProgressMaintenances {
			if err := addMaintenance(rep, &s.InProgressMaintenances[i], names, s.PublicURL, watchfire.MaintenanceInProgress); err != nil {
				return nil, err
			}
		}
		for i := range s.ScheduledMaintenances {
			if err := addMaintenance(rep, &s.ScheduledMaintenances[i], names, s.PublicURL, watchfire.MaintenanceScheduled); err != nil {
				return nil, err
			}
		}
	case d.Incident != nil && (d.Incident.ID != "" || d.Incident.Updates != nil):
		// An incident's own document names components by id only.
		if err := addIncident(rep, d.Incident, nil, ""); err != nil {
			return nil, err
		}
	default:
		return nil, provider.Formatf("neither a \"summary\" nor an \"incident\": not an incident.io /proxy document")
	}
	atlassian.SortIncidents(rep.Incidents)
	return rep, nil
}

// components lists the page's components in display order, from its
// structure: groups give their members' Group, hidden groups and
// components are left out as the page leaves them out. Components the
// structure does not place at all are added after, ungrouped.
func (s *proxySummary) components(names map[string]string) []watchfire.UpstreamComponent {
	status := map[string]string{}
	for _, a := range s.AffectedComponents {
		v := a.CurrentStatus // the summary's list gives status only, and it is the current one
		if v == "" {
			v = a.Status
		}
		status[a.ComponentID] = v
	}
	var out []watchfire.UpstreamComponent
	placed := map[string]bool{}
	addComp := func(id, name, group string) {
		if placed[id] {
			return
		}
		placed[id] = true
		if n := names[id]; n != "" {
			name = n
		}
		name = collapse(name)
		if name == "" {
			name = id
		}
		if name == "" {
			return
		}
		out = append(out, watchfire.UpstreamComponent{
			ID: id, Name: name, Group: group,
			Status: ComponentStatus(status[id]), VendorStatus: status[id],
		})
	}
	if s.Structure != nil {
		for _, item := range s.Structure.Items {
			switch {
			case item.Group != nil:
				g := item.Group
				for _, c := range g.Components {
					if g.Hidden || c.Hidden {
						placed[c.ComponentID] = true // hidden, not missing
						continue
					}
					addComp(c.ComponentID, c.Name, collapse(g.Name))
				}
			case item.Component != nil:
				if item.Component.Hidden {
					placed[item.Component.ComponentID] = true
					continue
				}
				addComp(item.Component.ComponentID, item.Component.Name, "")
			}
		}
	}
	for _, c := range s.Components {
		addComp(c.ID, c.Name, "")
	}
	return out
}

// worst is the worst component status an incident reports anywhere: its
// affected components, its impacts, its status summaries.
func (inc *proxyIncident) worst() watchfire.ComponentStatus {
	var w watchfire.ComponentStatus
	for _, a := range inc.AffectedComponents {
		w = watchfire.Worse(w, ComponentStatus(a.Status))
	}
	for _, c := range inc.ComponentImpacts {
		w = watchfire.Worse(w, ComponentStatus(c.Status))
	}
	for _, s := range inc.StatusSummaries {
		w = watchfire.Worse(w, ComponentStatus(s.WorstComponentStatus))
	}
	return w
}

// componentNames names the components an incident affects, by name when
// the summary gave one, else by id.
func (inc *proxyIncident) componentNames(names map[string]string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		if id == "" || seen[id] {
			return
		}
		seen[id] = true
		if n := names[id]; n != "" {
			out = append(out, n)
		} else {
			out = append(out, id)
		}
	}
	for _, a := range inc.AffectedComponents {
		add(a.ComponentID)
	}
	for _, c := range inc.ComponentImpacts {
		add(c.ComponentID)
	}
	return out
}

func (inc *proxyIncident) isMaintenance() bool {
	t := norm(inc.Type)
	return strings.Contains(t, "maintenance") || strings.HasPrefix(norm(inc.Status), "maintenance_")
}

// timeline converts the updates, newest first, with the first and last
// times seen (the incident's own published_at counts).
func (inc *proxyIncident) timeline() (ups []watchfire.UpstreamUpdate, first, last time.Time, err error) {
	for i := range inc.Updates {
		u := &inc.Updates[i]
		at, err := parseTime("update "+u.ID+" published_at", u.PublishedAt)
		if err != nil {
			return nil, first, last, err
		}
		ups = append(ups, watchfire.UpstreamUpdate{Status: UpdateStatus(u.ToStatus), Body: atlassian.Plain(u.text()), At: at})
	}
	atlassian.SortUpdates(ups)
	published, err := parseTime("incident "+inc.ID+" published_at", inc.PublishedAt)
	if err != nil {
		return nil, first, last, err
	}
	first, last = published, published
	for _, u := range ups {
		if u.At.IsZero() {
			continue
		}
		if first.IsZero() || u.At.Before(first) {
			first = u.At // updates can be backdated before publication
		}
		if u.At.After(last) {
			last = u.At
		}
	}
	return ups, first, last, nil
}

func incidentURL(publicURL, id string) string {
	if publicURL == "" || id == "" {
		return ""
	}
	return strings.TrimRight(publicURL, "/") + "/incidents/" + id
}

// addIncident adds an ongoing incident; one that turns out to be a
// maintenance (by type or status) is added as an in-progress maintenance,
// since it is listed as ongoing.
func addIncident(rep *watchfire.UpstreamReport, inc *proxyIncident, names map[string]string, publicURL string) error {
	if inc.isMaintenance() {
		return addMaintenance(rep, inc, names, publicURL, watchfire.MaintenanceInProgress)
	}
	ups, first, last, err := inc.timeline()
	if err != nil {
		return err
	}
	out := watchfire.UpstreamIncident{
		ID:         inc.ID,
		Name:       collapse(inc.Name),
		URL:        incidentURL(publicURL, inc.ID),
		Status:     IncidentStatus(inc.Status),
		Impact:     Impact(inc.worst()),
		StartedAt:  first,
		UpdatedAt:  last,
		Components: inc.componentNames(names),
		Updates:    ups,
	}
	if out.Status.Closed() {
		at := last
		for _, u := range ups {
			if u.Status == string(watchfire.IncidentResolved) {
				at = u.At
				break
			}
		}
		out.ResolvedAt = &at
	}
	rep.Incidents = append(rep.Incidents, out)
	return nil
}

// addMaintenance adds a maintenance; fallback is the status the list it
// came in implies, for a status the table does not know.
func addMaintenance(rep *watchfire.UpstreamReport, inc *proxyIncident, names map[string]string, publicURL string, fallback watchfire.MaintenanceStatus) error {
	ups, _, _, err := inc.timeline()
	if err != nil {
		return err
	}
	from, err := parseTime("maintenance "+inc.ID+" start", firstOf(inc.StartsAt, inc.StartAt, inc.ScheduledStart))
	if err != nil {
		return err
	}
	until, err := parseTime("maintenance "+inc.ID+" end", firstOf(inc.EndsAt, inc.EndAt, inc.ScheduledEnd))
	if err != nil {
		return err
	}
	// Without a window of its own, the span of its component impacts.
	var first, last time.Time
	for _, c := range inc.ComponentImpacts {
		if s, err := parseTime("", c.StartAt); err == nil && !s.IsZero() && (first.IsZero() || s.Before(first)) {
			first = s
		}
		if e, err := parseTime("", c.EndAt); err == nil && e.After(last) {
			last = e
		}
	}
	if from.IsZero() {
		from = first
	}
	if until.IsZero() {
		until = last
	}
	rep.Maintenances = append(rep.Maintenances, watchfire.UpstreamMaintenance{
		ID:             inc.ID,
		Name:           collapse(inc.Name),
		URL:            incidentURL(publicURL, inc.ID),
		Status:         MaintenanceStatus(inc.Status, fallback),
		Impact:         watchfire.ImpactMaintenance,
		ScheduledFor:   from,
		ScheduledUntil: until,
		Components:     inc.componentNames(names),
		Updates:        ups,
	})
	return nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// parseTime reads a timestamp (incident.io writes UTC with or without
// milliseconds) as UTC.
func parseTime(what, s string) (time.Time, error) {
	t, err := provider.Time(s)
	if err != nil {
		return time.Time{}, provider.Formatf("%s: %v", what, err)
	}
	if t.IsZero() {
		return t, nil
	}
	return t.UTC(), nil
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
