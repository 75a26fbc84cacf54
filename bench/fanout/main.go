// Command fanout measures live updates: N concurrent SSE clients (or, with
// -ws, WebSocket clients) of a real `watchfire serve`, how long an admin
// PATCH of a component's status takes to reach each of them, and what each
// open stream costs the server in memory. In the same run it measures the
// same fan-out against a bare net/http server that broadcasts one line to
// all its clients (this program run again as `fanout bare`): the least a
// Go server can do, as the reference.
//
//	go run ./bench/fanout                        # 10,000 SSE clients, 5 rounds: about 2 minutes
//	go run ./bench/fanout -ws                    # the same over WebSocket
//	go run ./bench/fanout -clients 1000 -rounds 3
//	go run ./bench/fanout -watchfire ./watchfire # an already built binary
//
// Each server runs alone, as its own process on 127.0.0.1, while this
// process holds the clients: raw TCP for SSE (one goroutine and a 4 KB
// buffer per client), github.com/coder/websocket for WebSocket. Memory is
// VmRSS from /proc/PID/status before the clients connect and once they are
// all connected (after a settling pause), and the Go runtime's own view
// (heap in use + stacks in use, goroutines) from GET /metrics. Latency is,
// per client and round, from just before the request that causes the
// change is sent to the moment the client has read the event.
//
// Linux only (it reads /proc). Every process it starts is stopped on exit,
// on error and on Ctrl-C.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
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

	"github.com/coder/websocket"
)

// Targets from the issue.
const (
	targetP99     = 200 * time.Millisecond
	targetPerConn = 32 << 10 // bytes of server memory per connection
)

// component is the one whose status the rounds flip.
const component = "c07"

func main() {
	if len(os.Args) > 2 && os.Args[1] == "bare" {
		serveBare(os.Args[2])
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

type options struct {
	clients int
	rounds  int
	ws      bool
	pause   time.Duration
	settle  time.Duration
	binary  string
	bare    bool
}

func run(ctx context.Context) error {
	var o options
	flag.IntVar(&o.clients, "clients", 10000, "concurrent stream clients per server")
	flag.IntVar(&o.rounds, "rounds", 5, "changes to fan out, one at a time")
	flag.BoolVar(&o.ws, "ws", false, "WebSocket (GET /api/v1/ws) instead of SSE")
	flag.DurationVar(&o.pause, "pause", 2*time.Second, "quiet time before each round")
	flag.DurationVar(&o.settle, "settle", 5*time.Second, "wait after the last client connects before reading memory")
	flag.StringVar(&o.binary, "watchfire", "", "watchfire binary (default: go build ./cmd/watchfire)")
	flag.BoolVar(&o.bare, "bare", true, "measure the bare reference server too (-bare=false for quick iterations)")
	flag.Parse()
	if o.clients < 1 || o.rounds < 1 {
		return errors.New("want -clients ≥ 1 and -rounds ≥ 1")
	}
	if runtime.GOOS != "linux" {
		return errors.New("this benchmark reads /proc: Linux only")
	}
	if err := raiseFileLimit(o.clients + 512); err != nil {
		return err
	}

	dir, err := os.MkdirTemp("", "watchfire-bench-fanout-")
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
	cfg := filepath.Join(dir, "fanout.yaml")
	if err := os.WriteFile(cfg, benchConfig(), 0o644); err != nil {
		return err
	}
	db := "sqlite:" + filepath.Join(dir, "bench.db")
	out, err := exec.CommandContext(ctx, o.binary, "token", "create", "--name", "bench", "--config", cfg, "--database", db).Output()
	if err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	token := lines[len(lines)-1]

	self, err := os.Executable()
	if err != nil {
		return err
	}
	proto := "SSE"
	if o.ws {
		proto = "WebSocket"
	}
	var results []result
	for _, t := range []target{
		{name: "bare net/http, one shared line", bare: true, cmd: func(addr string) *exec.Cmd { return exec.Command(self, "bare", addr) }},
		{name: "watchfire", cmd: func(addr string) *exec.Cmd {
			return exec.Command(o.binary, "serve", "--config", cfg, "--database", db, "--listen", addr)
		}, token: token},
	} {
		if t.bare && !o.bare {
			continue
		}
		r, err := measure(ctx, o, t, dir)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		results = append(results, r)
	}

	fmt.Printf("\n%s fan-out: %d clients per server, %d rounds, one change per round; the clients run in the benchmark process.\n",
		proto, o.clients, o.rounds)
	fmt.Printf("Machine: %d cores (%s/%s), %s; servers and clients share it.\n\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Println("| server | connected | received | p50 | p99 | max | RSS before | RSS with clients | RSS per client | after the rounds | heap+stacks per client | goroutines per client | target (all, p99 ≤ 200 ms, ≤ 32 KB) |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, r := range results {
		met := "reference"
		if !r.bare {
			met = "**met**"
			var miss []string
			if r.received < r.expected {
				miss = append(miss, "not all received")
			}
			if r.p99 > targetP99 {
				miss = append(miss, "p99")
			}
			if r.rssPerConn > targetPerConn || (r.rssEnd-r.rssBefore)/int64(r.connected) > targetPerConn {
				miss = append(miss, "memory")
			}
			if len(miss) > 0 {
				met = "**missed**: " + strings.Join(miss, ", ")
			}
		}
		fmt.Printf("| %s | %d | %d / %d | %s | %s | %s | %.0f MB | %.0f MB | %.1f KB | %.1f KB | %.1f KB | %.2f | %s |\n",
			r.name, r.connected, r.received, r.expected, ms(r.p50), ms(r.p99), ms(r.max),
			float64(r.rssBefore)/(1<<20), float64(r.rssAfter)/(1<<20), float64(r.rssPerConn)/1024,
			float64(r.rssEnd-r.rssBefore)/float64(r.connected)/1024,
			float64(r.goPerConn)/1024, r.goroutinesPerConn, met)
	}
	for _, r := range results {
		if r.shutdown > 0 {
			fmt.Printf("\nwatchfire stopped (SIGTERM to exit) in %s with %d streams open.\n\n", r.shutdown.Round(time.Millisecond), r.connected)
		}
	}
	return nil
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

type target struct {
	name  string
	bare  bool
	cmd   func(addr string) *exec.Cmd
	token string
}

type result struct {
	name                  string
	bare                  bool
	connected             int
	received, expected    int
	p50, p99, max         time.Duration
	rssBefore, rssAfter   int64
	rssPerConn, goPerConn int64
	rssEnd                int64 // after the rounds
	goroutinesPerConn     float64
	shutdown              time.Duration
}

// measure starts the server, connects the clients, fans the rounds out
// and stops the server (first, so that the server side of every socket
// closes first and the clients' ports are free at once).
func measure(ctx context.Context, o options, t target, dir string) (result, error) {
	res := result{name: t.name, bare: t.bare}
	addr, err := freeAddr()
	if err != nil {
		return res, err
	}
	logPath := filepath.Join(dir, strings.Fields(t.name)[0]+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return res, err
	}
	defer logFile.Close()
	cmd := t.cmd(addr)
	cmd.Stdout, cmd.Stderr = io.Discard, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return res, err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		_ = cmd.Process.Kill()
		<-exited
	}()
	base := "http://" + addr
	if err := waitUp(ctx, base+"/healthz", exited); err != nil {
		return res, fmt.Errorf("%w\n%s", err, tail(logPath))
	}
	pid := cmd.Process.Pid

	// Warm up: one client, one change, so that lazy setup is not counted
	// as the cost of the clients.
	fl := newFleet(o, t, addr)
	if err := fl.trigger(ctx, base, -1); err != nil {
		return res, err
	}
	time.Sleep(o.settle)
	rssBefore, _ := rss(pid)
	goBefore, _ := goMemory(base)

	fmt.Fprintf(os.Stderr, "%s: connecting %d clients…\n", t.name, o.clients)
	start := time.Now()
	res.connected = fl.connect(ctx)
	fmt.Fprintf(os.Stderr, "%s: %d connected in %s\n", t.name, res.connected, time.Since(start).Round(time.Millisecond))
	defer fl.close()
	if res.connected == 0 {
		return res, errors.New("no client could connect:\n" + tail(logPath))
	}
	time.Sleep(o.settle)
	rssAfter, _ := rss(pid)
	goAfter, _ := goMemory(base)
	res.rssBefore, res.rssAfter = rssBefore, rssAfter
	res.rssPerConn = (rssAfter - rssBefore) / int64(res.connected)
	res.goPerConn = (goAfter.heap + goAfter.stacks - goBefore.heap - goBefore.stacks) / int64(res.connected)
	res.goroutinesPerConn = float64(goAfter.goroutines-goBefore.goroutines) / float64(res.connected)
	fmt.Fprintf(os.Stderr, "%s: RSS %d → %d MB (%.1f KB per client); heap %d → %d MB, stacks %d → %d MB, goroutines %d → %d\n",
		t.name, rssBefore>>20, rssAfter>>20, float64(res.rssPerConn)/1024, goBefore.heap>>20, goAfter.heap>>20,
		goBefore.stacks>>20, goAfter.stacks>>20, goBefore.goroutines, goAfter.goroutines)

	var all []time.Duration
	for r := 0; r < o.rounds; r++ {
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(o.pause):
		}
		lat, sent, err := fl.round(ctx, base, r)
		if err != nil {
			return res, err
		}
		all = append(all, lat...)
		res.received += len(lat)
		res.expected += res.connected
		slices.Sort(lat)
		fmt.Fprintf(os.Stderr, "%s: round %d: %d/%d received; request answered in %s; p50 %s p99 %s max %s\n",
			t.name, r+1, len(lat), res.connected, sent.Round(100*time.Microsecond), ms(pct(lat, 50)), ms(pct(lat, 99)), ms(pct(lat, 100)))
	}
	slices.Sort(all)
	res.p50, res.p99, res.max = pct(all, 50), pct(all, 99), pct(all, 100)
	res.rssEnd, _ = rss(pid)
	goEnd, _ := goMemory(base)
	fmt.Fprintf(os.Stderr, "%s: after the rounds: RSS %d MB (%.1f KB per client); heap %d MB, stacks %d MB\n", t.name, res.rssEnd>>20,
		float64(res.rssEnd-res.rssBefore)/float64(res.connected)/1024, goEnd.heap>>20, goEnd.stacks>>20)

	if !t.bare {
		// Graceful stop with every stream open: the streams must not hold
		// up the drain.
		stopStart := time.Now()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
			res.shutdown = time.Since(stopStart)
		case <-time.After(30 * time.Second):
			fmt.Fprintln(os.Stderr, "watchfire did not exit within 30 s of SIGTERM")
		}
	}
	return res, nil
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

// fleet is the clients of one server.
type fleet struct {
	o       options
	t       target
	addr    string
	http    *http.Client
	marker  atomic.Pointer[[]byte]
	arrived []atomic.Int64 // per client: when the current round's event came
	got     atomic.Int64

	mu    sync.Mutex
	conns []io.Closer
	wg    sync.WaitGroup
}

func newFleet(o options, t target, addr string) *fleet {
	f := &fleet{o: o, t: t, addr: addr, arrived: make([]atomic.Int64, o.clients),
		http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}, Timeout: 30 * time.Second}}
	return f
}

// connect opens the clients, 128 at a time, and returns how many are
// streaming.
func (f *fleet) connect(ctx context.Context) int {
	var ok atomic.Int64
	jobs := make(chan int)
	var workers sync.WaitGroup
	var firstErr atomic.Value
	for range 128 {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for i := range jobs {
				var err error
				for attempt := 0; attempt < 5; attempt++ {
					if err = f.open(ctx, i); err == nil {
						ok.Add(1)
						break
					}
					time.Sleep(100 * time.Millisecond)
				}
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	for i := range f.o.clients {
		jobs <- i
	}
	close(jobs)
	workers.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		fmt.Fprintln(os.Stderr, "  a client failed to connect:", err)
	}
	return int(ok.Load())
}

// open connects client i and starts its reader once the stream is on.
func (f *fleet) open(ctx context.Context, i int) error {
	if f.o.ws {
		path := "/api/v1/ws"
		if f.t.bare {
			path = "/ws"
		}
		dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		c, _, err := websocket.Dial(dctx, "ws://"+f.addr+path, &websocket.DialOptions{HTTPClient: f.http})
		cancel()
		if err != nil {
			return err
		}
		f.track(closerFunc(func() error { return c.CloseNow() }))
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			for {
				_, msg, err := c.Read(context.Background())
				if err != nil {
					return
				}
				f.seen(i, msg)
			}
		}()
		return nil
	}
	path := "/api/v1/events"
	if f.t.bare {
		path = "/sse"
	}
	conn, err := net.DialTimeout("tcp", f.addr, 30*time.Second)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: "+f.addr+"\r\nAccept: text/event-stream\r\n\r\n"); err != nil {
		conn.Close()
		return err
	}
	br := bufio.NewReaderSize(conn, 4096)
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	status, err := br.ReadSlice('\n')
	if err != nil || !bytes.HasPrefix(status, []byte("HTTP/1.1 200")) {
		conn.Close()
		return fmt.Errorf("stream request: %q %v", status, err)
	}
	_ = conn.SetReadDeadline(time.Time{})
	f.track(conn)
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		for {
			line, err := br.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil {
				return
			}
			f.seen(i, line)
		}
	}()
	return nil
}

type closerFunc func() error

func (c closerFunc) Close() error { return c() }

func (f *fleet) track(c io.Closer) {
	f.mu.Lock()
	f.conns = append(f.conns, c)
	f.mu.Unlock()
}

// seen notes when client i read a line or message holding the current
// round's marker.
func (f *fleet) seen(i int, msg []byte) {
	m := f.marker.Load()
	if m == nil || !bytes.Contains(msg, *m) {
		return
	}
	if f.arrived[i].CompareAndSwap(0, time.Now().UnixNano()) {
		f.got.Add(1)
	}
}

// round fans change r out and returns every client's delay.
func (f *fleet) round(ctx context.Context, base string, r int) ([]time.Duration, time.Duration, error) {
	for i := range f.arrived {
		f.arrived[i].Store(0)
	}
	f.got.Store(0)
	m := f.markerFor(r)
	f.marker.Store(&m)
	t0 := time.Now()
	if err := f.trigger(ctx, base, r); err != nil {
		return nil, 0, err
	}
	sent := time.Since(t0)
	deadline := time.Now().Add(10 * time.Second)
	for f.got.Load() < int64(len(f.arrived)) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	f.marker.Store(nil)
	var lat []time.Duration
	for i := range f.arrived {
		if at := f.arrived[i].Load(); at != 0 {
			lat = append(lat, time.Duration(at-t0.UnixNano()))
		}
	}
	return lat, sent, nil
}

// statusFor is what round r sets the component to; -1 is the warm-up.
func statusFor(r int) string {
	if r%2 == 0 {
		return "major_outage"
	}
	return "operational"
}

func (f *fleet) markerFor(r int) []byte {
	if f.t.bare {
		return []byte("tick " + strconv.Itoa(r) + ".")
	}
	return []byte(`"component_id":"` + component + `","component":"Component 7","kind":"component.status_changed","old_status":"` +
		statusFor(r+1) + `","new_status":"` + statusFor(r) + `"`)
}

// trigger causes change r: an admin PATCH on watchfire, a POST on the
// bare server.
func (f *fleet) trigger(ctx context.Context, base string, r int) error {
	var req *http.Request
	if f.t.bare {
		body := "tick " + strconv.Itoa(r) + "."
		req, _ = http.NewRequestWithContext(ctx, "POST", base+"/send", strings.NewReader(body))
	} else {
		status := statusFor(r)
		if r < 0 {
			status = "operational"
		}
		req, _ = http.NewRequestWithContext(ctx, "PATCH", base+"/api/v1/components/"+component,
			strings.NewReader(`{"status":"`+status+`"}`))
		req.Header.Set("Authorization", "Bearer "+f.t.token)
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := f.http.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return nil
}

func (f *fleet) close() {
	f.mu.Lock()
	conns := f.conns
	f.conns = nil
	f.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
	}
	f.http.CloseIdleConnections()
}

// benchConfig declares 20 components in 2 groups.
func benchConfig() []byte {
	var b strings.Builder
	b.WriteString("page: {id: bench, name: Bench Cloud, url: https://status.bench.test, time_zone: Europe/Paris}\ncomponents:\n")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "  - {id: c%02d, name: Component %d, group: Group %d, description: Service %d}\n", i, i, i/10, i)
	}
	return []byte(b.String())
}

// serveBare is the reference: a net/http server that sends each POST
// /send body to every client of GET /sse (as an SSE data line) and of
// GET /ws (as a text message), waking them with one shared channel. GET
// /metrics reports the runtime's memory as watchfire's does.
func serveBare(addr string) {
	var mu sync.Mutex
	wake := make(chan struct{})
	var msg []byte
	current := func() (chan struct{}, []byte) {
		mu.Lock()
		defer mu.Unlock()
		return wake, msg
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /send", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		msg = body
		close(wake)
		wake = make(chan struct{})
		mu.Unlock()
	})
	mux.HandleFunc("GET /sse", func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		_ = rc.Flush()
		ch, _ := current()
		for {
			select {
			case <-ch:
			case <-r.Context().Done():
				return
			}
			var m []byte
			ch, m = current()
			if _, err := fmt.Fprintf(w, "data: %s\n\n", m); err != nil {
				return
			}
			if rc.Flush() != nil {
				return
			}
		}
	})
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := c.CloseRead(r.Context())
		ch, _ := current()
		for {
			select {
			case <-ch:
			case <-ctx.Done():
				return
			}
			var m []byte
			ch, m = current()
			if c.Write(ctx, websocket.MessageText, m) != nil {
				return
			}
		}
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(w, "go_memstats_heap_inuse_bytes %d\ngo_memstats_stack_inuse_bytes %d\ngo_goroutines %d\n",
			ms.HeapInuse, ms.StackInuse, runtime.NumGoroutine())
	})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type goMem struct{ heap, stacks, goroutines int64 }

// goMemory reads the runtime's view from GET /metrics.
func goMemory(base string) (goMem, error) {
	var m goMem
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return m, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			continue
		}
		switch name {
		case "go_memstats_heap_inuse_bytes":
			m.heap = int64(v)
		case "go_memstats_stack_inuse_bytes":
			m.stacks = int64(v)
		case "go_goroutines":
			m.goroutines = int64(v)
		}
	}
	return m, sc.Err()
}

// rss returns VmRSS of a process in bytes.
func rss(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS")
}

func raiseFileLimit(want int) error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return err
	}
	l.Cur = l.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return err
	}
	if int(l.Cur) < want {
		return fmt.Errorf("open files are limited to %d; -clients needs about %d (ulimit -n)", l.Cur, want)
	}
	return nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitUp(ctx context.Context, url string, exited <-chan struct{}) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-exited:
			return errors.New("the server exited")
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not come up", url)
}

func tail(path string) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}
