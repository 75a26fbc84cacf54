package watchfireprovider_test

import (
	"context"
	"errors"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the rendered page is in Europe/Paris; do not depend on the host's zoneinfo

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/atlassian"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
	"github.com/watchfire-status/watchfire/internal/provider/watchfireprovider"
	"github.com/watchfire-status/watchfire/internal/statuspage"
)

// t0 is a summer instant with sub-millisecond noise: the rendered
// documents write it at +02:00, truncated to milliseconds.
var t0 = time.Date(2026, 7, 1, 12, 0, 0, 123_456_789, time.UTC)

func at(d time.Duration) time.Time   { return t0.Add(d) }
func atp(d time.Duration) *time.Time { t := at(d); return &t }

// state is a Watchfire's state with every shape its API serves: groups
// and an ungrouped component, an open and a resolved incident, a
// maintenance in progress and one scheduled.
func state(pageURL string, quiet bool) *watchfire.State {
	comp := func(id, group, name string, st watchfire.ComponentStatus) watchfire.Component {
		return watchfire.Component{ID: id, GroupID: group, Name: name, Status: st, CreatedAt: at(-100 * time.Hour), UpdatedAt: at(-time.Hour)}
	}
	upd := func(id, status, body string, d time.Duration) watchfire.IncidentUpdate {
		return watchfire.IncidentUpdate{ID: id, Status: status, Body: body, DisplayAt: at(d), CreatedAt: at(d), UpdatedAt: at(d)}
	}
	st := &watchfire.State{
		Pages:  []watchfire.Page{{ID: "public", Name: "Acme", URL: pageURL, TimeZone: "Europe/Paris"}},
		Groups: []watchfire.Group{{ID: "core", Name: "Core", Position: 1}, {ID: "edge", Name: "Edge", Position: 2}},
		Components: []watchfire.Component{
			comp("website", "", "Website", watchfire.StatusOperational),
			comp("api", "core", "API", watchfire.StatusDegradedPerformance),
			comp("db", "core", "Database", watchfire.StatusUnderMaintenance),
			comp("cdn-eu", "edge", "CDN Europe", watchfire.StatusPartialOutage),
			comp("cdn-us", "edge", "CDN America", watchfire.StatusOperational),
		},
		UpdatedAt: at(0),
	}
	if quiet {
		for i := range st.Components {
			st.Components[i].Status = watchfire.StatusOperational
		}
		return st
	}
	st.Incidents = []watchfire.Incident{
		{
			ID: "iopen0000001", PageID: "public", Name: "Slow API and CDN errors in Europe",
			Status: watchfire.IncidentIdentified, Impact: watchfire.ImpactMajor,
			Components: []watchfire.AffectedComponent{{ComponentID: "api", NewStatus: watchfire.StatusDegradedPerformance},
				{ComponentID: "cdn-eu", NewStatus: watchfire.StatusPartialOutage}},
			Updates: []watchfire.IncidentUpdate{
				upd("u2", "identified", "A bad **deploy**; rolling back.", -10*time.Minute),
				upd("u1", "investigating", "We are looking into errors & timeouts.", -30*time.Minute),
			},
			StartedAt: at(-35 * time.Minute), CreatedAt: at(-30 * time.Minute), UpdatedAt: at(-10 * time.Minute),
		},
		{
			ID: "iold00000001", PageID: "public", Name: "Login failures",
			Status: watchfire.IncidentResolved, Impact: watchfire.ImpactMinor,
			Updates: []watchfire.IncidentUpdate{
				upd("u4", "resolved", "Fixed.", -47*time.Hour),
				upd("u3", "investigating", "Some logins fail.", -48*time.Hour),
			},
			StartedAt: at(-48 * time.Hour), CreatedAt: at(-48 * time.Hour), UpdatedAt: at(-47 * time.Hour), ResolvedAt: atp(-47 * time.Hour),
		},
	}
	st.Maintenances = []watchfire.Maintenance{
		{
			ID: "mnow00000001", PageID: "public", Name: "Database upgrade", Status: watchfire.MaintenanceInProgress,
			Components: []string{"db"}, Updates: []watchfire.IncidentUpdate{upd("u5", "in_progress", "Started.", -5*time.Minute)},
			ScheduledFor: at(-5 * time.Minute), ScheduledUntil: at(2 * time.Hour), CreatedAt: at(-72 * time.Hour), UpdatedAt: at(-5 * time.Minute),
		},
		{
			ID: "mnext0000001", PageID: "public", Name: "CDN certificates", Status: watchfire.MaintenanceScheduled,
			Components: []string{"cdn-eu", "cdn-us"}, Updates: []watchfire.IncidentUpdate{upd("u6", "scheduled", "Planned.", -24*time.Hour)},
			ScheduledFor: at(24 * time.Hour), ScheduledUntil: at(26 * time.Hour), CreatedAt: at(-24 * time.Hour), UpdatedAt: at(-24 * time.Hour),
		},
	}
	return st
}

// render returns a Watchfire's /api/v2 documents, by path relative to
// /api/v2/: what internal/statuspage serves.
func render(tb testing.TB, pageURL string, quiet bool) map[string][]byte {
	tb.Helper()
	st := state(pageURL, quiet)
	docs, err := statuspage.Render(st, &st.Pages[0])
	if err != nil {
		tb.Fatal(err)
	}
	return docs
}

// serve serves a Watchfire's documents under prefix ("" or "/internal")
// and returns the page address.
func serve(t *testing.T, prefix string, quiet bool) *url.URL {
	t.Helper()
	docs := map[string]providertest.Doc{}
	root := providertest.Server(t, docs)
	page := *root
	page.Path = prefix + "/"
	for path, b := range render(t, page.String(), quiet) {
		docs[prefix+"/api/v2/"+path] = providertest.Doc{Body: b}
	}
	if prefix != "" {
		page.Path = prefix // as a person writes it, without the slash
	}
	return &page
}

func checkState(t *testing.T, rep *watchfire.UpstreamReport, pageURL string) {
	t.Helper()
	providertest.Check(t, rep)
	if rep.Provider != "watchfire" {
		t.Errorf("provider %q", rep.Provider)
	}
	if rep.Indicator != watchfire.IndicatorMajor || rep.Description != "Partial System Outage" {
		t.Errorf("indicator %q %q", rep.Indicator, rep.Description)
	}
	if rep.Page.ID != "public" || rep.Page.Name != "Acme" || rep.Page.TimeZone != "Europe/Paris" || rep.Page.URL != pageURL {
		t.Errorf("page %+v", rep.Page)
	}
	// Components come back as the state has them, groups folded in.
	st := state(pageURL, false)
	if len(rep.Components) != len(st.Components) {
		t.Fatalf("%d components", len(rep.Components))
	}
	for _, c := range st.Components {
		name := c.Name
		if g := st.Group(c.GroupID); g != nil {
			name = g.Name + " / " + c.Name
		}
		got := rep.Component(name)
		if got == nil || got.ID != c.ID || got.Status != c.Status {
			t.Errorf("%s: %+v, want %s", name, got, c.Status)
		}
	}
	if len(rep.Incidents) != 1 {
		t.Fatalf("%d incidents", len(rep.Incidents))
	}
	inc := rep.Incidents[0]
	if inc.ID != "iopen0000001" || inc.Status != watchfire.IncidentIdentified || inc.Impact != watchfire.ImpactMajor ||
		len(inc.Updates) != 2 || inc.Updates[0].Status != "identified" || inc.Updates[0].Body != "A bad **deploy**; rolling back." {
		t.Errorf("incident %+v", inc)
	}
	// +02:00 in the documents, the same instant (to the millisecond) here, in UTC.
	if want := at(-35 * time.Minute).Truncate(time.Millisecond); !inc.StartedAt.Equal(want) || inc.StartedAt.Location() != time.UTC {
		t.Errorf("started %v, want %v", inc.StartedAt, want)
	}
	comps := append([]string(nil), inc.Components...)
	sort.Strings(comps)
	if strings.Join(comps, ",") != "API,CDN Europe" {
		t.Errorf("incident components %q", inc.Components)
	}
	got := map[watchfire.MaintenanceStatus]string{}
	for _, m := range rep.Maintenances {
		got[m.Status] = m.ID
	}
	if len(rep.Maintenances) != 2 || got[watchfire.MaintenanceInProgress] != "mnow00000001" || got[watchfire.MaintenanceScheduled] != "mnext0000001" {
		t.Errorf("maintenances %v", got)
	}
	if rep.Overall() != watchfire.StatusPartialOutage {
		t.Errorf("overall %s", rep.Overall())
	}
}

func TestCurrentAndHistory(t *testing.T) {
	for _, prefix := range []string{"", "/internal"} {
		t.Run("prefix "+prefix, func(t *testing.T) {
			page := serve(t, prefix, false)
			p := watchfireprovider.New()
			rep, err := p.Current(context.Background(), providertest.Client(), page)
			if err != nil {
				t.Fatal(err)
			}
			pageURL := *page
			pageURL.Path = prefix + "/"
			checkState(t, rep, pageURL.String())
			hist, err := p.History(context.Background(), providertest.Client(), page)
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != 2 || hist[0].ID != "iopen0000001" || hist[1].ID != "iold00000001" ||
				hist[1].Status != watchfire.IncidentResolved || hist[1].ResolvedAt == nil {
				t.Errorf("history %+v", hist)
			}
		})
	}
}

// Current reads a quiet Watchfire, which shows no trace, and a Statuspage
// summary alike: the config named the provider.
func TestCurrentWithoutTrace(t *testing.T) {
	page := serve(t, "", true)
	rep, err := watchfireprovider.New().Current(context.Background(), providertest.Client(), page)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Indicator != watchfire.IndicatorNone || len(rep.Components) != 5 || len(rep.Incidents) != 0 {
		t.Errorf("quiet: %q %d %d", rep.Indicator, len(rep.Components), len(rep.Incidents))
	}
	page = providertest.Server(t, map[string]providertest.Doc{
		"/api/v2/summary.json": {Body: providertest.Fixture(t, "atlassian/claude-summary-2026-07-29-major-critical-incident.json")},
	})
	rep, err = watchfireprovider.New().Current(context.Background(), providertest.Client(), page)
	if err != nil || rep.Provider != "watchfire" || rep.Indicator != watchfire.IndicatorMajor {
		t.Errorf("statuspage summary: %v %+v", err, rep)
	}
}

func TestCurrentErrors(t *testing.T) {
	summary := render(t, "https://status.acme.test/", false)[statuspage.PathSummary]
	for name, doc := range map[string]*providertest.Doc{
		"missing":      nil,
		"html":         {ContentType: "text/html", Body: []byte("<!doctype html><title>Acme status</title>")},
		"truncated":    {Body: summary[:len(summary)-20]},
		"content type": {ContentType: "application/pdf", Body: []byte("%PDF-1.7")},
		"non-utf8":     {Body: append(append([]byte{}, summary[:50]...), 0xfe, 0xff, 0x00)},
		"server error": {Status: 500, Body: []byte(`{"error":"internal"}`)},
		"not the api":  {Body: []byte(`{"status":"ok"}`)},
	} {
		t.Run(name, func(t *testing.T) {
			docs := map[string]providertest.Doc{}
			if doc != nil {
				docs["/api/v2/summary.json"] = *doc
				docs["/api/v2/incidents.json"] = *doc
			}
			page := providertest.Server(t, docs)
			if rep, err := watchfireprovider.New().Current(context.Background(), providertest.Client(), page); err == nil {
				t.Errorf("Current: no error, %+v", rep)
			}
			if hist, err := watchfireprovider.New().History(context.Background(), providertest.Client(), page); err == nil {
				t.Errorf("History: no error, %+v", hist)
			}
		})
	}
}

// Every document a Watchfire serves parses when the provider is named;
// without that, those that list an incident or maintenance show the trace
// and parse, and the others are refused with ErrFormat.
func TestParseRendered(t *testing.T) {
	docs := render(t, "https://status.acme.test/", false)
	if len(docs) < 12 {
		t.Fatalf("%d documents", len(docs))
	}
	for path, b := range docs {
		t.Run(path, func(t *testing.T) {
			rep, err := watchfireprovider.NewExplicit().Parse(b)
			if err != nil {
				t.Fatalf("explicit: %v", err)
			}
			providertest.Check(t, rep)
			if rep.Provider != "watchfire" {
				t.Errorf("provider %q", rep.Provider)
			}
			listsAny := len(rep.Incidents)+len(rep.Maintenances) > 0
			rep, err = watchfireprovider.New().Parse(b)
			switch {
			case listsAny && err != nil:
				t.Errorf("lists an incident or maintenance, yet: %v", err)
			case !listsAny && !errors.Is(err, provider.ErrFormat):
				t.Errorf("shows no trace, yet: %v %+v", err, rep)
			}
		})
	}
	rep, err := watchfireprovider.New().Parse(docs[statuspage.PathSummary])
	if err != nil {
		t.Fatal(err)
	}
	checkState(t, rep, "https://status.acme.test/")
	rep, err = watchfireprovider.New().Parse(docs[statuspage.PathIncidents])
	if err != nil || len(rep.Incidents) != 2 || len(rep.Maintenances) != 0 {
		t.Errorf("incidents.json: %v %+v", err, rep)
	}
}

// A quiet Watchfire shows no trace: only a caller that named the
// provider reads it.
func TestParseQuiet(t *testing.T) {
	summary := render(t, "https://status.acme.test/", true)[statuspage.PathSummary]
	if _, err := watchfireprovider.New().Parse(summary); !errors.Is(err, provider.ErrFormat) || !strings.Contains(err.Error(), "provider: watchfire") {
		t.Errorf("quiet summary: %v", err)
	}
	rep, err := watchfireprovider.NewExplicit().Parse(summary)
	if err != nil || rep.Indicator != watchfire.IndicatorNone || len(rep.Components) != 5 {
		t.Errorf("explicit: %v %+v", err, rep)
	}
}

// Statuspage's and incident.io's documents are not Watchfire's; named,
// the provider reads Statuspage-compatible ones anyway (they are the same
// shape), never incident.io's native ones.
func TestParseOthers(t *testing.T) {
	for _, dir := range []string{"atlassian", "incidentio"} {
		for rel, b := range providertest.Fixtures(t, dir) {
			if _, err := watchfireprovider.New().Parse(b); !errors.Is(err, provider.ErrFormat) {
				t.Errorf("%s: %v, want ErrFormat", rel, err)
			}
			_, errA := atlassian.New().Parse(b)
			_, errW := watchfireprovider.NewExplicit().Parse(b)
			if strings.HasSuffix(rel, ".json") && (errA == nil) != (errW == nil) {
				t.Errorf("%s: atlassian %v, explicit watchfire %v", rel, errA, errW)
			}
		}
	}
}

func TestParseBadInput(t *testing.T) {
	summary := render(t, "https://status.acme.test/", false)[statuspage.PathSummary]
	for name, body := range map[string][]byte{
		"html":      []byte(`<html><body><h1>502 Bad Gateway</h1></body></html>`),
		"truncated": summary[:len(summary)/2],
		"non-utf8":  append([]byte(`{"page":{"id":"`), 0x80, '"', '}', '}'),
		"empty":     {},
		"feed":      []byte(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Acme</title></feed>`),
	} {
		for _, p := range []provider.Provider{watchfireprovider.New(), watchfireprovider.NewExplicit()} {
			if rep, err := p.Parse(body); err == nil {
				t.Errorf("%s: no error, %+v", name, rep)
			}
		}
	}
}

func TestDetectAndName(t *testing.T) {
	for _, addr := range []string{"https://status.acme.test/", "https://acme.statuspage.io/", "https://status.incident.io/"} {
		u, _ := url.Parse(addr)
		if watchfireprovider.New().Detect(u) {
			t.Errorf("Detect(%s)", addr)
		}
	}
	if watchfireprovider.New().Name() != "watchfire" || watchfireprovider.NewExplicit().Name() != "watchfire" {
		t.Error("name")
	}
}

func FuzzParse(f *testing.F) {
	var seeds [][]byte
	for _, quiet := range []bool{false, true} {
		for _, b := range render(f, "https://status.acme.test/", quiet) {
			seeds = append(seeds, b)
		}
	}
	providertest.Fuzz(f, watchfireprovider.New(), seeds...)
}

// The registry's provider can be turned into the explicit one by a caller
// that honors a choice by name.
func TestChosen(t *testing.T) {
	var p provider.Provider = watchfireprovider.New()
	c, ok := p.(interface{ Chosen() provider.Provider })
	if !ok {
		t.Fatal("no Chosen method")
	}
	summary := render(t, "https://status.acme.test/", true)[statuspage.PathSummary]
	if _, err := c.Chosen().Parse(summary); err != nil {
		t.Errorf("chosen: %v", err)
	}
}
