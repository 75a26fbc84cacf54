// Package heroku reads Heroku's status page, status.heroku.com, through
// its public v4 API:
//
//   - /api/v4/current-status: the three systems (Apps, Data, Tools) with a
//     color each, the open incidents and the scheduled maintenance;
//   - /api/v4/incidents: the incident history, a JSON array of incidents
//     in the same shape, newest first.
//
// Heroku's page has no page-level status, so reports carry no indicator:
// the systems' colors say how Heroku is.
package heroku

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
const Name = "heroku"

const (
	currentPath = "/api/v4/current-status"
	historyPath = "/api/v4/incidents"
	pageURL     = "https://status.heroku.com"
)

type heroku struct{}

// New returns the Heroku provider.
func New() provider.Provider { return heroku{} }

func (heroku) Name() string { return Name }

// Detect claims status.heroku.com.
func (heroku) Detect(page *url.URL) bool { return provider.HostIs(page, "status.heroku.com") }

// endpoint is the API document's address on the page's site, or the page
// itself when it already is that document.
func endpoint(page *url.URL, path string) string {
	if strings.HasSuffix(strings.TrimSuffix(page.Path, "/"), path) {
		return page.String()
	}
	return provider.Resolve(page, path)
}

// Current reads /api/v4/current-status.
func (heroku) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	resp, err := c.Get(ctx, endpoint(page, currentPath))
	if err != nil {
		return nil, err
	}
	var doc currentDoc
	if err := provider.DecodeJSON(resp, &doc); err != nil {
		return nil, err
	}
	rep, err := doc.report()
	if err != nil {
		return nil, err
	}
	rep.Page.URL = page.String()
	return rep, nil
}

// History reads /api/v4/incidents.
func (heroku) History(ctx context.Context, c provider.Client, page *url.URL) ([]watchfire.UpstreamIncident, error) {
	resp, err := c.Get(ctx, endpoint(page, historyPath))
	if err != nil {
		return nil, err
	}
	var items []item
	if err := provider.DecodeJSON(resp, &items); err != nil {
		return nil, err
	}
	return incidents(items)
}

// Parse normalizes a current-status document (an object) or an incident
// list (an array).
func (heroku) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	text, err := provider.Text(body)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(bytes.TrimLeft(text, " \t\r\n"), []byte("[")) {
		var items []item
		if err := provider.UnmarshalJSON(text, &items); err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return nil, provider.Formatf("an empty JSON array could be any provider's list")
		}
		incs, err := incidents(items)
		if err != nil {
			return nil, err
		}
		rep := newReport()
		rep.Incidents = incs
		for i := range incs {
			rep.UpdatedAt = provider.Later(rep.UpdatedAt, incs[i].UpdatedAt)
		}
		return rep, nil
	}
	var doc currentDoc
	if err := provider.UnmarshalJSON(text, &doc); err != nil {
		return nil, err
	}
	return doc.report()
}

// currentDoc is /api/v4/current-status. Pointers tell a missing key from
// an empty one: status[] with a system name per entry, and incidents, are
// what make a payload Heroku's.
type currentDoc struct {
	Status    *[]system `json:"status"`
	Incidents *[]item   `json:"incidents"`
	Scheduled []item    `json:"scheduled"`
}

type system struct {
	System *string `json:"system"`
	Status string  `json:"status"`
}

// item is an incident or a scheduled maintenance: Heroku uses one shape
// for both, told apart by the list they come in.
type item struct {
	ID         flexString `json:"id"`
	Title      *string    `json:"title"`
	State      string     `json:"state"`
	Resolved   bool       `json:"resolved"`
	Upcoming   bool       `json:"upcoming"`
	CreatedAt  *string    `json:"created_at"`
	UpdatedAt  string     `json:"updated_at"`
	ResolvedAt *string    `json:"resolved_at"`
	FullURL    string     `json:"full_url"`
	StatusDev  string     `json:"status_dev"`
	StatusProd string     `json:"status_prod"`
	Systems    []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
	} `json:"systems"`
	Updates *[]update `json:"updates"`
}

type update struct {
	UpdateType string `json:"update_type"`
	Contents   string `json:"contents"`
	CreatedAt  string `json:"created_at"`
	StatusDev  string `json:"status_dev"`
	StatusProd string `json:"status_prod"`
}

// flexString takes a JSON string or number (Heroku's ids are numbers) and
// ignores anything else, so an odd id never rejects a whole page.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*f = flexString(n.String())
	}
	return nil
}

func newReport() *watchfire.UpstreamReport {
	return &watchfire.UpstreamReport{Provider: Name, Page: watchfire.UpstreamPage{Name: "Heroku", URL: pageURL}}
}

func (d *currentDoc) report() (*watchfire.UpstreamReport, error) {
	if d.Status == nil || d.Incidents == nil {
		return nil, provider.Formatf("no status[] and incidents[]: not Heroku's current-status document")
	}
	rep := newReport()
	for _, s := range *d.Status {
		if s.System == nil || strings.TrimSpace(*s.System) == "" {
			return nil, provider.Formatf("a status[] entry has no system name: not Heroku's current-status document")
		}
		name := strings.TrimSpace(*s.System)
		rep.Components = append(rep.Components, watchfire.UpstreamComponent{
			ID: name, Name: name, Status: ColorStatus(s.Status), VendorStatus: s.Status,
		})
	}
	incs, err := incidents(*d.Incidents)
	if err != nil {
		return nil, err
	}
	rep.Incidents = incs
	for i := range incs {
		rep.UpdatedAt = provider.Later(rep.UpdatedAt, incs[i].UpdatedAt)
	}
	for i := range d.Scheduled {
		m, err := maintenance(&d.Scheduled[i])
		if err != nil {
			return nil, err
		}
		rep.UpdatedAt = provider.Later(rep.UpdatedAt, provider.LastUpdate(m.Updates))
		rep.Maintenances = append(rep.Maintenances, m)
	}
	return rep, nil
}

// check rejects items without what every Heroku incident has: a title,
// created_at and an updates list (Slack's history, also an array of
// titled items, has date_created and notes instead).
func (it *item) check() error {
	if it.Title == nil || it.CreatedAt == nil || it.Updates == nil {
		return provider.Formatf("an item lacks title, created_at or updates[]: not a Heroku incident")
	}
	return nil
}

// incidents maps a list of incidents, newest first.
func incidents(items []item) ([]watchfire.UpstreamIncident, error) {
	out := make([]watchfire.UpstreamIncident, 0, len(items))
	for i := range items {
		inc, err := incident(&items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, inc)
	}
	slices.SortStableFunc(out, func(a, b watchfire.UpstreamIncident) int { return b.StartedAt.Compare(a.StartedAt) })
	return out, nil
}

func incident(it *item) (watchfire.UpstreamIncident, error) {
	if err := it.check(); err != nil {
		return watchfire.UpstreamIncident{}, err
	}
	inc := watchfire.UpstreamIncident{
		ID:        string(it.ID),
		Name:      strings.TrimSpace(*it.Title),
		URL:       it.FullURL,
		Status:    watchfire.IncidentInvestigating,
		Impact:    worstImpact(watchfire.ImpactNone, it.StatusDev, it.StatusProd),
		StartedAt: when(*it.CreatedAt),
		UpdatedAt: when(it.UpdatedAt),
	}
	for _, s := range it.Systems {
		if name := strings.TrimSpace(s.Name); name != "" {
			inc.Components = append(inc.Components, name)
		}
		inc.Impact = worstImpact(inc.Impact, s.Status)
	}
	ups := sortedUpdates(*it.Updates)
	// Updates are newest first: the last typed one, read oldest first,
	// says where the incident stands. The impact is the worst any update
	// reported, so a resolved incident keeps how bad it was.
	for i := len(ups) - 1; i >= 0; i-- {
		u := ups[i]
		if s, ok := incidentUpdateTypes[strings.ToLower(strings.TrimSpace(u.UpdateType))]; ok {
			inc.Status = s
		}
		inc.Impact = worstImpact(inc.Impact, u.StatusDev, u.StatusProd)
	}
	for _, u := range ups {
		inc.Updates = append(inc.Updates, watchfire.UpstreamUpdate{
			Status: IncidentUpdateStatus(u.UpdateType), Body: plain(u.Contents), At: when(u.CreatedAt),
		})
	}
	if resolvedStates[strings.ToLower(it.State)] || it.Resolved {
		if !inc.Status.Closed() {
			inc.Status = watchfire.IncidentResolved
		}
	}
	if inc.Status.Closed() {
		at := time.Time{}
		if it.ResolvedAt != nil {
			at = when(*it.ResolvedAt)
		}
		if at.IsZero() {
			at = provider.LastUpdate(inc.Updates)
		}
		if !at.IsZero() {
			inc.ResolvedAt = &at
		}
	}
	if inc.UpdatedAt.IsZero() {
		inc.UpdatedAt = provider.Later(inc.StartedAt, provider.LastUpdate(inc.Updates))
	}
	return inc, nil
}

// maintenance maps a scheduled[] item. Heroku gives no window: the times
// are only in the announcement's prose, so ScheduledFor stays zero.
func maintenance(it *item) (watchfire.UpstreamMaintenance, error) {
	if err := it.check(); err != nil {
		return watchfire.UpstreamMaintenance{}, err
	}
	m := watchfire.UpstreamMaintenance{
		ID:     string(it.ID),
		Name:   strings.TrimSpace(*it.Title),
		URL:    it.FullURL,
		Status: watchfire.MaintenanceScheduled,
		Impact: watchfire.ImpactMaintenance,
	}
	for _, s := range it.Systems {
		if name := strings.TrimSpace(s.Name); name != "" {
			m.Components = append(m.Components, name)
		}
	}
	ups := sortedUpdates(*it.Updates)
	typed := watchfire.MaintenanceStatus("")
	for i := len(ups) - 1; i >= 0; i-- {
		if s, ok := maintenanceUpdateTypes[strings.ToLower(strings.TrimSpace(ups[i].UpdateType))]; ok {
			typed = s
		}
	}
	for _, u := range ups {
		m.Updates = append(m.Updates, watchfire.UpstreamUpdate{
			Status: MaintenanceUpdateStatus(u.UpdateType), Body: plain(u.Contents), At: when(u.CreatedAt),
		})
	}
	state := strings.ToLower(strings.TrimSpace(it.State))
	switch {
	case resolvedStates[state] || it.Resolved || typed == watchfire.MaintenanceCompleted:
		m.Status = watchfire.MaintenanceCompleted
	case typed == watchfire.MaintenanceInProgress || typed == watchfire.MaintenanceVerifying:
		m.Status = typed
	case it.Upcoming || state == "upcoming" || state == "scheduled":
		m.Status = watchfire.MaintenanceScheduled
	case state != "":
		// Neither upcoming nor resolved, in a state we do not know: the
		// window has likely begun.
		m.Status = watchfire.MaintenanceInProgress
	}
	return m, nil
}

// sortedUpdates returns the updates newest first, whatever order they came in.
func sortedUpdates(ups []update) []update {
	out := slices.Clone(ups)
	slices.SortStableFunc(out, func(a, b update) int { return when(b.CreatedAt).Compare(when(a.CreatedAt)) })
	return out
}

func worstImpact(i watchfire.Impact, colors ...string) watchfire.Impact {
	for _, c := range colors {
		if ci := ColorImpact(c); ci.Rank() > i.Rank() {
			i = ci
		}
	}
	return i
}

// when parses a timestamp, zero when it is missing or malformed: one bad
// date should not hide an incident.
func when(s string) time.Time {
	t, err := provider.Time(s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// plain normalizes an update's text: Heroku writes plain text with CRLF
// line ends.
func plain(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
