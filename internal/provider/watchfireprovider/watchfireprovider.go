// Package watchfireprovider reads another Watchfire instance's status
// page, through the Statuspage-compatible API every Watchfire serves
// (internal/statuspage): /api/v2/summary.json for the present,
// /api/v2/incidents.json for history. The documents are Statuspage's
// shape, so the decoding is the atlassian package's.
//
// Watchfire's output is built to be indistinguishable from Statuspage's,
// and nearly is: the one trace it leaves is that an incident's shortlink
// is the page's own address (https://status.example.com/incidents/{id}),
// where Statuspage's are stspg.io links. So the provider never claims an
// address (Detect is always false), and Parse claims a document only when
// it carries that trace, or when the caller chose the provider by name
// (Explicit). Configure `provider: watchfire` for a Watchfire dependency;
// left to the cascade, the atlassian provider reads it, just as well.
package watchfireprovider

import (
	"context"
	"net/url"
	"strings"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/atlassian"
)

// Name is the provider's name in configs and on the CLI.
const Name = "watchfire"

// Paths of the documents read, relative to the page's address: a
// Watchfire page can be served under a path prefix ("/internal"), and its
// API is then under that prefix too.
const (
	PathSummary   = "api/v2/summary.json"
	PathIncidents = "api/v2/incidents.json"
)

// Provider reads another Watchfire.
type Provider struct {
	// Explicit makes Parse read any Statuspage-compatible document, not
	// only those that show a Watchfire trace: set it when the user named
	// the provider (provider: watchfire, --provider watchfire).
	Explicit bool
}

// New returns the provider as the cascade uses it: Parse claims only
// documents that show they are Watchfire's.
func New() provider.Provider { return Provider{} }

// NewExplicit returns the provider for a caller that chose it by name:
// Parse reads any Statuspage-compatible document as Watchfire's.
func NewExplicit() provider.Provider { return Provider{Explicit: true} }

// Chosen returns the provider as a caller that chose it by name should
// use it (see NewExplicit). Callers holding a provider.Provider from the
// registry, such as `watchfire deps parse --provider watchfire`, can
// look for this method to honor the choice.
func (Provider) Chosen() provider.Provider { return Provider{Explicit: true} }

// Name implements provider.Provider.
func (Provider) Name() string { return Name }

// Detect implements provider.Provider: Watchfire runs on its owners'
// domains, so no address says it is one.
func (Provider) Detect(*url.URL) bool { return false }

// Current implements provider.Provider: summary.json. It reads any
// Statuspage-compatible summary, trace or not, since the config named
// the provider.
func (Provider) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	return atlassian.FetchSummary(ctx, c, provider.Resolve(page, PathSummary), Name)
}

// History implements provider.Provider: incidents.json, the 50 newest
// incidents (maintenances it lists are left out).
func (Provider) History(ctx context.Context, c provider.Client, page *url.URL) ([]watchfire.UpstreamIncident, error) {
	rep, err := atlassian.FetchDocument(ctx, c, provider.Resolve(page, PathIncidents), Name, "incidents")
	if err != nil {
		return nil, err
	}
	return rep.Incidents, nil
}

// Parse implements provider.Provider: any /api/v2 document of a
// Watchfire. Unless Explicit, a document must show Watchfire's trace (see
// Signature); otherwise the error wraps ErrFormat and says to name the
// provider.
func (p Provider) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	text, err := provider.Text(body)
	if err != nil {
		return nil, err
	}
	d, err := atlassian.Decode(text)
	if err != nil {
		return nil, err
	}
	if err := d.Check(); err != nil {
		return nil, err
	}
	if !p.Explicit && !Signature(d) {
		return nil, provider.Formatf("a Statuspage-compatible document with nothing that marks it as Watchfire's (no incident whose shortlink is the page's own address); set provider: watchfire to read it as one")
	}
	return d.Report(Name)
}

// Signature reports whether the document shows that a Watchfire wrote it:
// an incident or maintenance whose shortlink is the page's address
// followed by /incidents/{id}. Statuspage's shortlinks are
// https://stspg.io/… and incident.io's compatible API has none. A page
// with nothing open and nothing planned shows no trace.
func Signature(d *atlassian.Document) bool {
	if d.Page == nil || d.Page.URL == "" {
		return false
	}
	base := strings.TrimRight(d.Page.URL, "/") + "/incidents/"
	for _, inc := range d.AllIncidents() {
		if inc.ID != "" && inc.Shortlink == base+inc.ID {
			return true
		}
	}
	return false
}
