// Command deps measures dependency polling in a real `watchfire serve`:
// N vendors' Statuspage pages served locally, each read every interval,
// while nothing changes upstream (so nearly every poll is a 304), and what
// that costs in CPU and memory next to the same server without them.
//
//	go run ./bench/deps                          # 1,000 pages at 60 s, 3 min window: about 20 minutes
//	go run ./bench/deps -short                   # 100 pages at 10 s, 30 s window: about 2 minutes
//	go run ./bench/deps -provider auto           # let the cascade find the provider
//	go run ./bench/deps -tls                     # the pages over HTTPS, as real ones are
//	go run ./bench/deps -watchfire ./watchfire   # an already built binary
//
// The vendor is this program run again as `deps -vendor`, in its own
// process so that its CPU is not counted. It serves N Atlassian Statuspage
// /api/v2/summary.json documents (each page its own name and 10
// components, about 5 KB) and an empty /api/v2/incidents.json, with a
// strong ETag and a Last-Modified, and answers 304 to a matching
// If-None-Match (or If-Modified-Since). Each page has its own host, one
// listener per page on 127.0.x.y (all of 127/8 is loopback on Linux), so
// Watchfire's per-host rate limit (2/s, bursts of 4) applies to each page
// alone as it does with real vendors. The vendor counts requests, 200s,
// 304s and new connections, and serves the counts on a stats address.
//
// Two servers are measured in turn, each in its own process on a fresh
// SQLite database: the reference, `watchfire serve` with one page and one
// component and nothing else to do; then the same config plus the N
// dependencies. The second is measured once every page has been read once
// (GET /api/v1/dependencies shows fetch.last_success_at for all; first
// reads are spread over the first interval) and, unless -history=false,
// once every page's history has been read too (first read 1 to 11 minutes
// after start, then daily), so that the window holds only the steady
// state. Over the window: the process's CPU (utime+stime from
// /proc/PID/stat), VmRSS every second and at the end, VmHWM (the peak
// since start, warm-up included), and the vendor's counts.
//
// Linux only (it reads /proc). Every process it starts is stopped on exit,
// on error and on Ctrl-C.
package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Limits from the issue.
const (
	limitCPU   = 10.0  // % of one core, on average, while nothing changes
	limitRSSMB = 150.0 // MB
)

// settle is the pause between "ready" (or "every page read") and the
// window, so that start-up work is not counted.
const settle = 10 * time.Second

// statsPath is where the vendor reports its counts, on its stats address.
const statsPath = "/__bench/stats"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	n        int
	duration time.Duration
	interval time.Duration
	provider string
	short    bool
	history  bool
	tls      bool
	binary   string

	// Vendor mode.
	vendor    bool
	cert, key string
}

func run(ctx context.Context) error {
	var o options
	flag.IntVar(&o.n, "n", 1000, "dependencies (vendor pages)")
	flag.DurationVar(&o.duration, "duration", 3*time.Minute, "measurement window")
	flag.DurationVar(&o.interval, "interval", 60*time.Second, "interval of every dependency (at least 10s)")
	flag.StringVar(&o.provider, "provider", "atlassian", "provider of every dependency: atlassian or auto")
	flag.BoolVar(&o.short, "short", false, "quick sanity run: -n 100 -duration 30s -interval 10s -history=false (flags given explicitly win)")
	flag.BoolVar(&o.history, "history", true, "wait until every page's history (incidents.json, first read 1 to 11 min after start) has been read before the window")
	flag.BoolVar(&o.tls, "tls", false, "serve the vendor pages over HTTPS (a throwaway CA, given to watchfire with SSL_CERT_FILE)")
	flag.StringVar(&o.binary, "watchfire", "", "watchfire binary (default: go build ./cmd/watchfire)")
	flag.BoolVar(&o.vendor, "vendor", false, "run as the fake vendor (used by the benchmark itself)")
	flag.StringVar(&o.cert, "cert", "", "vendor mode: TLS certificate (PEM)")
	flag.StringVar(&o.key, "key", "", "vendor mode: TLS key (PEM)")
	flag.Parse()
	if o.short {
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["n"] {
			o.n = 100
		}
		if !set["duration"] {
			o.duration = 30 * time.Second
		}
		if !set["interval"] {
			o.interval = 10 * time.Second
		}
		if !set["history"] {
			o.history = false
		}
	}
	if o.n < 1 || o.n > 250*254 {
		return errors.New("want 1 ≤ -n ≤ 63,500")
	}
	if o.vendor {
		return serveVendor(o)
	}
	if o.interval < 10*time.Second || o.duration < 5*time.Second {
		return errors.New("want -interval ≥ 10s (watchfire's minimum) and -duration ≥ 5s")
	}
	if o.provider != "atlassian" && o.provider != "auto" {
		return errors.New("want -provider atlassian or auto")
	}
	if runtime.GOOS != "linux" {
		return errors.New("this benchmark reads /proc and binds 127.0.x.y: Linux only")
	}

	dir, err := os.MkdirTemp("", "watchfire-bench-deps-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	if o.binary == "" {
		o.binary = filepath.Join(dir, "watchfire")
		fmt.Fprintln(os.Stderr, "building watchfire…")
		build := exec.CommandContext(ctx, "go", "build", "-o", o.binary, "./cmd/watchfire")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building watchfire: %w", err)
		}
	}

	var env []string // watchfire's extra environment
	if o.tls {
		ca, cert, key, err := writeCerts(dir, o.n)
		if err != nil {
			return err
		}
		o.cert, o.key = cert, key
		env = append(env, "SSL_CERT_FILE="+ca, "SSL_CERT_DIR=")
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	v, err := startVendor(ctx, self, o)
	if err != nil {
		return err
	}
	defer v.stop()
	fmt.Fprintf(os.Stderr, "vendor (pid %d): %d pages on %s … %s; stats on %s\n",
		v.cmd.Process.Pid, len(v.urls), v.urls[0], v.urls[len(v.urls)-1], v.stats)

	s := &session{o: o, dir: dir, env: env, v: v, clk: clockTicks()}
	fmt.Fprintf(os.Stderr, "\n1/2 reference: watchfire serve without dependencies\n")
	base, err := s.measure(ctx, "reference", false)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "\n2/2 watchfire serve with %d dependencies every %s\n", o.n, o.interval)
	deps, err := s.measure(ctx, "deps", true)
	if err != nil {
		return err
	}
	report(os.Stdout, o, base, deps)
	return nil
}

// session is what both measurements share.
type session struct {
	o   options
	dir string
	env []string
	v   *vendor
	clk float64
}

// measurement is one server's figures.
type measurement struct {
	deps      int
	ready     time.Duration // from start to /readyz
	warmup    time.Duration // from start to the window
	warmCPU   float64       // CPU seconds from start to the window
	window    time.Duration
	cpuSec    float64 // over the window
	rssEndKB  int64   // VmRSS at the end of the window
	rssMaxKB  int64   // the largest VmRSS sampled in the window
	rssAvgKB  int64
	hwmKB     int64              // VmHWM at the end: the peak since start
	machine   float64            // % of all cores busy during the window, every process included
	stats     vendorStats        // the vendor's counts over the window
	metrics   map[string]float64 // a few of GET /metrics, after the window
	failing   int                // dependencies with a fetch error after the window
	lastError string
	logLines  int
}

func (s *session) measure(ctx context.Context, name string, withDeps bool) (measurement, error) {
	o := s.o
	m := measurement{}
	if withDeps {
		m.deps = o.n
	}
	cfg := filepath.Join(s.dir, name+".yaml")
	if err := os.WriteFile(cfg, benchConfig(m.deps, o.interval, o.provider, s.v.urls), 0o644); err != nil {
		return m, err
	}
	vctx, cancel := context.WithTimeout(ctx, time.Minute)
	out, err := exec.CommandContext(vctx, o.binary, "config", "validate", "--config", cfg).CombinedOutput()
	cancel()
	if err != nil {
		return m, fmt.Errorf("watchfire config validate rejected the generated config (%v):\n%s", err, out)
	}

	logPath := filepath.Join(s.dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return m, err
	}
	defer logFile.Close()
	addr, err := freeAddr()
	if err != nil {
		return m, err
	}
	wf := exec.Command(o.binary, "--log-level", "warn", "serve", "--config", cfg,
		"--database", "sqlite:"+filepath.Join(s.dir, name+".db"), "--listen", addr)
	wf.Env = append(os.Environ(), s.env...)
	wf.Stdout, wf.Stderr = io.Discard, logFile
	wf.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	started := time.Now()
	if err := wf.Start(); err != nil {
		return m, err
	}
	p := newProc(wf)
	defer p.stop()
	pid := wf.Process.Pid
	failed := func(err error) error {
		if ctx.Err() != nil {
			return errors.New("interrupted")
		}
		return fmt.Errorf("%w\n--- end of watchfire's log ---\n%s", err, tail(logPath, 20))
	}
	base := "http://" + addr
	if err := waitReady(ctx, base+"/readyz", p, 2*time.Minute); err != nil {
		return m, failed(err)
	}
	m.ready = time.Since(started)
	fmt.Fprintf(os.Stderr, "watchfire (pid %d) ready in %s\n", pid, m.ready.Round(time.Millisecond))

	if withDeps {
		fmt.Fprintf(os.Stderr, "waiting until every page has been read once (first reads spread over %s)…\n", min(o.interval, time.Minute))
		if err := waitAllRead(ctx, base, p, o.n, min(o.interval, time.Minute)+3*time.Minute); err != nil {
			return m, failed(err)
		}
		fmt.Fprintf(os.Stderr, "every page read %s after start\n", time.Since(started).Round(time.Second))
		if o.history {
			fmt.Fprintf(os.Stderr, "waiting until every page's history has been read once (1 to 11 min after its first read)…\n")
			if err := s.waitHistory(ctx, p, o.n, min(o.interval, time.Minute)+15*time.Minute); err != nil {
				return m, failed(err)
			}
			fmt.Fprintf(os.Stderr, "every history read %s after start\n", time.Since(started).Round(time.Second))
		}
	}
	if err := sleep(ctx, p, settle); err != nil {
		return m, failed(err)
	}

	fmt.Fprintf(os.Stderr, "measuring for %s…\n", o.duration)
	st0, err := s.v.counts(ctx)
	if err != nil {
		return m, err
	}
	cpu0, err := cpuTicks(pid)
	if err != nil {
		return m, failed(err)
	}
	busy0, total0 := machineTicks()
	w0 := time.Now()
	m.warmup, m.warmCPU = w0.Sub(started), float64(cpu0)/s.clk
	var rssSum, rssN int64
	sample := func() error {
		kb, err := statusKB(pid, "VmRSS")
		if err != nil {
			return err
		}
		m.rssMaxKB = max(m.rssMaxKB, kb)
		rssSum += kb
		rssN++
		return nil
	}
	if err := sample(); err != nil {
		return m, failed(err)
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	deadline := time.NewTimer(o.duration)
	defer deadline.Stop()
sampling:
	for {
		select {
		case <-ctx.Done():
			return m, errors.New("interrupted")
		case <-p.exited:
			return m, failed(fmt.Errorf("watchfire exited during the window: %v", p.err))
		case <-tick.C:
			if err := sample(); err != nil {
				return m, failed(err)
			}
		case <-deadline.C:
			break sampling
		}
	}
	cpu1, err := cpuTicks(pid)
	if err != nil {
		return m, failed(err)
	}
	busy1, total1 := machineTicks()
	w1 := time.Now()
	if err := sample(); err != nil {
		return m, failed(err)
	}
	st1, err := s.v.counts(ctx)
	if err != nil {
		return m, err
	}
	m.window = w1.Sub(w0)
	m.cpuSec = float64(cpu1-cpu0) / s.clk
	m.rssAvgKB = rssSum / rssN
	if total1 > total0 {
		m.machine = 100 * float64(busy1-busy0) / float64(total1-total0)
	}
	m.rssEndKB, _ = statusKB(pid, "VmRSS")
	m.hwmKB, _ = statusKB(pid, "VmHWM")
	m.stats = st1.sub(st0)

	// After the window, so that these requests are not counted.
	m.metrics = scrapeMetrics(ctx, base, "go_memstats_heap_inuse_bytes", "go_memstats_sys_bytes", "go_goroutines", "process_open_fds")
	if withDeps {
		list, err := readDependencies(ctx, base)
		if err != nil {
			return m, failed(err)
		}
		for _, d := range list {
			if d.Fetch.LastError != "" {
				m.failing++
				m.lastError = d.ID + ": " + d.Fetch.LastError
			}
		}
	}
	p.stop()
	m.logLines = countLines(logPath)
	if m.logLines > 0 {
		fmt.Fprintf(os.Stderr, "watchfire logged %d line(s) at warn or above; the last:\n%s\n", m.logLines, tail(logPath, 3))
	}
	return m, nil
}

// report prints the table and the verdicts.
func report(w io.Writer, o options, base, deps measurement) {
	mb := func(kb int64) float64 { return float64(kb) / 1024 }
	pct := func(m measurement) float64 { return 100 * m.cpuSec / m.window.Seconds() }
	st := deps.stats
	summaries := st.SummaryOK + st.SummaryNotModified
	share := math.NaN()
	if summaries > 0 {
		share = 100 * float64(st.SummaryNotModified) / float64(summaries)
	}
	expected := float64(o.n) * deps.window.Seconds() / o.interval.Seconds()
	perMin := float64(st.Requests) / deps.window.Minutes()
	cpu, hwm := pct(deps), mb(deps.hwmKB)
	extra := deps.cpuSec - base.cpuSec*deps.window.Seconds()/base.window.Seconds()
	perPoll := math.NaN()
	if st.Requests > 0 {
		perPoll = extra / float64(st.Requests) * 1e6
	}
	scheme := "HTTP"
	if o.tls {
		scheme = "HTTPS"
	}

	fmt.Fprintf(w, "\n%s Statuspage pages (provider %s) over %s on loopback, each its own host, read every %s while nothing changes; %s window.\n",
		thousands(o.n), o.provider, scheme, o.interval, deps.window.Round(time.Second))
	fmt.Fprintf(w, "Machine: %d cores (%s/%s), %s. Watchfire on SQLite, --log-level warn; only its process is measured; the vendor runs in its own process.\n\n",
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintln(w, "| watchfire serve | window | CPU, % of one core | VmRSS at the end | RSS in the window, avg / max | peak RSS (VmHWM, warm-up included) | vendor requests in the window | 304 share |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	fmt.Fprintf(w, "| reference: 1 page, 1 component, no dependencies | %s | %.2f %% | %.0f MB | %.0f / %.0f MB | %.0f MB | – | – |\n",
		base.window.Round(time.Second), pct(base), mb(base.rssEndKB), mb(base.rssAvgKB), mb(base.rssMaxKB), mb(base.hwmKB))
	fmt.Fprintf(w, "| **the same + %s dependencies every %s** | %s | **%.2f %%** | %.0f MB | %.0f / %.0f MB | **%.0f MB** | %s (%.0f/min) | %s |\n",
		thousands(o.n), o.interval, deps.window.Round(time.Second), cpu, mb(deps.rssEndKB), mb(deps.rssAvgKB), mb(deps.rssMaxKB), hwm,
		thousands(int(st.Requests)), perMin, pct1(share))
	fmt.Fprintf(w, "| attributable to the dependencies | | %+.2f %% | %+.0f MB | | %+.0f MB | | |\n",
		cpu-pct(base), mb(deps.rssEndKB-base.rssEndKB), mb(deps.hwmKB-base.hwmKB))

	verdict := func(ok bool) string {
		if ok {
			return "**met**"
		}
		return "**missed**"
	}
	fmt.Fprintf(w, "\n- Limits: CPU ≤ %.0f %% of one core: %.2f %%, %s. RSS ≤ %.0f MB: peak %.0f MB (VmHWM), %s.\n",
		limitCPU, cpu, verdict(cpu <= limitCPU), limitRSSMB, hwm, verdict(hwm <= limitRSSMB))
	fmt.Fprintf(w, "- Polls in the window: %s expected (%s × %s / %s), %s summary.json requests: %s answered 304, %s answered 200; %s incidents.json, %s other (404); %s new connections.\n",
		thousands(int(math.Round(expected))), thousands(o.n), deps.window.Round(time.Second), o.interval,
		thousands(int(summaries)), thousands(int(st.SummaryNotModified)), thousands(int(st.SummaryOK)),
		thousands(int(st.Incidents)), thousands(int(st.Other)), thousands(int(st.Conns)))
	fmt.Fprintf(w, "- CPU per poll, above the reference: %s (%.3f CPU s over %s requests).\n",
		micro(perPoll), extra, thousands(int(st.Requests)))
	hist := ""
	if o.history {
		hist = ", and the first history reads"
	}
	fmt.Fprintf(w, "- Warm-up (start → window): reference %s and %.1f CPU s; with dependencies %s and %.1f CPU s (every first read, each a state change%s).\n",
		base.warmup.Round(time.Second), base.warmCPU, deps.warmup.Round(time.Second), deps.warmCPU, hist)
	for _, x := range []struct {
		name string
		m    measurement
	}{{"reference", base}, {"with dependencies", deps}} {
		mm := x.m.metrics
		if len(mm) == 0 {
			continue
		}
		fmt.Fprintf(w, "- After the window, %s: heap in use %.0f MB, obtained from the OS %.0f MB, %.0f goroutines, %.0f open file descriptors.\n",
			x.name, mm["go_memstats_heap_inuse_bytes"]/(1<<20), mm["go_memstats_sys_bytes"]/(1<<20), mm["go_goroutines"], mm["process_open_fds"])
	}
	fmt.Fprintf(w, "- The whole machine (%d cores, every process: watchfire, the vendor, this program and any other work) was %.1f %% busy during the reference's window and %.1f %% during the other.\n",
		runtime.NumCPU(), base.machine, deps.machine)
	if deps.failing > 0 {
		fmt.Fprintf(w, "- %d dependencies had a fetch error after the window; e.g. %s\n", deps.failing, deps.lastError)
	} else {
		fmt.Fprintf(w, "- No dependency had a fetch error after the window.\n")
	}
	if base.logLines+deps.logLines > 0 {
		fmt.Fprintf(w, "- Watchfire logged %d (reference) and %d (with dependencies) lines at warn or above.\n", base.logLines, deps.logLines)
	}
}

// benchConfig is one page with one component, and n dependencies, one per
// vendor page.
func benchConfig(n int, interval time.Duration, prov string, urls []string) []byte {
	var b strings.Builder
	b.WriteString("page: {id: bench, name: Bench Cloud, url: https://status.bench.test, time_zone: Europe/Paris}\n")
	b.WriteString("components:\n  - {id: api, name: API}\n")
	if n > 0 {
		b.WriteString("dependencies:\n")
	}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - {id: vendor-%05d, name: %q, url: %q, provider: %s, interval: %s}\n",
			i, pageName(i), urls[i], prov, interval)
	}
	return []byte(b.String())
}

// dependencyRow is what the benchmark reads of GET /api/v1/dependencies.
type dependencyRow struct {
	ID    string `json:"id"`
	Fetch struct {
		LastSuccessAt *time.Time `json:"last_success_at"`
		LastError     string     `json:"last_error"`
	} `json:"fetch"`
}

func readDependencies(ctx context.Context, base string) ([]dependencyRow, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/dependencies", nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("GET /api/v1/dependencies: %s: %s", resp.Status, body)
	}
	var out struct {
		Dependencies []dependencyRow `json:"dependencies"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("GET /api/v1/dependencies: %w", err)
	}
	return out.Dependencies, nil
}

// waitAllRead polls the dependency list until every dependency has been
// read successfully once.
func waitAllRead(ctx context.Context, base string, p *proc, n int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	last := -1
	for {
		list, err := readDependencies(ctx, base)
		if err != nil {
			return err
		}
		read, failing, example := 0, 0, ""
		for _, d := range list {
			if d.Fetch.LastSuccessAt != nil {
				read++
			}
			if d.Fetch.LastError != "" {
				failing, example = failing+1, d.ID+": "+d.Fetch.LastError
			}
		}
		if len(list) == n && read == n {
			return nil
		}
		if read != last {
			fmt.Fprintf(os.Stderr, "  %d/%d read\n", read, n)
			last = read
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %s, %d of %d dependencies read (%d listed); %d failing, e.g. %s", limit, read, n, len(list), failing, example)
		}
		if err := sleep(ctx, p, 2*time.Second); err != nil {
			return err
		}
	}
}

// waitHistory waits until the vendor has served every page's
// incidents.json once.
func (s *session) waitHistory(ctx context.Context, p *proc, n int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	last := int64(-1)
	for {
		st, err := s.v.counts(ctx)
		if err != nil {
			return err
		}
		if st.Incidents >= int64(n) {
			return nil
		}
		if st.Incidents/100 != last/100 {
			fmt.Fprintf(os.Stderr, "  %d/%d histories read\n", st.Incidents, n)
			last = st.Incidents
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %s, %d of %d histories read", limit, st.Incidents, n)
		}
		if err := sleep(ctx, p, 5*time.Second); err != nil {
			return err
		}
	}
}

// scrapeMetrics returns the named series of GET /metrics (those without
// labels); missing ones are left out.
func scrapeMetrics(ctx context.Context, base string, names ...string) map[string]float64 {
	out := map[string]float64{}
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/metrics", nil)
	if err != nil {
		return out
	}
	resp, err := client.Do(req)
	if err != nil {
		return out
	}
	defer resp.Body.Close()
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && want[f[0]] {
			if v, err := strconv.ParseFloat(f[1], 64); err == nil {
				out[f[0]] = v
			}
		}
	}
	return out
}

// The vendor.

// vendorStats are the vendor's counts since it started.
type vendorStats struct {
	Requests           int64 `json:"requests"`
	SummaryOK          int64 `json:"summary_200"`
	SummaryNotModified int64 `json:"summary_304"`
	Incidents          int64 `json:"incidents"` // incidents.json, 200 or 304
	Other              int64 `json:"other"`     // any other path: 404
	Conns              int64 `json:"conns"`     // connections accepted
}

func (a vendorStats) sub(b vendorStats) vendorStats {
	return vendorStats{a.Requests - b.Requests, a.SummaryOK - b.SummaryOK, a.SummaryNotModified - b.SummaryNotModified,
		a.Incidents - b.Incidents, a.Other - b.Other, a.Conns - b.Conns}
}

// vendor is the running vendor process.
type vendor struct {
	*proc
	stats string   // its stats address
	urls  []string // each page's root
}

func (v *vendor) counts(ctx context.Context) (vendorStats, error) {
	var st vendorStats
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+v.stats+statsPath, nil)
	if err != nil {
		return st, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return st, fmt.Errorf("reading the vendor's counts: %w", err)
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(&st)
	return st, err
}

// pageAddr is page i's listening address: 127.0.1.1, 127.0.1.2, … 127.0.1.250, 127.0.2.1, …
func pageAddr(i int) string {
	return fmt.Sprintf("127.0.%d.%d", 1+i/250, 1+i%250)
}

var (
	pageWords = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent",
		"Aperture", "Wonka", "Gringotts", "Vandelay", "Monarch", "Oscorp", "Nakatomi", "Dunder", "Pied Piper", "Massive Dynamic"}
	pageKinds = []string{"Cloud", "Pay", "Mail", "CDN", "Auth", "Search", "Queue", "Storage", "DNS", "Analytics",
		"Voice", "Maps", "Deploy", "Logs", "Chat", "Feature Flags", "Video", "Translate", "Vision", "Billing"}
	componentNames = []string{"API", "Dashboard", "Webhooks", "Authentication", "Billing", "Search", "Notifications", "CDN",
		"Database", "Email Delivery"}
)

// pageName is page i's distinct name.
func pageName(i int) string {
	name := pageWords[i%len(pageWords)] + " " + pageKinds[i/len(pageWords)%len(pageKinds)]
	if round := i / (len(pageWords) * len(pageKinds)); round > 0 {
		name += " " + strconv.Itoa(round+1)
	}
	return name
}

// statuspageID is a Statuspage-like id: 12 characters of [0-9a-z].
func statuspageID(r *mrand.Rand) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 12)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// document is one served document with its validators.
type document struct {
	body         []byte
	etag         string
	lastModified string
	modTime      time.Time
}

func newDocument(body []byte, mod time.Time) *document {
	sum := sha256.Sum256(body)
	return &document{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`,
		lastModified: mod.UTC().Format(http.TimeFormat), modTime: mod.Truncate(time.Second)}
}

// pageDocuments returns page i's summary.json and incidents.json, in
// Statuspage's shapes: every component operational, nothing open.
func pageDocuments(i int, root string, mod time.Time) (summary, incidents *document) {
	r := mrand.New(mrand.NewPCG(uint64(i), 42))
	id := statuspageID(r)
	at := mod.UTC().Format("2006-01-02T15:04:05.000Z")
	created := mod.UTC().AddDate(-3, 0, -i%365)
	type page struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		URL       string `json:"url"`
		TimeZone  string `json:"time_zone"`
		UpdatedAt string `json:"updated_at"`
	}
	type component struct {
		ID                 string  `json:"id"`
		Name               string  `json:"name"`
		Status             string  `json:"status"`
		CreatedAt          string  `json:"created_at"`
		UpdatedAt          string  `json:"updated_at"`
		Position           int     `json:"position"`
		Description        *string `json:"description"`
		Showcase           bool    `json:"showcase"`
		StartDate          string  `json:"start_date"`
		GroupID            *string `json:"group_id"`
		PageID             string  `json:"page_id"`
		Group              bool    `json:"group"`
		OnlyShowIfDegraded bool    `json:"only_show_if_degraded"`
	}
	pg := page{ID: id, Name: pageName(i), URL: root, TimeZone: "Etc/UTC", UpdatedAt: at}
	comps := make([]component, len(componentNames))
	for j, name := range componentNames {
		var desc *string
		if j%3 == 0 {
			d := name + " of " + pg.Name + ", in every region."
			desc = &d
		}
		c := created.Add(time.Duration(j) * 97 * time.Second)
		comps[j] = component{ID: statuspageID(r), Name: name, Status: "operational",
			CreatedAt: c.Format("2006-01-02T15:04:05.000Z"), UpdatedAt: at, Position: j + 1, Description: desc,
			Showcase: true, StartDate: c.Format("2006-01-02"), PageID: id}
	}
	sum, err := json.Marshal(map[string]any{
		"page":                   pg,
		"components":             comps,
		"incidents":              []any{},
		"scheduled_maintenances": []any{},
		"status":                 map[string]string{"indicator": "none", "description": "All Systems Operational"},
	})
	if err != nil {
		panic(err)
	}
	inc, err := json.Marshal(map[string]any{"page": pg, "incidents": []any{}})
	if err != nil {
		panic(err)
	}
	return newDocument(sum, mod), newDocument(inc, mod)
}

// notModified reports whether a conditional request may be answered 304:
// If-None-Match when present, else If-Modified-Since.
func (d *document) notModified(r *http.Request) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" || tag == d.etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !d.modTime.After(t)
	}
	return false
}

// serveVendor is the vendor process: it prints its stats address, one
// line per page root and "ready", then serves until its stdin closes.
func serveVendor(o options) error {
	var st struct {
		requests, summaryOK, summary304, incidents, other, conns atomic.Int64
	}
	var tlsConfig *tls.Config
	scheme := "http"
	if o.cert != "" {
		cert, err := tls.LoadX509KeyPair(o.cert, o.key)
		if err != nil {
			return err
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		scheme = "https"
	}
	statsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() {
		_ = http.Serve(statsLn, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(vendorStats{st.requests.Load(), st.summaryOK.Load(), st.summary304.Load(),
				st.incidents.Load(), st.other.Load(), st.conns.Load()})
		}))
	}()
	mod := time.Now().Add(-time.Hour)
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, "stats", statsLn.Addr())
	for i := 0; i < o.n; i++ {
		ln, err := net.Listen("tcp", pageAddr(i)+":0")
		if err != nil {
			return fmt.Errorf("page %d: %w", i, err)
		}
		root := scheme + "://" + ln.Addr().String()
		summary, incidents := pageDocuments(i, root, mod)
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			st.requests.Add(1)
			var d *document
			switch r.URL.Path {
			case "/api/v2/summary.json":
				d = summary
			case "/api/v2/incidents.json":
				d = incidents
				st.incidents.Add(1)
			default:
				st.other.Add(1)
				http.NotFound(w, r)
				return
			}
			hd := w.Header()
			hd.Set("ETag", d.etag)
			hd.Set("Last-Modified", d.lastModified)
			hd.Set("Cache-Control", "max-age=0, private, must-revalidate")
			hd.Set("Vary", "Accept-Encoding")
			if d.notModified(r) {
				if d == summary {
					st.summary304.Add(1)
				}
				w.WriteHeader(http.StatusNotModified)
				return
			}
			if d == summary {
				st.summaryOK.Add(1)
			}
			hd.Set("Content-Type", "application/json; charset=utf-8")
			hd.Set("Content-Length", strconv.Itoa(len(d.body)))
			_, _ = w.Write(d.body)
		})
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 5 * time.Minute,
			ConnState: func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					st.conns.Add(1)
				}
			}}
		if tlsConfig != nil {
			ln = tls.NewListener(ln, tlsConfig)
		}
		go func() { _ = srv.Serve(ln) }()
		fmt.Fprintln(out, root)
	}
	fmt.Fprintln(out, "ready")
	if err := out.Flush(); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// startVendor runs this program as the vendor and reads its addresses.
func startVendor(ctx context.Context, self string, o options) (*vendor, error) {
	args := []string{"-vendor", "-n", strconv.Itoa(o.n)}
	if o.cert != "" {
		args = append(args, "-cert", o.cert, "-key", o.key)
	}
	c := exec.Command(self, args...)
	c.Stderr = os.Stderr
	c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := c.StdinPipe() // closed when we exit: the vendor exits too
	if err != nil {
		return nil, err
	}
	stdout, err := c.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		return nil, err
	}
	p := newProc(c)
	p.stdin = stdin
	v := &vendor{proc: p}
	done := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "stats "):
				v.stats = strings.TrimPrefix(line, "stats ")
			case line == "ready":
				done <- nil
				_, _ = io.Copy(io.Discard, stdout)
				return
			default:
				v.urls = append(v.urls, line)
			}
		}
		done <- errors.New("the vendor did not start")
	}()
	select {
	case err := <-done:
		if err == nil && len(v.urls) == o.n && v.stats != "" {
			return v, nil
		}
		if err == nil {
			err = fmt.Errorf("the vendor announced %d pages, want %d", len(v.urls), o.n)
		}
		p.stop()
		return nil, err
	case <-time.After(time.Minute):
	case <-ctx.Done():
	}
	p.stop()
	return nil, errors.New("the vendor did not start")
}

// writeCerts writes a throwaway CA and a certificate for every page
// address, for -tls. It returns the files: CA, certificate, key.
func writeCerts(dir string, n int) (string, string, string, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", "", err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "watchfire bench CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return "", "", "", err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return "", "", "", err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", "", err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "vendor pages"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	for i := 0; i < n; i++ {
		tmpl.IPAddresses = append(tmpl.IPAddresses, net.ParseIP(pageAddr(i)))
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return "", "", "", err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", "", "", err
	}
	files := []struct {
		name, typ string
		der       []byte
	}{{"ca.pem", "CERTIFICATE", caDER}, {"cert.pem", "CERTIFICATE", der}, {"key.pem", "EC PRIVATE KEY", keyDER}}
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), 0o600); err != nil {
			return "", "", "", err
		}
		paths = append(paths, p)
	}
	return paths[0], paths[1], paths[2], nil
}

// Processes, from bench/monitors.

// proc is a started process and its end.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error
	stdin  io.Closer // the vendor's stdin: it exits when this closes
}

func newProc(c *exec.Cmd) *proc {
	p := &proc{cmd: c, exited: make(chan struct{})}
	go func() {
		p.err = c.Wait()
		close(p.exited)
	}()
	return p
}

// stop asks the process to end, and kills it after 10 s.
func (p *proc) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	if p.stdin != nil {
		_ = p.stdin.Close()
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

var client = &http.Client{Timeout: 30 * time.Second}

func waitReady(ctx context.Context, url string, p *proc, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return errors.New("interrupted")
		case <-p.exited:
			return fmt.Errorf("watchfire exited before it was ready: %v", p.err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not answer 200 within %s", url, limit)
}

func sleep(ctx context.Context, p *proc, d time.Duration) error {
	select {
	case <-ctx.Done():
		return errors.New("interrupted")
	case <-p.exited:
		if ctx.Err() != nil {
			return errors.New("interrupted")
		}
		return fmt.Errorf("watchfire exited: %v", p.err)
	case <-time.After(d):
		return nil
	}
}

// /proc, from bench/monitors.

// clockTicks is the unit of /proc/PID/stat times (getconf CLK_TCK).
func clockTicks() float64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err == nil {
		if v, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64); err == nil && v > 0 {
			return v
		}
	}
	return 100
}

// cpuTicks returns utime+stime of a process, in clock ticks.
func cpuTicks(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStat(string(data))
}

// parseStat reads utime and stime (fields 14 and 15) from /proc/PID/stat.
// The command name in parentheses may hold spaces, so fields are counted
// from its closing parenthesis.
func parseStat(s string) (int64, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("/proc/PID/stat: no command name")
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, errors.New("/proc/PID/stat: too few fields")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/PID/stat: %w", err)
	}
	return utime + stime, nil
}

// machineTicks returns the busy and total ticks of all cores, from the
// first line of /proc/stat: total = user+nice+system+idle+iowait+irq+softirq+steal.
func machineTicks() (busy, total int64) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0
	}
	for i, v := range f[1:9] {
		n, _ := strconv.ParseInt(v, 10, 64)
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total
}

// statusKB returns a kB field of /proc/PID/status (VmRSS, VmHWM).
func statusKB(pid int, name string) (int64, error) {
	v := statusField(pid, name)
	kb, err := strconv.ParseInt(strings.TrimSuffix(v, " kB"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("/proc/%d/status: %s %q", pid, name, v)
	}
	return kb, nil
}

// statusField returns a field of /proc/PID/status, "" when absent.
func statusField(pid int, name string) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func countLines(path string) int {
	data, _ := os.ReadFile(path)
	return strings.Count(string(data), "\n")
}

// Formatting.

func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func pct1(p float64) string {
	if math.IsNaN(p) {
		return "n/a"
	}
	return fmt.Sprintf("%.1f %%", p)
}

func micro(us float64) string {
	if math.IsNaN(us) || math.IsInf(us, 0) {
		return "n/a"
	}
	return thousands(int(math.Round(us))) + " µs"
}
