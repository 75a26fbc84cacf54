// Command summary measures the public read paths of a real `watchfire
// serve` (100 components in 10 groups, each with a monitor and 90 days of
// uptime, 50 incidents, 2 maintenances): GET /api/v2/summary.json, plain
// and gzipped, and the server-rendered HTML home page, gzipped, against a
// bare net/http handler that returns a fixed 4 KB JSON, in the same run,
// with wrk as the load generator.
//
//	go run ./bench/summary                 # builds watchfire, prints a markdown table
//	go run ./bench/summary -duration 30s -rounds 5
//
// Both servers run as separate processes on loopback, so they get the
// same treatment; the rounds alternate between them to spread out noise.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/store/sqlite"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "bare" {
		serveBare(os.Args[2], nil, false)
		return
	}
	if len(os.Args) > 3 && os.Args[1] == "bare-copy" {
		serveBare(os.Args[2], fetch(os.Args[3], false), false)
		return
	}
	if len(os.Args) > 3 && os.Args[1] == "bare-copy-gzip" {
		serveBare(os.Args[2], fetch(os.Args[3], true), true)
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// bareBody is a fixed 4 KB JSON document.
var bareBody = func() []byte {
	var b bytes.Buffer
	b.WriteString(`{"components":[`)
	for i := 0; b.Len() < 4096-64; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"c%03d","status":"operational"}`, i)
	}
	b.WriteString(`]}`)
	for b.Len() < 4096 {
		b.Truncate(b.Len() - 2)
		b.WriteString(` ]}`)
	}
	return b.Bytes()[:4096]
}()

// serveBare is the baseline: the least a Go HTTP server can do per
// request. With a body it serves that instead of the 4 KB one; gzipped
// says the body is already compressed.
func serveBare(addr string, body []byte, gzipped bool) {
	if body == nil {
		body = bareBody
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if gzipped {
			w.Header().Set("Content-Encoding", "gzip")
		}
		_, _ = w.Write(body)
	})
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type result struct {
	rps float64
	p99 time.Duration
}

func run() error {
	duration := flag.Duration("duration", 10*time.Second, "length of each wrk run")
	rounds := flag.Int("rounds", 3, "alternating rounds per target")
	conns := flag.Int("connections", 64, "concurrent connections")
	threads := flag.Int("threads", 2, "wrk threads")
	binary := flag.String("watchfire", "", "watchfire binary (default: go build ./cmd/watchfire)")
	flag.Parse()

	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not installed; on Debian: apt-get install wrk")
	}
	dir, err := os.MkdirTemp("", "watchfire-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	if *binary == "" {
		*binary = filepath.Join(dir, "watchfire")
		build := exec.Command("go", "build", "-o", *binary, "./cmd/watchfire")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building watchfire: %w", err)
		}
	}

	cfg := filepath.Join(dir, "bench.yaml")
	if err := os.WriteFile(cfg, benchConfig(), 0o644); err != nil {
		return err
	}
	db := "sqlite:" + filepath.Join(dir, "bench.db")
	tokenOut, err := exec.Command(*binary, "token", "create", "--name", "bench", "--config", cfg, "--database", db).Output()
	if err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	token := strings.TrimSpace(string(tokenOut))
	if err := fillUptime(filepath.Join(dir, "bench.db")); err != nil {
		return fmt.Errorf("filling 90 days of uptime: %w", err)
	}

	wfAddr, bareAddr, copyAddr := freeAddr(), freeAddr(), freeAddr()
	logFile, err := os.Create(filepath.Join(dir, "watchfire.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	wf := exec.Command(*binary, "serve", "--config", cfg, "--database", db, "--listen", wfAddr)
	wf.Stdout, wf.Stderr = logFile, logFile // the access log is on, as in production
	self, _ := os.Executable()
	bare := exec.Command(self, "bare", bareAddr)
	for _, c := range []*exec.Cmd{wf, bare} {
		if err := c.Start(); err != nil {
			return err
		}
		defer func(c *exec.Cmd) { _ = c.Process.Kill(); _, _ = c.Process.Wait() }(c)
	}
	for _, addr := range []string{wfAddr, bareAddr} {
		if err := waitUp("http://" + addr + "/"); err != nil {
			return err
		}
	}
	if err := seed("http://"+wfAddr, token); err != nil {
		return fmt.Errorf("seeding incidents: %w", err)
	}
	summaryURL := "http://" + wfAddr + "/api/v2/summary.json"
	// A second baseline serves the very bytes of summary.json from a bare
	// handler: the gap between it and the 4 KB one is the cost of size alone.
	bareCopy := exec.Command(self, "bare-copy", copyAddr, summaryURL)
	if err := bareCopy.Start(); err != nil {
		return err
	}
	defer func() { _ = bareCopy.Process.Kill(); _, _ = bareCopy.Process.Wait() }()
	if err := waitUp("http://" + copyAddr + "/"); err != nil {
		return err
	}
	plainSize, gzSize, err := sizes(summaryURL)
	if err != nil {
		return err
	}
	pageURL := "http://" + wfAddr + "/"
	pagePlain, pageGz, err := sizes(pageURL)
	if err != nil {
		return err
	}
	pageCopyAddr := freeAddr()
	pageCopy := exec.Command(self, "bare-copy-gzip", pageCopyAddr, pageURL)
	if err := pageCopy.Start(); err != nil {
		return err
	}
	defer func() { _ = pageCopy.Process.Kill(); _, _ = pageCopy.Process.Wait() }()
	if err := waitUp("http://" + pageCopyAddr + "/"); err != nil {
		return err
	}

	targets := []struct {
		name, url string
		gzip      bool
	}{
		{"bare net/http, fixed 4 KB JSON", "http://" + bareAddr + "/", false},
		{"bare net/http, the same bytes as summary.json", "http://" + copyAddr + "/", false},
		{"watchfire summary.json", summaryURL, false},
		{"watchfire summary.json, gzip", summaryURL, true},
		{"bare net/http, the same gzipped bytes as the home page", "http://" + pageCopyAddr + "/", true},
		{"watchfire home page (HTML), gzip", pageURL, true},
	}
	results := make([][]result, len(targets))
	for round := 0; round < *rounds; round++ {
		for i, t := range targets {
			r, err := wrk(t.url, t.gzip, *threads, *conns, *duration)
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			fmt.Fprintf(os.Stderr, "round %d  %-34s %9.0f req/s  p99 %v\n", round+1, t.name, r.rps, r.p99)
			results[i] = append(results[i], r)
		}
	}

	base := median(results[0])
	fmt.Printf("\nGET /api/v2/summary.json: 100 components in 10 groups, 50 incidents (3 unresolved), 2 maintenances.\n")
	fmt.Printf("Body: %d bytes plain, %d bytes gzipped. wrk -t%d -c%d -d%s, %d alternating rounds, median shown.\n",
		plainSize, gzSize, *threads, *conns, *duration, *rounds)
	fmt.Printf("Machine: %d cores (%s/%s), %s; server and wrk share it.\n\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Printf("Home page: 100 components with 90-day bars, %d bytes plain, %d bytes gzipped (limit 100 KB gzipped: %s).\n\n",
		pagePlain, pageGz, map[bool]string{true: "met", false: "**missed**"}[pageGz <= 100*1024])
	fmt.Println("| target | req/s | p99 | vs bare 4 KB | target met |")
	fmt.Println("|---|---:|---:|---:|---|")
	for i, t := range targets {
		if strings.Contains(t.name, "home page") {
			m := median(results[i])
			met := "baseline"
			if strings.HasPrefix(t.name, "watchfire") {
				met = map[bool]string{true: "yes (≥ 10,000 req/s)", false: "**no** (< 10,000 req/s)"}[m.rps >= 10000]
			}
			fmt.Printf("| %s | %.0f | %s | %.0f %% | %s |\n", t.name, m.rps, m.p99.Round(10*time.Microsecond), m.rps/base.rps*100, met)
			continue
		}
		m := median(results[i])
		ratio := m.rps / base.rps
		met := "baseline"
		if i > 1 {
			met = "yes (≥ 80 %, p99 < 10 ms)"
			if ratio < 0.8 || m.p99 >= 10*time.Millisecond {
				met = "**no** (≥ 80 %, p99 < 10 ms)"
			}
		}
		fmt.Printf("| %s | %.0f | %s | %.0f %% | %s |\n", t.name, m.rps, m.p99.Round(10*time.Microsecond), ratio*100, met)
	}
	return nil
}

// benchConfig declares 100 components in 10 groups, each with a
// heartbeat monitor that expects a beat a day: it needs no network and
// changes nothing during a run.
func benchConfig() []byte {
	var b strings.Builder
	b.WriteString("page: {id: bench, name: Bench Cloud, url: https://status.bench.test, time_zone: Europe/Paris}\ncomponents:\n")
	for g := 0; g < 10; g++ {
		for c := 0; c < 10; c++ {
			fmt.Fprintf(&b, "  - {id: c%d-%d, name: Component %d-%d, group: Group %d, description: Service %d of group %d}\n", g, c, g, c, g, c, g)
		}
	}
	b.WriteString("monitors:\n")
	for g := 0; g < 10; g++ {
		for c := 0; c < 10; c++ {
			fmt.Fprintf(&b, "  - {id: m%d-%d, component: c%d-%d, type: heartbeat, interval: 24h, grace: 1h, token: benchtoken%02d%02dabcdef}\n", g, c, g, c, g, c)
		}
	}
	return []byte(b.String())
}

// fillUptime writes 90 days of daily and a week of hourly rollups for
// every monitor, as if they had run every 30 s, with a few bad days.
func fillUptime(path string) error {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now().UTC()
	var rollups []store.Rollup
	for g := 0; g < 10; g++ {
		for c := 0; c < 10; c++ {
			id := fmt.Sprintf("m%d-%d", g, c)
			for d := 0; d < 90; d++ {
				day := store.Daily.Truncate(now).AddDate(0, 0, -d)
				ok := int64(2880)
				if (d+g*10+c)%37 == 0 {
					ok = 2600 // a bad day now and then
				}
				rollups = append(rollups, store.Rollup{MonitorID: id, Resolution: store.Daily, Start: day,
					Count: 2880, OK: ok, LatencySum: 2880 * 40 * time.Millisecond, LatencyMin: 20 * time.Millisecond, LatencyMax: 300 * time.Millisecond})
			}
			for h := 0; h < 7*24; h++ {
				hour := store.Hourly.Truncate(now).Add(-time.Duration(h) * time.Hour)
				rollups = append(rollups, store.Rollup{MonitorID: id, Resolution: store.Hourly, Start: hour,
					Count: 120, OK: 120, LatencySum: 120 * 40 * time.Millisecond, LatencyMin: 20 * time.Millisecond, LatencyMax: 300 * time.Millisecond})
			}
		}
	}
	return db.MergeRollups(ctx, rollups)
}

// seed creates 50 incidents with three updates each (47 resolved, 3 open)
// and two maintenances through the admin API.
func seed(base, token string) error {
	post := func(path string, body any) (map[string]any, error) {
		data, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(data))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			return nil, fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, out)
		}
		var v map[string]any
		return v, json.Unmarshal(out, &v)
	}
	for i := 0; i < 50; i++ {
		inc, err := post("/api/v1/incidents", map[string]any{
			"name": fmt.Sprintf("Elevated error rate on component %d", i),
			"body": "We are investigating elevated error rates. Some requests may fail.",
			"components": map[string]string{fmt.Sprintf("c%d-%d", i%10, i/10%10): "partial_outage",
				fmt.Sprintf("c%d-%d", (i+1)%10, i/10%10): "degraded_performance"},
		})
		if err != nil {
			return err
		}
		id := inc["id"].(string)
		if _, err := post("/api/v1/incidents/"+id+"/updates", map[string]any{
			"status": "identified", "body": "The cause is identified: a bad configuration push. We are rolling it back."}); err != nil {
			return err
		}
		if i >= 47 {
			continue
		}
		if _, err := post("/api/v1/incidents/"+id+"/resolve", map[string]any{"body": "Error rates are back to normal."}); err != nil {
			return err
		}
	}
	for i, status := range []string{"scheduled", "in_progress"} {
		m, err := post("/api/v1/maintenances", map[string]any{
			"name": fmt.Sprintf("Database maintenance %d", i), "body": "Routine maintenance.",
			"scheduled_for":   time.Now().Add(time.Duration(i) * time.Hour).UTC().Format(time.RFC3339),
			"scheduled_until": time.Now().Add(time.Duration(i+2) * time.Hour).UTC().Format(time.RFC3339),
			"components":      []string{fmt.Sprintf("c9-%d", i)},
		})
		if err != nil {
			return err
		}
		if status != "scheduled" {
			if _, err := post("/api/v1/maintenances/"+m["id"].(string)+"/updates", map[string]any{"status": status}); err != nil {
				return err
			}
		}
	}
	return nil
}

// fetch returns the body at url, as sent or gzipped, for the same-bytes
// baselines.
func fetch(url string, gzipped bool) []byte {
	req, _ := http.NewRequest("GET", url, nil)
	if gzipped {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return body
}

func sizes(url string) (plain, gz int, err error) {
	for _, enc := range []string{"", "gzip"} {
		req, _ := http.NewRequest("GET", url, nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			return 0, 0, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if enc == "" {
			plain = len(body)
		} else {
			gz = len(body)
		}
	}
	return plain, gz, nil
}

var (
	reqsRe = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	p99Re  = regexp.MustCompile(`\s99%\s+([0-9.]+)(us|ms|s)`)
	errRe  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)|Socket errors: .*`)
)

func wrk(url string, gzip bool, threads, conns int, d time.Duration) (result, error) {
	args := []string{"-t" + strconv.Itoa(threads), "-c" + strconv.Itoa(conns), "-d" + d.String(), "--latency"}
	if gzip {
		args = append(args, "-H", "Accept-Encoding: gzip")
	}
	ctx, cancel := context.WithTimeout(context.Background(), d+time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "wrk", append(args, url)...).CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	if m := errRe.FindString(string(out)); m != "" {
		return result{}, fmt.Errorf("wrk reported errors: %s\n%s", m, out)
	}
	rm, pm := reqsRe.FindSubmatch(out), p99Re.FindSubmatch(out)
	if rm == nil || pm == nil {
		return result{}, fmt.Errorf("could not parse wrk output:\n%s", out)
	}
	rps, _ := strconv.ParseFloat(string(rm[1]), 64)
	v, _ := strconv.ParseFloat(string(pm[1]), 64)
	unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(pm[2])]
	return result{rps: rps, p99: time.Duration(v * float64(unit))}, nil
}

func median(rs []result) result {
	rps := make([]float64, len(rs))
	p99 := make([]time.Duration, len(rs))
	for i, r := range rs {
		rps[i], p99[i] = r.rps, r.p99
	}
	sort.Float64s(rps)
	sort.Slice(p99, func(i, j int) bool { return p99[i] < p99[j] })
	return result{rps: rps[len(rps)/2], p99: p99[len(p99)/2]}
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitUp(url string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not come up", url)
}
