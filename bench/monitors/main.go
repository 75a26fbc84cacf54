// Command monitors measures the monitor scheduler of a real `watchfire
// serve`: N HTTP monitors at one interval against a local target, and
// whether checks start on time, what CPU and memory that costs, and how
// that compares with Gatus.
//
//	go run ./bench/monitors                                    # 10,000 monitors at 30 s: about 3 minutes
//	go run ./bench/monitors -monitors 1000 -warmup 35s -window 60s
//	go run ./bench/monitors -watchfire ./watchfire              # an already built binary
//
// The target is a bare net/http server in a separate process (this program
// run again as `monitors target`) that answers 200 {"status":"ok"} on any
// path and counts the requests, so its CPU is not counted against
// Watchfire. Only the watchfire process is measured: CPU from the
// utime+stime of /proc/PID/stat at the start and end of the window, RSS
// from /proc/PID/status every second, and the scheduler's own counters and
// lag histogram from GET /metrics at the start and end of the window.
//
// Linux only (it reads /proc). Everything listens on 127.0.0.1, and every
// process it starts is stopped on exit, on error and on Ctrl-C.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
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

// Gatus, measured on the benchmark machine: 1,000 endpoints at 30 s.
const (
	gatusCPUPercent = 5.9
	gatusRSSMB      = 55.0
	gatusEndpoints  = 1000
	gatusInterval   = 30 * time.Second
)

// Targets from the issue.
const (
	targetOnTime = 99.9 // % of checks starting within 1 s of their due time
	targetCPU    = 30.0 // % of one core
	targetRSSMB  = 200.0
)

// countPath is where the target reports how many requests it has served;
// it is not counted itself.
const countPath = "/__bench/count"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "target" {
		serveTarget()
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// serveTarget is the monitored service: the least a Go HTTP server can do
// per request. It prints its address on stdout and exits when its stdin
// closes, so it never outlives the benchmark.
func serveTarget() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "target:", err)
		os.Exit(1)
	}
	var served atomic.Int64
	body := []byte(`{"status":"ok"}`)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == countPath {
			fmt.Fprint(w, served.Load())
			return
		}
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	// Idle connections are kept longer than any interval the benchmark
	// uses, so each monitor reuses its connection as it would in production.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 10 * time.Minute}
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	fmt.Println(ln.Addr().String())
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "target:", err)
		os.Exit(1)
	}
}

type options struct {
	monitors int
	interval time.Duration
	warmup   time.Duration
	window   time.Duration
	binary   string
}

func run(ctx context.Context) error {
	var o options
	flag.IntVar(&o.monitors, "monitors", 10000, "HTTP monitors")
	flag.DurationVar(&o.interval, "interval", 30*time.Second, "interval of every monitor")
	flag.DurationVar(&o.warmup, "warmup", 45*time.Second, "time from ready to the start of the window (every monitor should have run once)")
	flag.DurationVar(&o.window, "window", 120*time.Second, "measurement window")
	flag.StringVar(&o.binary, "watchfire", "", "watchfire binary (default: go build ./cmd/watchfire)")
	flag.Parse()
	if o.monitors < 1 || o.interval < time.Second || o.window < 5*time.Second || o.warmup < 0 {
		return errors.New("want -monitors ≥ 1, -interval ≥ 1s, -window ≥ 5s, -warmup ≥ 0")
	}
	if runtime.GOOS != "linux" {
		return errors.New("this benchmark reads /proc: Linux only")
	}
	if o.warmup < o.interval {
		fmt.Fprintf(os.Stderr, "note: -warmup %s is shorter than -interval %s: some monitors will make their first connection inside the window\n", o.warmup, o.interval)
	}
	clkTck := clockTicks()

	dir, err := os.MkdirTemp("", "watchfire-bench-monitors-")
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

	// The target.
	self, err := os.Executable()
	if err != nil {
		return err
	}
	target, targetAddr, err := startTarget(ctx, self)
	if err != nil {
		return err
	}
	defer target.stop()

	// The config, validated by watchfire itself.
	cfg := filepath.Join(dir, "monitors.yaml")
	if err := os.WriteFile(cfg, benchConfig(o.monitors, o.interval, targetAddr), 0o644); err != nil {
		return err
	}
	vctx, cancel := context.WithTimeout(ctx, time.Minute)
	out, err := exec.CommandContext(vctx, o.binary, "config", "validate", "--config", cfg).CombinedOutput()
	cancel()
	if err != nil {
		return fmt.Errorf("watchfire config validate rejected the generated config (%v):\n%s", err, out)
	}
	fmt.Fprint(os.Stderr, string(out))

	// Watchfire.
	logPath := filepath.Join(dir, "watchfire.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	wfAddr, err := freeAddr()
	if err != nil {
		return err
	}
	wf := exec.Command(o.binary, "--log-level", "warn", "serve", "--config", cfg,
		"--database", "sqlite:"+filepath.Join(dir, "bench.db"), "--listen", wfAddr)
	wf.Stdout, wf.Stderr = io.Discard, logFile // stdout is the "serving" banner; the log is stderr
	wf.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	started := time.Now()
	if err := wf.Start(); err != nil {
		return err
	}
	wfProc := newProc(wf)
	defer wfProc.stop()
	failed := func(err error) error { // with the end of watchfire's log
		if ctx.Err() != nil {
			return errors.New("interrupted")
		}
		return fmt.Errorf("%w\n--- end of watchfire's log ---\n%s", err, tail(logPath, 20))
	}
	base := "http://" + wfAddr
	if err := waitReady(ctx, base+"/readyz", wfProc, 2*time.Minute); err != nil {
		return failed(err)
	}
	pid := wf.Process.Pid
	fmt.Fprintf(os.Stderr, "watchfire (pid %d) ready in %s with %d monitors; target on %s (pid %d)\n",
		pid, time.Since(started).Round(time.Millisecond), o.monitors, targetAddr, target.cmd.Process.Pid)

	// Fail now, not after the warm-up, if /metrics is not there.
	first, _, _, err := scrape(ctx, base)
	if err != nil {
		return failed(err)
	}
	if int(first.monitors) != o.monitors {
		return failed(fmt.Errorf("watchfire_monitors is %g, want %d", first.monitors, o.monitors))
	}

	fmt.Fprintf(os.Stderr, "warming up for %s…\n", o.warmup)
	if err := sleep(ctx, wfProc, o.warmup); err != nil {
		return failed(err)
	}

	// The window. /metrics is scraped just outside the CPU window: with
	// 10,000 monitors a scrape is a few MB and is not the scheduler's work.
	fmt.Fprintf(os.Stderr, "measuring for %s…\n", o.window)
	m0, t0, _, err := scrape(ctx, base)
	if err != nil {
		return failed(err)
	}
	c0, err := targetCount(ctx, targetAddr)
	if err != nil {
		return err
	}
	cpu0, err := cpuTicks(pid)
	if err != nil {
		return failed(err)
	}
	tcpu0, _ := cpuTicks(target.cmd.Process.Pid)
	w0 := time.Now()
	var rssMax, rssSum, rssN int64
	sampleRSS := func() error {
		kb, err := rssKB(pid)
		if err != nil {
			return err
		}
		rssMax = max(rssMax, kb)
		rssSum += kb
		rssN++
		return nil
	}
	if err := sampleRSS(); err != nil {
		return failed(err)
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	deadline := time.NewTimer(o.window)
	defer deadline.Stop()
sampling:
	for {
		select {
		case <-ctx.Done():
			return errors.New("interrupted")
		case <-wfProc.exited:
			if ctx.Err() != nil {
				return errors.New("interrupted")
			}
			return failed(fmt.Errorf("watchfire exited during the window: %v", wfProc.err))
		case <-tick.C:
			if err := sampleRSS(); err != nil {
				return failed(err)
			}
		case <-deadline.C:
			break sampling
		}
	}
	if err := sampleRSS(); err != nil {
		return failed(err)
	}
	cpu1, err := cpuTicks(pid)
	if err != nil {
		return failed(err)
	}
	w1 := time.Now()
	tcpu1, _ := cpuTicks(target.cmd.Process.Pid)
	fds, _ := countFDs(pid)
	fdLimit := openFileLimit(pid)
	threads := statusField(pid, "Threads")
	m1, t1, scr, err := scrape(ctx, base)
	if err != nil {
		return failed(err)
	}
	c1, err := targetCount(ctx, targetAddr)
	if err != nil {
		return err
	}

	r := result{
		opt:       o,
		window:    w1.Sub(w0),
		cpuSec:    float64(cpu1-cpu0) / clkTck,
		targetCPU: float64(tcpu1-tcpu0) / clkTck,
		rssMaxMB:  float64(rssMax) / 1024,
		rssAvgMB:  float64(rssSum) / float64(rssN) / 1024,
		scrape:    t1.Sub(t0),
		m0:        m0, m1: m1,
		targetReq: c1 - c0,
		fds:       fds, fdLimit: fdLimit, threads: threads,
		logLines: countLines(logPath),
		scr:      scr,
	}
	r.print(os.Stdout)
	if lines := tail(logPath, 5); r.logLines > 0 {
		fmt.Printf("\nwatchfire logged %d line(s) at warn or above; the last:\n\n```\n%s\n```\n", r.logLines, lines)
	}
	return nil
}

// result is everything one run measured.
type result struct {
	opt       options
	window    time.Duration // the CPU and RSS window
	cpuSec    float64       // watchfire's CPU seconds over window
	targetCPU float64       // the target's, for information
	rssMaxMB  float64
	rssAvgMB  float64
	scrape    time.Duration // between the two /metrics scrapes (a little longer than window)
	m0, m1    snapshot
	targetReq int64
	fds       int
	fdLimit   string
	threads   string
	logLines  int
	scr       scrapeStats // the last GET /metrics
}

func (r result) print(w io.Writer) {
	o := r.opt
	d := r.scrape.Seconds()
	checks := r.m1.checks - r.m0.checks
	late := r.m1.late - r.m0.late
	skipped := r.m1.skipped - r.m0.skipped
	lag := r.m1.lag.sub(r.m0.lag)
	expected := float64(o.monitors) / o.interval.Seconds()
	rate := checks / d
	onTime := math.NaN()
	if checks > 0 {
		onTime = 100 * (1 - late/checks)
	}
	cpuPct := 100 * r.cpuSec / r.window.Seconds()
	perCheck := math.NaN() // µs of CPU per check
	if rate > 0 {
		perCheck = r.cpuSec / (rate * r.window.Seconds()) * 1e6
	}
	gatusPerCheck := gatusCPUPercent / 100 / (gatusEndpoints / gatusInterval.Seconds()) * 1e6
	goal := gatusPerCheck / 2

	var missed []string
	if !(onTime >= targetOnTime) {
		missed = append(missed, "on time")
	}
	if !(cpuPct <= targetCPU) {
		missed = append(missed, "CPU")
	}
	if !(r.rssMaxMB <= targetRSSMB) {
		missed = append(missed, "RSS")
	}
	if !(perCheck <= goal) {
		missed = append(missed, "½ Gatus per check")
	}
	if math.Abs(rate-expected) > 0.05*expected { // the other figures mean little then
		missed = append(missed, "checks/s")
	}
	met := "yes"
	if len(missed) > 0 {
		met = "**no**: " + strings.Join(missed, ", ")
	}

	p50, _ := lag.quantile(0.50)
	p99, _ := lag.quantile(0.99)
	pmax, _ := lag.maxBucket()
	meanLag := math.NaN()
	if lag.count > 0 {
		meanLag = lag.sum / lag.count
	}

	fmt.Fprintf(w, "\n%s HTTP monitors every %s against a local net/http target; %s warm-up, %s window.\n",
		thousands(o.monitors), o.interval, o.warmup, r.window.Round(time.Second))
	fmt.Fprintf(w, "Machine: %d cores (%s/%s), %s. Watchfire on SQLite, --log-level warn; only its process is measured.\n\n",
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintln(w, "| monitors | interval | window | checks/s expected | checks/s measured | on time (≥ 99.9 %) | lag p99 | CPU, % of one core (≤ 30 %) | max RSS (≤ 200 MB) | CPU per check (≤ 885 µs) | target met |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	fmt.Fprintf(w, "| %s | %s | %s | %.1f | %.1f | %s | %s | %.1f %% | %.0f MB | %s | %s |\n",
		thousands(o.monitors), o.interval, r.window.Round(time.Second), expected, rate,
		pct3(onTime), bound(p99, lag), cpuPct, r.rssMaxMB, micro(perCheck), met)

	fmt.Fprintf(w, "\n- Gatus, measured on this machine: %.1f %% of a core and %.0f MB for %s endpoints at %s = %.1f checks/s → %s of CPU per check; half its cost per check = ≤ %s.",
		gatusCPUPercent, gatusRSSMB, thousands(gatusEndpoints), gatusInterval, gatusEndpoints/gatusInterval.Seconds(), micro(gatusPerCheck), micro(goal))
	fmt.Fprintf(w, " Watchfire: %s per check (%.0f %% of Gatus's); %.1f KB of RSS per monitor (Gatus: %.1f KB per endpoint, both including the process's base).\n",
		micro(perCheck), 100*perCheck/gatusPerCheck, r.rssMaxMB*1024/float64(o.monitors), gatusRSSMB*1024/gatusEndpoints)
	fmt.Fprintf(w, "- Checks in the window: %.0f started, %.0f late (> 1 s), %.0f skipped (previous check still running). Lag p50 %s, p99 %s, max %s, mean %s.\n",
		checks, late, skipped, bound(p50, lag), bound(p99, lag), bound(pmax, lag), seconds(meanLag))
	fmt.Fprintf(w, "- Target: %.1f requests/s received (cross-check of checks/s); it used %.1f %% of a core, not counted above.\n",
		float64(r.targetReq)/d, 100*r.targetCPU/r.window.Seconds())
	fmt.Fprintf(w, "- Watchfire: RSS average %.0f MB, max %.0f MB; %d open file descriptors (limit %s); %s threads",
		r.rssAvgMB, r.rssMaxMB, r.fds, r.fdLimit, r.threads)
	if r.m1.goroutines >= 0 {
		fmt.Fprintf(w, "; %.0f goroutines", r.m1.goroutines)
	}
	fmt.Fprintf(w, "; %d of %d monitors reporting down at the end.\n", r.m1.down, r.m1.up)
	if m := r.m1; m.heap >= 0 && m.stack >= 0 && m.goSys >= 0 {
		fmt.Fprintf(w, "- Go memory at the end: heap in use %.0f MB, goroutine stacks %.0f MB, obtained from the OS %.0f MB.\n",
			m.heap/(1<<20), m.stack/(1<<20), m.goSys/(1<<20))
	}
	if r.scr.bytes > 0 {
		fmt.Fprintf(w, "- GET /metrics: %.1f MB, %s (scraped outside the CPU window).\n", float64(r.scr.bytes)/(1<<20), r.scr.took.Round(time.Millisecond))
	}
}

// benchConfig is one page, 100 components in 10 groups, and n HTTP
// monitors spread over the components.
func benchConfig(n int, interval time.Duration, target string) []byte {
	var b strings.Builder
	b.WriteString("page: {id: bench, name: Bench Cloud, url: https://status.bench.test, time_zone: Europe/Paris}\ncomponents:\n")
	for g := 0; g < 10; g++ {
		for c := 0; c < 10; c++ {
			fmt.Fprintf(&b, "  - {id: c%d-%d, name: Component %d-%d, group: Group %d}\n", g, c, g, c, g)
		}
	}
	b.WriteString("monitors:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - {id: m%05d, component: c%d-%d, type: http, url: \"http://%s/health/%d\", interval: %s, timeout: 5s, expect: {status: [200], body_contains: ok}}\n",
			i, i%100/10, i%10, target, i, interval)
	}
	return []byte(b.String())
}

// proc is a started process and its end.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error
	stdin  io.Closer // the target's stdin: it exits when this closes
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

// startTarget runs this program as the target and reads its address.
func startTarget(ctx context.Context, self string) (*proc, string, error) {
	c := exec.Command(self, "target")
	c.Stderr = os.Stderr
	c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := c.StdinPipe() // closed when we exit: the target exits too
	if err != nil {
		return nil, "", err
	}
	stdout, err := c.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := c.Start(); err != nil {
		return nil, "", err
	}
	p := newProc(c)
	p.stdin = stdin
	addr := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		addr <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case a := <-addr:
		if a == "" {
			p.stop()
			return nil, "", errors.New("the target did not start")
		}
		return p, a, nil
	case <-time.After(10 * time.Second):
	case <-ctx.Done():
	}
	p.stop()
	return nil, "", errors.New("the target did not start")
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

// scrapeStats is what one GET /metrics cost the client: its size and time.
type scrapeStats struct {
	bytes int64
	took  time.Duration
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// scrape reads /metrics and returns the snapshot, when it was taken (the
// middle of the request), and its size and time.
func scrape(ctx context.Context, base string) (snapshot, time.Time, scrapeStats, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/metrics", nil)
	if err != nil {
		return snapshot{}, time.Time{}, scrapeStats{}, err
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return snapshot{}, time.Time{}, scrapeStats{}, fmt.Errorf("GET /metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return snapshot{}, time.Time{}, scrapeStats{}, errors.New("GET /metrics answered 404: this watchfire build has no Prometheus endpoint yet " +
			"(the benchmark reads watchfire_scheduler_checks_total, _late_checks_total, _skipped_checks_total, _lag_seconds and watchfire_monitors)")
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return snapshot{}, time.Time{}, scrapeStats{}, fmt.Errorf("GET /metrics: %s: %s", resp.Status, body)
	}
	body := &countingReader{r: resp.Body}
	s, err := readSnapshot(body)
	if err != nil {
		return snapshot{}, time.Time{}, scrapeStats{}, err
	}
	_, _ = io.Copy(io.Discard, body)
	took := time.Since(start)
	return s, start.Add(took / 2), scrapeStats{bytes: body.n, took: took}, nil
}

func targetCount(ctx context.Context, addr string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+addr+countPath, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("reading the target's count: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return strconv.ParseInt(strings.TrimSpace(string(body)), 10, 64)
}

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

// rssKB returns VmRSS of a process in kB.
func rssKB(pid int) (int64, error) {
	v := statusField(pid, "VmRSS")
	kb, err := strconv.ParseInt(strings.TrimSuffix(v, " kB"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("/proc/%d/status: VmRSS %q", pid, v)
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

func countFDs(pid int) (int, error) {
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	return len(entries), err
}

// openFileLimit returns the soft limit on open files of a process.
func openFileLimit(pid int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", pid))
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "Max open files"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				return f[0]
			}
		}
	}
	return "?"
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
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func pct3(p float64) string {
	if math.IsNaN(p) {
		return "n/a"
	}
	return fmt.Sprintf("%.3f %%", p)
}

func micro(us float64) string {
	if math.IsNaN(us) || math.IsInf(us, 0) {
		return "n/a"
	}
	return thousands(int(math.Round(us))) + " µs"
}

// bound formats a histogram bucket bound: the value is at most that.
func bound(le float64, h histogram) string {
	if math.IsInf(le, 1) {
		if n := len(h.buckets); n >= 2 {
			return "> " + seconds(h.buckets[n-2].le)
		}
		return "> last bucket"
	}
	return "≤ " + seconds(le)
}

func seconds(s float64) string {
	if math.IsNaN(s) {
		return "n/a"
	}
	d := time.Duration(s * float64(time.Second))
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}
