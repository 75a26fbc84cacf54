package main

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

func closedPort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// The acceptance: a monitor pointed at a closed port turns its
// component red within 2 intervals, and an automatic incident appears.
func TestClosedPortTurnsRedAndOpensAnIncident(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		open, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer open.Close()
		go func() {
			for {
				c, err := open.Accept()
				if err != nil {
					return
				}
				go func() { time.Sleep(500 * time.Millisecond); c.Close() }()
			}
		}()
		cfg := writeFile(t, "m.yaml", fmt.Sprintf(`page: {name: Acme}
components:
  - {id: api, name: API Gateway}
  - {id: cache, name: Redis Cache}
  - {id: database, name: Database}
monitors:
  - {id: api-port, component: api, type: tcp, host: 127.0.0.1, port: %d, interval: 1s, timeout: 500ms}
  - {id: cache-port, component: cache, type: tcp, host: 127.0.0.1, port: %d, interval: 1s, timeout: 500ms}
  - {id: db-self, component: database, type: self, target: database, interval: 1s}
`, closedPort(t), open.Addr().(*net.TCPAddr).Port))
		in := start(t, dsn(t), cfg)

		// Two 1 s intervals, plus the 1 s flush of verdicts and some slack.
		deadline := time.Now().Add(4 * time.Second)
		var sum map[string]any
		for time.Now().Before(deadline) {
			sum = in.mustDo(200, "GET", "/api/v2/summary.json", nil)
			if componentStatus(sum, "api") == "major_outage" {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if got := componentStatus(sum, "api"); got != "major_outage" {
			t.Fatalf("api, monitored on a closed port, is %q after 2 intervals; want major_outage", got)
		}
		unresolved := in.mustDo(200, "GET", "/api/v2/incidents/unresolved.json", nil)["incidents"].([]any)
		if len(unresolved) != 1 {
			t.Fatalf("unresolved incidents = %d, want the automatic one", len(unresolved))
		}
		inc := unresolved[0].(map[string]any)
		if inc["name"] != "API Gateway is unavailable" || !strings.Contains(fmt.Sprint(inc["incident_updates"]), "connection refused") {
			t.Fatalf("automatic incident = %v", inc)
		}
		for _, id := range []string{"cache", "database"} {
			if got := componentStatus(sum, id); got != "operational" {
				t.Errorf("%s = %q, want operational", id, got)
			}
		}
		c := in.mustDo(200, "GET", "/api/v1/components/database", nil)
		if c["monitor_status"] != "operational" {
			t.Errorf("database monitor_status = %v, want operational from its self monitor", c["monitor_status"])
		}
		events := in.mustDo(200, "GET", "/api/v1/events?source=probe", nil)["events"].([]any)
		if len(events) == 0 {
			t.Fatal("no events from source probe")
		}

		// Results are stored in batches; uptime comes from the rollups.
		var results []any
		for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			results = in.mustDo(200, "GET", "/api/v1/monitors/api-port/results?limit=5", nil)["results"].([]any)
			if len(results) >= 2 {
				break
			}
		}
		if len(results) < 2 {
			t.Fatalf("stored results = %d, want at least 2", len(results))
		}
		first := results[0].(map[string]any)
		if first["ok"] != false || first["status"] != "down" || !strings.Contains(first["reason"].(string), "connection refused") {
			t.Fatalf("newest result = %v", first)
		}
		up := in.mustDo(200, "GET", "/api/v1/components/api/uptime?window=7d", nil)
		bars := up["bars"].([]any)
		last := bars[len(bars)-1].(map[string]any)
		if len(bars) != 7 || last["no_data"] != false || last["uptime"].(float64) != 0 || last["worst"] != "major_outage" {
			t.Fatalf("uptime bars: %d, today = %v; want 7 with today at 0 %% and major_outage", len(bars), last)
		}
		if first := bars[0].(map[string]any); first["no_data"] != true || first["uptime"] != nil {
			t.Fatalf("a day before the monitor existed = %v, want no data, never up", first)
		}
		if w := up["windows"].(map[string]any); w["24h"] == nil || w["24h"].(float64) != 0 {
			t.Fatalf("24h uptime = %v, want 0", w["24h"])
		}
		cache := in.mustDo(200, "GET", "/api/v1/components/cache/uptime?window=24h", nil)
		if w := cache["windows"].(map[string]any); w["24h"].(float64) != 100 {
			t.Fatalf("cache 24h uptime = %v, want 100", w["24h"])
		}
		lat := in.mustDo(200, "GET", "/api/v1/monitors/cache-port/latency?window=24h", nil)["points"].([]any)
		if len(lat) == 0 || lat[0].(map[string]any)["p99_ms"] == nil {
			t.Fatalf("latency series = %v", lat)
		}
		in.mustDo(404, "GET", "/api/v1/monitors/nope/results", nil)
		in.mustDo(400, "GET", "/api/v1/components/api/uptime?window=3w", nil)
	})
}

func TestCheckCommand(t *testing.T) {
	t.Parallel()
	open, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	cfg := writeFile(t, "c.yaml", fmt.Sprintf(`page: {name: Acme}
components: [{id: api, name: API}]
monitors:
  - {id: up, component: api, type: tcp, host: 127.0.0.1, port: %d, timeout: 300ms}
  - {id: down, component: api, type: tcp, host: 127.0.0.1, port: %d, timeout: 300ms}
  - {id: me, component: api, type: self}
`, open.Addr().(*net.TCPAddr).Port, closedPort(t)))
	out, _, err := runCmd(t, nil, "check", "--config", cfg)
	if err == nil || !strings.Contains(err.Error(), "1 of 3 monitors failed") {
		t.Fatalf("check error = %v, want 1 of 3 failed", err)
	}
	for _, want := range []string{"MONITOR", "up ", "down", "connection refused", "skipped"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runCmd(t, nil, "check", "--config", cfg, "--monitor", "up")
	if err != nil || strings.Contains(out, "down") {
		t.Fatalf("check --monitor up: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, nil, "check", "--config", cfg, "--monitor", "nope"); err == nil || !strings.Contains(err.Error(), "no monitor nope") {
		t.Fatalf("check --monitor nope: %v", err)
	}
}

func TestPrometheusMetrics(t *testing.T) {
	t.Parallel()
	cfg := writeFile(t, "p.yaml", `page: {name: Acme}
components: [{id: database, name: Database}]
monitors:
  - {id: db-self, component: database, type: self, target: database, interval: 1s}
`)
	in := start(t, "sqlite:"+t.TempDir()+"/p.db", cfg)
	deadline := time.Now().Add(4 * time.Second)
	var body string
	for time.Now().Before(deadline) {
		body = string(in.do("GET", "/metrics", nil).body)
		if strings.Contains(body, `watchfire_monitor_up{component="database",monitor="db-self"} 1`) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, want := range []string{
		`watchfire_monitor_up{component="database",monitor="db-self"} 1`,
		`watchfire_monitor_latency_seconds_bucket{monitor="db-self",le="0.005"}`,
		`watchfire_component_status{component="database",status="operational"} 1`,
		`watchfire_component_status{component="database",status="major_outage"} 0`,
		"watchfire_scheduler_checks_total ", "watchfire_scheduler_late_checks_total 0",
		"watchfire_scheduler_lag_seconds_bucket", "watchfire_monitors 1", "go_goroutines", "process_resident_memory_bytes",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// Editing the config file reloads it: new components and monitors appear,
// unchanged monitors keep going, and a broken edit is ignored.
func TestConfigReloadOnFileChange(t *testing.T) {
	t.Parallel()
	base := `page: {name: Acme}
components:
  - {id: database, name: Database}
monitors:
  - {id: db-self, component: database, type: self, target: database, interval: 1s}
`
	cfg := writeFile(t, "r.yaml", base)
	in := start(t, "sqlite:"+t.TempDir()+"/r.db", cfg)
	in.mustDo(404, "GET", "/api/v1/components/api", nil)

	broken := base + "  - {id: oops, component: nothing, type: self}\n"
	if err := os.WriteFile(cfg, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 6*time.Second, func() bool { return strings.Contains(in.stderr.String(), "config reload failed") })

	port := closedPort(t)
	grown := base + fmt.Sprintf("  - {id: api-port, component: api, type: tcp, host: 127.0.0.1, port: %d, interval: 1s, timeout: 300ms}\n", port)
	grown = strings.Replace(grown, "components:\n", "components:\n  - {id: api, name: API Gateway}\n", 1)
	if err := os.WriteFile(cfg, []byte(grown), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 8*time.Second, func() bool {
		r := in.do("GET", "/api/v1/components/api", nil)
		return r.status == 200 && strings.Contains(string(r.body), `"monitor_status":"major_outage"`)
	})
	if c := in.mustDo(200, "GET", "/api/v1/components/database", nil); c["monitor_status"] != "operational" {
		t.Fatalf("the unchanged monitor's component = %v after reload", c["monitor_status"])
	}
}

func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("condition not met within %s", d)
}
