package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/aggregator"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/providers"
)

// upstreamTransport is the transport dependency polls use; nil means the
// default. Tests confine it to loopback, since no test may reach the
// internet, even through the demo config's dependencies.
var upstreamTransport http.RoundTripper

// newUpstreamClient returns the HTTP client that reads vendors' pages.
func newUpstreamClient() *provider.HTTPClient {
	return provider.NewHTTPClient(provider.HTTPOptions{
		UserAgent: "Watchfire/" + versionString() + " (status-page aggregator; +https://github.com/watchfire-status/watchfire)",
		Transport: upstreamTransport,
	})
}

// poller joins the aggregator to the engine for the API: live fetch
// health, and a reload after the API adds or removes a dependency.
type poller struct {
	agg *aggregator.Aggregator
	eng *engine.Engine
}

func (p *poller) Health(id string) (watchfire.FetchHealth, time.Time, bool) { return p.agg.Health(id) }

// Reload hands the aggregator every dependency it should read: all but
// directory entries (listed with their link only) and generic ones (fed
// by webhooks).
func (p *poller) Reload(ctx context.Context) error {
	all, err := p.eng.Dependencies(ctx)
	if err != nil {
		return err
	}
	list := make([]watchfire.Dependency, 0, len(all))
	for _, d := range all {
		if d.Provider != "directory" && d.Provider != "generic" {
			list = append(list, *d)
		}
	}
	p.agg.Set(list)
	return nil
}

type depsCmd struct {
	Status depsStatusCmd `cmd:"" help:"Show every dependency's status and fetch health in one table."`
	Parse  depsParseCmd  `cmd:"" help:"Print the normalized result of one payload (a file, or a URL to fetch), to debug a provider."`
}

type depsStatusCmd struct {
	dataFlags
	JSON bool `help:"Print JSON instead of a table."`
}

// depsStatusJSON is one row of `deps status --json`.
type depsStatusJSON struct {
	ID          string                     `json:"id"`
	Name        string                     `json:"name"`
	URL         string                     `json:"url"`
	Provider    string                     `json:"provider"`
	Status      string                     `json:"status"`
	Description string                     `json:"description,omitempty"`
	Troubled    []aggregator.ComponentJSON `json:"troubled_components"`
	Incidents   []aggregator.IncidentJSON  `json:"open_incidents"`
	LastSuccess *time.Time                 `json:"last_success_at"`
	LastError   string                     `json:"last_error,omitempty"`
	Failures    int                        `json:"failures"`
}

// Run reads the dependencies from the database the server writes, so it
// answers even when the server is down.
func (c *depsStatusCmd) Run(e *env) error {
	cfg, _, err := c.loadConfig(e)
	if err != nil {
		return err
	}
	db, err := openDatabase(e.ctx, c.dsn(e, cfg), false)
	if err != nil {
		return err
	}
	defer db.Close()
	stored, err := db.Dependencies(e.ctx)
	if err != nil {
		return err
	}
	byID := map[string]watchfire.Dependency{}
	for _, d := range stored {
		byID[d.ID] = d
	}
	// The config's dependencies first, in its order, even those the
	// server has not read yet; then those added through the API.
	var rows []depsStatusJSON
	seen := map[string]bool{}
	for _, d := range cfg.DependencyList() {
		if s, ok := byID[d.ID]; ok {
			d = s
		}
		rows = append(rows, statusRow(&d))
		seen[d.ID] = true
	}
	for _, d := range stored {
		if !seen[d.ID] {
			rows = append(rows, statusRow(&d))
		}
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if rows == nil {
			rows = []depsStatusJSON{}
		}
		return enc.Encode(map[string]any{"dependencies": rows})
	}
	if len(rows) == 0 {
		fmt.Fprintln(e.stdout, "No dependencies. Add some under dependencies: in the config, or POST /api/v1/dependencies.")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tPROVIDER\tSTATUS\tTROUBLE\tLAST READ\tLAST ERROR")
	for _, r := range rows {
		trouble := make([]string, 0, len(r.Troubled)+len(r.Incidents))
		for _, c := range r.Troubled {
			trouble = append(trouble, c.Name+": "+strings.ReplaceAll(c.Status, "_", " "))
		}
		for _, inc := range r.Incidents {
			trouble = append(trouble, "incident: "+inc.Name+" ("+inc.Status+")")
		}
		last := "never"
		if r.LastSuccess != nil {
			last = r.LastSuccess.Local().Format("2006-01-02 15:04:05")
		}
		errText := r.LastError
		if r.Failures > 1 {
			errText = fmt.Sprintf("%s (%d failures in a row)", errText, r.Failures)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, r.Provider, r.Status,
			cmp.Or(shorten(strings.Join(trouble, "; "), 70), "-"), last, cmp.Or(shorten(errText, 90), "-"))
	}
	return tw.Flush()
}

func statusRow(d *watchfire.Dependency) depsStatusJSON {
	row := depsStatusJSON{ID: d.ID, Name: d.Name, URL: d.URL, Provider: cmp.Or(d.Detected, d.Provider), Status: "unknown",
		Troubled: []aggregator.ComponentJSON{}, Incidents: []aggregator.IncidentJSON{},
		LastSuccess: d.Health.LastSuccessAt, LastError: d.Health.LastError, Failures: d.Health.Failures}
	if d.Report != nil {
		rep := aggregator.ToJSON(d.Report)
		row.Status, row.Description = rep.Status, rep.Description
		for _, c := range rep.Components {
			if c.Status != string(watchfire.StatusOperational) {
				row.Troubled = append(row.Troubled, c)
			}
		}
		for _, inc := range rep.Incidents {
			if inc.Status != string(watchfire.IncidentResolved) && inc.Status != string(watchfire.IncidentPostmortem) {
				row.Incidents = append(row.Incidents, inc)
			}
		}
	}
	return row
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

type depsParseCmd struct {
	Provider string `help:"Read the payload with this provider; default: try each one." placeholder:"P"`
	Source   string `arg:"" help:"A file holding one payload, or the URL of a status page (or of one of its documents) to fetch." placeholder:"FILE|URL"`
}

// Run prints the normalized report as JSON. A URL is read the way the
// poller reads it (the provider's documents, conditional requests and
// all); a file is handed to the provider's Parse.
func (c *depsParseCmd) Run(e *env) error {
	reg := providers.Registry()
	var prov provider.Provider
	if c.Provider != "" {
		if prov = reg.Get(c.Provider); prov == nil {
			return fmt.Errorf("no provider %q; use one of %s", c.Provider, strings.Join(reg.Names(), ", "))
		}
		// Some formats cannot be told apart from another by their payload
		// alone (a Watchfire page reads like Atlassian's); naming the
		// provider settles it.
		if ch, ok := prov.(interface{ Chosen() provider.Provider }); ok {
			prov = ch.Chosen()
		}
	}
	var rep *watchfire.UpstreamReport
	var err error
	if u, perr := url.Parse(c.Source); perr == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		ctx, cancel := context.WithTimeout(e.ctx, 2*time.Minute)
		defer cancel()
		client := newUpstreamClient()
		if prov != nil {
			rep, err = prov.Current(ctx, client, u)
		} else {
			prov, rep, err = reg.Detect(ctx, client, u)
		}
	} else {
		body, rerr := os.ReadFile(c.Source)
		if rerr != nil {
			return fmt.Errorf("reading the payload: %w", rerr)
		}
		if prov != nil {
			rep, err = prov.Parse(body)
		} else {
			prov, rep, err = reg.ParseAny(body)
		}
	}
	if err != nil {
		var none *provider.NoProviderError
		if errors.As(err, &none) {
			fmt.Fprintln(e.stderr, "No provider could read it:")
			for _, r := range none.Reasons {
				fmt.Fprintln(e.stderr, "  "+r)
			}
			return errors.New("no provider could read the payload; name one with --provider to see its error alone")
		}
		return fmt.Errorf("%s: %w", prov.Name(), err)
	}
	if rep.Provider == "" {
		rep.Provider = prov.Name()
	}
	out := aggregator.ToJSON(rep)
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
