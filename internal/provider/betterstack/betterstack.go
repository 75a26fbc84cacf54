// Package betterstack reads Better Stack (formerly Better Uptime) status
// pages through their public JSON, {page}/index.json: one JSON:API
// document with the page (data), and its sections, resources, status
// reports and status updates (included[]).
//
// index.json lists recent status reports, resolved ones included, so
// History reads the same document and returns its incident reports.
package betterstack

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Name is the provider's name in the config.
const Name = "betterstack"

// IndexPath is the document Current and History read, at the page's root.
const IndexPath = "/index.json"

type betterStack struct {
	now func() time.Time // tells a maintenance that has not started from one under way
}

// New returns the Better Stack provider.
func New() provider.Provider { return &betterStack{now: time.Now} }

func (p *betterStack) Name() string { return Name }

// Detect claims Better Stack's hosted pages: *.betteruptime.com and
// *.betterstack.com.
func (p *betterStack) Detect(page *url.URL) bool {
	return provider.HostIs(page, "betteruptime.com") || provider.HostIs(page, "betterstack.com")
}

// Current reads index.json.
func (p *betterStack) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	doc, err := fetch(ctx, c, page)
	if err != nil {
		return nil, err
	}
	return doc.report(p.now())
}

// History returns the incident reports index.json lists, open and
// resolved, newest first. Maintenance reports are not incidents.
func (p *betterStack) History(ctx context.Context, c provider.Client, page *url.URL) ([]watchfire.UpstreamIncident, error) {
	doc, err := fetch(ctx, c, page)
	if err != nil {
		return nil, err
	}
	return doc.incidents(true), nil
}

// Parse normalizes an index.json.
func (p *betterStack) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	doc, err := decode(body)
	if err != nil {
		return nil, err
	}
	return doc.report(p.now())
}

func fetch(ctx context.Context, c provider.Client, page *url.URL) (*index, error) {
	resp, err := c.Get(ctx, provider.Resolve(page, IndexPath))
	if err != nil {
		return nil, err
	}
	var raw document
	if err := provider.DecodeJSON(resp, &raw); err != nil {
		return nil, err
	}
	return raw.index()
}

func decode(body []byte) (*index, error) {
	var raw document
	if err := provider.UnmarshalJSON(body, &raw); err != nil {
		return nil, err
	}
	return raw.index()
}

// id is a JSON:API id. Better Stack writes ids as strings, but a
// resource's status_page_section_id is a number: both are read.
type id string

func (i *id) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*i = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*i = id(strings.TrimSpace(s))
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*i = id(n.String())
	}
	return nil
}

type ref struct {
	ID   id     `json:"id"`
	Type string `json:"type"`
}

type refs struct {
	Data []ref `json:"data"`
}

// document is index.json as JSON:API writes it.
type document struct {
	Data *struct {
		ID            id              `json:"id"`
		Type          string          `json:"type"`
		Attributes    *pageAttributes `json:"attributes"`
		Relationships struct {
			Resources refs `json:"resources"`
		} `json:"relationships"`
	} `json:"data"`
	Included []struct {
		ID            id              `json:"id"`
		Type          string          `json:"type"`
		Attributes    json.RawMessage `json:"attributes"`
		Relationships struct {
			StatusUpdates refs `json:"status_updates"`
		} `json:"relationships"`
	} `json:"included"`
}

type pageAttributes struct {
	CompanyName    string  `json:"company_name"`
	Timezone       string  `json:"timezone"`
	Subdomain      string  `json:"subdomain"`
	CustomDomain   string  `json:"custom_domain"`
	AggregateState *string `json:"aggregate_state"`
	UpdatedAt      string  `json:"updated_at"`
}

type section struct {
	Name     string `json:"name"`
	Position int    `json:"position"`
}

type resource struct {
	id        id
	SectionID id     `json:"status_page_section_id"`
	Name      string `json:"public_name"`
	Position  int    `json:"position"`
	Status    string `json:"status"`
}

type affected struct {
	ResourceID id     `json:"status_page_resource_id"`
	Status     string `json:"status"`
}

type report struct {
	id             id
	updateIDs      []id
	Title          string     `json:"title"`
	ReportType     string     `json:"report_type"`
	StartsAt       string     `json:"starts_at"`
	EndsAt         string     `json:"ends_at"`
	Affected       []affected `json:"affected_resources"`
	AggregateState string     `json:"aggregate_state"`
}

type update struct {
	Message     string     `json:"message"`
	PublishedAt string     `json:"published_at"`
	Timezone    string     `json:"published_at_timezone"`
	Affected    []affected `json:"affected_resources"`
}

// index is the document with included[] sorted by type and id. Reports
// and relationships may name ids that included[] lacks (pages trim it):
// those are skipped, never an error.
type index struct {
	pageID    id
	page      pageAttributes
	loc       *time.Location
	sections  map[id]section
	resources []resource
	byID      map[id]*resource
	reports   []report
	updates   map[id]update
}

func (d *document) index() (*index, error) {
	switch {
	case d.Data == nil:
		return nil, provider.Formatf("no data object: not a Better Stack index.json")
	case d.Data.Type != "status_page":
		return nil, provider.Formatf("data.type is %q, not status_page: not a Better Stack index.json", d.Data.Type)
	case d.Data.Attributes == nil || d.Data.Attributes.AggregateState == nil:
		return nil, provider.Formatf("no data.attributes.aggregate_state: not a Better Stack index.json")
	}
	x := &index{
		pageID: d.Data.ID, page: *d.Data.Attributes, loc: location(d.Data.Attributes.Timezone),
		sections: map[id]section{}, byID: map[id]*resource{}, updates: map[id]update{},
	}
	for _, inc := range d.Included {
		if len(bytes.TrimSpace(inc.Attributes)) == 0 || bytes.Equal(bytes.TrimSpace(inc.Attributes), []byte("null")) {
			continue // an entry with nothing to read
		}
		var err error
		switch inc.Type {
		case "status_page_section":
			var s section
			err = json.Unmarshal(inc.Attributes, &s)
			x.sections[inc.ID] = s
		case "status_page_resource":
			r := resource{id: inc.ID}
			err = json.Unmarshal(inc.Attributes, &r)
			x.resources = append(x.resources, r)
		case "status_report":
			r := report{id: inc.ID}
			err = json.Unmarshal(inc.Attributes, &r)
			for _, u := range inc.Relationships.StatusUpdates.Data {
				r.updateIDs = append(r.updateIDs, u.ID)
			}
			x.reports = append(x.reports, r)
		case "status_update":
			var u update
			err = json.Unmarshal(inc.Attributes, &u)
			x.updates[inc.ID] = u
		}
		if err != nil {
			return nil, provider.Formatf("included %s %s: %v", inc.Type, inc.ID, err)
		}
	}
	// The page's order: sections by position, resources by position in
	// their section.
	slices.SortStableFunc(x.resources, func(a, b resource) int {
		sa, sb := x.sections[a.SectionID], x.sections[b.SectionID]
		if sa.Position != sb.Position {
			return sa.Position - sb.Position
		}
		return a.Position - b.Position
	})
	for i := range x.resources {
		x.byID[x.resources[i].id] = &x.resources[i]
	}
	return x, nil
}

func (x *index) report(now time.Time) (*watchfire.UpstreamReport, error) {
	state := *x.page.AggregateState
	rep := &watchfire.UpstreamReport{
		Provider: Name,
		Page: watchfire.UpstreamPage{
			ID: string(x.pageID), Name: strings.TrimSpace(x.page.CompanyName), URL: x.pageURL(),
			TimeZone: IANAZone(x.page.Timezone),
		},
		Indicator:   Indicator(state),
		Description: state,
		UpdatedAt:   x.time(x.page.UpdatedAt, ""),
	}
	for _, r := range x.resources {
		name := strings.TrimSpace(r.Name)
		if name == "" {
			name = "Resource " + string(r.id)
		}
		rep.Components = append(rep.Components, watchfire.UpstreamComponent{
			ID: string(r.id), Name: name, Group: strings.TrimSpace(x.sections[r.SectionID].Name),
			Status: ResourceStatus(r.Status), VendorStatus: r.Status,
		})
	}
	rep.Incidents = x.incidents(false)
	for i := range x.reports {
		r := &x.reports[i]
		if r.ReportType != reportMaintenance || r.resolved() {
			continue
		}
		m := watchfire.UpstreamMaintenance{
			ID: string(r.id), Name: orDefault(r.Title, string(r.id)), Status: watchfire.MaintenanceInProgress,
			Impact: watchfire.ImpactMaintenance, ScheduledFor: x.time(r.StartsAt, ""), ScheduledUntil: x.time(r.EndsAt, ""),
			Components: x.names(r.Affected), Updates: x.timeline(r, string(watchfire.MaintenanceCompleted)),
		}
		// aggregate_state stays "maintenance" from the announcement to the
		// end, so the window tells scheduled from under way. Past its end
		// and still open, the vendor has not closed it: still in progress.
		if now.Before(m.ScheduledFor) {
			m.Status = watchfire.MaintenanceScheduled
		}
		rep.Maintenances = append(rep.Maintenances, m)
	}
	slices.SortStableFunc(rep.Maintenances, func(a, b watchfire.UpstreamMaintenance) int { return a.ScheduledFor.Compare(b.ScheduledFor) })
	return rep, nil
}

// incidents returns the manual reports, newest first: all of them, or only
// the open ones.
func (x *index) incidents(all bool) []watchfire.UpstreamIncident {
	var out []watchfire.UpstreamIncident
	for i := range x.reports {
		r := &x.reports[i]
		if r.ReportType == reportMaintenance || (!all && r.resolved()) {
			continue // any type but maintenance is read as an incident
		}
		inc := watchfire.UpstreamIncident{
			ID: string(r.id), Name: orDefault(r.Title, string(r.id)),
			Status: watchfire.IncidentInvestigating, Impact: Impact(r.AggregateState),
			StartedAt: x.time(r.StartsAt, ""), Components: x.names(r.Affected),
			Updates: x.timeline(r, string(watchfire.IncidentResolved)),
		}
		inc.UpdatedAt = inc.StartedAt
		if len(inc.Updates) > 0 && inc.Updates[0].At.After(inc.UpdatedAt) {
			inc.UpdatedAt = inc.Updates[0].At
		}
		if r.resolved() {
			// Better Stack has no lifecycle stages, only open and resolved.
			inc.Status, inc.Impact = watchfire.IncidentResolved, x.worstImpact(r)
			end := x.time(r.EndsAt, "")
			if end.IsZero() {
				end = inc.UpdatedAt // ends_at stays null on resolved manual reports
			}
			inc.ResolvedAt = &end
		}
		out = append(out, inc)
	}
	slices.SortStableFunc(out, func(a, b watchfire.UpstreamIncident) int { return b.StartedAt.Compare(a.StartedAt) })
	return out
}

// worstImpact is a resolved report's impact: its aggregate_state says only
// "resolved", so the worst state its updates gave a resource decides.
func (x *index) worstImpact(r *report) watchfire.Impact {
	worst := watchfire.ImpactNone
	for _, uid := range r.updateIDs {
		if u, ok := x.updates[uid]; ok {
			for _, a := range u.Affected {
				if i := Impact(a.Status); i.Rank() > worst.Rank() {
					worst = i
				}
			}
		}
	}
	return worst
}

// timeline returns a report's updates that included[] has, newest first.
// An update's status is the lifecycle word when every resource it names
// is resolved (done), else the worst resource state as Better Stack
// writes it ("downtime", "degraded"), since Better Stack has no stages.
func (x *index) timeline(r *report, done string) []watchfire.UpstreamUpdate {
	var out []watchfire.UpstreamUpdate
	for _, uid := range r.updateIDs {
		u, ok := x.updates[uid]
		if !ok {
			continue
		}
		out = append(out, watchfire.UpstreamUpdate{
			Status: updateStatus(u.Affected, done), Body: u.Message, At: x.time(u.PublishedAt, u.Timezone),
		})
	}
	slices.SortStableFunc(out, func(a, b watchfire.UpstreamUpdate) int { return b.At.Compare(a.At) })
	return out
}

func updateStatus(aff []affected, done string) string {
	worst, word, allResolved := watchfire.ComponentStatus(""), "", len(aff) > 0
	for _, a := range aff {
		st := strings.ToLower(strings.TrimSpace(a.Status))
		if st != reportResolved {
			allResolved = false
		}
		if s := ResourceStatus(st); word == "" || s.Severity() > worst.Severity() {
			worst, word = s, st
		}
	}
	if allResolved {
		return done
	}
	return word
}

// names returns the public names of the affected resources included[]
// has, in the report's order.
func (x *index) names(aff []affected) []string {
	var out []string
	for _, a := range aff {
		if r := x.byID[a.ResourceID]; r != nil {
			if n := strings.TrimSpace(r.Name); n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func (r *report) resolved() bool {
	return strings.EqualFold(strings.TrimSpace(r.AggregateState), reportResolved)
}

// pageURL is the page's address: its custom domain, else its Better Stack
// subdomain.
func (x *index) pageURL() string {
	if d := strings.TrimSpace(x.page.CustomDomain); d != "" && !strings.ContainsAny(d, "/ ") {
		return "https://" + d
	}
	if s := strings.TrimSpace(x.page.Subdomain); s != "" && !strings.ContainsAny(s, "/. ") {
		return "https://" + s + ".betteruptime.com"
	}
	return ""
}

// time parses a timestamp. Better Stack writes offsets; one without is
// read in the zone named next to it, else the page's. One that cannot be
// read is left unknown rather than failing the page.
func (x *index) time(s, zone string) time.Time {
	loc := x.loc
	if zone != "" {
		loc = location(zone)
	}
	t, err := provider.LocalTime(s, loc)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func orDefault(s, def string) string {
	if s = strings.TrimSpace(s); s != "" {
		return s
	}
	return def
}
