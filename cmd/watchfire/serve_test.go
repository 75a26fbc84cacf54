package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The demo: `watchfire serve` with no config serves the example page.
func TestServeDemoListsComponents(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		in := start(t, dsn(t), "")
		sum := in.mustDo(200, "GET", "/api/v2/summary.json", nil)
		page := sum["page"].(map[string]any)
		if page["name"] != "Acme Cloud" {
			t.Fatalf("page.name = %v, want Acme Cloud", page["name"])
		}
		names := map[string]bool{}
		for _, c := range sum["components"].([]any) {
			names[c.(map[string]any)["name"].(string)] = true
		}
		for _, want := range []string{"API Gateway", "Database", "Core Platform"} {
			if !names[want] {
				t.Errorf("summary.json lacks %q; has %v", want, names)
			}
		}
		status := sum["status"].(map[string]any)
		if status["indicator"] != "none" || status["description"] != "All Systems Operational" {
			t.Errorf("status = %v, want none / All Systems Operational", status)
		}
		for _, path := range []string{"/api/v2/status.json", "/api/v2/components.json", "/api/v2/incidents.json",
			"/api/v2/incidents/unresolved.json", "/api/v2/scheduled-maintenances.json",
			"/api/v2/scheduled-maintenances/upcoming.json", "/api/v2/scheduled-maintenances/active.json",
			"/healthz", "/readyz"} {
			in.mustDo(200, "GET", path, nil)
		}
	})
}

// The incident lifecycle through the admin API, seen at once in the
// public API, with the events it wrote.
func TestIncidentLifecycle(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		in := start(t, dsn(t), "")
		in.createToken("test")
		before := in.mustDo(200, "GET", "/api/v2/status.json", nil)["page"].(map[string]any)["updated_at"]

		inc := in.mustDo(201, "POST", "/api/v1/incidents", map[string]any{
			"name": "Elevated API errors", "status": "investigating", "body": "We are **looking** into it.",
			"components": map[string]string{"api": "major_outage", "database": "degraded_performance"},
		})
		id := inc["id"].(string)
		if inc["impact"] != "critical" {
			t.Errorf("impact = %v, want critical (implied by major_outage)", inc["impact"])
		}

		sum := in.mustDo(200, "GET", "/api/v2/summary.json", nil)
		if got := componentStatus(sum, "api"); got != "major_outage" {
			t.Errorf("api status right after the commit = %q, want major_outage", got)
		}
		if got := componentStatus(sum, "database"); got != "degraded_performance" {
			t.Errorf("database status = %q, want degraded_performance", got)
		}
		if ind := sum["status"].(map[string]any)["indicator"]; ind != "critical" {
			t.Errorf("indicator = %v, want critical", ind)
		}
		if after := sum["page"].(map[string]any)["updated_at"]; after == before {
			t.Errorf("page.updated_at did not change after the commit (%v)", after)
		}
		unresolved := in.mustDo(200, "GET", "/api/v2/incidents/unresolved.json", nil)["incidents"].([]any)
		if len(unresolved) != 1 || unresolved[0].(map[string]any)["id"] != id {
			t.Fatalf("unresolved incidents = %v, want just %s", unresolved, id)
		}

		in.mustDo(201, "POST", "/api/v1/incidents/"+id+"/updates", map[string]any{
			"status": "monitoring", "body": "A fix is deployed.", "components": map[string]string{"api": "degraded_performance"},
		})
		sum = in.mustDo(200, "GET", "/api/v2/summary.json", nil)
		if got := componentStatus(sum, "api"); got != "degraded_performance" {
			t.Errorf("api after monitoring update = %q, want degraded_performance", got)
		}
		upd := sum["incidents"].([]any)[0].(map[string]any)["incident_updates"].([]any)
		if len(upd) != 2 || upd[0].(map[string]any)["status"] != "monitoring" {
			t.Fatalf("incident_updates = %v, want 2, newest (monitoring) first", upd)
		}

		resolved := in.mustDo(200, "POST", "/api/v1/incidents/"+id+"/resolve", map[string]any{"body": "All good."})
		if resolved["status"] != "resolved" || resolved["resolved_at"] == nil {
			t.Errorf("after resolve: status=%v resolved_at=%v", resolved["status"], resolved["resolved_at"])
		}
		sum = in.mustDo(200, "GET", "/api/v2/summary.json", nil)
		for _, c := range []string{"api", "database"} {
			if got := componentStatus(sum, c); got != "operational" {
				t.Errorf("%s after resolve = %q, want operational", c, got)
			}
		}
		if n := len(sum["incidents"].([]any)); n != 0 {
			t.Errorf("summary lists %d unresolved incidents after resolve", n)
		}
		all := in.mustDo(200, "GET", "/api/v2/incidents.json", nil)["incidents"].([]any)
		if len(all) != 1 || all[0].(map[string]any)["status"] != "resolved" {
			t.Errorf("incidents.json = %v, want the resolved incident", all)
		}

		events := in.mustDo(200, "GET", "/api/v1/events?source=api", nil)["events"].([]any)
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, e.(map[string]any)["kind"].(string))
		}
		got := strings.Join(kinds, ",")
		for _, want := range []string{"incident.created", "incident.updated", "incident.resolved", "component.status_changed"} {
			if !strings.Contains(got, want) {
				t.Errorf("events %s lack %s", got, want)
			}
		}
		if kinds[0] != "component.status_changed" && kinds[0] != "incident.resolved" {
			t.Errorf("events are not newest first: %v", kinds)
		}
	})
}

func componentStatus(summary map[string]any, id string) string {
	for _, c := range summary["components"].([]any) {
		m := c.(map[string]any)
		if m["id"] == id {
			return m["status"].(string)
		}
	}
	return ""
}

// Bad input: a clear JSON error, and nothing written.
func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		in := start(t, dsn(t), "")
		token := in.createToken("test")
		countEvents := func() int { return len(in.mustDo(200, "GET", "/api/v1/events?limit=1000", nil)["events"].([]any)) }
		before := countEvents()

		big := `{"name":"` + strings.Repeat("x", 1<<20) + `"}`
		tests := []struct {
			name, method, path string
			body               any
			headers            []string
			status             int
			code, message      string
		}{
			{"no token", "POST", "/api/v1/incidents", `{"name":"x"}`, []string{"Authorization", ""}, 401, "unauthorized", "Bearer"},
			{"wrong token", "POST", "/api/v1/incidents", `{"name":"x"}`, []string{"Authorization", "Bearer wf_nope"}, 401, "unauthorized", "not valid"},
			{"malformed JSON", "POST", "/api/v1/incidents", `{"name": "x",`, nil, 400, "invalid", "malformed JSON"},
			{"unknown field", "POST", "/api/v1/incidents", `{"name":"x","severity":"high"}`, nil, 400, "invalid", `unknown field "severity"`},
			{"wrong type", "POST", "/api/v1/incidents", `{"name":42}`, nil, 400, "invalid", "name: expected a string"},
			{"bad incident status", "POST", "/api/v1/incidents", `{"name":"x","status":"panicking"}`, nil, 400, "invalid", `"panicking" is not an incident status`},
			{"bad component status", "POST", "/api/v1/incidents", `{"name":"x","components":{"api":"broken"}}`, nil, 400, "invalid", `"broken" is not a component status`},
			{"bad impact", "POST", "/api/v1/incidents", `{"name":"x","impact":"huge"}`, nil, 400, "invalid", "not an impact"},
			{"unknown component", "POST", "/api/v1/incidents", `{"name":"x","components":{"apii":"major_outage"}}`, nil, 404, "not_found", `"apii" not found`},
			{"unknown incident", "POST", "/api/v1/incidents/nope/updates", `{"body":"x"}`, nil, 404, "not_found", "not found"},
			{"unknown page", "POST", "/api/v1/incidents", `{"name":"x","page_id":"nope"}`, nil, 404, "not_found", `page "nope"`},
			{"missing name", "POST", "/api/v1/incidents", `{}`, nil, 400, "invalid", "name: required"},
			{"too large", "POST", "/api/v1/incidents", big, nil, 413, "too_large", "larger than"},
			{"two values", "POST", "/api/v1/incidents", `{"name":"x"} {}`, nil, 400, "invalid", "more than one"},
			{"wrong content type", "POST", "/api/v1/incidents", `name=x`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", "application/json"},
			{"bad manual status", "PATCH", "/api/v1/components/api", `{"status":"meh"}`, nil, 400, "invalid", `"auto"`},
			{"unknown component patch", "PATCH", "/api/v1/components/nope", `{"name":"x"}`, nil, 404, "not_found", "not found"},
			{"maintenance window backwards", "POST", "/api/v1/maintenances", `{"name":"m","scheduled_for":"2030-01-02T00:00:00Z","scheduled_until":"2030-01-01T00:00:00Z"}`, nil, 400, "invalid", "must be after"},
			{"bad time", "POST", "/api/v1/maintenances", `{"name":"m","scheduled_for":"tomorrow"}`, nil, 400, "invalid", ""},
			{"duplicate component", "POST", "/api/v1/components", `{"id":"api","name":"API again"}`, nil, 409, "conflict", "already exists"},
			{"bad component id", "POST", "/api/v1/components", `{"id":"Not Valid","name":"x"}`, nil, 400, "invalid", "not a valid id"},
			{"unknown route", "GET", "/api/v1/nothing", nil, nil, 404, "not_found", "no route"},
			{"wrong method", "PUT", "/api/v1/incidents", `{}`, nil, 405, "method_not_allowed", "GET, POST"},
			{"unknown v2 document", "GET", "/api/v2/nothing.json", nil, nil, 404, "not_found", "summary.json"},
			{"bad limit", "GET", "/api/v1/events?limit=-3", nil, nil, 400, "invalid", "limit"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in.token = token
				r := in.do(tt.method, tt.path, tt.body, tt.headers...)
				if r.status != tt.status {
					t.Fatalf("status = %d, want %d; body %s", r.status, tt.status, r.body)
				}
				if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Fatalf("Content-Type = %q, want JSON", ct)
				}
				var e struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(r.body, &e); err != nil {
					t.Fatalf("error body is not {\"error\":{...}}: %s", r.body)
				}
				if e.Error.Code != tt.code || !strings.Contains(e.Error.Message, tt.message) || e.Error.Message == "" {
					t.Fatalf("error = %+v, want code %s and a message containing %q", e.Error, tt.code, tt.message)
				}
			})
		}
		in.token = token
		if after := countEvents(); after != before {
			t.Fatalf("bad requests wrote %d events", after-before)
		}
		if got := componentStatus(in.mustDo(200, "GET", "/api/v2/summary.json", nil), "api"); got != "operational" {
			t.Fatalf("api status changed to %q by rejected requests", got)
		}
	})
}

// Components: create, manual status override and its release, delete.
func TestComponentAdmin(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		in := start(t, dsn(t), "")
		in.createToken("test")
		c := in.mustDo(201, "POST", "/api/v1/components", map[string]any{
			"id": "billing", "name": "Billing", "group": "Core Platform", "description": "Invoices", "start_date": "2024-05-01"})
		if c["group_id"] != "core-platform" {
			t.Errorf("group_id = %v, want core-platform (the existing group by name)", c["group_id"])
		}
		sum := in.mustDo(200, "GET", "/api/v2/components.json", nil)
		var group map[string]any
		for _, x := range sum["components"].([]any) {
			if m := x.(map[string]any); m["id"] == "core-platform" {
				group = m
			}
		}
		if group == nil || group["group"] != true || !strings.Contains(fmt.Sprint(group["components"]), "billing") {
			t.Fatalf("group core-platform = %v, want group:true listing billing", group)
		}

		p := in.mustDo(200, "PATCH", "/api/v1/components/billing", map[string]any{"status": "partial_outage"})
		if p["status"] != "partial_outage" || p["manual_status"] != "partial_outage" {
			t.Fatalf("after PATCH status: %v / manual %v", p["status"], p["manual_status"])
		}
		if got := componentStatus(in.mustDo(200, "GET", "/api/v2/summary.json", nil), "billing"); got != "partial_outage" {
			t.Fatalf("summary shows billing %q, want partial_outage", got)
		}
		p = in.mustDo(200, "PATCH", "/api/v1/components/billing", map[string]any{"status": "auto"})
		if p["status"] != "operational" || p["manual_status"] != nil {
			t.Fatalf("after auto: status %v manual %v, want operational and null", p["status"], p["manual_status"])
		}
		in.mustDo(204, "DELETE", "/api/v1/components/billing", nil)
		in.mustDo(404, "GET", "/api/v1/components/billing", nil)
		if got := componentStatus(in.mustDo(200, "GET", "/api/v2/summary.json", nil), "billing"); got != "" {
			t.Fatalf("deleted component still in summary with status %q", got)
		}
	})
}

// Maintenances move the covered components to under_maintenance while
// they are in progress, and back when completed.
func TestMaintenanceLifecycle(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		in := start(t, dsn(t), "")
		in.createToken("test")
		m := in.mustDo(201, "POST", "/api/v1/maintenances", map[string]any{
			"name": "Database upgrade", "body": "Upgrading to the next major version.",
			"scheduled_for": "2030-01-05T02:00:00Z", "scheduled_until": "2030-01-05T03:00:00Z",
			"components": []string{"database"},
		})
		id := m["id"].(string)
		up := in.mustDo(200, "GET", "/api/v2/scheduled-maintenances/upcoming.json", nil)["scheduled_maintenances"].([]any)
		if len(up) != 1 {
			t.Fatalf("upcoming = %d maintenances, want 1", len(up))
		}
		in.mustDo(201, "POST", "/api/v1/maintenances/"+id+"/updates", map[string]any{"status": "in_progress"})
		sum := in.mustDo(200, "GET", "/api/v2/summary.json", nil)
		if got := componentStatus(sum, "database"); got != "under_maintenance" {
			t.Fatalf("database during maintenance = %q", got)
		}
		if ind := sum["status"].(map[string]any)["indicator"]; ind != "maintenance" {
			t.Errorf("indicator during maintenance = %v, want maintenance", ind)
		}
		if n := len(in.mustDo(200, "GET", "/api/v2/scheduled-maintenances/active.json", nil)["scheduled_maintenances"].([]any)); n != 1 {
			t.Errorf("active maintenances = %d, want 1", n)
		}
		done := in.mustDo(201, "POST", "/api/v1/maintenances/"+id+"/updates", map[string]any{"status": "completed"})
		if done["completed_at"] == nil {
			t.Error("completed_at not set")
		}
		if got := componentStatus(in.mustDo(200, "GET", "/api/v2/summary.json", nil), "database"); got != "operational" {
			t.Fatalf("database after maintenance = %q", got)
		}
	})
}

// ETag, 304 and gzip on the public API.
func TestConditionalAndCompressedReads(t *testing.T) {
	t.Parallel()
	in := start(t, "sqlite:"+t.TempDir()+"/w.db", "")
	r := in.do("GET", "/api/v2/summary.json", nil)
	etag := r.header.Get("ETag")
	if etag == "" || r.header.Get("Cache-Control") == "" {
		t.Fatalf("no ETag / Cache-Control: %v", r.header)
	}
	if r := in.do("GET", "/api/v2/summary.json", nil, "If-None-Match", etag); r.status != http.StatusNotModified || len(r.body) != 0 {
		t.Fatalf("If-None-Match = %d with %d bytes, want 304 and no body", r.status, len(r.body))
	}
	gz := in.do("GET", "/api/v2/summary.json", nil, "Accept-Encoding", "gzip")
	if gz.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip: %v", gz.header)
	}
	if plain := gunzip(t, gz.body); string(plain) != string(r.body) {
		t.Fatal("gzipped body differs from the plain one")
	}
	if gz.header.Get("ETag") == etag {
		t.Fatal("gzip and identity representations share an ETag")
	}
	if r := in.do("GET", "/api/v2/summary.json", nil, "Accept-Encoding", "gzip", "If-None-Match", gz.header.Get("ETag")); r.status != 304 {
		t.Fatalf("gzip ETag revalidation = %d, want 304", r.status)
	}
	if r := in.do("GET", "/api/v1/events", nil, "Accept-Encoding", "gzip"); r.header.Get("Content-Encoding") != "gzip" {
		t.Errorf("native API not gzipped: %v", r.header)
	}
	// A change produces a new ETag.
	in.createToken("t")
	in.mustDo(200, "PATCH", "/api/v1/components/api", map[string]any{"status": "degraded_performance"})
	if r := in.do("GET", "/api/v2/summary.json", nil, "If-None-Match", etag); r.status != 200 {
		t.Fatalf("after a change If-None-Match old ETag = %d, want 200", r.status)
	}
}

// The native API's reads carry validators too.
func TestNativeReadsRevalidate(t *testing.T) {
	t.Parallel()
	in := start(t, "sqlite:"+t.TempDir()+"/n.db", "")
	for _, path := range []string{"/api/v1/components", "/api/v1/pages", "/api/v1/components/api", "/api/v1/events"} {
		r := in.do("GET", path, nil)
		etag := r.header.Get("ETag")
		if r.status != 200 || etag == "" || r.header.Get("Cache-Control") != "no-cache" {
			t.Fatalf("%s: %d ETag %q Cache-Control %q", path, r.status, etag, r.header.Get("Cache-Control"))
		}
		if r2 := in.do("GET", path, nil, "If-None-Match", etag); r2.status != http.StatusNotModified || len(r2.body) != 0 {
			t.Fatalf("%s with If-None-Match: %d, %d bytes; want 304 and no body", path, r2.status, len(r2.body))
		}
	}
	in.createToken("t")
	if r := in.do("POST", "/api/v1/components", map[string]any{"name": "New"}); r.header.Get("ETag") != "" || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("a write response carries ETag %q / Cache-Control %q", r.header.Get("ETag"), r.header.Get("Cache-Control"))
	}
}

func TestNativeReadsGzipHaveTheirOwnETag(t *testing.T) {
	t.Parallel()
	in := start(t, "sqlite:"+t.TempDir()+"/g.db", "")
	plain := in.do("GET", "/api/v1/components", nil)
	gz := in.do("GET", "/api/v1/components", nil, "Accept-Encoding", "gzip")
	if gz.header.Get("Content-Encoding") != "gzip" || gz.header.Get("ETag") == plain.header.Get("ETag") {
		t.Fatalf("gzip ETag %q, plain %q: want distinct validators", gz.header.Get("ETag"), plain.header.Get("ETag"))
	}
	if string(gunzip(t, gz.body)) != string(plain.body) {
		t.Fatal("gzip body differs from the plain one")
	}
	if r := in.do("GET", "/api/v1/components", nil, "Accept-Encoding", "gzip", "If-None-Match", gz.header.Get("ETag")); r.status != http.StatusNotModified {
		t.Fatalf("revalidating the gzip ETag = %d, want 304", r.status)
	}
}
