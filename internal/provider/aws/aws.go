// Package aws reads the AWS Health Dashboard's public JSON: the current
// events (health.aws.amazon.com/public/currentevents, which the dashboard
// at health.aws.amazon.com/health/status loads, served as UTF-16) and the
// legacy Service Health Dashboard's data.json (status.aws.amazon.com,
// retired in 2022 but still mirrored), whose "archive" is a history.
//
// AWS's RSS feeds are the feed provider's (internal/provider/feed).
package aws

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/feed"
)

// Addresses of AWS's documents and pages.
const (
	Dashboard     = "https://health.aws.amazon.com/health/status"
	CurrentEvents = "https://health.aws.amazon.com/public/currentevents"
	LegacyHome    = "https://status.aws.amazon.com/"
)

// Provider reads the AWS Health Dashboard.
type Provider struct{}

// New returns the AWS provider.
func New() provider.Provider { return Provider{} }

// Name implements provider.Provider.
func (Provider) Name() string { return "aws" }

// Detect implements provider.Provider: the dashboard's hosts, but not the
// legacy per-service .rss files there, which are the feed provider's.
func (Provider) Detect(page *url.URL) bool {
	if provider.HostIs(page, "health.aws.amazon.com") {
		return true
	}
	return provider.HostIs(page, "status.aws.amazon.com") && !strings.HasSuffix(strings.ToLower(page.Path), ".rss")
}

// event is one element of currentevents.
type event struct {
	Date             flex                `json:"date"` // epoch seconds
	ARN              string              `json:"arn"`
	RegionName       string              `json:"region_name"`
	Status           flex                `json:"status"`
	Service          string              `json:"service"`
	ServiceName      string              `json:"service_name"`
	Summary          string              `json:"summary"`
	EventLog         []logEntry          `json:"event_log"`
	ImpactedServices map[string]impacted `json:"impacted_services"`
}

type logEntry struct {
	Summary   string `json:"summary"`
	Message   string `json:"message"`
	Status    flex   `json:"status"`
	Timestamp flex   `json:"timestamp"` // epoch seconds
}

type impacted struct {
	ServiceName string `json:"service_name"`
	Current     flex   `json:"current"`
	Max         flex   `json:"max"`
}

// legacy is the retired dashboard's data.json.
type legacy struct {
	Archive *[]legacyEntry `json:"archive"`
	Current *[]legacyEntry `json:"current"`
}

type legacyEntry struct {
	ServiceName string `json:"service_name"`
	Summary     string `json:"summary"`
	Date        flex   `json:"date"` // epoch seconds
	Status      flex   `json:"status"`
	Description string `json:"description"` // HTML, one <div> per update
	Service     string `json:"service"`
}

// flex is a value AWS writes as a string in one place and a number in
// another (status is "3" on an event and 3 in its log).
type flex string

func (f *flex) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flex(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return provider.Formatf("a status or date is neither a string nor a number: %.40s", b)
	}
	*f = flex(n.String())
	return nil
}

// epoch reads seconds since 1970; zero when absent or bad.
func (f flex) epoch() time.Time {
	n, err := strconv.ParseInt(strings.TrimSpace(string(f)), 10, 64)
	if err != nil || n <= 0 || n > 1e11 { // past 1e11 it is not seconds
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// document is the address Current reads for the page.
func document(page *url.URL) string {
	p := strings.ToLower(page.Path)
	switch {
	case strings.HasSuffix(p, ".json"), strings.HasSuffix(p, "/currentevents"):
		return page.String()
	case provider.HostIs(page, "status.aws.amazon.com"), provider.HostIs(page, "health.aws.amazon.com"):
		return CurrentEvents
	}
	return provider.Resolve(page, "/public/currentevents")
}

// Current implements provider.Provider.
func (Provider) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	addr := document(page)
	events, old, err := fetch(ctx, c, addr)
	if err != nil {
		return nil, err
	}
	if old != nil {
		rep, _ := readLegacy(old)
		return rep, nil
	}
	// An empty list is AWS's quiet day; from an address the cascade
	// guessed on another site it could be anyone's.
	if len(events) == 0 && addr != page.String() && !provider.HostIs(page, "amazon.com") {
		return nil, provider.Formatf("%s is an empty array, not enough to tell AWS's current events", addr)
	}
	return readEvents(events), nil
}

// History implements provider.Provider. Only the legacy data.json keeps
// past events; currentevents lists what is going on now.
func (Provider) History(ctx context.Context, c provider.Client, page *url.URL) ([]watchfire.UpstreamIncident, error) {
	if !strings.HasSuffix(strings.ToLower(page.Path), ".json") {
		return nil, provider.ErrNoHistory
	}
	_, old, err := fetch(ctx, c, page.String())
	if err != nil {
		return nil, err
	}
	if old == nil {
		return nil, provider.ErrNoHistory
	}
	_, all := readLegacy(old)
	return all, nil
}

// Parse implements provider.Provider: currentevents (an array) or
// data.json (an object with archive and current). An empty array is
// refused: it could be any vendor's empty list.
func (Provider) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	events, old, err := decode(body)
	if err != nil {
		return nil, err
	}
	if old != nil {
		rep, _ := readLegacy(old)
		return rep, nil
	}
	if len(events) == 0 {
		return nil, provider.Formatf("an empty array is not enough to tell AWS's current events")
	}
	return readEvents(events), nil
}

func fetch(ctx context.Context, c provider.Client, addr string) ([]event, *legacy, error) {
	resp, err := c.Get(ctx, addr)
	if err != nil {
		return nil, nil, err
	}
	var raw json.RawMessage
	if err := provider.DecodeJSON(resp, &raw); err != nil {
		return nil, nil, err
	}
	return decode(raw)
}

// decode reads either document and checks its shape: any JSON array of
// objects decodes into []event, so the fields that make one AWS's are
// required.
func decode(body []byte) ([]event, *legacy, error) {
	text, err := provider.Text(body) // currentevents is UTF-16 with a byte-order mark
	if err != nil {
		return nil, nil, err
	}
	if t := bytes.TrimSpace(text); len(t) > 0 && t[0] == '{' {
		var old legacy
		if err := provider.UnmarshalJSON(text, &old); err != nil {
			return nil, nil, err
		}
		if old.Archive == nil && old.Current == nil {
			return nil, nil, provider.Formatf("no archive or current list: not AWS's data.json")
		}
		for _, list := range []*[]legacyEntry{old.Archive, old.Current} {
			for i, e := range deref(list) {
				if e.Service == "" || e.Summary == "" || e.Status == "" || e.Date.epoch().IsZero() {
					return nil, nil, provider.Formatf("entry %d has no service, summary, status and date: not AWS's data.json", i)
				}
			}
		}
		return nil, &old, nil
	}
	var events []event
	if err := provider.UnmarshalJSON(text, &events); err != nil {
		return nil, nil, err
	}
	for i, e := range events {
		if !strings.HasPrefix(e.ARN, "arn:") || e.Status == "" || e.Date.epoch().IsZero() {
			return nil, nil, provider.Formatf("element %d has no arn, status and date: not an AWS Health event", i)
		}
	}
	return events, nil, nil
}

func deref[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}

// readEvents normalizes currentevents: every event is an incident (AWS
// lists an event until it is over, then sets it to 0), components are the
// services the open ones impact, one per service and region.
func readEvents(events []event) *watchfire.UpstreamReport {
	rep := &watchfire.UpstreamReport{
		Provider:  "aws",
		Page:      watchfire.UpstreamPage{Name: "AWS Health Dashboard", URL: Dashboard},
		Indicator: watchfire.IndicatorNone,
	}
	worst := watchfire.ImpactNone
	status := map[string]watchfire.ComponentStatus{}
	var comps []watchfire.UpstreamComponent
	for i := range events {
		e := &events[i]
		inc := eventIncident(e)
		if inc.UpdatedAt.After(rep.UpdatedAt) {
			rep.UpdatedAt = inc.UpdatedAt
		}
		if inc.Status.Closed() {
			continue
		}
		rep.Incidents = append(rep.Incidents, inc)
		if inc.Impact.Rank() > worst.Rank() {
			worst = inc.Impact
		}
		for _, c := range impactedComponents(e) {
			if _, seen := status[c.ID]; !seen {
				comps = append(comps, c)
			}
			status[c.ID] = watchfire.Worse(status[c.ID], c.Status)
		}
	}
	for _, c := range comps {
		c.Status = status[c.ID]
		rep.Components = append(rep.Components, c)
	}
	if ind, ok := indicators[worst]; ok {
		rep.Indicator = ind
	}
	slices.SortStableFunc(rep.Incidents, func(a, b watchfire.UpstreamIncident) int { return b.StartedAt.Compare(a.StartedAt) })
	return rep
}

// arnRegion is the region of an event's ARN,
// "arn:aws:health:me-central-1::event/…"; "" for global events.
func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 {
		return ""
	}
	return parts[3]
}

// eventIncident maps one event.
func eventIncident(e *event) watchfire.UpstreamIncident {
	lvl := levelOf(string(e.Status))
	inc := watchfire.UpstreamIncident{
		ID:        e.ARN,
		Name:      eventName(e),
		URL:       Dashboard,
		Status:    watchfire.IncidentInvestigating,
		Impact:    lvl.impact,
		StartedAt: e.Date.epoch(),
	}
	for _, l := range e.EventLog {
		body := feed.PlainText(l.Message)
		if body == "" {
			body = strings.TrimSpace(l.Summary)
		}
		inc.Updates = append(inc.Updates, watchfire.UpstreamUpdate{Status: updateStatus(string(l.Status)), Body: body, At: l.Timestamp.epoch()})
	}
	// The log comes oldest first.
	slices.SortStableFunc(inc.Updates, func(a, b watchfire.UpstreamUpdate) int { return b.At.Compare(a.At) })
	inc.UpdatedAt = inc.StartedAt
	if len(inc.Updates) > 0 && inc.Updates[0].At.After(inc.UpdatedAt) {
		inc.UpdatedAt = inc.Updates[0].At
	}
	if resolved(string(e.Status)) {
		inc.Status = watchfire.IncidentResolved
		at := inc.UpdatedAt
		inc.ResolvedAt = &at
		// Over, its impact is how bad it got.
		for _, l := range e.EventLog {
			if i := levelOf(string(l.Status)).impact; l.Status != "" && i.Rank() > inc.Impact.Rank() {
				inc.Impact = i
			}
		}
	}
	for _, c := range impactedComponents(e) {
		inc.Components = append(inc.Components, c.Name)
	}
	return inc
}

// eventName is how the dashboard heads an event: "Multiple services
// (UAE): Increased Error Rates".
func eventName(e *event) string {
	svc, region, summary := strings.TrimSpace(e.ServiceName), strings.TrimSpace(e.RegionName), strings.TrimSpace(e.Summary)
	if svc == "" {
		svc = cmp.Or(strings.TrimSpace(e.Service), "AWS")
	}
	if region != "" {
		svc += " (" + region + ")"
	}
	if summary == "" {
		return svc
	}
	return svc + ": " + summary
}

// impactedComponents are an event's impacted services as components,
// "Amazon CloudWatch (me-central-1)", in key order. A service key without
// a region (global ones such as "cloudfront", and a few regional ones
// AWS leaves bare, such as "aps") takes the event's region: it is that
// region's trouble the service is listed for. An event without impacted
// services stands for its own service.
func impactedComponents(e *event) []watchfire.UpstreamComponent {
	eventRegion := cmp.Or(arnRegion(e.ARN), "global")
	list := e.ImpactedServices
	if len(list) == 0 {
		key := cmp.Or(strings.TrimSpace(e.Service), "aws")
		list = map[string]impacted{key: {ServiceName: e.ServiceName, Current: e.Status}}
	}
	keys := make([]string, 0, len(list))
	for k := range list {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []watchfire.UpstreamComponent
	for _, key := range keys {
		svc := list[key]
		id, region := key, regionOf(key)
		if region == "" {
			region = eventRegion
			id = key + "-" + region
		}
		name := cmp.Or(strings.TrimSpace(svc.ServiceName), key)
		lvl := levelOf(string(svc.Current))
		out = append(out, watchfire.UpstreamComponent{ID: id, Name: fmt.Sprintf("%s (%s)", name, region),
			Status: lvl.status, VendorStatus: string(svc.Current)})
	}
	return out
}

// readLegacy normalizes data.json: "current" entries are open unless
// marked resolved, "archive" entries are history. Components are the
// services of open entries, named as AWS did, "Amazon Elastic Compute
// Cloud (Ohio)".
func readLegacy(old *legacy) (*watchfire.UpstreamReport, []watchfire.UpstreamIncident) {
	rep := &watchfire.UpstreamReport{
		Provider:  "aws",
		Page:      watchfire.UpstreamPage{Name: "AWS Service Health Dashboard", URL: LegacyHome},
		Indicator: watchfire.IndicatorNone,
	}
	var all []watchfire.UpstreamIncident
	worst := watchfire.ImpactNone
	status := map[string]watchfire.ComponentStatus{}
	var names []string
	for _, e := range deref(old.Current) {
		inc := legacyIncident(e, false)
		all = append(all, inc)
		if inc.Status.Closed() {
			continue
		}
		rep.Incidents = append(rep.Incidents, inc)
		if inc.Impact.Rank() > worst.Rank() {
			worst = inc.Impact
		}
		name := cmp.Or(strings.TrimSpace(e.ServiceName), e.Service)
		if _, seen := status[name]; !seen {
			names = append(names, name)
		}
		status[name] = watchfire.Worse(status[name], levelOf(string(e.Status)).status)
	}
	for _, e := range deref(old.Archive) {
		all = append(all, legacyIncident(e, true))
	}
	for _, n := range names {
		rep.Components = append(rep.Components, watchfire.UpstreamComponent{ID: n, Name: n, Status: status[n], VendorStatus: string(status[n])})
	}
	if ind, ok := indicators[worst]; ok {
		rep.Indicator = ind
	}
	newestFirst := func(a, b watchfire.UpstreamIncident) int { return b.StartedAt.Compare(a.StartedAt) }
	slices.SortStableFunc(rep.Incidents, newestFirst)
	slices.SortStableFunc(all, newestFirst)
	for _, inc := range all {
		if inc.UpdatedAt.After(rep.UpdatedAt) {
			rep.UpdatedAt = inc.UpdatedAt
		}
	}
	return rep, all
}

// legacyIncident maps one data.json entry. Its status is a severity, kept
// on resolved entries as how bad it was; "[RESOLVED]" before the summary,
// a 0, or being in the archive closes it.
func legacyIncident(e legacyEntry, archived bool) watchfire.UpstreamIncident {
	name, done := legacyName(e.Summary)
	done = done || archived || resolved(string(e.Status))
	start := e.Date.epoch()
	inc := watchfire.UpstreamIncident{
		ID:         e.Service + "_" + string(e.Date),
		Name:       name,
		URL:        LegacyHome,
		Status:     watchfire.IncidentInvestigating,
		Impact:     levelOf(string(e.Status)).impact,
		StartedAt:  start,
		UpdatedAt:  start,
		Components: []string{cmp.Or(strings.TrimSpace(e.ServiceName), e.Service)},
		Updates:    legacyUpdates(e.Description, start),
	}
	if len(inc.Updates) == 0 {
		inc.Updates = []watchfire.UpstreamUpdate{{Body: name, At: start}}
	}
	for i := range inc.Updates {
		inc.Updates[i].Status = string(watchfire.IncidentInvestigating)
	}
	if inc.Updates[0].At.After(inc.UpdatedAt) {
		inc.UpdatedAt = inc.Updates[0].At
	}
	if done {
		inc.Status = watchfire.IncidentResolved
		inc.Updates[0].Status = string(watchfire.IncidentResolved)
		at := inc.UpdatedAt
		inc.ResolvedAt = &at
	}
	return inc
}
