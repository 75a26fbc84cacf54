// Package atlassian reads Atlassian Statuspage pages (statuspage.io and
// the many custom domains it hosts, githubstatus.com, status.claude.com,
// www.cloudflarestatus.com...).
//
// Current reads /api/v2/summary.json: the page indicator, the components
// (groups folded into each member's Group), the unresolved incidents and
// the upcoming and active maintenances. A page without it (private API,
// an HTML page at that path) is read from /history.atom instead, which
// has incidents but no indicator or components. History reads
// /api/v2/incidents.json, or /history.atom likewise.
//
// The decoding is exported (Decode, Document.Report, ParseFeed) for the
// providers of pages that serve the same API: incident.io's compatible
// summary and another Watchfire's.
package atlassian

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Name is the provider's name in configs and on the CLI.
const Name = "atlassian"

// Paths of the documents read, from the site's root.
const (
	PathSummary   = "/api/v2/summary.json"
	PathIncidents = "/api/v2/incidents.json"
	PathFeed      = "/history.atom"
)

// Provider reads Statuspage pages.
type Provider struct{}

// New returns the Statuspage provider.
func New() provider.Provider { return Provider{} }

// Name implements provider.Provider.
func (Provider) Name() string { return Name }

// Detect claims Statuspage's own hosts: *.statuspage.io (and its
// stspg.io shortlinks) and Atlassian's products' pages under
// status.atlassian.com. Custom domains are found by the cascade.
func (Provider) Detect(page *url.URL) bool {
	return provider.HostIs(page, "statuspage.io") || provider.HostIs(page, "stspg.io") ||
		provider.HostIs(page, "status.atlassian.com")
}

// Current implements provider.Provider: summary.json, else history.atom.
func (Provider) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	rep, err := FetchSummary(ctx, c, provider.Resolve(page, PathSummary), Name)
	if err == nil || !Fallback(err) {
		return rep, err
	}
	feed, ferr := fetchFeed(ctx, c, provider.Resolve(page, PathFeed))
	if ferr != nil {
		return nil, Combine(err, ferr, "the history feed")
	}
	// The present state only: what is still open or still ahead.
	open := feed.Incidents[:0]
	for _, inc := range feed.Incidents {
		if !inc.Status.Closed() {
			open = append(open, inc)
		}
	}
	feed.Incidents = open
	ahead := feed.Maintenances[:0]
	for _, m := range feed.Maintenances {
		if m.Status != watchfire.MaintenanceCompleted {
			ahead = append(ahead, m)
		}
	}
	feed.Maintenances = ahead
	return feed, nil
}

// History implements provider.Provider: incidents.json, else
// history.atom. Maintenances listed there are left out.
func (Provider) History(ctx context.Context, c provider.Client, page *url.URL) ([]watchfire.UpstreamIncident, error) {
	addr := provider.Resolve(page, PathIncidents)
	rep, err := FetchDocument(ctx, c, addr, Name, "incidents")
	if err == nil {
		return rep.Incidents, nil
	}
	if !Fallback(err) {
		return nil, err
	}
	feed, ferr := fetchFeed(ctx, c, provider.Resolve(page, PathFeed))
	if ferr != nil {
		return nil, Combine(err, ferr, "the history feed")
	}
	return feed.Incidents, nil
}

// Parse implements provider.Provider: any API v2 JSON document, or the
// history feed (Atom or RSS). incident.io's /proxy documents are refused
// with ErrFormat; its Statuspage-compatible summary is accepted.
func (Provider) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	return ParseAny(body, Name)
}

// ParseAny parses any Statuspage document, JSON or feed, crediting the
// report to providerName.
func ParseAny(body []byte, providerName string) (*watchfire.UpstreamReport, error) {
	text, err := provider.Text(body)
	if err != nil {
		return nil, err
	}
	switch firstByte(text) {
	case '{', '[':
		d, err := Decode(text)
		if err != nil {
			return nil, err
		}
		if err := d.Check(); err != nil {
			return nil, err
		}
		return d.Report(providerName)
	case '<':
		return ParseFeed(text, providerName)
	case 0:
		return nil, provider.Formatf("the body is empty")
	}
	return nil, provider.Formatf("the body is neither JSON nor a feed")
}

// FetchSummary reads a summary.json (or any document with a status or
// components) at addr.
func FetchSummary(ctx context.Context, c provider.Client, addr, providerName string) (*watchfire.UpstreamReport, error) {
	return FetchDocument(ctx, c, addr, providerName, "summary", "status", "components")
}

// FetchDocument reads the API document at addr, which must be of one of
// the kinds (see Document.Kind), and reports it.
func FetchDocument(ctx context.Context, c provider.Client, addr, providerName string, kinds ...string) (*watchfire.UpstreamReport, error) {
	d, err := FetchDecoded(ctx, c, addr, kinds...)
	if err != nil {
		return nil, err
	}
	return d.Report(providerName)
}

// FetchDecoded fetches and decodes the API document at addr, which must
// be of one of the kinds, for callers that look at it before reporting.
func FetchDecoded(ctx context.Context, c provider.Client, addr string, kinds ...string) (*Document, error) {
	resp, err := c.Get(ctx, addr)
	if err != nil {
		return nil, err
	}
	var d Document
	if err := provider.DecodeJSON(resp, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	if err := d.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	kind := d.Kind()
	for _, k := range kinds {
		if k == kind {
			return &d, nil
		}
	}
	return nil, fmt.Errorf("%s: %w", addr, provider.Formatf("a Statuspage %s document where %v was expected", kind, kinds))
}

func fetchFeed(ctx context.Context, c provider.Client, addr string) (*watchfire.UpstreamReport, error) {
	resp, err := c.Get(ctx, addr)
	if err != nil {
		return nil, err
	}
	rep, err := ParseFeed(resp.Body, Name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	return rep, nil
}

// Fallback reports whether a failed read of the JSON API is worth a try
// of the history feed: the document is missing, private, or not JSON.
// Server errors, rate limits and timeouts are not: the feed is on the
// same struggling host.
func Fallback(err error) bool {
	if errors.Is(err, provider.ErrFormat) {
		return true
	}
	var fe *provider.FetchError
	if errors.As(err, &fe) {
		switch fe.Status {
		case http.StatusNotFound, http.StatusGone, http.StatusUnauthorized, http.StatusForbidden:
			return true
		}
	}
	return false
}

// Combine joins the errors of a document and of its fallback (named
// what). When both say "missing" or "not this format" (see Fallback), the
// page is not in the format at all, and the error wraps ErrFormat, which
// the cascade and re-detection look for; otherwise the errors are kept as
// they are (a server error is not a verdict on the format).
func Combine(err, ferr error, what string) error {
	if Fallback(err) && Fallback(ferr) && !errors.Is(err, provider.ErrFormat) && !errors.Is(ferr, provider.ErrFormat) {
		return fmt.Errorf("%w: %w; and %s: %w", provider.ErrFormat, err, what, ferr)
	}
	return fmt.Errorf("%w; and %s: %w", err, what, ferr)
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
