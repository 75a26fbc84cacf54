package tlsprobe

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/watchfire-status/watchfire/internal/probe"
	"github.com/watchfire-status/watchfire/internal/probe/probetest"
	"github.com/watchfire-status/watchfire/internal/probe/tcpprobe"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const timeout = 500 * time.Millisecond

// serve accepts connections on a loopback listener and hands each to
// handle in its own goroutine; everything is closed at cleanup.
func serve(t *testing.T, handle func(net.Conn)) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() { defer wg.Done(); handle(c) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// serveTLS serves cert and, after the handshake, waits for the client to
// go away.
func serveTLS(t *testing.T, cert tls.Certificate) int {
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	return serve(t, func(c net.Conn) {
		tc := tls.Server(c, cfg)
		if tc.Handshake() == nil {
			_, _ = io.Copy(io.Discard, tc)
		}
		tc.Close()
	})
}

func closedPort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// toPort dials every address on a loopback port instead, so that a probe
// of api.acme.test:443 reaches the test server.
func toPort(port int) tcpprobe.DialFunc {
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	authority := probetest.NewCA(t)
	now := time.Now()
	day := 24 * time.Hour
	good := authority.Leaf(t, now.Add(90*day), "api.acme.test", "127.0.0.1")
	expiredAt := now.Add(-3*day - time.Hour)
	expired := authority.Leaf(t, expiredAt, "api.acme.test")
	soonAt := now.Add(5*day + time.Hour)
	soon := authority.Leaf(t, soonAt, "api.acme.test")
	other := authority.Leaf(t, now.Add(90*day), "other.test")

	goodPort := serveTLS(t, good)
	expiredPort := serveTLS(t, expired)
	soonPort := serveTLS(t, soon)
	otherPort := serveTLS(t, other)
	hangPort := serve(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
	resetPort := serve(t, func(c net.Conn) { _ = c.(*net.TCPConn).SetLinger(0); c.Close() })
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	plainPort := plain.Listener.Addr().(*net.TCPAddr).Port
	refused := closedPort(t)
	ymd := func(t time.Time) string { return t.UTC().Format("2006-01-02") }

	tests := []struct {
		name     string
		host     string
		port     int
		insecure bool
		untrust  bool
		certDays int
		ok       bool
		reason   string // substring
		expiry   time.Time
	}{
		{name: "valid", port: goodPort, ok: true, expiry: good.Leaf.NotAfter},
		{name: "valid by IP", host: "127.0.0.1", port: goodPort, ok: true, certDays: 14},
		{name: "valid with cert_days", port: goodPort, certDays: 14, ok: true},
		{name: "unknown authority", port: goodPort, untrust: true, reason: `certificate signed by unknown authority (issuer "Watchfire Test CA")`},
		{name: "unknown authority, insecure", port: goodPort, untrust: true, insecure: true, ok: true},
		{name: "expired", port: expiredPort, reason: "certificate expired 3 days ago (" + ymd(expiredAt) + ")", expiry: expiredAt},
		{name: "expired, insecure", port: expiredPort, insecure: true, ok: true},
		{name: "expired, insecure, cert_days", port: expiredPort, insecure: true, certDays: 1, reason: "certificate expired 3 days ago"},
		{name: "expires soon", port: soonPort, certDays: 14,
			reason: "certificate expires in 5 days (" + ymd(soonAt) + "), less than the 14 days required", expiry: soonAt},
		{name: "expires soon, no cert_days", port: soonPort, ok: true},
		{name: "hostname mismatch", port: otherPort, reason: "certificate for other.test does not match api.acme.test"},
		{name: "hang", port: hangPort, reason: "timed out after 500ms during the TLS handshake with api.acme.test"},
		// The reset may come during the connect or the handshake.
		{name: "reset", port: resetPort, reason: "connection reset by peer"},
		{name: "not TLS", port: plainPort, reason: "api.acme.test does not speak TLS"},
		{name: "closed port", host: "127.0.0.1", port: refused, reason: "connection refused by 127.0.0.1:" + strconv.Itoa(refused)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			host := tt.host
			if host == "" {
				host = "api.acme.test"
			}
			spec := probe.Spec{Type: "tls", Host: host, Port: 443, Timeout: timeout, InsecureSkipVerify: tt.insecure,
				Expect: probe.Expect{CertDays: tt.certDays}}
			pr, err := New(spec, probe.Deps{})
			if err != nil {
				t.Fatal(err)
			}
			p := pr.(*prober)
			if host == "127.0.0.1" {
				p.addr = net.JoinHostPort(host, strconv.Itoa(tt.port))
			} else {
				p.dial = toPort(tt.port)
			}
			if !tt.untrust {
				p.cfg.RootCAs = authority.Pool
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			start := time.Now()
			res := p.Check(ctx)
			took := time.Since(start)
			if res.OK != tt.ok || !strings.Contains(res.Reason, tt.reason) || tt.ok && res.Reason != "" {
				t.Errorf("got OK=%v %q, want OK=%v %q", res.OK, res.Reason, tt.ok, tt.reason)
			}
			if !tt.expiry.IsZero() && !res.CertExpiry.Equal(tt.expiry.Truncate(time.Second)) {
				t.Errorf("CertExpiry = %s, want %s", res.CertExpiry, tt.expiry)
			}
			if took > timeout+300*time.Millisecond {
				t.Errorf("check took %s, past its %s deadline", took, timeout)
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	p, err := New(probe.Spec{Host: "api.acme.test"}, probe.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.(*prober).addr; got != "api.acme.test:443" {
		t.Errorf("default address %s", got)
	}
	for _, spec := range []probe.Spec{{}, {Host: "x.test", Port: -1}, {Host: "x.test", Expect: probe.Expect{CertDays: -1}}} {
		if _, err := New(spec, probe.Deps{}); err == nil {
			t.Errorf("New(%+v) accepted", spec)
		}
	}
}

func TestCertDaysReason(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		notAfter time.Time
		days     int
		want     string
	}{
		{now.Add(30 * day), 14, ""},
		{now.Add(14 * day), 14, ""},
		{now.Add(14*day - time.Minute), 14, "certificate expires in 13 days (2026-12-05), less than the 14 days required"},
		{now.Add(time.Hour), 14, "certificate expires in less than a day (2026-11-21), less than the 14 days required"},
		{now.Add(-3 * day), 14, "certificate expired 3 days ago (2026-11-18)"},
		{now.Add(-3 * day), 0, ""},
	}
	for _, tt := range tests {
		if got := CertDaysReason(tt.notAfter, tt.days, now); got != tt.want {
			t.Errorf("CertDaysReason(%s, %d) = %q, want %q", tt.notAfter, tt.days, got, tt.want)
		}
	}
}
