package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const metricsConfig = `page: {id: acme, name: Acme}
components:
  - {id: api, name: API Gateway}
metrics:
  - id: error-rate
    name: API error rate
    unit: "%"
    target: "<= 0.5"
    component: api
    thresholds:
      - {above: 0.5, status: degraded_performance}
      - {above: 5, status: major_outage}
  - {id: latency, name: API response time, unit: ms, target: "< 100", capacity: 1000}
`

// Points pushed in Statuspage's shape are stored, listed with their target,
// and a threshold moves the component.
func TestMetricsPushAndThresholds(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		cfg := writeFile(t, "metrics.yaml", metricsConfig)
		in := start(t, dsn(t), cfg)
		in.createToken("collector")
		now := time.Now().Unix()

		in.mustDo(201, "POST", "/api/v1/pages/acme/metrics/error-rate/data",
			fmt.Sprintf(`{"data": {"timestamp": %d, "value": 0.9}}`, now))
		waitFor(t, 4*time.Second, func() bool {
			return componentStatus(in.mustDo(200, "GET", "/api/v2/summary.json", nil), "api") == "degraded_performance"
		})
		events := in.mustDo(200, "GET", "/api/v1/events?source=probe", nil)["events"].([]any)
		if !strings.Contains(fmt.Sprint(events), "API error rate is 0.9 %, above 0.5 %") {
			t.Errorf("no event says why: %v", events)
		}

		batch := fmt.Sprintf(`{"data": {"error-rate": [{"timestamp": %d, "value": 0.1}], "latency": [{"timestamp": %d, "value": 45}, {"timestamp": %d, "value": 120}]}}`,
			now+1, now-60, now)
		in.mustDo(201, "POST", "/api/v1/pages/acme/metrics/data", batch)
		waitFor(t, 4*time.Second, func() bool {
			return componentStatus(in.mustDo(200, "GET", "/api/v2/summary.json", nil), "api") == "operational"
		})

		list := in.mustDo(200, "GET", "/api/v1/metrics", nil)["metrics"].([]any)
		var latency map[string]any
		for _, m := range list {
			if m.(map[string]any)["id"] == "latency" {
				latency = m.(map[string]any)
			}
		}
		if latency == nil || latency["latest"].(map[string]any)["value"] != 120.0 || latency["target_met"] != false || latency["capacity"] != 1000.0 {
			t.Fatalf("latency metric = %v; want latest 120, target not met, capacity 1000", latency)
		}
		points := in.mustDo(200, "GET", "/api/v1/pages/acme/metrics/latency/data?window=24h", nil)["points"].([]any)
		if len(points) != 2 || points[0].(map[string]any)["value"] != 45.0 {
			t.Fatalf("points = %v, want 45 then 120", points)
		}

		for _, bad := range []struct {
			path, body string
			status     int
			message    string
		}{
			{"/api/v1/pages/acme/metrics/nope/data", fmt.Sprintf(`{"data":{"timestamp":%d,"value":1}}`, now), 404, `metric "nope" not found`},
			{"/api/v1/pages/other/metrics/latency/data", fmt.Sprintf(`{"data":{"timestamp":%d,"value":1}}`, now), 404, `page "other" not found`},
			{"/api/v1/pages/acme/metrics/latency/data", `{"data":{"value":1}}`, 400, "give both timestamp"},
			{"/api/v1/pages/acme/metrics/latency/data", fmt.Sprintf(`{"data":{"timestamp":%d,"value":1}}`, now+3600), 400, "in the future"},
			{"/api/v1/pages/acme/metrics/latency/data", fmt.Sprintf(`{"data":{"timestamp":%d,"value":1}}`, now-40*86400), 400, "more than 28 days old"},
			{"/api/v1/pages/acme/metrics/data", `{"data":{}}`, 400, "empty"},
		} {
			r := in.do("POST", bad.path, bad.body)
			msg := fmt.Sprint(r.json(t)["error"].(map[string]any)["message"])
			if r.status != bad.status || !strings.Contains(msg, bad.message) {
				t.Errorf("POST %s %s = %d %s; want %d with %q", bad.path, bad.body, r.status, r.body, bad.status, bad.message)
			}
		}
		in.token = ""
		if r := in.do("POST", "/api/v1/pages/acme/metrics/latency/data", fmt.Sprintf(`{"data":{"timestamp":%d,"value":1}}`, now)); r.status != 401 {
			t.Fatalf("a push without a token = %d, want 401", r.status)
		}
	})
}

// A metric pulled from Prometheus on an interval sets its component's
// status through its thresholds.
func TestMetricPulledFromPrometheus(t *testing.T) {
	t.Parallel()
	var queries atomic.Int64
	prom := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/query" || r.URL.Query().Get("query") != "sum(rate(http_errors_total[5m]))" {
			http.Error(w, "unexpected request "+r.URL.String(), http.StatusBadRequest)
			return
		}
		queries.Add(1)
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[%d.5,"7.5"]}]}}`, time.Now().Unix())
	}))
	defer prom.Close()
	cfg := writeFile(t, "pull.yaml", fmt.Sprintf(`page: {id: acme, name: Acme}
components: [{id: api, name: API Gateway}]
metrics:
  - id: error-rate
    name: API error rate
    unit: "%%"
    target: "<= 0.5"
    component: api
    thresholds: [{above: 5, status: major_outage}]
    source: {type: prometheus, url: %q, query: "sum(rate(http_errors_total[5m]))", interval: 1s, timeout: 500ms}
`, prom.URL))
	in := start(t, "sqlite:"+t.TempDir()+"/pull.db", cfg)
	waitFor(t, 5*time.Second, func() bool {
		return componentStatus(in.mustDo(200, "GET", "/api/v2/summary.json", nil), "api") == "major_outage"
	})
	m := in.mustDo(200, "GET", "/api/v1/metrics", nil)["metrics"].([]any)[0].(map[string]any)
	if m["source"] != "prometheus" || m["latest"].(map[string]any)["value"] != 7.5 || m["target_met"] != false {
		t.Fatalf("pulled metric = %v", m)
	}
	if queries.Load() == 0 {
		t.Fatal("Prometheus was never queried")
	}
	unresolved := in.mustDo(200, "GET", "/api/v2/incidents/unresolved.json", nil)["incidents"].([]any)
	if len(unresolved) != 1 || !strings.Contains(fmt.Sprint(unresolved[0]), "API error rate is 7.5 %, above 5 %") {
		t.Fatalf("no automatic incident with the metric's reason: %v", unresolved)
	}
}
