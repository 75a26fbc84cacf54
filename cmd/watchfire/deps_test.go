package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

// majorOutageVendor is a fake Atlassian page on loopback in a major
// outage: its Actions component down, an open critical incident, and a
// resolved one in its history.
func majorOutageVendor(t *testing.T) *httptest.Server {
	summary := `{"page":{"id":"p1","name":"GitHub","url":"https://www.githubstatus.com","time_zone":"Etc/UTC","updated_at":"2025-11-03T14:30:00Z"},
"components":[
 {"id":"a1","name":"Actions","status":"major_outage","created_at":"2020-01-01T00:00:00Z","updated_at":"2025-11-03T14:30:00Z","position":1,"description":null,"showcase":false,"start_date":null,"group_id":null,"page_id":"p1","group":false,"only_show_if_degraded":false},
 {"id":"g1","name":"Git Operations","status":"operational","created_at":"2020-01-01T00:00:00Z","updated_at":"2025-11-03T14:30:00Z","position":2,"description":null,"showcase":false,"start_date":null,"group_id":null,"page_id":"p1","group":false,"only_show_if_degraded":false}],
"incidents":[{"id":"inc1","name":"Actions is down","status":"identified","impact":"critical","created_at":"2025-11-03T14:00:00Z","updated_at":"2025-11-03T14:30:00Z","started_at":"2025-11-03T14:00:00Z","resolved_at":null,"shortlink":"https://stspg.io/x","page_id":"p1",
  "incident_updates":[{"id":"u2","status":"identified","body":"We found the cause.","created_at":"2025-11-03T14:30:00Z","updated_at":"2025-11-03T14:30:00Z","display_at":"2025-11-03T14:30:00Z","affected_components":[]},
   {"id":"u1","status":"investigating","body":"Actions jobs are not starting.","created_at":"2025-11-03T14:00:00Z","updated_at":"2025-11-03T14:00:00Z","display_at":"2025-11-03T14:00:00Z","affected_components":[]}],
  "components":[{"id":"a1","name":"Actions","status":"major_outage"}]}],
"scheduled_maintenances":[],"status":{"indicator":"critical","description":"Major System Outage"}}`
	incidents := `{"page":{"id":"p1","name":"GitHub","url":"https://www.githubstatus.com","time_zone":"Etc/UTC","updated_at":"2025-11-03T14:30:00Z"},
"incidents":[{"id":"old1","name":"Webhooks delayed","status":"resolved","impact":"minor","created_at":"2025-10-01T10:00:00Z","updated_at":"2025-10-01T11:00:00Z","started_at":"2025-10-01T10:00:00Z","resolved_at":"2025-10-01T11:00:00Z","shortlink":"https://stspg.io/y","page_id":"p1",
  "incident_updates":[{"id":"o1","status":"resolved","body":"Fixed.","created_at":"2025-10-01T11:00:00Z","updated_at":"2025-10-01T11:00:00Z","display_at":"2025-10-01T11:00:00Z","affected_components":[]}],"components":[]}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v2/summary.json":
			fmt.Fprint(w, summary)
		case "/api/v2/incidents.json":
			fmt.Fprint(w, incidents)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestDependencyInMajorOutage: a dependency whose page reports a major
// outage shows everywhere it should: the Statusphere API says DOWN with
// its incidents, Watchfire's API and page show the third-party component
// and the degraded component of ours with its reason, and `deps status`
// tells the person on call.
func TestDependencyInMajorOutage(t *testing.T) {
	t.Parallel()
	vendor := majorOutageVendor(t)
	cfg := writeFile(t, "watchfire.yaml", fmt.Sprintf(`
page: {name: Acme Cloud, time_zone: UTC}
components:
  - {id: pipeline, name: Data Pipeline}
dependencies:
  - id: github
    name: GitHub
    url: %s
    interval: 10s
    affects:
      - {component: pipeline, upstream_component: Actions}
`, vendor.URL))
	forEachBackend(t, func(t *testing.T, dsn func(t *testing.T) string) {
		db := dsn(t)
		in := start(t, db, cfg)
		var dep map[string]any
		deadline := time.Now().Add(15 * time.Second)
		for {
			dep = in.mustDo(200, "GET", "/api/v1/dependencies/github", nil)
			if dep["status"] != "unknown" || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if dep["status"] != "major_outage" || dep["detected_provider"] != "atlassian" || dep["indicator"] != "critical" {
			t.Fatalf("dependency = %v", dep)
		}
		if f := dep["fetch"].(map[string]any); f["last_success_at"] == nil || f["last_error"] != "" || f["next_poll_at"] == nil {
			t.Errorf("fetch health = %v", f)
		}

		// Statusphere's API.
		q := "statusPageUrl=" + vendor.URL + "/" // a trailing slash does not matter
		cs := in.mustDo(200, "GET", "/api/v1/currentStatus?"+q, nil)
		if cs["status"] != "DOWN" || cs["isOkay"] != false || cs["isIndexed"] != true {
			t.Errorf("currentStatus = %v, want DOWN", cs)
		}
		sp := in.mustDo(200, "GET", "/api/v1/statusPage?"+q, nil)["statusPage"].(map[string]any)
		if sp["name"] != "GitHub" || sp["isIndexed"] != true || sp["status"] != "DOWN" || sp["dependencyId"] != "github" {
			t.Errorf("statusPage = %v", sp)
		}
		byName := in.mustDo(200, "GET", "/api/v1/statusPage?statusPageName=github", nil)["statusPage"].(map[string]any)
		if byName["url"] != vendor.URL {
			t.Errorf("statusPage by name = %v, want the followed page", byName)
		}
		var incs []any
		deadline = time.Now().Add(15 * time.Second)
		for len(incs) < 1 && time.Now().Before(deadline) {
			incs = in.mustDo(200, "GET", "/api/v1/incidents?"+q, nil)["incidents"].([]any)
		}
		if len(incs) < 1 {
			t.Fatal("no incidents for the followed page")
		}
		first := incs[0].(map[string]any)
		if first["title"] != "Actions is down" || first["impact"] != "critical" || first["endTime"] != nil ||
			len(first["events"].([]any)) != 2 || first["statusPageUrl"] != vendor.URL {
			t.Errorf("incident = %v", first)
		}
		crit := in.mustDo(200, "GET", "/api/v1/incidents?"+q+"&impact=minor", nil)["incidents"].([]any)
		for _, i := range crit {
			if i.(map[string]any)["impact"] != "minor" {
				t.Errorf("impact filter let through %v", i)
			}
		}
		in.mustDo(400, "GET", "/api/v1/incidents?"+q+"&impact=huge", nil)
		in.mustDo(400, "GET", "/api/v1/currentStatus", nil)
		in.mustDo(404, "GET", "/api/v1/currentStatus?statusPageUrl=https://nowhere.invalid", nil)
		in.mustDo(400, "GET", "/api/v1/statusPage?statusPageUrl=x&statusPageName=y", nil)

		count := in.mustDo(200, "GET", "/api/v1/statusPages/count", nil)["statusPageCount"].(float64)
		all := in.mustDo(200, "GET", "/api/v1/statusPages", nil)["statusPages"].([]any)
		if count < 500 || int(count) != len(all) {
			t.Errorf("count %v, list %d", count, len(all))
		}
		found := in.mustDo(200, "GET", "/api/v1/statusPages/search?query=github", nil)["statusPages"].([]any)
		if len(found) == 0 || found[0].(map[string]any)["dependencyId"] != "github" {
			t.Errorf("search github = %v, want the followed page first", found)
		}
		stripe := in.mustDo(200, "GET", "/api/v1/statusPages/search?query=stripe", nil)["statusPages"].([]any)
		if len(stripe) == 0 || !strings.Contains(stripe[0].(map[string]any)["name"].(string), "Stripe") {
			t.Errorf("search stripe = %v", stripe)
		}
		if cs := in.mustDo(200, "GET", "/api/v1/currentStatus?statusPageUrl="+stripe[0].(map[string]any)["url"].(string), nil); cs["status"] != "UNKNOWN" {
			t.Errorf("a catalog page nobody follows: %v, want UNKNOWN", cs)
		}

		// Our side: the third-party component, and ours degraded with why.
		gh := in.mustDo(200, "GET", "/api/v1/components/github", nil)
		if gh["status"] != "major_outage" || gh["group_id"] != "third-party" {
			t.Errorf("github component = %v", gh)
		}
		pipe := in.mustDo(200, "GET", "/api/v1/components/pipeline", nil)
		if pipe["status"] != "degraded_performance" || pipe["upstream_reason"] != "Degraded: upstream GitHub Actions major outage" {
			t.Errorf("pipeline = %v", pipe)
		}
		if ind := in.mustDo(200, "GET", "/api/v2/status.json", nil)["status"].(map[string]any)["indicator"]; ind != "minor" {
			t.Errorf("our indicator = %v: a vendor's outage reaches it only through what it affects", ind)
		}
		home := in.do("GET", "/", nil)
		for _, want := range []string{"Third-party", "GitHub", "Upstream: GitHub Actions (major outage)"} {
			if !strings.Contains(string(home.body), want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		events := in.mustDo(200, "GET", "/api/v1/events?source=poller", nil)["events"].([]any)
		kinds := map[string]int{}
		for _, e := range events {
			kinds[e.(map[string]any)["kind"].(string)]++
		}
		if kinds["incident.created"] != 1 || kinds["component.status_changed"] < 3 {
			t.Errorf("poller events = %v", kinds)
		}

		// The person on call.
		out, _, err := runCmd(t, nil, "deps", "status", "--config", cfg, "--database", db)
		if err != nil || !strings.Contains(out, "github") || !strings.Contains(out, "major_outage") || !strings.Contains(out, "Actions: major outage") {
			t.Errorf("deps status: %v\n%s", err, out)
		}
		out, _, err = runCmd(t, nil, "deps", "status", "--json", "--config", cfg, "--database", db)
		var st struct {
			Dependencies []struct {
				ID, Status string
			}
		}
		if err != nil || json.Unmarshal([]byte(out), &st) != nil || len(st.Dependencies) != 1 || st.Dependencies[0].Status != "major_outage" {
			t.Errorf("deps status --json: %v\n%s", err, out)
		}

		// Through the API: add a page, see it, remove it.
		in.createToken("test")
		added := in.mustDo(201, "POST", "/api/v1/dependencies", map[string]any{"name": "Vendor Two", "url": vendor.URL + "/two", "provider": "directory"})
		if added["id"] != "vendor-two" || added["source"] != "api" {
			t.Errorf("added = %v", added)
		}
		in.mustDo(409, "POST", "/api/v1/dependencies", map[string]any{"id": "pipeline", "name": "X", "url": "https://x.test"})
		in.mustDo(400, "POST", "/api/v1/dependencies", map[string]any{"name": "X", "url": "https://x.test", "provider": "nope"})
		in.mustDo(400, "DELETE", "/api/v1/dependencies/github", nil)
		in.mustDo(204, "DELETE", "/api/v1/dependencies/vendor-two", nil)
		in.mustDo(404, "GET", "/api/v1/dependencies/vendor-two", nil)
	})
}

func TestDepsParse(t *testing.T) {
	t.Parallel()
	file := filepath.Join(providertest.FixturesDir(), "instatus", "perplexity-instatus-summary-2026-07-23-onemajoroutage.json")
	out, _, err := runCmd(t, nil, "deps", "parse", file)
	var rep struct {
		Provider, Status, Indicator string
		Incidents                   []struct{ Status, Impact string }
	}
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("deps parse: %v\n%s", err, out)
	}
	if rep.Provider != "instatus" || rep.Indicator != "critical" || len(rep.Incidents) != 1 || rep.Incidents[0].Status != "monitoring" {
		t.Errorf("deps parse = %+v", rep)
	}
	if _, _, err := runCmd(t, nil, "deps", "parse", "--provider", "slack", file); err == nil {
		t.Error("slack parsed an Instatus payload")
	}
	garbage := writeFile(t, "x.json", `{"hello": "world"}`)
	_, stderr, err := runCmd(t, nil, "deps", "parse", garbage)
	if err == nil || !strings.Contains(stderr, "atlassian:") {
		t.Errorf("an unknown payload: %v, stderr %s; want each provider's refusal listed", err, stderr)
	}
	_, _, err = runCmd(t, nil, "deps", "parse", "--provider", "nope", file)
	if err == nil || !strings.Contains(err.Error(), "use one of") {
		t.Errorf("unknown provider: %v", err)
	}
	vendor := majorOutageVendor(t)
	out, _, err = runCmd(t, nil, "deps", "parse", vendor.URL)
	if err != nil || !strings.Contains(out, `"provider": "atlassian"`) || !strings.Contains(out, `"status": "major_outage"`) {
		t.Errorf("deps parse URL: %v\n%s", err, out)
	}
}
