package statusio

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const (
	docker      = "statusio/docker-status-io-2020-07-16-partial-disruption.json"
	maintenance = "statusio/gitlab-status-io-2020-09-05-planned-maintenance.json"
	security    = "statusio/gitlab-status-io-2020-02-09-security-issue.json"
	operational = "statusio/gitlab-status-io-2026-10-01-all-operational.json"
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

func comp(t *testing.T, rep *watchfire.UpstreamReport, name string) *watchfire.UpstreamComponent {
	t.Helper()
	c := rep.Component(name)
	if c == nil {
		t.Fatalf("no component %q", name)
	}
	return c
}

// countStatus counts the report's components in a status.
func countStatus(rep *watchfire.UpstreamReport, s watchfire.ComponentStatus) int {
	n := 0
	for _, c := range rep.Components {
		if c.Status == s {
			n++
		}
	}
	return n
}

func TestEveryFixtureParses(t *testing.T) {
	for rel, body := range providertest.Fixtures(t, "statusio") {
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

// Docker, 2020-07-16: overall 400 "Partial Service Disruption", automated
// builds at 400, one incident being investigated.
func TestDockerPartialDisruption(t *testing.T) {
	rep := parse(t, docker)
	if rep.Indicator != watchfire.IndicatorMajor || rep.Description != "Partial Service Disruption" {
		t.Errorf("indicator %q %q", rep.Indicator, rep.Description)
	}
	if !rep.UpdatedAt.Equal(at("2020-07-16T17:22:25.333Z")) {
		t.Errorf("updated %v", rep.UpdatedAt)
	}
	if len(rep.Components) != 8 || countStatus(rep, watchfire.StatusOperational) != 7 {
		t.Errorf("%d components, %d operational", len(rep.Components), countStatus(rep, watchfire.StatusOperational))
	}
	c := comp(t, rep, "Docker Hub Automated Builds")
	if c.Status != watchfire.StatusPartialOutage || c.VendorStatus != "Partial Service Disruption" || c.ID != "5342bc9420974b775d000008" {
		t.Errorf("automated builds: %+v", c)
	}
	if rep.Overall() != watchfire.StatusPartialOutage {
		t.Errorf("overall %s", rep.Overall())
	}
	if len(rep.Incidents) != 1 || len(rep.Maintenances) != 0 {
		t.Fatalf("%d incidents, %d maintenances", len(rep.Incidents), len(rep.Maintenances))
	}
	inc := rep.Incidents[0]
	if inc.ID != "5f108cc06e9c9104c0553a46" || inc.Name != "Docker Hub automated builds issue" ||
		inc.Status != watchfire.IncidentInvestigating || inc.Impact != watchfire.ImpactMajor {
		t.Errorf("incident %+v", inc)
	}
	if !inc.StartedAt.Equal(at("2020-07-16T17:22:08.325Z")) || !inc.UpdatedAt.Equal(at("2020-07-16T17:22:08.369Z")) {
		t.Errorf("incident times %v %v", inc.StartedAt, inc.UpdatedAt)
	}
	if len(inc.Components) != 1 || inc.Components[0] != "Docker Hub Automated Builds" {
		t.Errorf("incident components %v", inc.Components)
	}
	if len(inc.Updates) != 1 || inc.Updates[0].Status != "investigating" || !strings.HasPrefix(inc.Updates[0].Body, "We are investigating") {
		t.Errorf("updates %+v", inc.Updates)
	}
}

// GitLab, 2020-09-05: overall 200 "Planned Maintenance", one active
// maintenance on dashboards.gitlab.com, one identified incident.
func TestGitLabPlannedMaintenance(t *testing.T) {
	rep := parse(t, maintenance)
	if rep.Indicator != watchfire.IndicatorMaintenance || rep.Description != "Planned Maintenance" {
		t.Errorf("indicator %q %q", rep.Indicator, rep.Description)
	}
	if len(rep.Components) != 15 || countStatus(rep, watchfire.StatusOperational) != 14 {
		t.Errorf("%d components", len(rep.Components))
	}
	if c := comp(t, rep, "dashboards.gitlab.com"); c.Status != watchfire.StatusUnderMaintenance {
		t.Errorf("dashboards: %+v", c)
	}
	if len(rep.Maintenances) != 1 {
		t.Fatalf("%d maintenances", len(rep.Maintenances))
	}
	m := rep.Maintenances[0]
	if m.Status != watchfire.MaintenanceInProgress || m.Impact != watchfire.ImpactMaintenance ||
		!m.ScheduledFor.Equal(at("2020-09-02T17:55:00Z")) || !m.ScheduledUntil.Equal(at("2020-09-07T17:55:00Z")) {
		t.Errorf("maintenance %+v", m)
	}
	if len(m.Components) != 1 || m.Components[0] != "dashboards.gitlab.com" {
		t.Errorf("maintenance components %v", m.Components)
	}
	if len(m.Updates) != 2 || m.Updates[0].Status != "in_progress" || m.Updates[1].Status != "scheduled" ||
		!m.Updates[0].At.Equal(at("2020-09-05T09:38:00Z")) {
		t.Errorf("maintenance updates %+v", m.Updates)
	}
	if len(rep.Incidents) != 1 {
		t.Fatalf("%d incidents", len(rep.Incidents))
	}
	inc := rep.Incidents[0]
	if inc.Status != watchfire.IncidentIdentified || inc.Impact != watchfire.ImpactMajor || len(inc.Updates) != 2 ||
		!inc.Updates[0].At.After(inc.Updates[1].At) || !inc.UpdatedAt.Equal(at("2020-09-05T09:23:23.591Z")) {
		t.Errorf("incident %+v", inc)
	}
}

// GitLab, 2020-02-09: overall 600 "Security Issue" on five components.
func TestGitLabSecurityIssue(t *testing.T) {
	rep := parse(t, security)
	if rep.Indicator != watchfire.IndicatorMajor || rep.Description != "Security Issue" {
		t.Errorf("indicator %q %q", rep.Indicator, rep.Description)
	}
	if len(rep.Components) != 13 || countStatus(rep, watchfire.StatusPartialOutage) != 5 {
		t.Errorf("%d components, %d partial", len(rep.Components), countStatus(rep, watchfire.StatusPartialOutage))
	}
	if c := comp(t, rep, "CI/CD"); c.VendorStatus != "Security Issue" {
		t.Errorf("CI/CD: %+v", c)
	}
	if len(rep.Incidents) != 1 {
		t.Fatalf("%d incidents", len(rep.Incidents))
	}
	inc := rep.Incidents[0]
	if inc.Status != watchfire.IncidentIdentified || inc.Impact != watchfire.ImpactMajor || len(inc.Components) != 5 {
		t.Errorf("incident %+v", inc)
	}
}

// GitLab, 2026-10-01: all operational, 23 components, nothing open.
func TestGitLabAllOperational(t *testing.T) {
	rep := parse(t, operational)
	if rep.Indicator != watchfire.IndicatorNone || rep.Description != "Operational" {
		t.Errorf("indicator %q %q", rep.Indicator, rep.Description)
	}
	if len(rep.Components) != 23 || countStatus(rep, watchfire.StatusOperational) != 23 {
		t.Errorf("%d components", len(rep.Components))
	}
	if len(rep.Incidents) != 0 || len(rep.Maintenances) != 0 {
		t.Errorf("%d incidents, %d maintenances", len(rep.Incidents), len(rep.Maintenances))
	}
	if rep.Overall() != watchfire.StatusOperational {
		t.Errorf("overall %s", rep.Overall())
	}
	if !rep.UpdatedAt.Equal(at("2026-10-01T12:12:07.169Z")) {
		t.Errorf("updated %v", rep.UpdatedAt)
	}
}

// A component is as bad as its worst container, even when its own code
// says otherwise.
func TestWorstContainer(t *testing.T) {
	body := `{"result":{"status_overall":{"status":"Operational","status_code":100},
	"status":[{"id":"a","name":"Runners","status":"Operational","status_code":100,
	  "containers":[{"id":"g","name":"GCE","status_code":100},{"id":"w","name":"AWS","status":"Service Disruption","status_code":500}]},
	  {"id":"b","name":"","status_code":100}]}}`
	rep, err := New().Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if c := comp(t, rep, "Runners"); c.Status != watchfire.StatusMajorOutage {
		t.Errorf("runners %+v", c)
	}
	if c := comp(t, rep, "b"); c.Status != watchfire.StatusOperational {
		t.Errorf("nameless component is named by its id: %+v", c)
	}
}

func TestEndpoint(t *testing.T) {
	p := &statusIO{api: "https://api.status.io"}
	for _, tc := range []struct{ page, id, api string }{
		{"https://api.status.io/1.0/status/5b36dc6502d06804c0834a06", "5b36dc6502d06804c0834a06", "https://api.status.io/1.0/status/5b36dc6502d06804c0834a06"},
		{"https://api.status.io/1.0/status/abc123/", "abc123", "https://api.status.io/1.0/status/abc123/"},
		{"https://status.gitlab.com/?statusio_page_id=5b36dc6502d06804c0834a06", "5b36dc6502d06804c0834a06", "https://api.status.io/1.0/status/5b36dc6502d06804c0834a06"},
		{"https://status.io/pages/5b36dc6502d06804c0834a06", "5b36dc6502d06804c0834a06", "https://api.status.io/1.0/status/5b36dc6502d06804c0834a06"},
		{"https://status.io/pages/history/5b36dc6502d06804c0834a06", "5b36dc6502d06804c0834a06", "https://api.status.io/1.0/status/5b36dc6502d06804c0834a06"},
	} {
		u, _ := url.Parse(tc.page)
		id, api, err := p.endpoint(u)
		if err != nil || id != tc.id || api != tc.api {
			t.Errorf("%s: %q %q %v", tc.page, id, api, err)
		}
	}
	for _, page := range []string{"https://status.gitlab.com/", "https://status.gitlab.com/?statusio_page_id=../../x", "https://api.status.io/1.0/status/"} {
		u, _ := url.Parse(page)
		if _, _, err := p.endpoint(u); !errors.Is(err, provider.ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", page, err)
		}
	}
}

func TestDetect(t *testing.T) {
	for page, want := range map[string]bool{
		"https://api.status.io/1.0/status/x": true,
		"https://status.io/pages/x":          true,
		"https://status.gitlab.com":          false,
		"https://notstatus.io":               false,
	} {
		u, _ := url.Parse(page)
		if got := New().Detect(u); got != want {
			t.Errorf("Detect(%s) = %v", page, got)
		}
	}
}

// Current against a real HTTP server: the API address itself, and a page
// address with the id in a query parameter.
func TestCurrent(t *testing.T) {
	const id = "533c6539221ae15e3f000001"
	srv := providertest.Server(t, map[string]providertest.Doc{
		"/1.0/status/" + id: {Body: providertest.Fixture(t, docker)},
	})
	page := srv.JoinPath("1.0", "status", id)
	rep, err := New().Current(context.Background(), providertest.Client(), page)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if rep.Page.ID != id || len(rep.Components) != 8 || len(rep.Incidents) != 1 || rep.Incidents[0].URL != "" {
		t.Errorf("report %+v", rep)
	}

	p := &statusIO{api: strings.TrimSuffix(srv.String(), "/")}
	human, _ := url.Parse(srv.String() + "?statusio_page_id=" + id)
	rep, err = p.Current(context.Background(), providertest.Client(), human)
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.String() + "pages/incident/" + id + "/5f108cc06e9c9104c0553a46"; rep.Incidents[0].URL != want {
		t.Errorf("incident URL %q, want %q", rep.Incidents[0].URL, want)
	}

	if _, err := New().History(context.Background(), providertest.Client(), page); !errors.Is(err, provider.ErrNoHistory) {
		t.Errorf("History: %v", err)
	}
}

// Bad answers are errors, never panics or empty reports.
func TestBadInput(t *testing.T) {
	good := providertest.Fixture(t, operational)
	bad := map[string]providertest.Doc{
		"/1.0/status/html":      {ContentType: "text/html", Body: []byte("<html><body>502 Bad Gateway</body></html>"), Status: 200},
		"/1.0/status/truncated": {Body: good[:len(good)/2]},
		"/1.0/status/png":       {ContentType: "image/png", Body: good},
		"/1.0/status/latin1":    {Body: []byte("{\"result\":{\"status_overall\":{\"status\":\"Op\xe9rational\",\"status_code\":100},\"status\":[]}}")},
		"/1.0/status/empty":     {Body: nil},
		"/1.0/status/error":     {Status: 500, Body: []byte(`{"status":{"error":"yes"}}`)},
	}
	srv := providertest.Server(t, bad)
	for path, doc := range bad {
		page := srv.JoinPath(strings.Split(strings.TrimPrefix(path, "/"), "/")...)
		if rep, err := New().Current(context.Background(), providertest.Client(), page); err == nil {
			t.Errorf("%s: no error, report %+v", path, rep)
		}
		if doc.Status == 0 && doc.ContentType == "" { // Parse sees bytes only, not the content type
			if _, err := New().Parse(doc.Body); err == nil {
				t.Errorf("Parse(%s): no error", path)
			}
		}
	}
}

// ParseAny tries every provider on an unknown payload: other formats must
// be refused with ErrFormat.
func TestRejectsOtherFormats(t *testing.T) {
	providertest.RejectsOthers(t, New(), "statusio/")
}

func FuzzParse(f *testing.F) {
	var seeds [][]byte
	for _, rel := range []string{docker, maintenance, security} {
		seeds = append(seeds, providertest.Fixture(f, rel))
	}
	providertest.Fuzz(f, New(), seeds...)
}
