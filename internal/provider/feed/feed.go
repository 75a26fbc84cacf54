// Package feed reads any RSS or Atom feed as a status page: the generic
// fallback for vendors without a JSON API (Azure, AWS's RSS), and a
// second way into pages whose API another provider reads (Statuspage's
// history.atom, incident.io's feed.atom).
//
// A feed has no status fields, so items are read with the heuristics of
// mapping.go: an item is an incident; its title and text say whether it
// is resolved and how bad it is; only recent unresolved items count as
// open. docs/providers/feed.md documents the tables.
package feed

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Provider reads RSS and Atom feeds.
type Provider struct {
	// Now is the clock that decides which items are recent; nil means
	// time.Now. Tests set it to the day a fixture was captured.
	Now func() time.Time
}

// New returns the feed provider.
func New() provider.Provider { return &Provider{} }

// Name implements provider.Provider.
func (*Provider) Name() string { return "feed" }

// Detect claims only the hosts whose status is a feed and nothing else:
// Azure's status page and AWS's legacy per-service .rss files. Every
// other page reaches this provider as the cascade's last resort.
func (*Provider) Detect(page *url.URL) bool {
	if provider.HostIs(page, "azure.status.microsoft") {
		return true
	}
	return provider.HostIs(page, "status.aws.amazon.com") && strings.HasSuffix(strings.ToLower(page.Path), ".rss")
}

func (p *Provider) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Current implements provider.Provider: the feed at the page's address,
// else one its HTML links to, else one at a usual path.
func (p *Provider) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	f, addr, err := discover(ctx, c, page)
	if err != nil {
		return nil, err
	}
	rep, _ := p.read(f, p.now())
	if rep.Page.URL == "" {
		rep.Page.URL = addr
	}
	return rep, nil
}

// History implements provider.Provider: every incident the feed still
// holds, open or not.
func (p *Provider) History(ctx context.Context, c provider.Client, page *url.URL) ([]watchfire.UpstreamIncident, error) {
	f, _, err := discover(ctx, c, page)
	if err != nil {
		return nil, err
	}
	_, all := p.read(f, p.now())
	return all, nil
}

// Parse implements provider.Provider. Only XML feeds are accepted: JSON
// Feed, which gofeed also reads, is left to the JSON providers' formats.
func (p *Provider) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	f, err := parse(body)
	if err != nil {
		return nil, err
	}
	rep, _ := p.read(f, p.now())
	return rep, nil
}

// parse is provider.ParseFeed, with a panic in the XML parser turned into
// an error: Parse must not panic on any bytes, and gofeed is not ours.
func parse(body []byte) (f *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, provider.Formatf("the feed parser failed on this body: %v", r)
		}
	}()
	f, err = provider.ParseFeed(body)
	if err != nil {
		return nil, err
	}
	if f.FeedType != "rss" && f.FeedType != "atom" {
		return nil, provider.Formatf("the body is a %s feed, not RSS or Atom", f.FeedType)
	}
	return f, nil
}

// read normalizes a feed: the report of what is open at now, and every
// incident for History, newest first.
func (p *Provider) read(f *gofeed.Feed, now time.Time) (*watchfire.UpstreamReport, []watchfire.UpstreamIncident) {
	rep := &watchfire.UpstreamReport{
		Provider:  "feed",
		Page:      watchfire.UpstreamPage{Name: strings.TrimSpace(f.Title), URL: strings.TrimSpace(f.Link)},
		Indicator: watchfire.IndicatorNone,
	}
	es := entries(f)
	var all []watchfire.UpstreamIncident
	worst := watchfire.Impact("")
	components := map[string]watchfire.ComponentStatus{}
	var names []string
	for _, t := range threads(es) {
		b := build(t)
		recent := b.inc.UpdatedAt.After(now.Add(-OpenWindow))
		if b.maintenance != "" {
			if recent {
				rep.Maintenances = append(rep.Maintenances, watchfire.UpstreamMaintenance{
					ID: b.inc.ID, Name: b.inc.Name, URL: b.inc.URL, Status: b.maintenance,
					Impact: watchfire.ImpactMaintenance, ScheduledFor: b.inc.StartedAt,
					Components: b.inc.Components, Updates: b.inc.Updates,
				})
			}
			continue
		}
		all = append(all, b.inc)
		if b.inc.Status.Closed() || !recent {
			continue
		}
		rep.Incidents = append(rep.Incidents, b.inc)
		if worst == "" || b.inc.Impact.Rank() > worst.Rank() {
			worst = b.inc.Impact
		}
		for _, name := range b.inc.Components {
			if _, seen := components[name]; !seen {
				names = append(names, name)
			}
			components[name] = watchfire.Worse(components[name], b.components[name])
		}
	}
	for _, name := range names {
		rep.Components = append(rep.Components, watchfire.UpstreamComponent{ID: name, Name: name,
			Status: components[name], VendorStatus: string(components[name])})
	}
	switch {
	case worst != "":
		rep.Indicator = indicatorFor(worst)
	case slices.ContainsFunc(rep.Maintenances, func(m watchfire.UpstreamMaintenance) bool { return m.Status.Active() }):
		rep.Indicator = watchfire.IndicatorMaintenance
	}
	newestFirst := func(a, b watchfire.UpstreamIncident) int { return b.UpdatedAt.Compare(a.UpdatedAt) }
	slices.SortStableFunc(rep.Incidents, newestFirst)
	slices.SortStableFunc(all, newestFirst)
	switch {
	case f.UpdatedParsed != nil:
		rep.UpdatedAt = f.UpdatedParsed.UTC()
	case f.PublishedParsed != nil:
		rep.UpdatedAt = f.PublishedParsed.UTC()
	}
	for _, e := range es {
		if e.at.After(rep.UpdatedAt) {
			rep.UpdatedAt = e.at
		}
	}
	return rep, all
}

// usualPaths are where status pages keep their feeds: Statuspage's
// history feeds first (the most common hosted format), then generic ones.
// "feed/" is relative to the page, for Azure's /en-us/status/feed/.
var usualPaths = []string{"/history.atom", "/history.rss", "/feed.atom", "/feed", "/rss", "feed/"}

// maxTries bounds the addresses one read tries, linked feeds included.
const maxTries = 9

// discover finds the page's feed: the page itself, the feeds its HTML
// announces with <link rel="alternate">, then usualPaths.
func discover(ctx context.Context, c provider.Client, page *url.URL) (*gofeed.Feed, string, error) {
	queue := []string{page.String()}
	var reasons []string
	tried := map[string]bool{}
	for i := 0; i < len(queue) && len(tried) < maxTries; i++ {
		addr := queue[i]
		if tried[addr] {
			continue
		}
		tried[addr] = true
		resp, err := c.Get(ctx, addr)
		if err != nil {
			if ctx.Err() != nil {
				return nil, "", ctx.Err()
			}
			var fe *provider.FetchError
			if errors.As(err, &fe) && (fe.Status == http.StatusTooManyRequests || fe.RetryAfter > 0) {
				return nil, "", err // the host asked us to wait: do not try its other addresses now
			}
			reasons = append(reasons, err.Error())
		} else {
			f, perr := parse(resp.Body)
			if perr == nil {
				return f, resp.URL, nil
			}
			reasons = append(reasons, addr+": "+perr.Error())
			if i == 0 {
				queue = append(queue, alternates(resp)...)
			}
		}
		if i == 0 {
			for _, p := range usualPaths {
				if p == "feed/" && strings.Trim(page.Path, "/") == "" {
					continue // the root's feed/ is /feed, already listed
				}
				queue = append(queue, provider.Resolve(page, p))
			}
		}
	}
	return nil, "", provider.Formatf("no RSS or Atom feed at %s or its usual paths (%s)", page, strings.Join(reasons, "; "))
}

// alternates returns the feed addresses an HTML page announces in
// <link rel="alternate" type="application/rss+xml" href="…">.
func alternates(resp *provider.Response) []string {
	base, err := url.Parse(resp.URL)
	if err != nil || !bytes.Contains(bytes.ToLower(resp.Body), []byte("alternate")) {
		return nil
	}
	var out []string
	z := html.NewTokenizer(bytes.NewReader(resp.Body))
	for len(out) < 3 {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if atom.Lookup(name) == atom.Body {
			break // feeds are announced in the head
		}
		if atom.Lookup(name) != atom.Link || !hasAttr {
			continue
		}
		var rel, typ, href string
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			switch string(k) {
			case "rel":
				rel = strings.ToLower(string(v))
			case "type":
				typ = strings.ToLower(string(v))
			case "href":
				href = string(v)
			}
		}
		if !slices.Contains(strings.Fields(rel), "alternate") || href == "" ||
			(!strings.Contains(typ, "rss") && !strings.Contains(typ, "atom")) {
			continue
		}
		if ref, err := url.Parse(href); err == nil {
			out = append(out, base.ResolveReference(ref).String())
		}
	}
	return out
}
