package instatus

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const (
	testingPage = "instatus/instatus-summary-testing-page-2-active-incidents.json"
	gcore       = "instatus/instatus-summary-gcore-up-2-upcoming-maintenances.json"
	gcoreComps  = "instatus/instatus-v2-components-gcore.json"
	perplexity  = "instatus/perplexity-instatus-summary-2026-07-23-onemajoroutage.json"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func parse(t *testing.T, rel string) *watchfire.UpstreamReport {
	t.Helper()
	rep, err := New().Parse(providertest.Fixture(t, rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	providertest.Check(t, rep)
	return rep
}

func TestEveryFixtureParses(t *testing.T) {
	for rel, body := range providertest.Fixtures(t, "instatus") {
		rep, err := New().Parse(body)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		providertest.Check(t, rep)
		if rep.Provider != Name {
			t.Errorf("%s: provider %q", rel, rep.Provider)
		}
	}
}

// The Instatus test page: HASISSUES, two investigating incidents, one
// partial outage and one degraded performance. HASISSUES alone is minor;
// the partial-outage incident raises the indicator to major.
func TestTwoActiveIncidents(t *testing.T) {
	rep := parse(t, testingPage)
	if rep.Indicator != watchfire.IndicatorMajor || rep.Description != "HASISSUES" ||
		rep.Page.Name != "testing-sms" || rep.Page.URL != "https://instatus.instatus.com" {
		t.Errorf("page %+v indicator %q", rep.Page, rep.Indicator)
	}
	if len(rep.Incidents) != 2 || len(rep.Maintenances) != 0 || len(rep.Components) != 0 {
		t.Fatalf("%d incidents, %d maintenances, %d components", len(rep.Incidents), len(rep.Maintenances), len(rep.Components))
	}
	// Newest first: "partial" started 14:58, "degraded" 14:56.
	p, d := rep.Incidents[0], rep.Incidents[1]
	if p.Name != "partial" || p.Status != watchfire.IncidentInvestigating || p.Impact != watchfire.ImpactMajor ||
		p.ID != "clq3wc2ap1350bronl8974nko" || p.URL != "https://instatus.instatus.com/clq3wc2ap1350bronl8974nko" {
		t.Errorf("partial: %+v", p)
	}
	if !p.StartedAt.Equal(at("2023-12-13T14:58:14.917Z")) || !p.UpdatedAt.Equal(at("2025-10-04T17:08:17.917Z")) {
		t.Errorf("partial times: %v %v", p.StartedAt, p.UpdatedAt)
	}
	if d.Name != "degraded" || d.Impact != watchfire.ImpactMinor || d.Status != watchfire.IncidentInvestigating {
		t.Errorf("degraded: %+v", d)
	}
	// Without components, the worst open incident decides.
	if rep.Overall() != watchfire.StatusPartialOutage {
		t.Errorf("overall %s", rep.Overall())
	}
}

// Gcore: UP, two maintenances not started yet, no activeIncidents key.
func TestUpcomingMaintenances(t *testing.T) {
	rep := parse(t, gcore)
	if rep.Indicator != watchfire.IndicatorNone || len(rep.Incidents) != 0 || len(rep.Maintenances) != 2 {
		t.Fatalf("indicator %q, %d incidents, %d maintenances", rep.Indicator, len(rep.Incidents), len(rep.Maintenances))
	}
	m := rep.Maintenances[0]
	if m.Name != "[Scheduled] Cloud | Chicago Maintenance" || m.Status != watchfire.MaintenanceScheduled ||
		m.Impact != watchfire.ImpactMaintenance || m.URL != "https://status.gcore.com/cmtlnoty400tz1bk3ehvx261c" {
		t.Errorf("maintenance %+v", m)
	}
	if !m.ScheduledFor.Equal(at("2026-09-10T08:00:00Z")) || !m.ScheduledUntil.Equal(at("2026-09-10T08:15:00Z")) {
		t.Errorf("window %v – %v", m.ScheduledFor, m.ScheduledUntil)
	}
	if m2 := rep.Maintenances[1]; !m2.ScheduledUntil.Equal(at("2026-09-14T09:00:00Z")) {
		t.Errorf("second window ends %v", m2.ScheduledUntil)
	}
	if rep.Overall() != watchfire.StatusOperational {
		t.Errorf("overall %s", rep.Overall())
	}
}

// Perplexity: ONEMAJOROUTAGE, one monitoring incident with major outage.
func TestOneMajorOutage(t *testing.T) {
	rep := parse(t, perplexity)
	if rep.Indicator != watchfire.IndicatorCritical || len(rep.Incidents) != 1 {
		t.Fatalf("indicator %q, %d incidents", rep.Indicator, len(rep.Incidents))
	}
	inc := rep.Incidents[0]
	if inc.Name != "Computer sandbox issues" || inc.Status != watchfire.IncidentMonitoring || inc.Impact != watchfire.ImpactCritical ||
		!inc.StartedAt.Equal(at("2026-07-23T17:48:28.028Z")) {
		t.Errorf("incident %+v", inc)
	}
	if rep.Overall() != watchfire.StatusMajorOutage {
		t.Errorf("overall %s", rep.Overall())
	}
}

// Gcore's components: groups are rows too; the two top groups and the
// nested one ("Global services") are headings, three components remain.
func TestComponentsAndGroups(t *testing.T) {
	rep := parse(t, gcoreComps)
	if rep.Indicator != "" || len(rep.Components) != 3 {
		t.Fatalf("indicator %q, components %+v", rep.Indicator, rep.Components)
	}
	for _, tc := range []struct{ ref, group, name string }{
		{"Gcore Systems / API", "Gcore Systems", "API"},
		{"Gcore Systems / API Documentation", "Gcore Systems", "API Documentation"},
		{"Global services / Advanced Analytics", "Global services", "Advanced Analytics"},
	} {
		c := rep.Component(tc.ref)
		if c == nil {
			t.Errorf("no component %q", tc.ref)
			continue
		}
		if c.Group != tc.group || c.Name != tc.name || c.Status != watchfire.StatusOperational || c.VendorStatus != "OPERATIONAL" {
			t.Errorf("%s: %+v", tc.ref, c)
		}
	}
	for _, heading := range []string{"CDN", "Gcore Systems", "Global services"} {
		if rep.Component(heading) != nil {
			t.Errorf("group %q reported as a component", heading)
		}
	}
}

func TestComponentStatuses(t *testing.T) {
	body := `{"components":[
	{"id":"a","name":"A","status":"MAJOROUTAGE","group":null},
	{"id":"b","name":"B","status":"UNDERMAINTENANCE"},
	{"id":"c","name":"C","status":"SOMETHINGNEW","group":{"id":"a","name":"A"}},
	{"id":"d","name":"","status":"PARTIALOUTAGE","group":{"id":"d","name":"Self"}}]}`
	rep, err := New().Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Components) != 3 {
		t.Fatalf("components %+v", rep.Components)
	}
	want := map[string]watchfire.ComponentStatus{"B": watchfire.StatusUnderMaintenance, "A / C": watchfire.StatusDegradedPerformance, "Self / d": watchfire.StatusPartialOutage}
	for ref, s := range want {
		if c := rep.Component(ref); c == nil || c.Status != s {
			t.Errorf("%s: %+v", ref, c)
		}
	}
}

func TestDetect(t *testing.T) {
	for page, want := range map[string]bool{
		"https://instatus.instatus.com": true,
		"https://acme.instatus.com/":    true,
		"https://status.perplexity.com": false,
	} {
		u, _ := url.Parse(page)
		if got := New().Detect(u); got != want {
			t.Errorf("Detect(%s) = %v", page, got)
		}
	}
}

// Current against a real HTTP server: summary and components merged.
func TestCurrent(t *testing.T) {
	srv := providertest.Server(t, map[string]providertest.Doc{
		SummaryPath:    {Body: providertest.Fixture(t, gcore)},
		ComponentsPath: {Body: providertest.Fixture(t, gcoreComps)},
	})
	rep, err := New().Current(context.Background(), providertest.Client(), srv)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if rep.Page.Name != "Gcore" || rep.Indicator != watchfire.IndicatorNone || len(rep.Components) != 3 || len(rep.Maintenances) != 2 {
		t.Errorf("report %+v", rep)
	}
	if _, err := New().History(context.Background(), providertest.Client(), srv); !errors.Is(err, provider.ErrNoHistory) {
		t.Errorf("History: %v", err)
	}

	// Without the components document, the summary alone.
	srv = providertest.Server(t, map[string]providertest.Doc{SummaryPath: {Body: providertest.Fixture(t, perplexity)}})
	rep, err = New().Current(context.Background(), providertest.Client(), srv)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Components) != 0 || len(rep.Incidents) != 1 || rep.Indicator != watchfire.IndicatorCritical {
		t.Errorf("summary only: %+v", rep)
	}
}

// Bad answers are errors, never panics.
func TestBadInput(t *testing.T) {
	good := providertest.Fixture(t, testingPage)
	comps := providertest.Fixture(t, gcoreComps)
	for name, docs := range map[string]map[string]providertest.Doc{
		"html summary":       {SummaryPath: {ContentType: "text/html; charset=utf-8", Body: []byte("<!DOCTYPE html><html><title>Not found</title></html>")}},
		"truncated summary":  {SummaryPath: {Body: good[:len(good)-40]}},
		"png summary":        {SummaryPath: {ContentType: "image/png", Body: good}},
		"latin-1 summary":    {SummaryPath: {Body: []byte("{\"page\":{\"name\":\"Caf\xe9\",\"status\":\"UP\"}}")}},
		"summary 500":        {SummaryPath: {Status: 500, Body: good}},
		"truncated comps":    {SummaryPath: {Body: good}, ComponentsPath: {Body: comps[:100]}},
		"html comps":         {SummaryPath: {Body: good}, ComponentsPath: {ContentType: "text/html", Body: []byte("<html>oops</html>")}},
		"comps 503":          {SummaryPath: {Body: good}, ComponentsPath: {Status: 503}},
		"statuspage summary": {SummaryPath: {Body: providertest.Fixture(t, "atlassian/githubstatus-summary-2022-11-25-packages-partial-outage.json")}},
	} {
		srv := providertest.Server(t, docs)
		if rep, err := New().Current(context.Background(), providertest.Client(), srv); err == nil {
			t.Errorf("%s: no error, report %+v", name, rep)
		}
	}
	for name, body := range map[string][]byte{
		"html":       []byte("<html><body>502 Bad Gateway</body></html>"),
		"truncated":  good[:len(good)/2],
		"latin-1":    []byte("{\"page\":{\"name\":\"Caf\xe9\",\"status\":\"UP\"}}"),
		"empty":      nil,
		"null":       []byte("null"),
		"lower":      []byte(`{"page":{"name":"x","status":"up"}}`),
		"bool group": []byte(`{"components":[{"id":"a","name":"A","status":"OPERATIONAL","group":true}]}`),
	} {
		if _, err := New().Parse(body); err == nil {
			t.Errorf("Parse(%s): no error", name)
		}
	}
}

// ParseAny tries every provider on an unknown payload: Statuspage's
// summary.json in particular looks much like Instatus's.
func TestRejectsOtherFormats(t *testing.T) {
	providertest.RejectsOthers(t, New(), "instatus/")
}

func FuzzParse(f *testing.F) {
	var seeds [][]byte
	for _, rel := range []string{testingPage, gcore, gcoreComps, perplexity} {
		seeds = append(seeds, providertest.Fixture(f, rel))
	}
	providertest.Fuzz(f, New(), seeds...)
}
