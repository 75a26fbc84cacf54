package betterstack

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const (
	trimmed     = "betterstack/betterstack-status-index-2026-09-07-operational-trimmed.json"
	huggingface = "betterstack/huggingface-betterstack-index-2026-07-19-downtime.json"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// capturedAt returns a provider whose clock reads the capture's time, so
// that upcoming maintenance is upcoming.
func capturedAt(s string) *betterStack {
	return &betterStack{now: func() time.Time { return at(s) }}
}

func parse(t *testing.T, p provider.Provider, rel string) *watchfire.UpstreamReport {
	t.Helper()
	rep, err := p.Parse(providertest.Fixture(t, rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	providertest.Check(t, rep)
	return rep
}

func TestEveryFixtureParses(t *testing.T) {
	for rel, body := range providertest.Fixtures(t, "betterstack") {
		rep, err := New().Parse(body)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		providertest.Check(t, rep)
		if rep.Provider != Name || len(rep.Components) == 0 {
			t.Errorf("%s: provider %q, %d components", rel, rep.Provider, len(rep.Components))
		}
	}
}

// Hugging Face, 2026-07-19: downtime (Spaces Proxy down), 5 sections,
// 8 resources, 5 reports: 3 manual resolved, 1 maintenance resolved, 1
// maintenance still to come (2026-07-22).
func TestHuggingFaceDowntime(t *testing.T) {
	rep := parse(t, capturedAt("2026-07-19T13:15:53Z"), huggingface)
	if rep.Indicator != watchfire.IndicatorCritical || rep.Description != "downtime" {
		t.Errorf("indicator %q %q", rep.Indicator, rep.Description)
	}
	if rep.Page.Name != "Hugging Face" || rep.Page.ID != "124692" || rep.Page.URL != "https://status.huggingface.co" ||
		rep.Page.TimeZone != "America/New_York" {
		t.Errorf("page %+v", rep.Page)
	}
	if !rep.UpdatedAt.Equal(at("2026-07-19T13:15:53.193Z")) {
		t.Errorf("updated %v", rep.UpdatedAt)
	}
	if len(rep.Components) != 8 {
		t.Fatalf("%d components", len(rep.Components))
	}
	down := 0
	for _, c := range rep.Components {
		if c.Status != watchfire.StatusOperational {
			down++
		}
	}
	if c := rep.Component("Spaces / Spaces Proxy"); c == nil || c.Status != watchfire.StatusMajorOutage || c.VendorStatus != "downtime" || down != 1 {
		t.Errorf("Spaces Proxy %+v, %d not operational", c, down)
	}
	// Page order: section by position, then resource by position.
	if first, last := rep.Components[0].FullName(), rep.Components[7].FullName(); first != "Current status by service / Huggingface Hub" || last != "Jobs / Jobs" {
		t.Errorf("order: first %q, last %q", first, last)
	}
	if rep.Overall() != watchfire.StatusMajorOutage {
		t.Errorf("overall %s", rep.Overall())
	}
	if len(rep.Incidents) != 0 {
		t.Errorf("%d open incidents, want 0 (all resolved)", len(rep.Incidents))
	}
	if len(rep.Maintenances) != 1 {
		t.Fatalf("%d maintenances", len(rep.Maintenances))
	}
	m := rep.Maintenances[0]
	if m.ID != "961899" || m.Name != "Scheduled maintenance: Inference Endpoints" || m.Status != watchfire.MaintenanceScheduled ||
		m.Impact != watchfire.ImpactMaintenance || !m.ScheduledFor.Equal(at("2026-07-22T07:00:00Z")) || !m.ScheduledUntil.Equal(at("2026-07-22T08:00:00Z")) {
		t.Errorf("maintenance %+v", m)
	}
	if strings.Join(m.Components, ",") != "Inference Endpoints UI,Inference Endpoints API" || len(m.Updates) != 1 ||
		!strings.Contains(m.Updates[0].Body, "endpoint management operations") {
		t.Errorf("maintenance components %v, updates %+v", m.Components, m.Updates)
	}

	// The same maintenance read during its window is in progress.
	rep = parse(t, capturedAt("2026-07-22T07:30:00Z"), huggingface)
	if rep.Maintenances[0].Status != watchfire.MaintenanceInProgress {
		t.Errorf("during the window: %s", rep.Maintenances[0].Status)
	}
}

func TestHuggingFaceHistory(t *testing.T) {
	x, err := decode(providertest.Fixture(t, huggingface))
	if err != nil {
		t.Fatal(err)
	}
	hist := x.incidents(true)
	if len(hist) != 3 {
		t.Fatalf("%d incidents", len(hist))
	}
	names := []string{hist[0].Name, hist[1].Name, hist[2].Name}
	if strings.Join(names, "|") != "Hub unavailable|Elevated error rate – AWS CDN (Singapore)|Data serving slowness in Asia region" {
		t.Errorf("order %q", names)
	}
	hub := hist[0]
	if hub.Status != watchfire.IncidentResolved || hub.Impact != watchfire.ImpactCritical || hub.ResolvedAt == nil ||
		!hub.ResolvedAt.Equal(at("2026-07-16T10:07:00Z")) || !hub.StartedAt.Equal(at("2026-07-16T08:30:00Z")) {
		t.Errorf("hub %+v", hub)
	}
	if strings.Join(hub.Components, ",") != "Huggingface Hub,Git Hosting and Serving,Inference Endpoints UI" {
		t.Errorf("hub components %v", hub.Components)
	}
	var statuses []string
	for _, u := range hub.Updates {
		statuses = append(statuses, u.Status)
	}
	if strings.Join(statuses, ",") != "resolved,degraded,downtime" {
		t.Errorf("hub update statuses %v", statuses)
	}
	if cdn := hist[1]; cdn.Impact != watchfire.ImpactMinor || len(cdn.Updates) != 2 {
		t.Errorf("cdn %+v", cdn)
	}
}

// The trimmed Better Stack page: relationships name a section, a resource
// and reports that included[] lacks; none of that is an error.
func TestTrimmed(t *testing.T) {
	rep := parse(t, New(), trimmed)
	if rep.Indicator != watchfire.IndicatorNone || rep.Page.TimeZone != "UTC" || rep.Page.URL != "https://status.betterstack.com" {
		t.Errorf("indicator %q, page %+v", rep.Indicator, rep.Page)
	}
	if len(rep.Components) != 3 || len(rep.Incidents) != 0 || len(rep.Maintenances) != 0 {
		t.Fatalf("%d components, %d incidents, %d maintenances", len(rep.Components), len(rep.Incidents), len(rep.Maintenances))
	}
	// "Better Stack " is written with a trailing space.
	if c := rep.Component("Better Stack / Better Stack"); c == nil || c.Status != watchfire.StatusOperational {
		t.Errorf("Better Stack: %+v", c)
	}
	if c := rep.Component("Uptime / Uptime backend processing health"); c == nil || c.Status != watchfire.StatusOperational || c.VendorStatus != "not_monitored" {
		t.Errorf("not monitored: %+v", c)
	}
	x, err := decode(providertest.Fixture(t, trimmed))
	if err != nil {
		t.Fatal(err)
	}
	hist := x.incidents(true)
	if len(hist) != 2 {
		t.Fatalf("history %d", len(hist))
	}
	eu := hist[0]
	if !eu.StartedAt.Equal(at("2026-09-04T13:50:00Z")) || len(eu.Updates) != 4 || eu.Updates[0].Status != "resolved" ||
		eu.Updates[3].Status != "degraded" || len(eu.Components) != 0 || eu.Impact != watchfire.ImpactMinor ||
		eu.ResolvedAt == nil || !eu.ResolvedAt.Equal(at("2026-09-06T19:13:00Z")) {
		t.Errorf("europe delay %+v", eu)
	}
	if older := hist[1]; len(older.Updates) != 0 || older.Status != watchfire.IncidentResolved {
		t.Errorf("report with its updates trimmed: %+v", older)
	}
}

// An open manual report is an open incident, its impact from its state.
func TestOpenReport(t *testing.T) {
	body := `{"data":{"id":"1","type":"status_page","attributes":{"company_name":"Acme","timezone":"Pacific Time (US & Canada)",
	  "subdomain":"acme","custom_domain":null,"aggregate_state":"degraded","updated_at":"2026-01-02T03:04:05Z"}},
	"included":[
	 {"id":"10","type":"status_page_section","attributes":{"name":"","position":0}},
	 {"id":"20","type":"status_page_resource","attributes":{"status_page_section_id":10,"public_name":"API","position":0,"status":"degraded"}},
	 {"id":"30","type":"status_report","attributes":{"title":"Slow API","report_type":"manual","starts_at":"2026-01-02 01:00:00",
	   "ends_at":null,"affected_resources":[{"status_page_resource_id":"20","status":"degraded"},{"status_page_resource_id":99,"status":"downtime"}],
	   "aggregate_state":"downtime"},"relationships":{"status_updates":{"data":[{"id":"40","type":"status_update"},{"id":"41","type":"status_update"}]}}},
	 {"id":"40","type":"status_update","attributes":{"message":"Looking","published_at":"2026-01-02T01:00:00-08:00","affected_resources":[]}},
	 {"id":"50","type":"something_new","attributes":{"x":1}}]}`
	rep, err := New().Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if rep.Indicator != watchfire.IndicatorMinor || rep.Page.URL != "https://acme.betteruptime.com" || rep.Page.TimeZone != "America/Los_Angeles" {
		t.Errorf("report %+v", rep)
	}
	if c := rep.Component("API"); c == nil || c.Group != "" || c.Status != watchfire.StatusDegradedPerformance {
		t.Errorf("API %+v", c)
	}
	if len(rep.Incidents) != 1 {
		t.Fatalf("%d incidents", len(rep.Incidents))
	}
	inc := rep.Incidents[0]
	// starts_at without an offset is read in the page's zone (PST, -8).
	if inc.Status != watchfire.IncidentInvestigating || inc.Impact != watchfire.ImpactCritical || inc.ResolvedAt != nil ||
		!inc.StartedAt.Equal(at("2026-01-02T09:00:00Z")) || strings.Join(inc.Components, ",") != "API" || len(inc.Updates) != 1 {
		t.Errorf("incident %+v", inc)
	}
}

func TestDetect(t *testing.T) {
	for page, want := range map[string]bool{
		"https://status.betterstack.com":   true,
		"https://acme.betteruptime.com/":   true,
		"https://status.huggingface.co":    false,
		"https://betterstack.com.evil.com": false,
	} {
		u, _ := url.Parse(page)
		if got := New().Detect(u); got != want {
			t.Errorf("Detect(%s) = %v", page, got)
		}
	}
}

// Current and History against a real HTTP server.
func TestCurrentAndHistory(t *testing.T) {
	srv := providertest.Server(t, map[string]providertest.Doc{IndexPath: {Body: providertest.Fixture(t, huggingface)}})
	page := srv.JoinPath("some", "path") // index.json is at the root whatever the page's path
	rep, err := New().Current(context.Background(), providertest.Client(), page)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Components) != 8 || rep.Indicator != watchfire.IndicatorCritical || len(rep.Maintenances) != 1 {
		t.Errorf("report %+v", rep)
	}
	hist, err := New().History(context.Background(), providertest.Client(), srv)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 || hist[0].Name != "Hub unavailable" {
		t.Errorf("history %+v", hist)
	}
}

// Bad answers are errors, never panics.
func TestBadInput(t *testing.T) {
	good := providertest.Fixture(t, trimmed)
	providertest.BadInput(t, New(), good, IndexPath)
	// A status page that is not there answers 404 with a JSON:API error.
	srv := providertest.Server(t, map[string]providertest.Doc{IndexPath: {Status: 404, Body: []byte(`{"errors":[{"title":"Not found"}]}`)}})
	if rep, err := New().Current(context.Background(), providertest.Client(), srv); err == nil {
		t.Errorf("Current 404: no error, report %+v", rep)
	}
	if _, err := New().History(context.Background(), providertest.Client(), srv); err == nil {
		t.Error("History 404: no error")
	}
	// Better Stack's own ways of being wrong.
	for name, body := range map[string]string{
		"html":          "<html><body>502 Bad Gateway</body></html>",
		"latin-1":       "{\"data\":{\"type\":\"status_page\",\"attributes\":{\"company_name\":\"Caf\xe9\",\"aggregate_state\":\"operational\"}}}",
		"other type":    `{"data":{"id":"1","type":"monitor","attributes":{"aggregate_state":"operational"}}}`,
		"no state":      `{"data":{"id":"1","type":"status_page","attributes":{"company_name":"x"}}}`,
		"data list":     `{"data":[{"id":"1","type":"status_page"}]}`,
		"bad attribute": `{"data":{"id":"1","type":"status_page","attributes":{"aggregate_state":"operational"}},"included":[{"id":"2","type":"status_page_resource","attributes":{"position":"first"}}]}`,
	} {
		if _, err := New().Parse([]byte(body)); err == nil {
			t.Errorf("Parse(%s): no error", name)
		}
	}
}

// ParseAny tries every provider on an unknown payload; Cachet's documents
// also have a data key.
func TestRejectsOtherFormats(t *testing.T) {
	providertest.RejectsOthers(t, New(), "betterstack/")
}

// FuzzParse is seeded with the fixtures less their 90-day status_history
// arrays, which Parse skips: the fuzzer minimizes every new input it finds
// interesting, and at 76 KB that minimizing would take the whole run.
func FuzzParse(f *testing.F) {
	var seeds [][]byte
	for _, rel := range []string{trimmed, huggingface} {
		var doc map[string]any
		if err := json.Unmarshal(providertest.Fixture(f, rel), &doc); err != nil {
			f.Fatal(err)
		}
		included, _ := doc["included"].([]any)
		for _, inc := range included {
			if attrs, ok := inc.(map[string]any)["attributes"].(map[string]any); ok {
				delete(attrs, "status_history")
			}
		}
		seed, err := json.Marshal(doc)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, seed)
	}
	providertest.Fuzz(f, New(), seeds...)
}
