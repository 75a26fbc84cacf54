// Command webhooks measures webhook ingestion: how many POST
// /webhooks/generic deliveries a real `watchfire serve` on SQLite (or on
// PostgreSQL, with -postgres) accepts (202) per second with 64 keep-alive
// clients, and at what latency. In the same run it puts the same load on a
// bare net/http server that reads the body, checks its Content-Type and
// answers 202 without storing anything (this program run again as
// `webhooks bare -listen ADDR`): the least a Go server can do per
// delivery, as the reference.
//
//	go run ./bench/webhooks                          # 2 s warm-up, 10 s measured per server
//	go run ./bench/webhooks -short                   # 1 s warm-up, 3 s measured: a quick check
//	go run ./bench/webhooks -watchfire ./watchfire   # an already built binary
//	go run ./bench/webhooks -postgres 'postgres://user:pass@127.0.0.1/watchfire_bench'
//
// The load generator is this process: -clients goroutines sharing one
// http.Transport with a keep-alive connection each, every one POSTing a
// distinct body in the generic webhook format as fast as it is answered.
// Responses that complete in the window count; latency is from just before
// the request is sent to the end of the response body, kept in a
// log-bucketed histogram (resolution 1/64). Only the server processes are
// measured: CPU from utime+stime of /proc/PID/stat at both ends of the
// window, peak RSS from VmHWM in /proc/PID/status. The load generator
// shares the machine with them, so the ratio to the bare server is what to
// read.
//
// Around Watchfire's window it reads the gateway's counters from GET
// /metrics (payloads stored and applied, group commits), and it reports
// the CPU the rest of the machine used meanwhile, so that a shared machine
// shows. After Watchfire's run it checks that what was acknowledged got
// processed and kept: it polls GET /api/v1/payloads?state=pending until
// the backlog is empty and GET /api/v1/events?provider=generic until the
// deliveries show up as events, stops Watchfire with SIGTERM, and counts
// the run's payloads in the database against the 202s received.
//
// Linux only (it reads /proc). Everything listens on 127.0.0.1, and every
// process it starts is stopped on exit, on error and on Ctrl-C.
package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/bits"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for counting payloads in PostgreSQL
	_ "modernc.org/sqlite"             // the "sqlite" driver
)

// Targets from the issue.
const (
	targetRate = 10000                 // deliveries accepted per second
	targetP99  = 50 * time.Millisecond // p99 of an accepted delivery
)

const (
	provider   = "generic"
	maxBody    = 1 << 20 // what the bare server reads at most
	drainLimit = 60 * time.Second
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bare" {
		serveBare(os.Args[2:])
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

// serveBare is the reference: it reads the body (at most 1 MiB), checks
// that it is JSON, and answers 202 {"status":"accepted"}, storing nothing.
// GET /readyz answers 200. It exits when its stdin closes, so it never
// outlives the benchmark.
func serveBare(args []string) {
	fs := flag.NewFlagSet("bare", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on")
	_ = fs.Parse(args)
	accepted := []byte(`{"status":"accepted"}`)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("POST /webhooks/{provider}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			w.WriteHeader(http.StatusUnsupportedMediaType)
			_, _ = io.WriteString(w, `{"error":"want Content-Type: application/json"}`)
			return
		}
		if _, err := io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, maxBody)); err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			_, _ = io.WriteString(w, `{"error":"body too large"}`)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write(accepted)
	})
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}

type options struct {
	clients  int
	warmup   time.Duration
	duration time.Duration
	short    bool
	binary   string
	postgres string
	order    string
	keep     bool
}

func run(ctx context.Context) error {
	var o options
	flag.IntVar(&o.clients, "clients", 64, "concurrent clients, each with its own keep-alive connection")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before the window opens, per server")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measurement window, per server")
	flag.BoolVar(&o.short, "short", false, "quick check: -warmup 1s -duration 3s (flags given explicitly win)")
	flag.StringVar(&o.binary, "watchfire", "", "watchfire binary (default: go build ./cmd/watchfire)")
	flag.StringVar(&o.postgres, "postgres", "", "run watchfire with --database DSN (PostgreSQL) instead of a fresh SQLite file")
	flag.StringVar(&o.order, "order", "bare,watchfire", "which server gets the load first")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (config, database, watchfire's log)")
	flag.Parse()
	if o.short {
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["warmup"] {
			o.warmup = time.Second
		}
		if !set["duration"] {
			o.duration = 3 * time.Second
		}
	}
	if o.clients < 1 || o.duration < time.Second || o.warmup < 0 {
		return errors.New("want -clients ≥ 1, -duration ≥ 1s, -warmup ≥ 0")
	}
	order := strings.Split(strings.ReplaceAll(o.order, " ", ""), ",")
	if s := slices.Sorted(slices.Values(order)); !slices.Equal(s, []string{"bare", "watchfire"}) {
		return fmt.Errorf("-order %q: want bare,watchfire or watchfire,bare", o.order)
	}
	if runtime.GOOS != "linux" {
		return errors.New("this benchmark reads /proc: Linux only")
	}
	clkTck := clockTicks()

	dir, err := os.MkdirTemp("", "watchfire-bench-webhooks-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintf(os.Stderr, "keeping %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if o.binary == "" {
		o.binary = filepath.Join(dir, "watchfire")
		if err := build(ctx, o.binary); err != nil {
			return err
		}
	}

	// The config, validated by watchfire itself. A build from before the
	// webhook endpoint does not know the webhooks key: it then runs
	// without it, and its answers to the POSTs say the rest.
	var notes []string
	cfg := filepath.Join(dir, "webhooks.yaml")
	if err := os.WriteFile(cfg, benchConfig(true), 0o644); err != nil {
		return err
	}
	if out, err := validate(ctx, o.binary, cfg); err != nil {
		if !bytes.Contains(out, []byte("webhooks: unknown key")) {
			return fmt.Errorf("watchfire config validate rejected the generated config (%v):\n%s", err, out)
		}
		n := "this watchfire build does not know the `webhooks:` config key (it has no webhook endpoint yet): it ran without it"
		fmt.Fprintln(os.Stderr, "note:", n)
		notes = append(notes, n)
		if err := os.WriteFile(cfg, benchConfig(false), 0o644); err != nil {
			return err
		}
		if out, err := validate(ctx, o.binary, cfg); err != nil {
			return fmt.Errorf("watchfire config validate rejected the generated config (%v):\n%s", err, out)
		}
	}
	dsn, dbLabel := "sqlite:"+filepath.Join(dir, "watchfire.db"), "SQLite"
	if o.postgres != "" {
		dsn, dbLabel = o.postgres, "PostgreSQL"
	}
	// An admin token, in case reading the payloads needs one.
	token := ""
	if out, err := exec.CommandContext(ctx, o.binary, "token", "create", "--name", "bench", "--config", cfg, "--database", dsn).Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		token = strings.TrimSpace(lines[len(lines)-1])
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	bareAddr, err := freeAddr()
	if err != nil {
		return err
	}
	bare, err := startBare(self, bareAddr)
	if err != nil {
		return err
	}
	defer bare.stop()

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
	wf := exec.Command(o.binary, "serve", "--config", cfg, "--database", dsn, "--listen", wfAddr)
	wf.Stdout, wf.Stderr = logFile, logFile // the access log is on, as in production
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
	if err := waitReady(ctx, "http://"+bareAddr+"/readyz", bare, 30*time.Second); err != nil {
		return fmt.Errorf("bare server: %w", err)
	}
	if err := waitReady(ctx, "http://"+wfAddr+"/readyz", wfProc, 2*time.Minute); err != nil {
		return failed(err)
	}
	fmt.Fprintf(os.Stderr, "watchfire (pid %d, %s) ready in %s; bare server on %s (pid %d)\n",
		wf.Process.Pid, dbLabel, time.Since(started).Round(time.Millisecond), bareAddr, bare.cmd.Process.Pid)

	runID := strconv.FormatUint(rand.Uint64()&0xffffffffff, 36)
	targets := map[string]*target{
		"bare":      {name: "bare net/http (reads the body, answers 202, stores nothing)", base: "http://" + bareAddr, proc: bare},
		"watchfire": {name: "watchfire, " + dbLabel, base: "http://" + wfAddr, proc: wfProc, watchfire: true},
	}
	var results []*result
	var drain drainResult
	for i, name := range order {
		t := targets[name]
		if i > 0 {
			if err := sleep(ctx, t.proc, time.Second); err != nil { // let the previous run's connections close
				return failed(err)
			}
		}
		fmt.Fprintf(os.Stderr, "%s: %s warm-up, %s measured, %d clients…\n", t.name, o.warmup, o.duration, o.clients)
		since := time.Now().UTC().Add(-time.Second).Truncate(time.Second)
		r, err := load(ctx, o, t, runID, clkTck)
		if err != nil {
			if t.watchfire {
				return failed(err)
			}
			return err
		}
		fmt.Fprintf(os.Stderr, "  %.0f accepted/s, p99 %s, %s other responses, %s transport errors\n",
			r.rate(), fmtDur(r.h.quantile(0.99)), thousands(r.otherCount()), thousands(int64(r.errors)))
		results = append(results, r)
		if t.watchfire && r.ackTotal > 0 {
			fmt.Fprintln(os.Stderr, "  waiting for the backlog to drain…")
			drain = waitDrain(ctx, t.base, token, since, r.loadEnd)
			r.hwmAfterDrain = hwmKB(t.proc.cmd.Process.Pid)
			// Then stop it, as an operator would, and count what it stored.
			stopAt := time.Now()
			t.proc.stop()
			drain.shutdown, drain.exitErr = time.Since(stopAt), t.proc.err
			drain.stored, drain.storedErr = countStored(ctx, dsn, since)
		}
	}

	var bareR, wfR *result
	for _, r := range results {
		if r.t.watchfire {
			wfR = r
		} else {
			bareR = r
		}
	}
	report(os.Stdout, o, dbLabel, bareR, wfR, drain, notes, logPath)
	if bareR.accepted == 0 {
		return errors.New("the bare server accepted no delivery: the load generator is broken")
	}
	if wfR.accepted == 0 {
		return fmt.Errorf("watchfire accepted no delivery (%s): nothing was measured", wfR.statusSummary())
	}
	return nil
}

// benchConfig is one page with one component; webhooks: open accepts
// deliveries for providers that have no configured source.
func benchConfig(webhooks bool) []byte {
	s := `page: {name: Bench, url: http://127.0.0.1}
components:
  - {id: api, name: API}
event_log: {output: "off"}
`
	if webhooks {
		s += `webhooks:
  open: true          # accept unauthenticated deliveries for providers without a configured source
`
	}
	return []byte(s)
}

func validate(ctx context.Context, binary, cfg string) ([]byte, error) {
	vctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return exec.CommandContext(vctx, binary, "config", "validate", "--config", cfg).CombinedOutput()
}

// build compiles ./cmd/watchfire of the module this is run from.
func build(ctx context.Context, out string) error {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if err != nil || root == "." || root == "" || strings.TrimSpace(string(gomod)) == os.DevNull {
		return errors.New("run this from inside the watchfire repository, or give -watchfire PATH")
	}
	fmt.Fprintln(os.Stderr, "building watchfire…")
	b := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/watchfire")
	b.Dir = root
	b.Stdout, b.Stderr = os.Stderr, os.Stderr
	if err := b.Run(); err != nil {
		return fmt.Errorf("building watchfire: %w", err)
	}
	return nil
}

// target is a server under load.
type target struct {
	name      string
	base      string
	proc      *proc
	watchfire bool
}

// result is what one server's run measured.
type result struct {
	t             *target
	window        time.Duration
	h             hist // latency of the 202s completed in the window
	accepted      uint64
	other         map[int]uint64 // other statuses in the window
	otherBodies   []string       // the first few, whenever they came
	errors        uint64         // transport errors in the window
	errorSamples  []string
	ackTotal      uint64 // every 202, warm-up and stragglers included
	sentTotal     uint64
	cpuSec        float64 // the server's CPU over the window
	selfCPUSec    float64 // the load generator's
	otherCPUSec   float64 // the rest of the machine's (other processes, the kernel's own work)
	rssMaxKB      int64   // VmRSS sampled during the run
	hwmKB         int64   // VmHWM at the end of the run
	hwmAfterDrain int64
	gateway       map[string]float64 // watchfire_gateway_* counters' increase over the window
	loadEnd       time.Time
}

func (r *result) rate() float64 { return float64(r.accepted) / r.window.Seconds() }

func (r *result) otherCount() int64 {
	var n uint64
	for _, c := range r.other {
		n += c
	}
	return int64(n)
}

func (r *result) statusSummary() string {
	codes := make([]int, 0, len(r.other))
	for c := range r.other {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d %s ×%s", c, http.StatusText(c), thousands(int64(r.other[c]))))
	}
	if r.errors > 0 {
		parts = append(parts, fmt.Sprintf("transport errors ×%s", thousands(int64(r.errors))))
	}
	if len(parts) == 0 {
		return "no response at all"
	}
	return strings.Join(parts, ", ")
}

// tally is one client's share, merged at the end.
type tally struct {
	h        hist
	accepted uint64
	other    map[int]uint64
	errors   uint64
	ack      uint64
	sent     uint64
}

// The first lookAt non-202 bodies are read, and the first keepSamples
// distinct ones kept.
const (
	keepSamples = 3
	lookAt      = 1000
)

// load runs the clients against one server: warm-up, then the window.
func load(ctx context.Context, o options, t *target, runID string, clkTck float64) (*result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        o.clients,
		MaxIdleConnsPerHost: o.clients,
		MaxConnsPerHost:     o.clients,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	url := t.base + "/webhooks/" + provider
	pid := t.proc.cmd.Process.Pid

	var (
		phase   atomic.Int32 // 0 warm-up, 1 window, 2 done
		mu      sync.Mutex
		bodies  []string
		errs    []string
		samples atomic.Int64
		wg      sync.WaitGroup
	)
	tallies := make([]*tally, o.clients)
	for c := range o.clients {
		tl := &tally{other: map[int]uint64{}}
		tallies[c] = tl
		wg.Add(1)
		go func() {
			defer wg.Done()
			prefix := fmt.Sprintf(`{"id":"bench-%s-%d-`, runID, c)
			buf := make([]byte, 0, 512)
			for n := 0; phase.Load() < 2 && ctx.Err() == nil; n++ {
				buf = payload(buf[:0], prefix, n)
				req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(buf))
				if err != nil {
					panic(err)
				}
				req.Header.Set("Content-Type", "application/json")
				tl.sent++
				start := time.Now()
				resp, err := client.Do(req)
				var status int
				var body []byte
				if err == nil {
					status = resp.StatusCode
					if status != http.StatusAccepted && samples.Add(1) <= lookAt {
						body, _ = io.ReadAll(io.LimitReader(resp.Body, 300))
					}
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				took := time.Since(start)
				in := phase.Load() == 1
				switch {
				case err != nil:
					if ctx.Err() != nil {
						return
					}
					if in {
						tl.errors++
					}
					mu.Lock()
					if len(errs) < keepSamples {
						errs = append(errs, err.Error())
					}
					mu.Unlock()
					time.Sleep(10 * time.Millisecond) // no busy loop against a dead server
				case status == http.StatusAccepted:
					tl.ack++
					if in {
						tl.accepted++
						tl.h.record(took)
					}
				default:
					if in {
						tl.other[status]++
					}
					if body != nil {
						s := fmt.Sprintf("%d %s", status, bytes.TrimSpace(body))
						mu.Lock()
						if len(bodies) < keepSamples && !slices.Contains(bodies, s) {
							bodies = append(bodies, s)
						}
						mu.Unlock()
					}
				}
			}
		}()
	}

	r := &result{t: t, other: map[int]uint64{}}
	var rssMax atomic.Int64
	stopRSS := make(chan struct{})
	rssDone := make(chan struct{})
	go func() { // VmRSS every 200 ms
		defer close(rssDone)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			if kb := rssKB(pid); kb > rssMax.Load() {
				rssMax.Store(kb)
			}
			select {
			case <-stopRSS:
				return
			case <-tick.C:
			}
		}
	}()
	finish := func() {
		phase.Store(2)
		cancelAfter := time.AfterFunc(35*time.Second, cancel) // a stuck server cannot hold us
		wg.Wait()
		cancelAfter.Stop()
		close(stopRSS)
		<-rssDone
	}

	if err := sleep(ctx, t.proc, o.warmup); err != nil {
		finish()
		return nil, err
	}
	var m0, m1 map[string]float64
	if t.watchfire { // scraped just outside the CPU window
		m0 = gatewayCounters(ctx, t.base)
	}
	cpu0, err := cpuTicks(pid)
	if err != nil {
		finish()
		return nil, err
	}
	self0, _ := cpuTicks(os.Getpid())
	busy0 := machineBusy()
	w0 := time.Now()
	phase.Store(1)
	err = sleep(ctx, t.proc, o.duration)
	phase.Store(2)
	w1 := time.Now()
	cpu1, err2 := cpuTicks(pid)
	self1, _ := cpuTicks(os.Getpid())
	busy1 := machineBusy()
	if t.watchfire {
		m1 = gatewayCounters(ctx, t.base)
	}
	finish()
	r.loadEnd = time.Now()
	if err := errors.Join(err, err2); err != nil {
		return nil, err
	}
	r.window = w1.Sub(w0)
	r.cpuSec = float64(cpu1-cpu0) / clkTck
	r.selfCPUSec = float64(self1-self0) / clkTck
	r.otherCPUSec = max(0, float64(busy1-busy0)/clkTck-r.cpuSec-r.selfCPUSec)
	r.rssMaxKB = rssMax.Load()
	r.hwmKB = hwmKB(pid)
	if m0 != nil && m1 != nil {
		r.gateway = map[string]float64{}
		for k, v := range m1 {
			r.gateway[k] = v - m0[k]
		}
	}
	for _, tl := range tallies {
		r.h.merge(&tl.h)
		r.accepted += tl.accepted
		r.errors += tl.errors
		r.ackTotal += tl.ack
		r.sentTotal += tl.sent
		for c, n := range tl.other {
			r.other[c] += n
		}
	}
	r.otherBodies, r.errorSamples = bodies, errs
	return r, nil
}

// payload appends one delivery in the generic webhook format: a distinct
// id per request, 50 components in turn.
func payload(b []byte, prefix string, n int) []byte {
	b = append(b, prefix...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `","product":"Bench Vendor","component":"Component `...)
	b = strconv.AppendInt(b, int64(n%50), 10)
	b = append(b, `","status":"degraded_performance","message":"load test","occurred_at":"`...)
	b = time.Now().UTC().AppendFormat(b, time.RFC3339)
	return append(b, `"}`...)
}

// drainResult is what the durability check found.
type drainResult struct {
	checked    bool
	drained    bool
	after      time.Duration // from the end of the load to an empty backlog
	note       string
	events     bool // GET /api/v1/events?provider=generic shows deliveries
	eventsNote string
	eventAfter time.Duration
	shutdown   time.Duration // from SIGTERM to exit, once drained
	exitErr    error
	stored     map[string]int64 // the run's payloads in the database after the exit, by state
	storedErr  error
}

// countStored reads the payloads this run left in the database, by state,
// once watchfire has exited. A fresh SQLite file holds only this run's;
// in PostgreSQL they are those received since the run started.
func countStored(ctx context.Context, dsn string, since time.Time) (map[string]int64, error) {
	driver, src := "pgx", dsn
	query := `SELECT state, count(*) FROM payloads WHERE provider = $1 AND received_at >= $2 GROUP BY state`
	args := []any{provider, since}
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		driver, src = "sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)"
		query = `SELECT state, count(*) FROM payloads WHERE provider = ? GROUP BY state`
		args = args[:1]
	}
	db, err := sql.Open(driver, src)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("counting the stored payloads: %w", err)
	}
	defer rows.Close()
	counts := map[string]int64{}
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			return nil, err
		}
		counts[state] = n
	}
	return counts, rows.Err()
}

// waitDrain polls, side by side, the pending payloads until there are
// none and the events until one from the generic provider shows up.
func waitDrain(ctx context.Context, base, token string, since, loadEnd time.Time) drainResult {
	var d drainResult
	deadline := loadEnd.Add(drainLimit)
	get := func(path string, v any) (int, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", base+path, nil)
		if err != nil {
			return 0, err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if resp.StatusCode != http.StatusOK {
			return resp.StatusCode, fmt.Errorf("GET %s: %s: %s", path, resp.Status, bytes.TrimSpace(body))
		}
		return resp.StatusCode, json.Unmarshal(body, v)
	}
	eventsQuery := "/api/v1/events?" + url.Values{"provider": {provider}, "limit": {"1"}, "since": {since.Format(time.RFC3339)}}.Encode()
	drainDone, eventsDone := false, false
	var drainErr, eventsErr error
	for {
		if !drainDone {
			var v struct {
				Payloads *[]json.RawMessage `json:"payloads"`
			}
			status, err := get("/api/v1/payloads?state=pending&limit=1", &v)
			switch {
			case status == http.StatusNotFound || status == http.StatusMethodNotAllowed:
				d.note = "GET /api/v1/payloads answered " + strconv.Itoa(status) + ": the backlog could not be watched; skipped"
				drainDone = true
			case err == nil && v.Payloads == nil:
				drainErr = errors.New(`GET /api/v1/payloads: no "payloads" in the answer`)
			case err == nil && len(*v.Payloads) == 0:
				d.checked, d.drained, d.after = true, true, time.Since(loadEnd)
				drainDone = true
			default:
				drainErr = err
			}
		}
		if !eventsDone {
			var v struct {
				Events []json.RawMessage `json:"events"`
			}
			_, err := get(eventsQuery, &v)
			if err == nil && len(v.Events) > 0 {
				d.events, d.eventAfter = true, time.Since(loadEnd)
				eventsDone = true
			}
			eventsErr = err
		}
		if drainDone && eventsDone {
			return d
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			if !drainDone {
				d.checked = true
				d.note = fmt.Sprintf("still not drained %s after the load ended", drainLimit)
				if drainErr != nil {
					d.note += " (" + drainErr.Error() + ")"
				}
			}
			if !eventsDone {
				d.eventsNote = fmt.Sprintf("no event from provider %s %s after the load ended", provider, drainLimit)
				if eventsErr != nil {
					d.eventsNote += " (" + eventsErr.Error() + ")"
				}
			}
			return d
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func report(w io.Writer, o options, dbLabel string, bare, wf *result, d drainResult, notes []string, logPath string) {
	fmt.Fprintf(w, "\nPOST /webhooks/%s, %d clients with keep-alive, a distinct ~%d-byte JSON body per request; %s warm-up, %s measured per server, %s first.\n",
		provider, o.clients, len(payload(nil, `{"id":"bench-xxxxxxxx-63-`, 12345)), o.warmup, o.duration, strings.Split(o.order, ",")[0])
	fmt.Fprintf(w, "Machine: %d cores (%s, %s/%s), %s. Servers and load generator share it; only the servers' processes are measured.\n\n",
		runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintln(w, "| server | accepted (202)/s | other responses | transport errors | p50 | p90 | p99 | p99.9 | max | server CPU, % of one core | peak RSS (VmHWM) | target |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	row := func(r *result, met string) {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f %% | %.0f MB | %s |\n",
			r.t.name, thousands(int64(math.Round(r.rate()))), thousands(r.otherCount()), thousands(int64(r.errors)),
			fmtDur(r.h.quantile(0.50)), fmtDur(r.h.quantile(0.90)), fmtDur(r.h.quantile(0.99)), fmtDur(r.h.quantile(0.999)),
			fmtDur(r.h.max), 100*r.cpuSec/r.window.Seconds(), float64(r.hwmKB)/1024, met)
	}
	rateOK := wf.rate() >= targetRate
	p99OK := wf.accepted > 0 && wf.h.quantile(0.99) < targetP99
	verdict := "**MISS**"
	if rateOK && p99OK {
		verdict = "**PASS**"
	}
	if g := wf.gateway; g != nil && g["payloads_applied"] < 0.95*g["payloads_stored"] {
		verdict += ", but processing fell behind"
	}
	if dbLabel != "SQLite" {
		verdict += " (the target is set on SQLite)"
	}
	row(bare, "reference")
	row(wf, verdict)

	fmt.Fprintln(w)
	if bare.accepted > 0 && wf.accepted > 0 {
		fmt.Fprintf(w, "- Watchfire / bare: throughput %.0f %%, p99 %.1f×, CPU per accepted delivery %s against %s.\n",
			100*wf.rate()/bare.rate(), float64(wf.h.quantile(0.99))/float64(bare.h.quantile(0.99)),
			fmtDur(cpuPer(wf)), fmtDur(cpuPer(bare)))
	}
	fmt.Fprintf(w, "- Target: ≥ %s accepted/s: %s (%s/s); p99 < %s: %s (%s).\n",
		thousands(targetRate), passMiss(rateOK), thousands(int64(math.Round(wf.rate()))), fmtDur(targetP99), passMiss(p99OK), fmtDur(wf.h.quantile(0.99)))
	for _, r := range []*result{bare, wf} {
		fmt.Fprintf(w, "- %s: %s sent, %s acknowledged with 202 in all (warm-up included); load generator CPU %.0f %% of one core in the window, other work on the machine %.0f %%%s",
			r.t.name, thousands(int64(r.sentTotal)), thousands(int64(r.ackTotal)), 100*r.selfCPUSec/r.window.Seconds(), 100*r.otherCPUSec/r.window.Seconds(), dbNote(r, dbLabel))
		if r.otherCount() > 0 || r.errors > 0 {
			fmt.Fprintf(w, "; in the window: %s", r.statusSummary())
		}
		fmt.Fprintln(w, ".")
		for _, b := range r.otherBodies {
			fmt.Fprintf(w, "  - non-202: `%s`\n", b)
		}
		for _, e := range r.errorSamples {
			fmt.Fprintf(w, "  - transport error: `%s`\n", e)
		}
	}
	if wf.accepted == 0 && wf.other[http.StatusNotFound]+wf.other[http.StatusMethodNotAllowed] > 0 {
		fmt.Fprintf(w, "- **POST /webhooks/%s is not there**: this watchfire build answers %s. Nothing was measured.\n", provider, wf.statusSummary())
	}
	if g := wf.gateway; g != nil && g["commits"] > 0 {
		sec := wf.window.Seconds()
		fmt.Fprintf(w, "- Gateway counters over the window: %s payloads stored/s in %s commits/s (%.1f payloads per group commit); %s applied/s.\n",
			thousands(int64(g["payloads_stored"]/sec)), thousands(int64(g["commits"]/sec)), g["payloads_stored"]/g["commits"], thousands(int64(g["payloads_applied"]/sec)))
		if g["payloads_applied"] < 0.95*g["payloads_stored"] {
			fmt.Fprintf(w, "- **Processing fell behind ingestion**: the backlog of stored, not yet applied payloads grew by %s/s during the window, so the accepted rate is not one that can be sustained.\n",
				thousands(int64((g["payloads_stored"]-g["payloads_applied"])/sec)))
		}
	}
	switch {
	case wf.ackTotal == 0:
	case d.drained:
		fmt.Fprintf(w, "- Durability: backlog drained in %.1f s (no pending payload left, counted from the end of the load).\n", d.after.Seconds())
	case d.note != "":
		fmt.Fprintf(w, "- Durability: %s.\n", d.note)
	}
	if wf.ackTotal > 0 {
		if d.events {
			fmt.Fprintf(w, "- Events: GET /api/v1/events?provider=%s showed the deliveries' events %.1f s after the load ended.\n", provider, d.eventAfter.Seconds())
		} else {
			fmt.Fprintf(w, "- Events: %s.\n", d.eventsNote)
		}
	}
	if wf.ackTotal > 0 {
		switch {
		case d.storedErr != nil:
			fmt.Fprintf(w, "- Stored: could not count the payloads in the database: %v.\n", d.storedErr)
		default:
			var total int64
			states := make([]string, 0, len(d.stored))
			for st, n := range d.stored {
				total += n
				states = append(states, st)
			}
			slices.Sort(states)
			var parts []string
			for _, st := range states {
				parts = append(parts, fmt.Sprintf("%s %s", thousands(d.stored[st]), st))
			}
			verdict := "every acknowledged delivery is there"
			if total < int64(wf.ackTotal) {
				verdict = fmt.Sprintf("**%s acknowledged deliveries are missing**", thousands(int64(wf.ackTotal)-total))
			}
			fmt.Fprintf(w, "- Stored, counted in the database after watchfire exited (%.1f s after SIGTERM%s): %s payloads from %s (%s) for %s acknowledged: %s.\n",
				d.shutdown.Seconds(), exitNote(d.exitErr), thousands(total), provider, strings.Join(parts, ", "), thousands(int64(wf.ackTotal)), verdict)
		}
	}
	if wf.hwmAfterDrain >= wf.hwmKB+1024 {
		fmt.Fprintf(w, "- Watchfire's peak RSS rose to %.0f MB while draining the backlog.\n", float64(wf.hwmAfterDrain)/1024)
	}
	for _, n := range notes {
		fmt.Fprintf(w, "- Note: %s.\n", n)
	}
	if lines, size := warnings(logPath); len(lines) > 0 {
		fmt.Fprintf(w, "- Watchfire's log (%.1f MB, access log included) has %d warning or error line(s); the first:\n\n```\n%s\n```\n",
			float64(size)/(1<<20), len(lines), strings.Join(lines[:min(5, len(lines))], "\n"))
	}
}

// dbNote says that the database server's CPU, when it runs here, is
// among the other work.
func dbNote(r *result, dbLabel string) string {
	if r.t.watchfire && dbLabel != "SQLite" {
		return " (" + dbLabel + " included, if it runs on this machine)"
	}
	return ""
}

func exitNote(err error) string {
	if err == nil {
		return ", exit status 0"
	}
	return ", " + err.Error()
}

func cpuPer(r *result) time.Duration {
	if r.accepted == 0 {
		return 0
	}
	return time.Duration(r.cpuSec / float64(r.accepted) * float64(time.Second))
}

func passMiss(ok bool) string {
	if ok {
		return "PASS"
	}
	return "**MISS**"
}

// warnings returns the lines of watchfire's log at WARN or ERROR, and the
// log's size.
func warnings(path string) ([]string, int64) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0
	}
	defer f.Close()
	var lines []string
	var size int64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		size += int64(len(line)) + 1
		if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") ||
			strings.Contains(line, `"level":"WARN"`) || strings.Contains(line, `"level":"ERROR"`) {
			if len(line) > 400 {
				line = line[:400] + "…"
			}
			lines = append(lines, line)
		}
	}
	return lines, size
}

// hist is a log-bucketed latency histogram in nanoseconds: exact below
// 128 ns, then 64 buckets per power of two (resolution 1/64).
type hist struct {
	counts [histBuckets]uint64
	n      uint64
	max    time.Duration
}

const (
	subBits     = 6
	sub         = 1 << subBits
	histBuckets = 2*sub + 57*sub
)

func bucketOf(v int64) int {
	if v < 2*sub {
		return int(max(v, 0))
	}
	e := bits.Len64(uint64(v)) - (subBits + 1) // v>>e is in [sub, 2*sub)
	return 2*sub + (e-1)*sub + int(v>>e) - sub
}

// bucketHigh is the largest value bucket i holds.
func bucketHigh(i int) int64 {
	if i < 2*sub {
		return int64(i)
	}
	e := (i-2*sub)/sub + 1
	m := int64((i-2*sub)%sub + sub)
	return (m+1)<<e - 1
}

func (h *hist) record(d time.Duration) {
	h.counts[bucketOf(int64(d))]++
	h.n++
	h.max = max(h.max, d)
}

func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// quantile returns the upper bound of the bucket holding quantile q, at
// most the maximum; 0 when empty.
func (h *hist) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = max(rank, 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(bucketHigh(i)), h.max)
		}
	}
	return h.max
}

// proc is a started process and its end.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error
	stdin  io.Closer // the bare server's stdin: it exits when this closes
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

// startBare runs this program as the bare server.
func startBare(self, addr string) (*proc, error) {
	c := exec.Command(self, "bare", "-listen", addr)
	c.Stdout, c.Stderr = os.Stderr, os.Stderr
	c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := c.StdinPipe() // closed when we exit: the server exits too
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		return nil, err
	}
	p := newProc(c)
	p.stdin = stdin
	return p, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

var client = &http.Client{Timeout: 10 * time.Second}

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
			return fmt.Errorf("%s exited before it was ready: %v", filepath.Base(p.cmd.Path), p.err)
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
		return fmt.Errorf("%s exited: %v", filepath.Base(p.cmd.Path), p.err)
	case <-time.After(d):
		return nil
	}
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

// gatewayCounters reads the watchfire_gateway_* counters from GET
// /metrics; nil if there are none.
func gatewayCounters(ctx context.Context, base string) map[string]float64 {
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/metrics", nil)
	if err != nil {
		return nil
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	var m map[string]float64
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok || !strings.HasPrefix(name, "watchfire_gateway_") || !strings.HasSuffix(name, "_total") {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		if m == nil {
			m = map[string]float64{}
		}
		m[strings.TrimSuffix(strings.TrimPrefix(name, "watchfire_gateway_"), "_total")] = v
	}
	return m
}

// machineBusy returns the ticks all CPUs have spent busy (neither idle nor
// waiting for I/O) since boot, from /proc/stat.
func machineBusy() int64 {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, v := range f[1:8] { // user nice system idle iowait irq softirq
		n, _ := strconv.ParseInt(v, 10, 64)
		if i != 3 && i != 4 {
			busy += n
		}
	}
	if len(f) > 8 { // steal
		n, _ := strconv.ParseInt(f[8], 10, 64)
		busy += n
	}
	return busy
}

func rssKB(pid int) int64 { return statusKB(pid, "VmRSS") }
func hwmKB(pid int) int64 { return statusKB(pid, "VmHWM") }

// statusKB returns a "… kB" field of /proc/PID/status, 0 when absent.
func statusKB(pid int, name string) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown CPU"
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

// Formatting.

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}
