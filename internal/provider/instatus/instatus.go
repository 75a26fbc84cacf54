// Package instatus reads Instatus status pages through their public JSON:
// /summary.json (page status, active incidents and maintenances) and
// /v2/components.json (components and their groups).
//
// Instatus publishes no incident history in JSON that we know to be
// stable, so History answers provider.ErrNoHistory.
package instatus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Name is the provider's name in the config.
const Name = "instatus"

// The documents Current reads, relative to the page's root.
const (
	SummaryPath    = "/summary.json"
	ComponentsPath = "/v2/components.json"
)

type instatus struct{}

// New returns the Instatus provider.
func New() provider.Provider { return instatus{} }

func (instatus) Name() string { return Name }

// Detect claims pages hosted on instatus.com (name.instatus.com).
func (instatus) Detect(page *url.URL) bool { return provider.HostIs(page, "instatus.com") }

// Current reads the summary and the components and merges them. A page
// without the components document (404) is read from its summary alone;
// any other failure of either fails the read, so that a passing error
// does not make every component vanish from the report.
func (instatus) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	summary, err := fetch(ctx, c, provider.Resolve(page, SummaryPath))
	if err != nil {
		return nil, err
	}
	if summary.Page == nil {
		return nil, provider.Formatf("%s has no page object: not an Instatus summary", SummaryPath)
	}
	rep, err := summary.report()
	if err != nil {
		return nil, err
	}
	comps, err := fetch(ctx, c, provider.Resolve(page, ComponentsPath))
	var fe *provider.FetchError
	switch {
	case errors.As(err, &fe) && fe.Status == http.StatusNotFound:
	case err != nil:
		return nil, err
	case comps.Components == nil:
		return nil, provider.Formatf("%s has no components list", ComponentsPath)
	default:
		more, err := comps.report()
		if err != nil {
			return nil, err
		}
		rep.Components = more.Components
	}
	if rep.Page.URL == "" {
		rep.Page.URL = page.String()
	}
	return rep, nil
}

// History: see the package comment.
func (instatus) History(context.Context, provider.Client, *url.URL) ([]watchfire.UpstreamIncident, error) {
	return nil, provider.ErrNoHistory
}

// Parse normalizes a summary.json or a v2/components.json.
func (instatus) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	var doc document
	if err := provider.UnmarshalJSON(body, &doc); err != nil {
		return nil, err
	}
	return doc.report()
}

func fetch(ctx context.Context, c provider.Client, addr string) (*document, error) {
	resp, err := c.Get(ctx, addr)
	if err != nil {
		return nil, err
	}
	var doc document
	if err := provider.DecodeJSON(resp, &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// document is either Instatus document: a summary has page (with a
// status, which Statuspage's page object lacks) and the active lists; the
// components document has components. Keys are left out when empty.
type document struct {
	Page *struct {
		Name   string `json:"name"`
		URL    string `json:"url"`
		Status string `json:"status"`
	} `json:"page"`
	ActiveIncidents    []incident    `json:"activeIncidents"`
	ActiveMaintenances []maintenance `json:"activeMaintenances"`
	Components         *[]component  `json:"components"`
}

type incident struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Started   string `json:"started"`
	Status    string `json:"status"`
	Impact    string `json:"impact"`
	URL       string `json:"url"`
	UpdatedAt string `json:"updatedAt"`
}

type maintenance struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Start     string          `json:"start"`
	Status    string          `json:"status"`
	Duration  json.RawMessage `json:"duration"` // minutes, a number (a string in some clients' types)
	URL       string          `json:"url"`
	UpdatedAt string          `json:"updatedAt"`
}

type component struct {
	ID     string          `json:"id"`
	Name   string          `json:"name"`
	Status string          `json:"status"`
	Group  json.RawMessage `json:"group"` // {id, name, description} or null
}

type group struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (d *document) report() (*watchfire.UpstreamReport, error) {
	if d.Page == nil && d.Components == nil {
		return nil, provider.Formatf("neither page nor components: not an Instatus document")
	}
	rep := &watchfire.UpstreamReport{Provider: Name}
	if d.Page != nil {
		if !upperEnum(d.Page.Status) {
			return nil, provider.Formatf("page.status is %q, not an Instatus page status", d.Page.Status)
		}
		rep.Page = watchfire.UpstreamPage{Name: d.Page.Name, URL: d.Page.URL}
		rep.Indicator = Indicator(d.Page.Status)
		rep.Description = d.Page.Status
	}
	for _, inc := range d.ActiveIncidents {
		u := watchfire.UpstreamIncident{
			ID: inc.ID, Name: orDefault(inc.Name, inc.ID), URL: inc.URL,
			Status: IncidentStatus(inc.Status), Impact: Impact(inc.Impact),
			StartedAt: timestamp(inc.Started), UpdatedAt: timestamp(inc.UpdatedAt),
		}
		if u.UpdatedAt.IsZero() {
			u.UpdatedAt = u.StartedAt
		}
		rep.Incidents = append(rep.Incidents, u)
		rep.UpdatedAt = provider.Later(rep.UpdatedAt, u.UpdatedAt)
	}
	slices.SortStableFunc(rep.Incidents, func(a, b watchfire.UpstreamIncident) int { return b.StartedAt.Compare(a.StartedAt) })
	if rep.Indicator != "" {
		rep.Indicator = raise(rep.Indicator, rep.Incidents)
	}
	for _, m := range d.ActiveMaintenances {
		u := watchfire.UpstreamMaintenance{
			ID: m.ID, Name: orDefault(m.Name, m.ID), URL: m.URL,
			Status: MaintenanceStatus(m.Status), Impact: watchfire.ImpactMaintenance,
			ScheduledFor: timestamp(m.Start),
		}
		if mins := minutes(m.Duration); mins > 0 && !u.ScheduledFor.IsZero() {
			u.ScheduledUntil = u.ScheduledFor.Add(time.Duration(mins) * time.Minute)
		}
		rep.Maintenances = append(rep.Maintenances, u)
		rep.UpdatedAt = provider.Later(rep.UpdatedAt, timestamp(m.UpdatedAt))
	}
	if d.Components != nil {
		comps, err := components(*d.Components)
		if err != nil {
			return nil, err
		}
		rep.Components = comps
	}
	return rep, nil
}

// components turns the components list into ours. Instatus lists each
// group as a component too (group: null), and the members name it in
// their group; like the Atlassian provider, a row that is another row's
// group is a heading, not a component, and its members carry its name.
// Groups nest (a group can sit in a group): a member's Group is its
// direct group.
func components(list []component) ([]watchfire.UpstreamComponent, error) {
	groups := make([]group, len(list))
	isGroup := map[string]bool{}
	for i, c := range list {
		if !upperEnum(c.Status) {
			return nil, provider.Formatf("component status %q is not an Instatus status", c.Status)
		}
		g := bytes.TrimSpace(c.Group)
		if len(g) == 0 || bytes.Equal(g, []byte("null")) {
			continue
		}
		if err := json.Unmarshal(g, &groups[i]); err != nil {
			return nil, provider.Formatf("component %q has a group that is not an Instatus group object", c.ID)
		}
		if groups[i].ID != "" && groups[i].ID != c.ID {
			isGroup[groups[i].ID] = true
		}
	}
	var out []watchfire.UpstreamComponent
	for i, c := range list {
		name := orDefault(c.Name, c.ID)
		if name == "" || (c.ID != "" && isGroup[c.ID]) {
			continue
		}
		out = append(out, watchfire.UpstreamComponent{
			ID: c.ID, Name: name, Group: strings.TrimSpace(groups[i].Name),
			Status: ComponentStatus(c.Status), VendorStatus: c.Status,
		})
	}
	return out, nil
}

// minutes reads a duration in minutes written as a number or a string.
func minutes(raw json.RawMessage) int64 {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 || f > 366*24*60 {
		return 0 // absent, unreadable, or longer than a year: no end
	}
	return int64(f)
}

// timestamp parses an Instatus time; one it cannot read is left unknown
// rather than failing the page.
func timestamp(s string) time.Time {
	t, err := provider.Time(s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func orDefault(s, def string) string {
	if s = strings.TrimSpace(s); s != "" {
		return s
	}
	return strings.TrimSpace(def)
}
