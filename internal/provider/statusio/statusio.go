// Package statusio reads status.io pages through status.io's public
// status API, https://api.status.io/1.0/status/{page_id}: one document with
// the page's overall status, its components (each with containers, the
// places it runs), open incidents and active and upcoming maintenance.
//
// The API is keyed by the page id, a 24-digit hex id that custom-domain
// pages (status.gitlab.com) do not show in their address. Current accepts:
//
//   - the API address itself, https://api.status.io/1.0/status/{id};
//   - a status.io-hosted page, https://status.io/pages/{id};
//   - any page address with ?statusio_page_id={id}, e.g.
//     https://status.gitlab.com/?statusio_page_id=5b36dc6502d06804c0834a06.
//
// status.io publishes no incident history without an API key, so History
// answers provider.ErrNoHistory.
package statusio

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Name is the provider's name in the config.
const Name = "statusio"

// PageIDParam is the query parameter that gives a page's status.io id.
const PageIDParam = "statusio_page_id"

// apiBase is where status.io serves the public status API.
const apiBase = "https://api.status.io"

type statusIO struct {
	api string // scheme and host of the status API; a test server in tests
}

// New returns the status.io provider.
func New() provider.Provider { return &statusIO{api: apiBase} }

func (p *statusIO) Name() string { return Name }

// Detect claims status.io's own hosts: the API and status.io-hosted pages.
func (p *statusIO) Detect(page *url.URL) bool { return provider.HostIs(page, "status.io") }

// pageIDPattern is what a page id may look like: status.io uses 24 hex
// digits; anything alphanumeric is let through so that a new shape still
// works, but never a character that would change the API path.
var pageIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)

// apiPath matches the status API's path, on any host (a test server, or a
// proxy in front of status.io).
var apiPath = regexp.MustCompile(`^/1\.0/status/([A-Za-z0-9]{1,64})/?$`)

// hostedPath matches a status.io-hosted page, status.io/pages/{id}.
var hostedPath = regexp.MustCompile(`^/pages/(?:[a-z]+/)?([A-Za-z0-9]{1,64})/?$`)

// endpoint returns the page id and the status API address for a page.
func (p *statusIO) endpoint(page *url.URL) (id, api string, err error) {
	if id := strings.TrimSpace(page.Query().Get(PageIDParam)); id != "" {
		if !pageIDPattern.MatchString(id) {
			return "", "", provider.Formatf("%s=%q is not a status.io page id", PageIDParam, id)
		}
		return id, p.api + "/1.0/status/" + id, nil
	}
	if m := apiPath.FindStringSubmatch(page.EscapedPath()); m != nil {
		u := *page
		u.RawQuery, u.Fragment = "", ""
		return m[1], u.String(), nil
	}
	if provider.HostIs(page, "status.io") {
		if m := hostedPath.FindStringSubmatch(page.EscapedPath()); m != nil {
			return m[1], p.api + "/1.0/status/" + m[1], nil
		}
	}
	return "", "", provider.Formatf("the address names no status.io page id: use https://api.status.io/1.0/status/{id} or add ?%s={id} to the page address", PageIDParam)
}

// Current reads the page's status document.
func (p *statusIO) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	id, api, err := p.endpoint(page)
	if err != nil {
		return nil, err
	}
	resp, err := c.Get(ctx, api)
	if err != nil {
		return nil, err
	}
	var doc document
	if err := provider.DecodeJSON(resp, &doc); err != nil {
		return nil, err
	}
	rep, err := doc.report()
	if err != nil {
		return nil, err
	}
	rep.Page.ID = id
	rep.Page.URL = page.String()
	if !provider.HostIs(page, "api.status.io") && apiPath.FindString(page.EscapedPath()) == "" {
		// A human page: link incidents the way status.io-hosted pages do.
		base := *page
		base.RawQuery, base.Fragment = "", ""
		for i := range rep.Incidents {
			rep.Incidents[i].URL = provider.Resolve(&base, "/pages/incident/"+id+"/"+url.PathEscape(rep.Incidents[i].ID))
		}
		for i := range rep.Maintenances {
			rep.Maintenances[i].URL = provider.Resolve(&base, "/pages/maintenance/"+id+"/"+url.PathEscape(rep.Maintenances[i].ID))
		}
	}
	return rep, nil
}

// History: the public API has only the present.
func (p *statusIO) History(context.Context, provider.Client, *url.URL) ([]watchfire.UpstreamIncident, error) {
	return nil, provider.ErrNoHistory
}

// Parse normalizes a status API document.
func (p *statusIO) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	var doc document
	if err := provider.UnmarshalJSON(body, &doc); err != nil {
		return nil, err
	}
	return doc.report()
}

// document is the status API's answer. Pointers tell a missing key from an
// empty one: result, status_overall and status are what make a payload
// status.io's.
type document struct {
	Result *struct {
		StatusOverall *struct {
			Updated    string `json:"updated"`
			Status     string `json:"status"`
			StatusCode *int   `json:"status_code"`
		} `json:"status_overall"`
		Status      *[]component `json:"status"`
		Incidents   []event      `json:"incidents"`
		Maintenance struct {
			Active   []event `json:"active"`
			Upcoming []event `json:"upcoming"`
		} `json:"maintenance"`
	} `json:"result"`
}

type component struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Updated    string `json:"updated"`
	Status     string `json:"status"`
	StatusCode int    `json:"status_code"`
	Containers []struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		Status     string `json:"status"`
		StatusCode int    `json:"status_code"`
	} `json:"containers"`
}

// event is an incident or a maintenance: the same shape, maintenance adds
// the planned window.
type event struct {
	ID           string `json:"_id"`
	Name         string `json:"name"`
	DatetimeOpen string `json:"datetime_open"`
	PlannedStart string `json:"datetime_planned_start"`
	PlannedEnd   string `json:"datetime_planned_end"`
	Messages     []struct {
		Details  string `json:"details"`
		State    int    `json:"state"`
		Status   int    `json:"status"`
		Datetime string `json:"datetime"`
	} `json:"messages"`
	Components []struct {
		ID   string `json:"_id"`
		Name string `json:"name"`
	} `json:"components_affected"`
}

func (d *document) report() (*watchfire.UpstreamReport, error) {
	r := d.Result
	switch {
	case r == nil:
		return nil, provider.Formatf("no result object: not a status.io status document")
	case r.StatusOverall == nil || r.StatusOverall.StatusCode == nil:
		return nil, provider.Formatf("no result.status_overall.status_code: not a status.io status document")
	case r.Status == nil:
		return nil, provider.Formatf("no result.status list: not a status.io status document")
	}
	rep := &watchfire.UpstreamReport{
		Provider:    Name,
		Indicator:   Indicator(*r.StatusOverall.StatusCode, r.StatusOverall.Status),
		Description: r.StatusOverall.Status,
		UpdatedAt:   timestamp(r.StatusOverall.Updated),
	}
	for _, c := range *r.Status {
		name := orDefault(c.Name, c.ID)
		if name == "" {
			continue // nothing to show or to match it by
		}
		// A component's own code is status.io's roll-up of its containers;
		// the worst container is read too, in case the two disagree.
		status := ComponentStatus(c.StatusCode, c.Status)
		for _, ct := range c.Containers {
			status = watchfire.Worse(status, ComponentStatus(ct.StatusCode, ct.Status))
		}
		rep.Components = append(rep.Components, watchfire.UpstreamComponent{
			ID: c.ID, Name: name, Status: status, VendorStatus: c.Status,
		})
	}
	for i := range r.Incidents {
		rep.Incidents = append(rep.Incidents, r.Incidents[i].incident())
	}
	slices.SortStableFunc(rep.Incidents, func(a, b watchfire.UpstreamIncident) int { return b.StartedAt.Compare(a.StartedAt) })
	for i := range r.Maintenance.Active {
		rep.Maintenances = append(rep.Maintenances, r.Maintenance.Active[i].maintenance(watchfire.MaintenanceInProgress))
	}
	for i := range r.Maintenance.Upcoming {
		rep.Maintenances = append(rep.Maintenances, r.Maintenance.Upcoming[i].maintenance(watchfire.MaintenanceScheduled))
	}
	return rep, nil
}

func (e *event) incident() watchfire.UpstreamIncident {
	inc := watchfire.UpstreamIncident{
		ID:         e.ID,
		Name:       orDefault(e.Name, e.ID),
		Status:     watchfire.IncidentInvestigating,
		Impact:     watchfire.ImpactNone,
		StartedAt:  timestamp(e.DatetimeOpen),
		Components: e.componentNames(),
	}
	inc.UpdatedAt = inc.StartedAt
	latest := time.Time{}
	for i, m := range e.Messages {
		at := timestamp(m.Datetime)
		inc.Updates = append(inc.Updates, watchfire.UpstreamUpdate{Status: string(IncidentStatus(m.State)), Body: m.Details, At: at})
		// The latest message says where the incident stands now; messages
		// usually come oldest first, but their times decide.
		if i == 0 || !at.Before(latest) {
			latest = at
			inc.Status = IncidentStatus(m.State)
			inc.Impact = Impact(m.Status)
		}
	}
	if latest.After(inc.UpdatedAt) {
		inc.UpdatedAt = latest
	}
	newestFirst(inc.Updates)
	return inc
}

func (e *event) maintenance(status watchfire.MaintenanceStatus) watchfire.UpstreamMaintenance {
	m := watchfire.UpstreamMaintenance{
		ID:             e.ID,
		Name:           orDefault(e.Name, e.ID),
		Status:         status, // the list it is in says it: active or upcoming
		Impact:         watchfire.ImpactMaintenance,
		ScheduledFor:   timestamp(e.PlannedStart),
		ScheduledUntil: timestamp(e.PlannedEnd),
		Components:     e.componentNames(),
	}
	for _, msg := range e.Messages {
		m.Updates = append(m.Updates, watchfire.UpstreamUpdate{
			Status: maintenanceUpdateStatus(msg.State, status), Body: msg.Details, At: timestamp(msg.Datetime),
		})
	}
	newestFirst(m.Updates)
	return m
}

func (e *event) componentNames() []string {
	var names []string
	for _, c := range e.Components {
		if n := orDefault(c.Name, c.ID); n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

func newestFirst(u []watchfire.UpstreamUpdate) {
	slices.SortStableFunc(u, func(a, b watchfire.UpstreamUpdate) int { return b.At.Compare(a.At) })
}

// timestamp parses a status.io time; one it cannot read is left unknown
// rather than failing the whole page.
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
