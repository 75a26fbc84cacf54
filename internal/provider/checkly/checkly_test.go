package checkly

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

const fixture = "other/mistral-checkly-statuspage-incidents-2026-07-27.json"

const apiDoc = "/api/status-page/mistral-ai/unresolved-incidents"

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// status.mistral.ai, 2026-07-27: one MEDIUM incident "Audio API
// Degraded" on the Audio API service, INVESTIGATING, one update.
func TestParseFixture(t *testing.T) {
	rep, err := New().Parse(providertest.Fixture(t, fixture))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if rep.Provider != Name || rep.Indicator != "" || len(rep.Maintenances) != 0 {
		t.Errorf("report %+v", rep)
	}
	if len(rep.Components) != 1 {
		t.Fatalf("components %+v", rep.Components)
	}
	c := rep.Components[0]
	if c.ID != "d8e1e02e-48a4-4d97-8168-a8aabc1c51fb" || c.Name != "Audio API" || c.Status != watchfire.StatusDegradedPerformance || c.VendorStatus != "MEDIUM" {
		t.Errorf("component %+v", c)
	}
	if len(rep.Incidents) != 1 {
		t.Fatalf("incidents %+v", rep.Incidents)
	}
	inc := rep.Incidents[0]
	if inc.ID != "b3e1006c-c3a7-4b1b-8628-3e364b2e3c71" || inc.Name != "Audio API Degraded" ||
		inc.Status != watchfire.IncidentInvestigating || inc.Impact != watchfire.ImpactMinor {
		t.Errorf("incident %s %q %s %s", inc.ID, inc.Name, inc.Status, inc.Impact)
	}
	if len(inc.Components) != 1 || inc.Components[0] != "Audio API" || inc.ResolvedAt != nil {
		t.Errorf("components %v resolved %v", inc.Components, inc.ResolvedAt)
	}
	if !inc.StartedAt.Equal(ts("2026-07-27T14:32:53.607Z")) || !inc.UpdatedAt.Equal(ts("2026-07-27T14:32:53.632Z")) {
		t.Errorf("started %v updated %v", inc.StartedAt, inc.UpdatedAt)
	}
	if len(inc.Updates) != 1 {
		t.Fatalf("updates %+v", inc.Updates)
	}
	// The update's date is publicIncidentUpdateDate, not created_at.
	if u := inc.Updates[0]; u.Status != "investigating" || !u.At.Equal(ts("2026-07-27T14:32:53.607Z")) ||
		u.Body != "Requests to the Audio API are experiencing degraded service. We are currently investigating." {
		t.Errorf("update %+v", u)
	}
	if rep.Overall() != watchfire.StatusDegradedPerformance {
		t.Errorf("overall %s", rep.Overall())
	}
}

func TestMapping(t *testing.T) {
	for sev, want := range map[string]struct {
		impact watchfire.Impact
		status watchfire.ComponentStatus
	}{
		"MINOR":    {watchfire.ImpactMinor, watchfire.StatusDegradedPerformance},
		"MEDIUM":   {watchfire.ImpactMinor, watchfire.StatusDegradedPerformance},
		"MAJOR":    {watchfire.ImpactMajor, watchfire.StatusPartialOutage},
		"CRITICAL": {watchfire.ImpactCritical, watchfire.StatusMajorOutage},
		"critical": {watchfire.ImpactCritical, watchfire.StatusMajorOutage},
		"SEVERE":   {watchfire.ImpactMinor, watchfire.StatusDegradedPerformance},
	} {
		if i, s := SeverityImpact(sev), SeverityStatus(sev); i != want.impact || s != want.status {
			t.Errorf("%s → %s %s, want %s %s", sev, i, s, want.impact, want.status)
		}
	}
	for st, want := range map[string]watchfire.IncidentStatus{
		"INVESTIGATING": watchfire.IncidentInvestigating, "IDENTIFIED": watchfire.IncidentIdentified,
		"MONITORING": watchfire.IncidentMonitoring, "RESOLVED": watchfire.IncidentResolved, "monitoring": watchfire.IncidentMonitoring,
	} {
		if got, ok := UpdateStatus(st); !ok || got != want {
			t.Errorf("UpdateStatus(%q) = %s %v", st, got, ok)
		}
	}
	if _, ok := UpdateStatus("MAINTENANCE"); ok {
		t.Error("MAINTENANCE is no incident status")
	}
	for host, want := range map[string]string{
		"status.mistral.ai": "mistral-ai", "STATUS.Example.COM.": "example-com", "acme.checklyhq.com": "acme",
	} {
		if got := GuessSlug(host); got != want {
			t.Errorf("GuessSlug(%q) = %q, want %q", host, got, want)
		}
	}
}

// Several incidents: the worst severity wins on a shared service, the
// newest update decides when lastUpdateStatus is missing, and an item
// posted as MAINTENANCE is a maintenance in progress.
func TestSeveralIncidents(t *testing.T) {
	body := `{"incidents":[
	{"id":"a","name":"Chat slow","severity":"MINOR","created_at":"2026-07-01T10:00:00Z","services":[{"id":"s1","name":"Chat"}],
	 "incidentUpdates":[{"status":"INVESTIGATING","description":"Looking.","created_at":"2026-07-01T10:00:00Z"},
	                    {"status":"MONITORING","description":"Fixed, watching.","publicIncidentUpdateDate":"2026-07-01T11:00:00Z","created_at":"2026-07-01T11:05:00Z"}]},
	{"id":"b","name":"Chat down","severity":"CRITICAL","created_at":"2026-07-01T10:30:00Z","lastUpdateStatus":"IDENTIFIED","services":[{"id":"s1","name":"Chat"},{"id":"s2","name":"API"}],"incidentUpdates":[]},
	{"id":"c","name":"Database upgrade","severity":"MINOR","created_at":"2026-07-01T09:00:00Z","services":[{"id":"s3","name":"Console"}],
	 "incidentUpdates":[{"status":"MAINTENANCE","description":"Upgrading.","created_at":"2026-07-01T09:00:00Z"}]}]}`
	rep, err := New().Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	want := map[string]watchfire.ComponentStatus{"Chat": watchfire.StatusMajorOutage, "API": watchfire.StatusMajorOutage, "Console": watchfire.StatusUnderMaintenance}
	if len(rep.Components) != 3 {
		t.Errorf("components %+v", rep.Components)
	}
	for _, c := range rep.Components {
		if want[c.Name] != c.Status {
			t.Errorf("%s = %s, want %s", c.Name, c.Status, want[c.Name])
		}
	}
	if len(rep.Incidents) != 2 || rep.Incidents[0].ID != "b" || rep.Incidents[1].ID != "a" {
		t.Fatalf("incidents %+v", rep.Incidents)
	}
	if rep.Incidents[0].Status != watchfire.IncidentIdentified || rep.Incidents[1].Status != watchfire.IncidentMonitoring {
		t.Errorf("statuses %s %s", rep.Incidents[0].Status, rep.Incidents[1].Status)
	}
	if u := rep.Incidents[1].Updates; len(u) != 2 || u[0].Status != "monitoring" || !u[0].At.Equal(ts("2026-07-01T11:00:00Z")) {
		t.Errorf("updates %+v", u)
	}
	if len(rep.Maintenances) != 1 || rep.Maintenances[0].Status != watchfire.MaintenanceInProgress || rep.Maintenances[0].Updates[0].Status != "in_progress" {
		t.Errorf("maintenances %+v", rep.Maintenances)
	}
	// Quiet: no incidents, nothing wrong.
	rep, err = New().Parse([]byte(`{"incidents":[]}`))
	if err != nil || rep.Overall() != watchfire.StatusOperational {
		t.Errorf("quiet page: %v %v", rep, err)
	}
}

func TestCurrent(t *testing.T) {
	page := providertest.Server(t, map[string]providertest.Doc{apiDoc: {Body: providertest.Fixture(t, fixture)}})
	p, c := New(), providertest.Client()
	for _, addr := range []string{
		"api/status-page/mistral-ai",
		"api/status-page/mistral-ai/",
		"api/status-page/mistral-ai/unresolved-incidents",
		"?checkly_slug=mistral-ai",
	} {
		u, _ := url.Parse(page.String() + addr)
		rep, err := p.Current(context.Background(), c, u)
		if err != nil {
			t.Errorf("Current(%s): %v", addr, err)
			continue
		}
		providertest.Check(t, rep)
		if len(rep.Incidents) != 1 || rep.Page.URL != u.String() {
			t.Errorf("Current(%s) = %+v", addr, rep)
		}
		if want := "http://" + page.Host + "/incidents/b3e1006c-c3a7-4b1b-8628-3e364b2e3c71"; rep.Incidents[0].URL != want {
			t.Errorf("incident URL %q, want %q", rep.Incidents[0].URL, want)
		}
	}
	// The host guess does not fit a loopback server: a 404, as a wrong
	// guess gets from a real page.
	if _, err := p.Current(context.Background(), c, page); err == nil {
		t.Error("Current(root) succeeded")
	}
	if _, err := p.History(context.Background(), c, page); !errors.Is(err, provider.ErrNoHistory) {
		t.Errorf("History = %v", err)
	}
}

func TestEndpoint(t *testing.T) {
	for page, want := range map[string]string{
		"https://status.mistral.ai/":                                                  "https://status.mistral.ai/api/status-page/mistral-ai/unresolved-incidents",
		"https://status.mistral.ai/incidents/x":                                       "https://status.mistral.ai/api/status-page/mistral-ai/unresolved-incidents",
		"https://status.example.com/?checkly_slug=acme-prod":                          "https://status.example.com/api/status-page/acme-prod/unresolved-incidents",
		"https://status.mistral.ai/api/status-page/mistral-ai/unresolved-incidents?x": "https://status.mistral.ai/api/status-page/mistral-ai/unresolved-incidents",
	} {
		u, _ := url.Parse(page)
		got, err := endpoint(u)
		if err != nil || got != want {
			t.Errorf("endpoint(%s) = %s %v, want %s", page, got, err, want)
		}
	}
	u, _ := url.Parse("https://status.example.com/?checkly_slug=../../admin")
	if _, err := endpoint(u); !errors.Is(err, provider.ErrFormat) {
		t.Errorf("a slug that leaves the API path: %v", err)
	}
	for addr, want := range map[string]bool{
		"https://acme.checklyhq.com/": true, "https://status.mistral.ai/api/status-page/mistral-ai": true,
		"https://status.example.com/?checkly_slug=x": true, "https://status.mistral.ai/": false,
	} {
		u, _ := url.Parse(addr)
		if New().Detect(u) != want {
			t.Errorf("Detect(%s) = %v", addr, !want)
		}
	}
}

func TestRejectsOtherFormats(t *testing.T) {
	providertest.RejectsOthers(t, New(), "other/mistral-checkly-")
	providertest.RejectsBodies(t, New(), `{}`, `[]`, `{"page":{},"incidents":[]}`, `{"incidents":[{"id":"x","name":"n","impact":"major"}]}`)
}

func TestBadInput(t *testing.T) {
	good := providertest.Fixture(t, fixture)
	cases := map[string]providertest.Doc{
		// A Nuxt app answers unknown routes with its HTML shell.
		"html page":          {ContentType: "text/html; charset=utf-8", Body: []byte(`<!DOCTYPE html><html><head><script>window.__NUXT__={}</script></head></html>`)},
		"truncated json":     {Body: good[:len(good)-40]},
		"wrong content type": {ContentType: "text/css", Body: good},
		"not utf-8":          {Body: []byte("{\"incidents\":[{\"id\":\"1\",\"name\":\"Audio \xe9\",\"severity\":\"MINOR\"}]}")},
		"not found":          {Status: 404, Body: []byte(`{"statusCode":404}`)},
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			page := providertest.Server(t, map[string]providertest.Doc{apiDoc: doc})
			u, _ := url.Parse(page.String() + "api/status-page/mistral-ai")
			if _, err := New().Current(context.Background(), providertest.Client(), u); err == nil {
				t.Error("Current succeeded")
			}
			if doc.Status == 0 && doc.ContentType != "text/css" {
				if _, err := New().Parse(doc.Body); err == nil {
					t.Error("Parse succeeded")
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	providertest.Fuzz(f, New(), providertest.Fixture(f, fixture),
		[]byte(`{"incidents":[{"id":1,"name":"m","severity":"MAINTENANCE","services":[{"name":"x"}],"incidentUpdates":[{"status":"RESOLVED"}]}]}`))
}
