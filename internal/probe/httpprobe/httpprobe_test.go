package httpprobe

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/watchfire-status/watchfire/internal/probe"
	"github.com/watchfire-status/watchfire/internal/probe/probetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const timeout = 300 * time.Millisecond

// newProber builds a prober that is closed at cleanup and goes through no
// proxy whatever the environment says.
func newProber(t *testing.T, spec probe.Spec) *prober {
	t.Helper()
	if spec.Timeout == 0 {
		spec.Timeout = timeout
	}
	pr, err := New(spec, probe.Deps{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	p := pr.(*prober)
	p.transport.Proxy = nil
	t.Cleanup(func() { p.Close() })
	return p
}

// run checks once under the spec's timeout and fails the test if the
// check outlives it.
func run(t *testing.T, p *prober) probe.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	start := time.Now()
	res := p.Check(ctx)
	took := time.Since(start)
	if took > p.timeout+300*time.Millisecond {
		t.Errorf("check took %s, past its %s deadline", took, p.timeout)
	}
	t.Logf("OK=%v latency=%s took=%s reason=%q", res.OK, res.Latency, took, res.Reason)
	return res
}

// received is what the echo handler saw.
type received struct {
	mu      sync.Mutex
	method  string
	body    string
	header  http.Header
	host    string
	hasBody bool
}

// target is the well-behaved test server, plus a few hostile routes.
type target struct {
	*httptest.Server
	echo     received
	hugeSent atomic.Int64
	hugeDone chan struct{}
	loops    atomic.Int64
}

func newTarget(t *testing.T) *target {
	tg := &target{hugeDone: make(chan struct{}, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "all ok\n") })
	mux.HandleFunc("/nocontent", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		w.WriteHeader(code)
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok","count":3,"ratio":1.0,"up":true,"nothing":null,
			"data":{"items":[{"state":"green"},{"state":"red"}]},"version":"2.1"}`)
	})
	mux.HandleFunc("/degraded", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"status":"degraded"}`)
	})
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<html><body>ok</body></html>")
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		tg.echo.mu.Lock()
		tg.echo.method, tg.echo.body, tg.echo.header, tg.echo.host = r.Method, string(b), r.Header.Clone(), r.Host
		tg.echo.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"created":true}`)
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ok", http.StatusFound)
	})
	mux.HandleFunc("/loop/{n}", func(w http.ResponseWriter, r *http.Request) {
		tg.loops.Add(1)
		n, _ := strconv.Atoi(r.PathValue("n"))
		http.Redirect(w, r, fmt.Sprintf("/loop/%d", n+1), http.StatusFound)
	})
	// 1 GB, streamed: never allocated, only written until the client goes.
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		defer func() { tg.hugeDone <- struct{}{} }()
		w.Header().Set("Content-Length", strconv.Itoa(1<<30))
		chunk := []byte(strings.Repeat("x", 32<<10))
		for tg.hugeSent.Load() < 1<<30 {
			n, err := w.Write(chunk)
			tg.hugeSent.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	// Headers, a little body, then nothing.
	mux.HandleFunc("/stall", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	tg.Server = httptest.NewServer(mux)
	t.Cleanup(tg.Close)
	return tg
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	hang := probetest.Listen(t, func(*net.TCPConn) {}) // accepts, never answers
	reset := probetest.Listen(t, func(c *net.TCPConn) { _ = c.SetLinger(0); c.Close() })
	refused := probetest.ClosedAddr(t)

	tests := []struct {
		name   string
		spec   probe.Spec
		ok     bool
		reason string // exact, or a substring when it ends with "…"
	}{
		// Status.
		{name: "2xx default", spec: probe.Spec{URL: "/ok"}, ok: true},
		{name: "204 is 2xx", spec: probe.Spec{URL: "/nocontent"}, ok: true},
		{name: "500 not 2xx", spec: probe.Spec{URL: "/status/500"}, reason: "status 500, expected 2xx"},
		{name: "status list", spec: probe.Spec{URL: "/status/503", Expect: probe.Expect{Status: []int{200, 204}}},
			reason: "status 503, expected one of 200, 204"},
		{name: "one status", spec: probe.Spec{URL: "/ok", Expect: probe.Expect{Status: []int{201}}}, reason: "status 200, expected 201"},
		{name: "404 expected", spec: probe.Spec{URL: "/status/404", Expect: probe.Expect{Status: []int{404}}}, ok: true},
		{name: "HEAD", spec: probe.Spec{URL: "/ok", Method: "HEAD"}, ok: true},

		// Body.
		{name: "contains", spec: probe.Spec{URL: "/ok", Expect: probe.Expect{BodyContains: "ok"}}, ok: true},
		{name: "does not contain", spec: probe.Spec{URL: "/html", Expect: probe.Expect{BodyContains: "healthy"}},
			reason: `body does not contain "healthy"`},
		{name: "regex", spec: probe.Spec{URL: "/ok", Expect: probe.Expect{BodyRegex: `^all \w+\n$`}}, ok: true},
		{name: "regex mismatch", spec: probe.Spec{URL: "/html", Expect: probe.Expect{BodyRegex: `^ok$`}},
			reason: `body does not match "^ok$"`},

		// JSON path.
		{name: "json string", spec: jsonSpec("$.status", "ok"), ok: true},
		{name: "json without $", spec: jsonSpec("status", "ok"), ok: true},
		{name: "json number", spec: jsonSpec("$.count", "3"), ok: true},
		{name: "json number, other spelling", spec: jsonSpec("$.ratio", "1"), ok: true},
		{name: "json bool", spec: jsonSpec("$.up", "true"), ok: true},
		{name: "json null", spec: jsonSpec("$.nothing", "null"), ok: true},
		{name: "json array", spec: jsonSpec("$.data.items[1].state", "red"), ok: true},
		{name: "json string that looks like a number", spec: jsonSpec("$.version", "2.1"), ok: true},
		{name: "json presence", spec: jsonSpec("$.data.items[0]", ""), ok: true},
		{name: "json mismatch", spec: probe.Spec{URL: "/degraded", Expect: probe.Expect{JSONPath: "$.status", JSONValue: "ok"}},
			reason: `$.status is "degraded", expected "ok"`},
		{name: "json number mismatch", spec: jsonSpec("$.count", "5"), reason: `$.count is 3, expected "5"`},
		{name: "json missing key", spec: jsonSpec("$.data.health", "ok"), reason: `$.data.health not found: $.data has no key "health"`},
		{name: "json missing top", spec: jsonSpec("$.health", ""), reason: `$.health not found in the body`},
		{name: "json index out of range", spec: jsonSpec("data.items[5].state", "ok"), reason: `$.data.items[5].state not found: $.data.items has 2 elements`},
		{name: "json not an array", spec: jsonSpec("$.data[0]", "ok"), reason: `$.data[0] not found: $.data is an object, not an array`},
		{name: "json not JSON", spec: probe.Spec{URL: "/html", Expect: probe.Expect{JSONPath: "$.status"}},
			reason: "body is not JSON (invalid character '<' looking for beginning of value at byte 1), so $.status cannot be checked"},

		// Redirects.
		{name: "redirect followed", spec: probe.Spec{URL: "/redirect", FollowRedirects: true, Expect: probe.Expect{BodyContains: "all ok"}}, ok: true},
		{name: "redirect not followed", spec: probe.Spec{URL: "/redirect"},
			reason: "status 302, expected 2xx (a redirect to /ok, not followed: follow_redirects is off)"},
		{name: "redirect expected", spec: probe.Spec{URL: "/redirect", Expect: probe.Expect{Status: []int{302}}}, ok: true},
		{name: "redirects forever", spec: probe.Spec{URL: "/loop/0", FollowRedirects: true},
			reason: "stopped after 10 redirects (the last to " + tg.URL + "/loop/10)"},

		{name: "cert_days over http", spec: probe.Spec{URL: "/ok", FollowRedirects: true, Expect: probe.Expect{CertDays: 14}},
			reason: "cert_days is set but the response came over plain http, with no certificate"},

		// Hostile targets.
		{name: "hang", spec: probe.Spec{URL: "http://" + hang + "/"}, reason: "timed out after 300ms waiting for the response headers"},
		{name: "hang, https", spec: probe.Spec{URL: "https://" + hang + "/"}, reason: "timed out after 300ms during the TLS handshake with 127.0.0.1"},
		{name: "reset", spec: probe.Spec{URL: "http://" + reset + "/"}, reason: "connection reset by peer…"},
		{name: "closed port", spec: probe.Spec{URL: "http://" + refused + "/"}, reason: "connection refused by " + refused},
		{name: "body stalls", spec: probe.Spec{URL: "/stall"}, reason: "timed out after 300ms reading the response body (5 bytes received)"},
		{name: "body stalls, bad status wins", spec: probe.Spec{URL: "/stall", Expect: probe.Expect{Status: []int{204}}},
			reason: "status 200, expected 204"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec := tt.spec
			if strings.HasPrefix(spec.URL, "/") {
				spec.URL = tg.URL + spec.URL
			}
			res := run(t, newProber(t, spec))
			if res.OK != tt.ok || !matches(res.Reason, tt.reason) {
				t.Errorf("got OK=%v %q\nwant OK=%v %q", res.OK, res.Reason, tt.ok, tt.reason)
			}
			if res.OK && res.Latency <= 0 {
				t.Errorf("latency %s", res.Latency)
			}
			if !res.CertExpiry.IsZero() {
				t.Errorf("CertExpiry %s over plain http", res.CertExpiry)
			}
			if strings.HasPrefix(tt.spec.URL, "/loop/") {
				// 10 redirects received: the first request and 9 followed.
				if n := tg.loops.Load(); n != 10 {
					t.Errorf("the redirect loop was requested %d times, want 10", n)
				}
			}
		})
	}
}

func jsonSpec(path, value string) probe.Spec {
	return probe.Spec{URL: "/json", Expect: probe.Expect{JSONPath: path, JSONValue: value}}
}

func matches(got, want string) bool {
	if prefix, ok := strings.CutSuffix(want, "…"); ok {
		return strings.HasPrefix(got, prefix)
	}
	return got == want
}

func TestPostWithHeadersAndBody(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	p := newProber(t, probe.Spec{
		URL:    tg.URL + "/echo",
		Method: "post",
		Headers: map[string]string{
			"Content-Type":  "application/json",
			"authorization": "Bearer s3cret",
			"Host":          "api.acme.test",
		},
		Body:   `{"ping":1}`,
		Expect: probe.Expect{Status: []int{201}, JSONPath: "$.created", JSONValue: "true"},
	})
	if res := run(t, p); !res.OK {
		t.Fatalf("check failed: %s", res.Reason)
	}
	e := &tg.echo
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.method != "POST" || e.body != `{"ping":1}` || e.host != "api.acme.test" {
		t.Errorf("server got %s %q for host %q", e.method, e.body, e.host)
	}
	if got := e.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type %q", got)
	}
	if got := e.header.Get("Authorization"); got != "Bearer s3cret" {
		t.Errorf("Authorization %q", got)
	}
	if got := e.header.Get("User-Agent"); !strings.HasPrefix(got, "Watchfire/") || !strings.Contains(got, "+https://github.com/watchfire-status/watchfire") {
		t.Errorf("User-Agent %q", got)
	}
}

func TestHugeBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		contains string
		ok       bool
		reason   string
	}{
		{name: "no body check", ok: true},
		{name: "found in the first MiB", contains: "xxxx", ok: true},
		{name: "not found", contains: "needle",
			reason: `body does not contain "needle" (body larger than 1 MiB: only the first 1 MiB was checked)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tg := newTarget(t)
			p := newProber(t, probe.Spec{URL: tg.URL + "/huge", Timeout: 2 * time.Second,
				Expect: probe.Expect{BodyContains: tt.contains}})
			var read atomic.Int64
			p.dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
				var d net.Dialer
				c, err := d.DialContext(ctx, network, addr)
				if err != nil {
					return nil, err
				}
				return &countingConn{Conn: c, read: &read}, nil
			}
			res := run(t, p)
			// 1 MiB of body, plus the headers and a read buffer.
			if n := read.Load(); n > probe.MaxBody+64<<10 {
				t.Errorf("the probe read %d bytes from the socket, more than 1 MiB + 64 KiB", n)
			}
			if res.OK != tt.ok || res.Reason != tt.reason {
				t.Errorf("got OK=%v %q, want OK=%v %q", res.OK, res.Reason, tt.ok, tt.reason)
			}
			select {
			case <-tg.hugeDone:
			case <-time.After(2 * time.Second):
				t.Fatal("the server is still sending: the probe did not hang up")
			}
			// The probe reads 1 MiB; the rest is what the socket buffers held.
			if sent := tg.hugeSent.Load(); sent > 32<<20 {
				t.Errorf("server sent %d MiB before the probe hung up", sent>>20)
			}
		})
	}
	t.Run("json", func(t *testing.T) {
		t.Parallel()
		tg := newTarget(t)
		p := newProber(t, probe.Spec{URL: tg.URL + "/huge", Timeout: 2 * time.Second, Expect: probe.Expect{JSONPath: "$.status"}})
		res := run(t, p)
		want := "body larger than 1 MiB: only the first 1 MiB was read, not a whole JSON document, so $.status cannot be checked"
		if res.OK || res.Reason != want {
			t.Errorf("got OK=%v %q", res.OK, res.Reason)
		}
	})
}

// countingConn counts the bytes read from a connection.
type countingConn struct {
	net.Conn
	read *atomic.Int64
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.read.Add(int64(n))
	return n, err
}

// Each check opens its own connection and closes it: thousands of
// monitors must not hold thousands of idle sockets between checks.
func TestNoConnectionKeptBetweenChecks(t *testing.T) {
	t.Parallel()
	var opened, closed atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			opened.Add(1)
		case http.StateClosed:
			closed.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	p := newProber(t, probe.Spec{URL: srv.URL})
	for range 3 {
		if res := run(t, p); !res.OK {
			t.Fatal(res.Reason)
		}
	}
	if n := opened.Load(); n != 3 {
		t.Errorf("3 checks opened %d connections, want 3", n)
	}
	deadline := time.Now().Add(2 * time.Second)
	for closed.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := closed.Load(); n != 3 {
		t.Errorf("%d of 3 connections closed after their checks", n)
	}
}

// quiet drops the servers' complaints about the certificates the tests
// reject on purpose.
var quiet = log.New(io.Discard, "", 0)

// serveTLS starts an https server whose certificate, issued by c, is
// valid until notAfter for names.
func serveTLS(t *testing.T, c *probetest.CA, notAfter time.Time, names ...string) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secure ok")
	}))
	srv.Config.ErrorLog = quiet
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{c.Leaf(t, notAfter, names...)}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestTLS(t *testing.T) {
	t.Parallel()
	authority := probetest.NewCA(t)
	now := time.Now()
	day := 24 * time.Hour
	good := serveTLS(t, authority, now.Add(90*day), "api.acme.test", "127.0.0.1")
	expiredAt := now.Add(-3*day - time.Hour)
	expired := serveTLS(t, authority, expiredAt, "api.acme.test", "127.0.0.1")
	soonAt := now.Add(5*day + time.Hour)
	soon := serveTLS(t, authority, soonAt, "api.acme.test", "127.0.0.1")
	other := serveTLS(t, authority, now.Add(90*day), "other.test")
	selfSigned := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	selfSigned.Config.ErrorLog = quiet
	selfSigned.StartTLS()
	t.Cleanup(selfSigned.Close)
	ymd := func(t time.Time) string { return t.UTC().Format("2006-01-02") }

	tests := []struct {
		name     string
		srv      *httptest.Server
		byName   bool // https://api.acme.test:443/, dialed to srv
		trust    bool
		insecure bool
		certDays int
		ok       bool
		reason   string
		expiry   time.Time
	}{
		{name: "trusted", srv: good, trust: true, ok: true, expiry: now.Add(90 * day)},
		{name: "trusted by name, cert_days", srv: good, byName: true, trust: true, certDays: 14, ok: true},
		{name: "self-signed", srv: selfSigned, reason: `certificate signed by unknown authority (self-signed by "Acme Co")`},
		{name: "self-signed, insecure", srv: selfSigned, insecure: true, ok: true},
		{name: "unknown authority", srv: good, reason: `certificate signed by unknown authority (issuer "Watchfire Test CA")`,
			expiry: now.Add(90 * day)},
		{name: "expired", srv: expired, trust: true, reason: "certificate expired 3 days ago (" + ymd(expiredAt) + ")", expiry: expiredAt},
		{name: "expired, insecure", srv: expired, insecure: true, ok: true},
		{name: "expires soon", srv: soon, trust: true, certDays: 14,
			reason: "certificate expires in 5 days (" + ymd(soonAt) + "), less than the 14 days required", expiry: soonAt},
		{name: "hostname mismatch", srv: other, byName: true, trust: true, reason: "certificate for other.test does not match api.acme.test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url := tt.srv.URL
			if tt.byName {
				url = "https://api.acme.test/"
			}
			p := newProber(t, probe.Spec{URL: url, InsecureSkipVerify: tt.insecure, Expect: probe.Expect{CertDays: tt.certDays}})
			if tt.byName {
				addr := tt.srv.Listener.Addr().String()
				p.dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
					var d net.Dialer
					return d.DialContext(ctx, network, addr)
				}
			}
			if tt.trust {
				p.transport.TLSClientConfig.RootCAs = authority.Pool
			}
			res := run(t, p)
			if res.OK != tt.ok || res.Reason != tt.reason {
				t.Errorf("got OK=%v %q\nwant OK=%v %q", res.OK, res.Reason, tt.ok, tt.reason)
			}
			if !tt.expiry.IsZero() && !res.CertExpiry.Equal(tt.expiry.Truncate(time.Second)) {
				t.Errorf("CertExpiry %s, want %s", res.CertExpiry, tt.expiry)
			}
			if tt.ok && res.CertExpiry.IsZero() {
				t.Error("no CertExpiry over https")
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	bad := []probe.Spec{
		{URL: ""},
		{URL: "ftp://files.acme.test/"},
		{URL: "/relative"},
		{URL: "http://%zz"},
		{URL: "http://x.test/", Method: "GE T"},
		{URL: "http://x.test/", Expect: probe.Expect{BodyRegex: "("}},
		{URL: "http://x.test/", Expect: probe.Expect{JSONPath: "a..b"}},
		{URL: "http://x.test/", Expect: probe.Expect{JSONPath: "$.a[x]"}},
		{URL: "http://x.test/", Expect: probe.Expect{JSONValue: "ok"}},
		{URL: "http://x.test/", Expect: probe.Expect{CertDays: 14}},
		{URL: "http://x.test/", Expect: probe.Expect{Status: []int{42}}},
		{URL: "http://x.test/", Headers: map[string]string{"X": "a\nb"}},
	}
	for _, spec := range bad {
		if p, err := New(spec, probe.Deps{}); err == nil {
			p.(*prober).Close()
			t.Errorf("New(%+v) accepted", spec)
		}
	}
	pr, err := New(probe.Spec{URL: "https://api.acme.test/health"}, probe.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	p := pr.(*prober)
	defer p.Close()
	if p.method != "GET" || p.header.Get("User-Agent") != UserAgent {
		t.Errorf("defaults: method %q, User-Agent %q", p.method, p.header.Get("User-Agent"))
	}
}

func TestJSONPath(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"$":                 "$",
		"$.status":          "$.status",
		".status":           "$.status",
		"status":            "$.status",
		"$a":                "$.a",
		"data.items[0].x-y": "$.data.items[0].x-y",
		"$[2]":              "$[2]",
		"a[0][1]":           "$.a[0][1]",
	} {
		p, err := parseJSONPath(raw)
		if err != nil || p.text != want {
			t.Errorf("parseJSONPath(%q) = %v, %v; want %s", raw, p, err, want)
		}
	}
	for _, raw := range []string{"", "a.", "a..b", "a[", "a[-1]", "a[x]", "a]b", "$.a[0]b"} {
		if _, err := parseJSONPath(raw); err == nil {
			t.Errorf("parseJSONPath(%q) accepted", raw)
		}
	}
	root, _ := parseJSONPath("$")
	if r := root.check([]byte(`[1,2]`), `[1,2]`); r != "" {
		t.Errorf("root: %s", r)
	}
	obj, _ := parseJSONPath("$.a")
	if r := obj.check([]byte(`{"a":{"b":1}}`), `ok`); r != `$.a is {"b":1}, expected "ok"` {
		t.Errorf("object: %s", r)
	}
	if r := obj.check([]byte(``), ``); r != "body is not JSON (empty body), so $.a cannot be checked" {
		t.Errorf("empty: %s", r)
	}
	if r := obj.check([]byte(`{"a":`), ``); r != "body is not JSON (it ends too soon), so $.a cannot be checked" {
		t.Errorf("truncated: %s", r)
	}
}
