// Package incidentio reads status pages hosted by incident.io
// (status.openai.com, status.cohere.com, status.incident.io...).
//
// Current reads the document the page's own front end loads,
// /proxy/{host}: components with their groups, the affected components'
// statuses, ongoing incidents with their full timelines, scheduled
// maintenances. It has no page-level indicator. A page that does not
// serve it is read from /api/v2/summary.json, incident.io's
// Statuspage-compatible summary (indicator, flat components, incidents).
// History reads feed.atom.
package incidentio

import (
	"context"
	"fmt"
	"net/url"
	"regexp"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/atlassian"
)

// Name is the provider's name in configs and on the CLI.
const Name = "incidentio"

// Paths of the documents read, from the site's root. The proxy's is
// followed by the page's host name.
const (
	PathProxy   = "/proxy/"
	PathSummary = "/api/v2/summary.json"
	PathFeed    = "/feed.atom"
)

// Provider reads incident.io pages.
type Provider struct{}

// New returns the incident.io provider.
func New() provider.Provider { return Provider{} }

// Name implements provider.Provider.
func (Provider) Name() string { return Name }

// Detect claims pages hosted under incident.io's own domain
// (status.incident.io, *.incident.io). Customers' own domains are found
// by the cascade.
func (Provider) Detect(page *url.URL) bool {
	return provider.HostIs(page, "incident.io")
}

// Current implements provider.Provider: /proxy/{host}, else the
// Statuspage-compatible summary when its ids show it is incident.io's.
func (Provider) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	addr := provider.Resolve(page, PathProxy+page.Hostname())
	rep, err := fetchProxy(ctx, c, addr)
	if err == nil || !atlassian.Fallback(err) {
		return rep, err
	}
	d, serr := atlassian.FetchDecoded(ctx, c, provider.Resolve(page, PathSummary), "summary")
	if serr == nil {
		serr = checkCompat(d)
	}
	if serr != nil {
		return nil, atlassian.Combine(err, serr, "the compatible summary")
	}
	return d.Report(Name)
}

func fetchProxy(ctx context.Context, c provider.Client, addr string) (*watchfire.UpstreamReport, error) {
	resp, err := c.Get(ctx, addr)
	if err != nil {
		return nil, err
	}
	var d proxyDoc
	if err := provider.DecodeJSON(resp, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	if d.Summary == nil {
		return nil, fmt.Errorf("%s: %w", addr, provider.Formatf("no \"summary\": not an incident.io /proxy summary"))
	}
	rep, err := parseProxy(&d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	return rep, nil
}

// History implements provider.Provider: the incidents of feed.atom, the
// latest update of each.
func (Provider) History(ctx context.Context, c provider.Client, page *url.URL) ([]watchfire.UpstreamIncident, error) {
	addr := provider.Resolve(page, PathFeed)
	resp, err := c.Get(ctx, addr)
	if err != nil {
		return nil, err
	}
	rep, err := parseFeed(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	return rep.Incidents, nil
}

// Parse implements provider.Provider: a /proxy summary or incident, the
// compatible summary (only when its ids are incident.io's: otherwise it
// is Statuspage's, for the atlassian provider), or feed.atom.
func (Provider) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	text, err := provider.Text(body)
	if err != nil {
		return nil, err
	}
	switch firstByte(text) {
	case '<':
		return parseFeed(text)
	case 0:
		return nil, provider.Formatf("the body is empty")
	case '{', '[':
	default:
		return nil, provider.Formatf("the body is neither JSON nor a feed")
	}
	var d proxyDoc
	if err := provider.UnmarshalJSON(text, &d); err != nil {
		return nil, err
	}
	if d.Page != nil {
		compat, err := atlassian.Decode(text)
		if err != nil {
			return nil, err
		}
		if err := compat.Check(); err != nil {
			return nil, err
		}
		if err := checkCompat(compat); err != nil {
			return nil, err
		}
		return compat.Report(Name)
	}
	return parseProxy(&d)
}

// ulid matches incident.io's ids: ULIDs, 26 characters of Crockford's
// base 32. Statuspage's are 12 lowercase characters, so one look tells
// them apart.
var ulid = regexp.MustCompile(`^[0-7][0-9A-HJKMNP-TV-Z]{25}$`)

// checkCompat accepts a Statuspage-shaped document as incident.io's only
// when every id in it is a ULID, the page's included: anything else is
// left to the atlassian provider, with ErrFormat.
func checkCompat(d *atlassian.Document) error {
	if d.Page == nil || !ulid.MatchString(d.Page.ID) {
		return provider.Formatf("a Statuspage-compatible document whose page id is not an incident.io ULID: the atlassian provider reads it")
	}
	for _, id := range d.IDs() {
		if !ulid.MatchString(id) {
			return provider.Formatf("a Statuspage-compatible document with a non-ULID id %q: the atlassian provider reads it", id)
		}
	}
	return nil
}

func firstByte(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}
