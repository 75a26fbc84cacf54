// Package gcp reads Google Cloud Service Health
// (status.cloud.google.com) through incidents.json, the one document it
// publishes: every incident of the last year or so, open and closed, with
// its updates.
//
// There is no list of products with their statuses: a product appears
// only when an incident names it. Components are therefore the products
// of open incidents, and a quiet page has none (its indicator is still
// "none", since a page with no open incident is all available).
package gcp

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Home is Google Cloud Service Health's address, for incident links when
// a payload is parsed without one.
const Home = "https://status.cloud.google.com/"

// Provider reads Google Cloud Service Health.
type Provider struct{}

// New returns the Google Cloud provider.
func New() provider.Provider { return Provider{} }

// Name implements provider.Provider.
func (Provider) Name() string { return "gcp" }

// Detect implements provider.Provider.
func (Provider) Detect(page *url.URL) bool { return provider.HostIs(page, "status.cloud.google.com") }

// incident is one element of incidents.json. Fields Watchfire does not
// use (number, service_key, locations) are left out.
type incident struct {
	ID               string    `json:"id"`
	Begin            string    `json:"begin"`
	Created          string    `json:"created"`
	End              string    `json:"end"`
	Modified         string    `json:"modified"`
	ExternalDesc     string    `json:"external_desc"`
	Updates          []update  `json:"updates"`
	MostRecentUpdate *update   `json:"most_recent_update"`
	StatusImpact     string    `json:"status_impact"`
	Severity         string    `json:"severity"`
	ServiceName      string    `json:"service_name"`
	AffectedProducts []product `json:"affected_products"`
	URI              string    `json:"uri"`
}

type update struct {
	Created string `json:"created"`
	When    string `json:"when"`
	Text    string `json:"text"`
	Status  string `json:"status"`
}

// product is an affected product. Newer documents add current_title, the
// product's name today, which wins: a renamed product keeps matching the
// name configured for it.
type product struct {
	Title        string `json:"title"`
	CurrentTitle string `json:"current_title"`
	ID           string `json:"id"`
}

func (p *product) name() string { return strings.TrimSpace(cmp.Or(p.CurrentTitle, p.Title)) }

// document returns the address of incidents.json for the page: the page
// itself when it names a JSON document, else incidents.json at its root.
func document(page *url.URL) string {
	if strings.HasSuffix(strings.ToLower(page.Path), ".json") {
		return page.String()
	}
	return provider.Resolve(page, "/incidents.json")
}

// Current implements provider.Provider.
func (Provider) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	incs, err := fetch(ctx, c, page)
	if err != nil {
		return nil, err
	}
	rep, _, err := read(incs, base(page))
	if err != nil {
		return nil, err
	}
	rep.Page.URL = page.String()
	return rep, nil
}

// History implements provider.Provider: incidents.json is the history.
func (Provider) History(ctx context.Context, c provider.Client, page *url.URL) ([]watchfire.UpstreamIncident, error) {
	incs, err := fetch(ctx, c, page)
	if err != nil {
		return nil, err
	}
	_, all, err := read(incs, base(page))
	return all, err
}

// Parse implements provider.Provider. An empty array is refused: it
// could be any vendor's empty list. Current accepts one from Google's
// host, or from an address configured as the incidents.json itself.
func (Provider) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	var incs []incident
	if err := provider.UnmarshalJSON(body, &incs); err != nil {
		return nil, err
	}
	if len(incs) == 0 {
		return nil, provider.Formatf("an empty array is not enough to tell a Google Cloud incidents.json")
	}
	rep, _, err := read(incs, Home)
	return rep, err
}

func fetch(ctx context.Context, c provider.Client, page *url.URL) ([]incident, error) {
	resp, err := c.Get(ctx, document(page))
	if err != nil {
		return nil, err
	}
	var incs []incident
	if err := provider.DecodeJSON(resp, &incs); err != nil {
		return nil, err
	}
	// Google's list is never empty in practice; an empty array from an
	// address that is not Google's, found by the cascade, could be anyone's.
	if len(incs) == 0 && !provider.HostIs(page, "status.cloud.google.com") && document(page) != page.String() {
		return nil, provider.Formatf("%s is an empty array, not enough to tell a Google Cloud incidents.json", resp.URL)
	}
	return incs, nil
}

// base is the root incident links are resolved against: the page's own
// site, so a mirror or a test server links to itself.
func base(page *url.URL) string {
	return provider.Resolve(page, "/")
}

// read normalizes incidents.json: the report (open incidents, their
// products as components) and every incident, newest first. It checks the
// shape first, since any JSON array decodes into []incident.
func read(incs []incident, home string) (*watchfire.UpstreamReport, []watchfire.UpstreamIncident, error) {
	for i := range incs {
		in := &incs[i]
		if in.ID == "" || in.Begin == "" || (in.StatusImpact == "" && in.Severity == "") {
			return nil, nil, provider.Formatf("element %d of the array has no id, begin and status_impact: not a Google Cloud incident", i)
		}
	}
	rep := &watchfire.UpstreamReport{
		Provider:  "gcp",
		Page:      watchfire.UpstreamPage{Name: "Google Cloud Service Health", URL: Home},
		Indicator: watchfire.IndicatorNone,
	}
	all := make([]watchfire.UpstreamIncident, 0, len(incs))
	worst := watchfire.ImpactNone
	status := map[string]watchfire.ComponentStatus{}
	var products []product
	for i := range incs {
		inc, err := normalize(&incs[i], home)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, inc)
		if t := inc.UpdatedAt; t.After(rep.UpdatedAt) {
			rep.UpdatedAt = t
		}
		if inc.Status.Closed() {
			continue
		}
		rep.Incidents = append(rep.Incidents, inc)
		if inc.Impact.Rank() > worst.Rank() {
			worst = inc.Impact
		}
		_, s := impactOf(incs[i].StatusImpact, incs[i].Severity)
		for _, p := range incs[i].AffectedProducts {
			name := p.name()
			if name == "" {
				continue
			}
			if _, seen := status[name]; !seen {
				products = append(products, product{Title: name, ID: p.ID})
			}
			status[name] = watchfire.Worse(status[name], s)
		}
	}
	for _, p := range products {
		rep.Components = append(rep.Components, watchfire.UpstreamComponent{ID: cmp.Or(p.ID, p.Title), Name: p.Title,
			Status: status[p.Title], VendorStatus: string(status[p.Title])})
	}
	if ind, ok := indicators[worst]; ok {
		rep.Indicator = ind
	}
	newestFirst := func(a, b watchfire.UpstreamIncident) int { return b.StartedAt.Compare(a.StartedAt) }
	slices.SortStableFunc(rep.Incidents, newestFirst)
	slices.SortStableFunc(all, newestFirst)
	return rep, all, nil
}

// normalize maps one Google incident onto ours.
func normalize(in *incident, home string) (watchfire.UpstreamIncident, error) {
	begin, err := provider.Time(in.Begin)
	if err != nil {
		return watchfire.UpstreamIncident{}, provider.Formatf("incident %s: begin: %v", in.ID, err)
	}
	end := when(in.End)
	impact, _ := impactOf(in.StatusImpact, in.Severity)
	latest := in.MostRecentUpdate
	if latest == nil && len(in.Updates) > 0 {
		latest = &in.Updates[0]
	}
	out := watchfire.UpstreamIncident{
		ID:        in.ID,
		Name:      name(in),
		URL:       link(in, home),
		Status:    lifecycle(!end.IsZero(), latest),
		Impact:    impact,
		StartedAt: begin.UTC(),
		UpdatedAt: when(in.Modified),
	}
	if !end.IsZero() {
		out.ResolvedAt = &end
	}
	for _, p := range in.AffectedProducts {
		if t := p.name(); t != "" && !slices.Contains(out.Components, t) {
			out.Components = append(out.Components, t)
		}
	}
	for i := range in.Updates {
		u := &in.Updates[i]
		out.Updates = append(out.Updates, watchfire.UpstreamUpdate{
			Status: updateStatus(u, !end.IsZero()),
			Body:   strings.TrimSpace(u.Text),
			At:     when(cmp.Or(u.When, u.Created)),
		})
	}
	// Google lists updates newest first; sort anyway, the order is ours
	// to promise.
	slices.SortStableFunc(out.Updates, func(a, b watchfire.UpstreamUpdate) int { return b.At.Compare(a.At) })
	if out.UpdatedAt.IsZero() && len(out.Updates) > 0 {
		out.UpdatedAt = out.Updates[0].At
	}
	if out.UpdatedAt.IsZero() {
		out.UpdatedAt = out.StartedAt
	}
	return out, nil
}

// name is the incident's title: Google's external_desc, which is one
// sentence, else the service it is about.
func name(in *incident) string {
	if d := strings.TrimSpace(in.ExternalDesc); d != "" {
		line, _, _ := strings.Cut(d, "\n")
		return strings.TrimSpace(line)
	}
	if s := strings.TrimSpace(in.ServiceName); s != "" {
		return s + " incident"
	}
	return "Incident " + in.ID
}

// link is the incident's page: uri ("incidents/<id>") on the site.
func link(in *incident, home string) string {
	uri := strings.TrimPrefix(strings.TrimSpace(in.URI), "/")
	if uri == "" || strings.Contains(uri, "://") {
		uri = "incidents/" + url.PathEscape(in.ID)
	}
	return strings.TrimSuffix(home, "/") + "/" + uri
}

// when parses a timestamp that is not essential, zero when absent or bad.
func when(s string) time.Time {
	t, err := provider.Time(s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
