// Package slack reads Slack's status API (slack-status.com, formerly
// status.slack.com): /api/v2.0.0/current for the present, /api/v2.0.0/history
// for past incidents. Both describe incidents only; the services they name
// are mapped onto the fixed list of services Slack's page shows (see
// Services in mapping.go).
package slack

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
	"github.com/watchfire-status/watchfire/internal/provider/feed"
)

// Home is Slack's status page.
const Home = "https://slack-status.com/"

// The API's documents, at the root of the status site.
const (
	currentPath = "/api/v2.0.0/current"
	historyPath = "/api/v2.0.0/history"
)

// Provider reads Slack's status API.
type Provider struct{}

// New returns the Slack provider.
func New() provider.Provider { return Provider{} }

// Name implements provider.Provider.
func (Provider) Name() string { return "slack" }

// Detect implements provider.Provider: the current host and the old one,
// which redirects to it.
func (Provider) Detect(page *url.URL) bool {
	return provider.HostIs(page, "slack-status.com") || provider.HostIs(page, "status.slack.com")
}

// current is /api/v2.0.0/current.
type current struct {
	Status          string  `json:"status"`
	DateCreated     string  `json:"date_created"`
	DateUpdated     string  `json:"date_updated"`
	ActiveIncidents []entry `json:"active_incidents"`
}

// entry is an incident, outage, notice or maintenance: the elements of
// active_incidents and of the history array.
type entry struct {
	ID          flexID   `json:"id"`
	DateCreated string   `json:"date_created"`
	DateUpdated string   `json:"date_updated"`
	Title       string   `json:"title"`
	Type        string   `json:"type"`
	Status      string   `json:"status"`
	URL         string   `json:"url"`
	Services    []string `json:"services"`
	Notes       []note   `json:"notes"`
}

type note struct {
	DateCreated string `json:"date_created"`
	Body        string `json:"body"`
}

// flexID is an id Slack writes as a number (the API today) or a string
// (its documentation's sample, "546").
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return provider.Formatf("an id is neither a number nor a string: %.40s", b)
	}
	*f = flexID(n.String())
	return nil
}

// Current implements provider.Provider.
func (Provider) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	resp, err := c.Get(ctx, provider.Resolve(page, currentPath))
	if err != nil {
		return nil, err
	}
	var doc current
	if err := provider.DecodeJSON(resp, &doc); err != nil {
		return nil, err
	}
	rep, err := fromCurrent(&doc)
	if err != nil {
		return nil, err
	}
	rep.Page.URL = page.String()
	return rep, nil
}

// History implements provider.Provider.
func (Provider) History(ctx context.Context, c provider.Client, page *url.URL) ([]watchfire.UpstreamIncident, error) {
	resp, err := c.Get(ctx, provider.Resolve(page, historyPath))
	if err != nil {
		return nil, err
	}
	var doc []entry
	if err := provider.DecodeJSON(resp, &doc); err != nil {
		return nil, err
	}
	if err := checkEntries(doc); err != nil {
		return nil, err
	}
	_, all := read(doc)
	return all, nil
}

// Parse implements provider.Provider: current (an object) or history (an
// array). An empty array is refused, as any vendor's empty list would fit.
func (Provider) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	text, err := provider.Text(body)
	if err != nil {
		return nil, err
	}
	if t := bytes.TrimSpace(text); len(t) > 0 && t[0] == '[' {
		var doc []entry
		if err := provider.UnmarshalJSON(text, &doc); err != nil {
			return nil, err
		}
		if len(doc) == 0 {
			return nil, provider.Formatf("an empty array is not enough to tell Slack's history")
		}
		if err := checkEntries(doc); err != nil {
			return nil, err
		}
		rep, _ := read(doc)
		return rep, nil
	}
	var doc current
	if err := provider.UnmarshalJSON(text, &doc); err != nil {
		return nil, err
	}
	return fromCurrent(&doc)
}

// checkEntries checks the shape any JSON array of objects would decode
// into: Slack's entries have an id and a date_created.
func checkEntries(es []entry) error {
	for i, e := range es {
		if e.ID == "" || e.DateCreated == "" || (e.Title == "" && e.Type == "" && e.Status == "") {
			return provider.Formatf("element %d has no id, date_created and title: not a Slack incident", i)
		}
		if _, err := provider.Time(e.DateCreated); err != nil {
			return provider.Formatf("element %d: date_created: %v", i, err)
		}
	}
	return nil
}

// fromCurrent reads the current document. Its status must be one Slack
// documents: other vendors' documents have an object there, or none.
// "broken" without incidents says nothing about Slack, only that the
// status system cannot tell: it is an error, so the dependency keeps its
// last known state and shows why.
func fromCurrent(doc *current) (*watchfire.UpstreamReport, error) {
	status := strings.ToLower(strings.TrimSpace(doc.Status))
	if !pageStatuses[status] {
		return nil, provider.Formatf("no Slack status (ok, active or broken) at the top level")
	}
	if err := checkEntries(doc.ActiveIncidents); err != nil {
		return nil, err
	}
	if status == "broken" && len(doc.ActiveIncidents) == 0 {
		return nil, &BrokenError{}
	}
	rep, _ := read(doc.ActiveIncidents)
	rep.Description = doc.Status
	if t := when(doc.DateUpdated); t.After(rep.UpdatedAt) {
		rep.UpdatedAt = t
	}
	if status == "active" && rep.Indicator == watchfire.IndicatorNone {
		// "active" means something is open even if the list says nothing.
		rep.Indicator = watchfire.IndicatorMinor
	}
	return rep, nil
}

// BrokenError is Slack's status API saying "broken" with nothing open.
type BrokenError struct{}

func (*BrokenError) Error() string {
	return `Slack's status API reports "broken": Slack's state is unknown until it recovers`
}

// read normalizes entries: the report of the open ones (incidents, active
// and scheduled maintenances, the services they touch), and every incident
// for History, newest first. Maintenances are not incidents and stay out
// of History.
func read(es []entry) (*watchfire.UpstreamReport, []watchfire.UpstreamIncident) {
	rep := &watchfire.UpstreamReport{
		Provider:  "slack",
		Page:      watchfire.UpstreamPage{Name: "Slack System Status", URL: Home},
		Indicator: watchfire.IndicatorNone,
	}
	status := map[string]watchfire.ComponentStatus{}
	names := slices.Clone(Services)
	for _, s := range Services {
		status[s] = watchfire.StatusOperational
	}
	raise := func(svc string, s watchfire.ComponentStatus) {
		if _, known := status[svc]; !known {
			names = append(names, svc)
		}
		status[svc] = watchfire.Worse(status[svc], s)
	}
	var all []watchfire.UpstreamIncident
	worst := watchfire.ImpactNone
	maintaining := false
	for i := range es {
		e := &es[i]
		if t := when(e.DateUpdated); t.After(rep.UpdatedAt) {
			rep.UpdatedAt = t
		}
		if isMaintenance(e.Type, e.Status) {
			m := maintenance(e)
			if m.Status == watchfire.MaintenanceCompleted {
				continue
			}
			rep.Maintenances = append(rep.Maintenances, m)
			if m.Status.Active() {
				maintaining = true
				for _, svc := range m.Components {
					raise(svc, watchfire.StatusUnderMaintenance)
				}
			}
			continue
		}
		inc := incident(e)
		all = append(all, inc)
		if inc.Status.Closed() {
			continue
		}
		rep.Incidents = append(rep.Incidents, inc)
		if inc.Impact.Rank() > worst.Rank() {
			worst = inc.Impact
		}
		_, s := typeOf(e.Type)
		for _, svc := range inc.Components {
			raise(svc, s)
		}
	}
	for _, n := range names {
		rep.Components = append(rep.Components, watchfire.UpstreamComponent{ID: n, Name: n, Status: status[n], VendorStatus: string(status[n])})
	}
	if ind, ok := indicators[worst]; ok {
		rep.Indicator = ind
	} else if maintaining {
		rep.Indicator = watchfire.IndicatorMaintenance
	}
	newestFirst := func(a, b watchfire.UpstreamIncident) int { return b.StartedAt.Compare(a.StartedAt) }
	slices.SortStableFunc(rep.Incidents, newestFirst)
	slices.SortStableFunc(all, newestFirst)
	return rep, all
}

// incident maps one entry onto our incident.
func incident(e *entry) watchfire.UpstreamIncident {
	status, _ := statusOf(e.Status)
	impact, _ := typeOf(e.Type)
	inc := watchfire.UpstreamIncident{
		ID:         string(e.ID),
		Name:       title(e),
		URL:        strings.TrimSpace(e.URL),
		Status:     status,
		Impact:     impact,
		StartedAt:  when(e.DateCreated),
		UpdatedAt:  when(e.DateUpdated),
		Components: services(e),
		Updates:    updates(e, string(status)),
	}
	if inc.UpdatedAt.IsZero() {
		inc.UpdatedAt = inc.StartedAt
	}
	if len(inc.Updates) > 0 && inc.Updates[0].At.After(inc.UpdatedAt) {
		inc.UpdatedAt = inc.Updates[0].At
	}
	if status.Closed() {
		at := inc.UpdatedAt
		inc.ResolvedAt = &at
	}
	return inc
}

// maintenance maps a maintenance entry. Slack gives no planned window:
// the entry's creation stands for its start.
func maintenance(e *entry) watchfire.UpstreamMaintenance {
	_, status := statusOf(e.Status)
	return watchfire.UpstreamMaintenance{
		ID:           string(e.ID),
		Name:         title(e),
		URL:          strings.TrimSpace(e.URL),
		Status:       status,
		Impact:       watchfire.ImpactMaintenance,
		ScheduledFor: when(e.DateCreated),
		Components:   services(e),
		Updates:      updates(e, string(status)),
	}
}

func title(e *entry) string {
	if t := feed.PlainText(e.Title); t != "" {
		return t
	}
	return "Slack " + strings.ToLower(strings.TrimSpace(e.Type)) + " " + string(e.ID)
}

func services(e *entry) []string {
	var out []string
	for _, s := range e.Services {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// updates are the entry's notes, newest first, as plain text (Slack writes
// them in HTML). Notes carry no status: the newest has the entry's, the
// ones before it were written while it was still open.
func updates(e *entry, latest string) []watchfire.UpstreamUpdate {
	var out []watchfire.UpstreamUpdate
	for _, n := range e.Notes {
		out = append(out, watchfire.UpstreamUpdate{Body: feed.PlainText(n.Body), At: when(n.DateCreated)})
	}
	slices.SortStableFunc(out, func(a, b watchfire.UpstreamUpdate) int { return b.At.Compare(a.At) })
	earlier := string(watchfire.IncidentInvestigating)
	if isMaintenance(e.Type, e.Status) {
		earlier = string(watchfire.MaintenanceScheduled)
	}
	for i := range out {
		out[i].Status = earlier
	}
	if len(out) > 0 {
		out[0].Status = latest
	}
	return out
}

// when parses Slack's timestamps ("2020-07-30T15:12:34-07:00") to UTC;
// zero when absent or bad.
func when(s string) time.Time {
	t, err := provider.Time(s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
