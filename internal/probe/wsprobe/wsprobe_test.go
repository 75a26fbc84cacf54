package wsprobe

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/watchfire-status/watchfire/internal/probe"
	"github.com/watchfire-status/watchfire/internal/probe/probetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const timeout = 300 * time.Millisecond

// server is a WebSocket test server with one route per behaviour.
type server struct {
	*httptest.Server
	handlers sync.WaitGroup
	stop     chan struct{} // closed at cleanup
	mu       sync.Mutex
	token    string // X-Token of the last handshake
	agent    string // User-Agent of the last handshake
}

func newServer(t *testing.T, tls bool) *server {
	s := &server{stop: make(chan struct{})}
	mux := http.NewServeMux()
	ws := func(pattern string, serve func(ctx context.Context, c *websocket.Conn)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			s.handlers.Add(1)
			defer s.handlers.Done()
			s.mu.Lock()
			s.token, s.agent = r.Header.Get("X-Token"), r.Header.Get("User-Agent")
			s.mu.Unlock()
			c, err := websocket.Accept(w, r, nil)
			if err != nil {
				return
			}
			defer c.CloseNow()
			c.SetReadLimit(4 << 20)
			serve(context.Background(), c)
		})
	}
	// echo answers every message with itself.
	ws("/echo", func(ctx context.Context, c *websocket.Conn) {
		for {
			typ, msg, err := c.Read(ctx)
			if err != nil {
				return
			}
			if err := c.Write(ctx, typ, msg); err != nil {
				return
			}
		}
	})
	// degraded answers any message with a status.
	ws("/degraded", func(ctx context.Context, c *websocket.Conn) {
		if _, _, err := c.Read(ctx); err == nil {
			_ = c.Write(ctx, websocket.MessageText, []byte(`{"status":"degraded"}`))
			_, _, _ = c.Read(ctx) // until the close handshake
		}
	})
	// silent reads and never answers.
	ws("/silent", func(ctx context.Context, c *websocket.Conn) {
		for {
			if _, _, err := c.Read(ctx); err != nil {
				return
			}
		}
	})
	// push greets without being asked.
	ws("/push", func(ctx context.Context, c *websocket.Conn) {
		_ = c.Write(ctx, websocket.MessageText, []byte("welcome v2"))
		_, _, _ = c.Read(ctx)
	})
	// big answers with 2 MiB.
	ws("/big", func(ctx context.Context, c *websocket.Conn) {
		if _, _, err := c.Read(ctx); err == nil {
			_ = c.Write(ctx, websocket.MessageBinary, make([]byte, 2<<20))
			_, _, _ = c.Read(ctx)
		}
	})
	// refuse closes instead of answering.
	ws("/refuse", func(ctx context.Context, c *websocket.Conn) {
		if _, _, err := c.Read(ctx); err == nil {
			_ = c.Close(websocket.StatusTryAgainLater, "overloaded")
		}
	})
	// deaf never reads, so never answers the close frame.
	ws("/deaf", func(ctx context.Context, c *websocket.Conn) { <-s.stop })
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/echo", http.StatusFound) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })

	s.Server = httptest.NewUnstartedServer(mux)
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tls {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(func() {
		close(s.stop)
		s.Close()
		s.handlers.Wait() // hijacked connections are not waited for by Close
	})
	return s
}

func (s *server) ws(path string) string {
	return "ws" + strings.TrimPrefix(s.URL, "http") + path
}

func run(t *testing.T, spec probe.Spec) probe.Result {
	t.Helper()
	if spec.Timeout == 0 {
		spec.Timeout = timeout
	}
	pr, err := New(spec, probe.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	pr.(*prober).transport.Proxy = nil
	ctx, cancel := context.WithTimeout(context.Background(), spec.Timeout)
	defer cancel()
	start := time.Now()
	res := pr.Check(ctx)
	took := time.Since(start)
	if took > spec.Timeout+300*time.Millisecond {
		t.Errorf("check took %s, past its %s deadline", took, spec.Timeout)
	}
	t.Logf("OK=%v latency=%s took=%s reason=%q", res.OK, res.Latency, took, res.Reason)
	return res
}

func TestCheck(t *testing.T) {
	t.Parallel()
	s := newServer(t, false)
	hang := probetest.Listen(t, nil)
	reset := probetest.Listen(t, func(c *net.TCPConn) { _ = c.SetLinger(0); c.Close() })
	refused := probetest.ClosedAddr(t)

	tests := []struct {
		name   string
		spec   probe.Spec
		ok     bool
		reason string
	}{
		{name: "connect only", spec: probe.Spec{URL: s.ws("/echo")}, ok: true},
		{name: "http URL", spec: probe.Spec{URL: s.URL + "/echo"}, ok: true},
		{name: "echo contains", spec: probe.Spec{URL: s.ws("/echo"), Body: "ping 42", Expect: probe.Expect{BodyContains: "42"}}, ok: true},
		{name: "echo regex", spec: probe.Spec{URL: s.ws("/echo"), Body: "ping 42", Expect: probe.Expect{BodyRegex: `^ping \d+$`}}, ok: true},
		{name: "echo, any reply", spec: probe.Spec{URL: s.ws("/echo"), Body: "ping"}, ok: true},
		{name: "mismatched reply", spec: probe.Spec{URL: s.ws("/degraded"), Body: "status?", Expect: probe.Expect{BodyContains: `"ok"`}},
			reason: `reply does not contain "\"ok\""`},
		{name: "regex mismatch", spec: probe.Spec{URL: s.ws("/degraded"), Body: "status?", Expect: probe.Expect{BodyRegex: `"status":"ok"`}},
			reason: `reply does not match "\"status\":\"ok\""`},
		{name: "first message without sending", spec: probe.Spec{URL: s.ws("/push"), Expect: probe.Expect{BodyContains: "welcome"}}, ok: true},
		{name: "redirect followed", spec: probe.Spec{URL: s.ws("/moved"), Body: "hi", Expect: probe.Expect{BodyContains: "hi"}}, ok: true},

		{name: "never replies", spec: probe.Spec{URL: s.ws("/silent"), Body: "ping"}, reason: "timed out after 300ms waiting for a reply"},
		{name: "never speaks first", spec: probe.Spec{URL: s.ws("/silent"), Expect: probe.Expect{BodyContains: "x"}},
			reason: "timed out after 300ms waiting for a first message"},
		{name: "reply too big", spec: probe.Spec{URL: s.ws("/big"), Body: "ping"}, reason: "reply larger than 1 MiB"},
		{name: "closes instead", spec: probe.Spec{URL: s.ws("/refuse"), Body: "ping"},
			reason: `server closed the WebSocket (1013 try again later: "overloaded") while waiting for a reply`},
		{name: "not a websocket", spec: probe.Spec{URL: s.ws("/plain")}, reason: "handshake answered with status 404, expected 101 Switching Protocols"},
		{name: "redirects forever", spec: probe.Spec{URL: s.ws("/loop")}, reason: "stopped after 10 redirects"},
		{name: "hang", spec: probe.Spec{URL: "ws://" + hang + "/"}, reason: "timed out after 300ms waiting for the handshake response"},
		{name: "reset", spec: probe.Spec{URL: "ws://" + reset + "/"}, reason: "connection reset by peer…"},
		{name: "closed port", spec: probe.Spec{URL: "ws://" + refused + "/"}, reason: "connection refused by " + refused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := run(t, tt.spec)
			want, prefix := strings.CutSuffix(tt.reason, "…")
			if res.OK != tt.ok || res.Reason != want && !(prefix && strings.HasPrefix(res.Reason, want)) {
				t.Errorf("got OK=%v %q\nwant OK=%v %q", res.OK, res.Reason, tt.ok, tt.reason)
			}
			if res.OK && res.Latency <= 0 {
				t.Errorf("latency %s", res.Latency)
			}
		})
	}
}

func TestServerIgnoresClose(t *testing.T) {
	t.Parallel()
	s := newServer(t, false)
	start := time.Now()
	res := run(t, probe.Spec{URL: s.ws("/deaf"), Timeout: 3 * time.Second})
	if !res.OK {
		t.Errorf("check failed: %s", res.Reason)
	}
	if took := time.Since(start); took > closeWait+500*time.Millisecond {
		t.Errorf("the close handshake held the check %s", took)
	}
}

func TestHeaders(t *testing.T) {
	t.Parallel()
	s := newServer(t, false)
	res := run(t, probe.Spec{URL: s.ws("/echo"), Headers: map[string]string{"X-Token": "s3cret"}})
	if !res.OK {
		t.Fatal(res.Reason)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "s3cret" || !strings.HasPrefix(s.agent, "Watchfire/") {
		t.Errorf("server got X-Token %q, User-Agent %q", s.token, s.agent)
	}
}

func TestTLS(t *testing.T) {
	t.Parallel()
	s := newServer(t, true)
	url := s.ws("/echo")
	if !strings.HasPrefix(url, "wss://") {
		t.Fatalf("url %s", url)
	}
	res := run(t, probe.Spec{URL: url, Body: "hi"})
	if res.OK || !strings.HasPrefix(res.Reason, "certificate signed by unknown authority") {
		t.Errorf("untrusted: OK=%v %q", res.OK, res.Reason)
	}
	if res.CertExpiry.IsZero() {
		t.Error("no CertExpiry from the rejected certificate")
	}
	res = run(t, probe.Spec{URL: url, Body: "hi", InsecureSkipVerify: true, Expect: probe.Expect{BodyContains: "hi"}})
	if !res.OK || !res.CertExpiry.Equal(s.Certificate().NotAfter) {
		t.Errorf("insecure: OK=%v %q, CertExpiry %s", res.OK, res.Reason, res.CertExpiry)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	for _, spec := range []probe.Spec{
		{URL: ""},
		{URL: "ftp://x.test/"},
		{URL: "ws:///nohost"},
		{URL: "ws://x.test/", Expect: probe.Expect{BodyRegex: "("}},
		{URL: "ws://x.test/", Headers: map[string]string{"X": "a\r\nb"}},
	} {
		if _, err := New(spec, probe.Deps{}); err == nil {
			t.Errorf("New(%+v) accepted", spec)
		}
	}
}
