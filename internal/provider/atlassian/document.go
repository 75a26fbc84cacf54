package atlassian

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Document is any JSON document of Statuspage's public API v2, decoded:
// summary.json, status.json, components.json, incidents.json,
// incidents/unresolved.json, incidents/{id}.json, scheduled-maintenances
// (and its upcoming/active lists and single documents). Each fills the
// fields it has; absent keys stay nil, so Kind can tell them apart.
//
// Only what the report needs is decoded, so that a field Statuspage adds
// or retypes later cannot break reading.
type Document struct {
	Page                  *Page       `json:"page"`
	Status                *Status     `json:"status"`
	Components            []Component `json:"components"`
	Incidents             []Incident  `json:"incidents"`
	Incident              *Incident   `json:"incident"`
	ScheduledMaintenances []Incident  `json:"scheduled_maintenances"`
	ScheduledMaintenance  *Incident   `json:"scheduled_maintenance"`

	// Keys of documents that look close but are not the API's: the meta
	// block of Statuspage's webhooks, and incident.io's /proxy summary.
	Meta    json.RawMessage `json:"meta"`
	Summary json.RawMessage `json:"summary"`
}

// Page is the "page" object every document starts with.
type Page struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"` // absent on incident.io's compatible summary
	UpdatedAt string `json:"updated_at"`
}

// Status is the page-level indicator.
type Status struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

// Component is a component or, with Group set, a group: Statuspage lists
// groups among the components, with their members' ids in Components,
// and each member names its group in GroupID.
type Component struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Status     string   `json:"status"`
	GroupID    string   `json:"group_id"` // null when ungrouped
	Group      bool     `json:"group"`
	Components []string `json:"components"`
}

// IsGroup reports whether the entry is a group heading rather than a
// component.
func (c *Component) IsGroup() bool { return c.Group || len(c.Components) > 0 }

// Incident is an incident or a scheduled maintenance (Statuspage stores
// both as incidents; maintenances have impact "maintenance" and the
// schedule).
type Incident struct {
	ID              string      `json:"id"`
	Name            string      `json:"name"`
	Status          string      `json:"status"`
	Impact          string      `json:"impact"`
	CreatedAt       string      `json:"created_at"`
	UpdatedAt       string      `json:"updated_at"`
	StartedAt       string      `json:"started_at"`
	ResolvedAt      string      `json:"resolved_at"`
	Shortlink       string      `json:"shortlink"`
	ScheduledFor    string      `json:"scheduled_for"`
	ScheduledUntil  string      `json:"scheduled_until"`
	IncidentUpdates []Update    `json:"incident_updates"`
	Components      []Component `json:"components"`

	// incident.io's /proxy incident detail has these instead of
	// incident_updates and page_id; seeing one means the document is not
	// Statuspage's.
	StatusPageID string          `json:"status_page_id"`
	Updates      json.RawMessage `json:"updates"`
}

// Update is one entry of an incident's timeline.
type Update struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Body      string `json:"body"`
	CreatedAt string `json:"created_at"`
	DisplayAt string `json:"display_at"`
}

// Decode reads a Statuspage API document. It does not judge whose it is:
// see Check.
func Decode(body []byte) (*Document, error) {
	var d Document
	if err := provider.UnmarshalJSON(body, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Check reports, with an error wrapping provider.ErrFormat, whether the
// document is not one of the API's: it must name its page and carry at
// least one of the API's lists or objects. incident.io's /proxy documents
// and Statuspage's webhook payloads are refused by name.
func (d *Document) Check() error {
	switch {
	case d.Summary != nil && d.Page == nil:
		return provider.Formatf("an incident.io /proxy status summary, not a Statuspage API document")
	case d.Incident != nil && (d.Incident.StatusPageID != "" || d.Incident.Updates != nil) && d.Page == nil:
		return provider.Formatf("an incident.io /proxy incident, not a Statuspage API document")
	case d.Meta != nil && d.Page != nil:
		return provider.Formatf("a Statuspage webhook payload; webhooks are received at /webhooks/atlassian, not polled")
	case d.Page == nil:
		return provider.Formatf("no \"page\" object: not a Statuspage API document")
	case d.Kind() == "":
		return provider.Formatf("a \"page\" object but none of status, components, incidents or scheduled_maintenances: not a Statuspage API document")
	}
	return nil
}

// Kind names the document: "summary", "status", "components", "incidents",
// "incident", "scheduled_maintenances" or "scheduled_maintenance"; "" when
// it has none of their keys.
func (d *Document) Kind() string {
	switch {
	case d.Status != nil && d.Components != nil:
		return "summary"
	case d.Status != nil:
		return "status"
	case d.Components != nil:
		return "components"
	case d.Incidents != nil:
		return "incidents"
	case d.Incident != nil:
		return "incident"
	case d.ScheduledMaintenances != nil:
		return "scheduled_maintenances"
	case d.ScheduledMaintenance != nil:
		return "scheduled_maintenance"
	}
	return ""
}

// IDs returns every id the document names (page, components, incidents,
// maintenances, updates), for callers that recognize a vendor by the
// shape of its ids.
func (d *Document) IDs() []string {
	var ids []string
	add := func(id string) {
		if id != "" {
			ids = append(ids, id)
		}
	}
	if d.Page != nil {
		add(d.Page.ID)
	}
	for i := range d.Components {
		add(d.Components[i].ID)
	}
	for _, inc := range d.AllIncidents() {
		add(inc.ID)
		for _, u := range inc.IncidentUpdates {
			add(u.ID)
		}
	}
	return ids
}

// AllIncidents lists the incidents and maintenances of the document, in
// its order: incidents first, then maintenances.
func (d *Document) AllIncidents() []*Incident {
	var out []*Incident
	for i := range d.Incidents {
		out = append(out, &d.Incidents[i])
	}
	if d.Incident != nil {
		out = append(out, d.Incident)
	}
	for i := range d.ScheduledMaintenances {
		out = append(out, &d.ScheduledMaintenances[i])
	}
	if d.ScheduledMaintenance != nil {
		out = append(out, d.ScheduledMaintenance)
	}
	return out
}

// Report normalizes the document into a report credited to providerName.
// Every incident the document lists is kept, resolved ones included (an
// incidents.json is history); entries that are maintenances, by impact or
// status, go to Maintenances wherever they were listed. Indicator and
// components are read as the vendor wrote them, never one from the other.
// A timestamp that does not parse gives an error wrapping ErrFormat.
func (d *Document) Report(providerName string) (*watchfire.UpstreamReport, error) {
	rep := &watchfire.UpstreamReport{Provider: providerName}
	pageURL := ""
	if p := d.Page; p != nil {
		pageURL = strings.TrimRight(p.URL, "/")
		rep.Page = watchfire.UpstreamPage{ID: p.ID, Name: p.Name, URL: p.URL, TimeZone: p.TimeZone}
		t, err := parseTime("page.updated_at", p.UpdatedAt)
		if err != nil {
			return nil, err
		}
		rep.UpdatedAt = t
	}
	if d.Status != nil {
		rep.Indicator = Indicator(d.Status.Indicator)
		rep.Description = strings.TrimSpace(d.Status.Description)
	}
	rep.Components = components(d.Components)

	for i := range d.Incidents {
		if err := add(rep, &d.Incidents[i], pageURL, false); err != nil {
			return nil, err
		}
	}
	if d.Incident != nil {
		if err := add(rep, d.Incident, pageURL, false); err != nil {
			return nil, err
		}
	}
	for i := range d.ScheduledMaintenances {
		if err := add(rep, &d.ScheduledMaintenances[i], pageURL, true); err != nil {
			return nil, err
		}
	}
	if d.ScheduledMaintenance != nil {
		if err := add(rep, d.ScheduledMaintenance, pageURL, true); err != nil {
			return nil, err
		}
	}
	SortIncidents(rep.Incidents)
	return rep, nil
}

// components lists the components that are not groups, each with its
// group's name. Membership is read both ways (a member's group_id, a
// group's components list), since older pages fill only one.
func components(list []Component) []watchfire.UpstreamComponent {
	groups := map[string]string{}   // group id -> name
	memberOf := map[string]string{} // component id -> group name
	for i := range list {
		if g := &list[i]; g.IsGroup() {
			name := collapse(g.Name)
			groups[g.ID] = name
			for _, id := range g.Components {
				memberOf[id] = name
			}
		}
	}
	out := make([]watchfire.UpstreamComponent, 0, len(list))
	for i := range list {
		c := &list[i]
		if c.IsGroup() {
			continue
		}
		name := collapse(c.Name)
		if name == "" {
			name = collapse(c.ID) // Validate wants a name; the id is the only other handle
		}
		if name == "" {
			continue
		}
		group, ok := groups[c.GroupID]
		if !ok {
			group = memberOf[c.ID]
		}
		out = append(out, watchfire.UpstreamComponent{
			ID:           c.ID,
			Name:         name,
			Group:        group,
			Status:       ComponentStatus(c.Status),
			VendorStatus: c.Status,
		})
	}
	return out
}

// isMaintenance reports whether an entry is a scheduled maintenance: it
// was listed as one, or says so by impact or status (incidents.json lists
// maintenances among incidents).
func isMaintenance(inc *Incident, listed bool) bool {
	return listed || norm(inc.Impact) == "maintenance" || isMaintenanceStatus(inc.Status)
}

// add appends the entry to the report's incidents or maintenances.
func add(rep *watchfire.UpstreamReport, inc *Incident, pageURL string, listedAsMaintenance bool) error {
	url := inc.Shortlink
	if pageURL != "" && inc.ID != "" {
		url = pageURL + "/incidents/" + inc.ID // where the shortlink leads, without the redirect
	}
	updates, err := updates(inc)
	if err != nil {
		return err
	}
	var comps []string
	for i := range inc.Components {
		c := &inc.Components[i]
		if c.IsGroup() {
			continue
		}
		if name := collapse(c.Name); name != "" {
			comps = append(comps, name)
		}
	}
	created, err := parseTime("incident "+inc.ID+" created_at", inc.CreatedAt)
	if err != nil {
		return err
	}
	updated, err := parseTime("incident "+inc.ID+" updated_at", inc.UpdatedAt)
	if err != nil {
		return err
	}
	if isMaintenance(inc, listedAsMaintenance) {
		from, err := parseTime("maintenance "+inc.ID+" scheduled_for", inc.ScheduledFor)
		if err != nil {
			return err
		}
		until, err := parseTime("maintenance "+inc.ID+" scheduled_until", inc.ScheduledUntil)
		if err != nil {
			return err
		}
		rep.Maintenances = append(rep.Maintenances, watchfire.UpstreamMaintenance{
			ID:             inc.ID,
			Name:           collapse(inc.Name),
			URL:            url,
			Status:         MaintenanceStatus(inc.Status),
			Impact:         watchfire.ImpactMaintenance,
			ScheduledFor:   from,
			ScheduledUntil: until,
			Components:     comps,
			Updates:        updates,
		})
		return nil
	}
	started, err := parseTime("incident "+inc.ID+" started_at", inc.StartedAt)
	if err != nil {
		return err
	}
	if started.IsZero() {
		started = created
	}
	resolved, err := parseTime("incident "+inc.ID+" resolved_at", inc.ResolvedAt)
	if err != nil {
		return err
	}
	out := watchfire.UpstreamIncident{
		ID:         inc.ID,
		Name:       collapse(inc.Name),
		URL:        url,
		Status:     IncidentStatus(inc.Status),
		Impact:     Impact(inc.Impact),
		StartedAt:  started,
		UpdatedAt:  updated,
		Components: comps,
		Updates:    updates,
	}
	if !resolved.IsZero() {
		out.ResolvedAt = &resolved
	}
	rep.Incidents = append(rep.Incidents, out)
	return nil
}

// updates converts an entry's timeline, newest first, bodies as plain
// text (the oldest imported incidents carry HTML lists).
func updates(inc *Incident) ([]watchfire.UpstreamUpdate, error) {
	if len(inc.IncidentUpdates) == 0 {
		return nil, nil
	}
	out := make([]watchfire.UpstreamUpdate, 0, len(inc.IncidentUpdates))
	for _, u := range inc.IncidentUpdates {
		at := u.DisplayAt // when the page shows it happened; created_at is when it was typed
		if strings.TrimSpace(at) == "" {
			at = u.CreatedAt
		}
		t, err := parseTime("update "+u.ID+" display_at", at)
		if err != nil {
			return nil, err
		}
		out = append(out, watchfire.UpstreamUpdate{Status: UpdateStatus(u.Status), Body: Plain(u.Body), At: t})
	}
	SortUpdates(out)
	return out, nil
}

// SortIncidents orders incidents newest first by start, keeping the
// vendor's order among equals.
func SortIncidents(list []watchfire.UpstreamIncident) {
	sort.SliceStable(list, func(i, j int) bool { return list[i].StartedAt.After(list[j].StartedAt) })
}

// SortUpdates orders a timeline newest first, keeping the vendor's order
// among equals.
func SortUpdates(list []watchfire.UpstreamUpdate) {
	sort.SliceStable(list, func(i, j int) bool { return list[i].At.After(list[j].At) })
}

// parseTime reads a timestamp and normalizes it to UTC: Statuspage writes
// times in the page's zone (-07:00 for Twilio), and reports compare
// instants, not wall clocks.
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
