package grpcprobe

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/watchfire-status/watchfire/internal/probe"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

type testServer struct {
	addr   string
	health *health.Server
}

// startServer runs a gRPC server on addr ("127.0.0.1:0" for any port)
// with the health service: the server and "web" SERVING, "api"
// NOT_SERVING. withHealth false leaves the health service out.
func startServer(t *testing.T, addr string, withHealth bool, opts ...grpc.ServerOption) *testServer {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer(opts...)
	ts := &testServer{addr: l.Addr().String(), health: health.NewServer()}
	if withHealth {
		healthpb.RegisterHealthServer(s, ts.health)
		ts.health.SetServingStatus("web", healthpb.HealthCheckResponse_SERVING)
		ts.health.SetServingStatus("api", healthpb.HealthCheckResponse_NOT_SERVING)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(l)
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			s.Stop()
			<-done
		})
	}
	t.Cleanup(stop)
	return ts
}

func newProber(t *testing.T, spec probe.Spec) *prober {
	t.Helper()
	spec.Type = "grpc"
	if spec.Timeout == 0 {
		spec.Timeout = 2 * time.Second
	}
	p, err := New(spec, probe.Deps{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { p.(io.Closer).Close() })
	return p.(*prober)
}

func hostPort(t *testing.T, addr string) (string, int) {
	t.Helper()
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return h, n
}

func TestHealth(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "127.0.0.1:0", true)
	host, port := hostPort(t, srv.addr)
	tests := []struct {
		name       string
		spec       probe.Spec
		wantReason string
	}{
		{"server via grpc URL", probe.Spec{URL: "grpc://" + srv.addr}, ""},
		{"server via http URL", probe.Spec{URL: "http://" + srv.addr + "/"}, ""},
		{"server via host and port", probe.Spec{Host: host, Port: port}, ""},
		{"serving service", probe.Spec{URL: "grpc://" + srv.addr, Service: "web"}, ""},
		{"not serving service", probe.Spec{URL: "grpc://" + srv.addr, Service: "api"},
			`health check says NOT_SERVING for service "api"`},
		{"unknown service", probe.Spec{URL: "grpc://" + srv.addr, Service: "nope"},
			`health check does not know service "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newProber(t, tt.spec)
			res := p.Check(context.Background())
			if tt.wantReason == "" {
				if !res.OK || res.Reason != "" || res.Latency <= 0 {
					t.Fatalf("Check = %+v, want OK with a latency", res)
				}
				return
			}
			if res.OK || res.Reason != tt.wantReason {
				t.Fatalf("Check = %+v, want %q", res, tt.wantReason)
			}
		})
	}
}

func TestStatusChangeReusesConnection(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "127.0.0.1:0", true)
	p := newProber(t, probe.Spec{URL: "grpc://" + srv.addr, Service: "svc"})
	srv.health.SetServingStatus("svc", healthpb.HealthCheckResponse_SERVING)
	if res := p.Check(context.Background()); !res.OK {
		t.Fatalf("Check = %+v", res)
	}
	conn := p.conn
	srv.health.SetServingStatus("svc", healthpb.HealthCheckResponse_NOT_SERVING)
	if res := p.Check(context.Background()); res.OK || res.Reason != `health check says NOT_SERVING for service "svc"` {
		t.Fatalf("Check = %+v", res)
	}
	srv.health.SetServingStatus("svc", healthpb.HealthCheckResponse_SERVICE_UNKNOWN)
	if res := p.Check(context.Background()); res.OK || res.Reason != `health check says SERVICE_UNKNOWN for service "svc"` {
		t.Fatalf("Check = %+v", res)
	}
	srv.health.SetServingStatus("svc", healthpb.HealthCheckResponse_SERVING)
	if res := p.Check(context.Background()); !res.OK {
		t.Fatalf("Check = %+v", res)
	}
	if p.conn != conn {
		t.Error("the connection was not reused across checks")
	}
}

func TestWholeServerNotServing(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "127.0.0.1:0", true)
	srv.health.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	p := newProber(t, probe.Spec{URL: "grpc://" + srv.addr})
	if res := p.Check(context.Background()); res.OK || res.Reason != "health check says NOT_SERVING for the server" {
		t.Fatalf("Check = %+v", res)
	}
}

func TestNoHealthService(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "127.0.0.1:0", false)
	p := newProber(t, probe.Spec{URL: "grpc://" + srv.addr})
	want := srv.addr + " does not serve the gRPC health service (grpc.health.v1.Health)"
	if res := p.Check(context.Background()); res.OK || res.Reason != want {
		t.Fatalf("Check = %+v, want %q", res, want)
	}
}

func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	p := newProber(t, probe.Spec{URL: "grpc://" + addr})
	start := time.Now()
	res := p.Check(context.Background())
	if want := "grpc: connection refused by " + addr; res.OK || res.Reason != want {
		t.Fatalf("Check = %+v, want %q", res, want)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("a refused connection took %v to report", elapsed)
	}
	if p.conn != nil {
		t.Error("the failed connection was kept")
	}
}

// TestRecovers checks that a target coming back is seen at the next
// check, not after gRPC's reconnect backoff.
func TestRecovers(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	p := newProber(t, probe.Spec{URL: "grpc://" + addr})
	for range 3 {
		if res := p.Check(context.Background()); res.OK {
			t.Fatalf("Check = %+v with nothing listening", res)
		}
	}
	startServer(t, addr, true)
	start := time.Now()
	if res := p.Check(context.Background()); !res.OK {
		t.Fatalf("Check = %+v after the server came back", res)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("the check after recovery took %v", elapsed)
	}
}

// hangServer accepts TCP connections and never speaks HTTP/2.
func hangServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { _, _ = io.Copy(io.Discard, c) })
		}
	})
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}

func TestHang(t *testing.T) {
	t.Parallel()
	addr := hangServer(t)
	p := newProber(t, probe.Spec{URL: "grpc://" + addr, Timeout: 300 * time.Millisecond})
	start := time.Now()
	res := p.Check(context.Background())
	elapsed := time.Since(start)
	if want := "no health answer from " + addr + " within 300ms"; res.OK || res.Reason != want {
		t.Fatalf("Check = %+v, want %q", res, want)
	}
	if elapsed < 250*time.Millisecond || elapsed > 800*time.Millisecond {
		t.Errorf("Check took %v, want about the 300ms timeout", elapsed)
	}
}

func TestContextDeadlineWins(t *testing.T) {
	t.Parallel()
	addr := hangServer(t)
	p := newProber(t, probe.Spec{Host: "127.0.0.1", Port: func() int { _, n := hostPort(t, addr); return n }(), Timeout: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	res := p.Check(ctx)
	if elapsed := time.Since(start); elapsed > 700*time.Millisecond {
		t.Errorf("Check took %v past a 200ms deadline", elapsed)
	}
	if want := "no health answer from " + addr + " within 200ms"; res.OK || res.Reason != want {
		t.Fatalf("Check = %+v, want %q", res, want)
	}
}

func TestCloseDuringCheck(t *testing.T) {
	t.Parallel()
	addr := hangServer(t)
	p := newProber(t, probe.Spec{URL: "grpc://" + addr, Timeout: 5 * time.Second})
	time.AfterFunc(100*time.Millisecond, func() { p.Close() })
	start := time.Now()
	res := p.Check(context.Background())
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Check took %v after Close", elapsed)
	}
	if res.OK || res.Reason != "the grpc prober was closed during the check" {
		t.Fatalf("Check = %+v", res)
	}
	if res := p.Check(context.Background()); res.OK || res.Reason != "the grpc prober is closed" {
		t.Fatalf("Check after Close = %+v", res)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestExpiredContext(t *testing.T) {
	t.Parallel()
	p := newProber(t, probe.Spec{URL: "grpc://127.0.0.1:9"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res := p.Check(ctx); res.OK || res.Reason != "no time left to check 127.0.0.1:9" {
		t.Fatalf("Check = %+v", res)
	}
	if p.conn != nil {
		t.Error("a connection was opened for a check with no time")
	}
}

// selfSigned returns a certificate for 127.0.0.1 and localhost.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "watchfire test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestTLS(t *testing.T) {
	t.Parallel()
	creds := credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{selfSigned(t)}, MinVersion: tls.VersionTLS12})
	srv := startServer(t, "127.0.0.1:0", true, grpc.Creds(creds))

	t.Run("insecure_skip_verify", func(t *testing.T) {
		t.Parallel()
		for _, scheme := range []string{"grpcs", "https"} {
			p := newProber(t, probe.Spec{URL: scheme + "://" + srv.addr, InsecureSkipVerify: true})
			if res := p.Check(context.Background()); !res.OK {
				t.Fatalf("%s: Check = %+v", scheme, res)
			}
		}
	})
	t.Run("verified", func(t *testing.T) {
		t.Parallel()
		p := newProber(t, probe.Spec{URL: "grpcs://" + srv.addr})
		res := p.Check(context.Background())
		prefix := "grpc: TLS handshake with " + srv.addr + " failed: "
		if res.OK || !strings.HasPrefix(res.Reason, prefix) || !strings.Contains(res.Reason, "certificate") {
			t.Fatalf("Check = %+v, want %q and a word on the certificate", res, prefix)
		}
	})
	t.Run("plaintext to a TLS server", func(t *testing.T) {
		t.Parallel()
		p := newProber(t, probe.Spec{URL: "grpc://" + srv.addr, Timeout: 500 * time.Millisecond})
		want := "grpc: " + srv.addr + " does not speak plaintext HTTP/2 ("
		if res := p.Check(context.Background()); res.OK || !strings.HasPrefix(res.Reason, want) || !strings.HasSuffix(res.Reason, "use a grpcs:// URL") {
			t.Fatalf("Check = %+v, want %q…", res, want)
		}
	})
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec     probe.Spec
		wantAddr string
		wantTLS  bool
		wantErr  string
	}{
		{spec: probe.Spec{URL: "grpc://api.acme.test"}, wantAddr: "api.acme.test:80"},
		{spec: probe.Spec{URL: "grpcs://api.acme.test"}, wantAddr: "api.acme.test:443", wantTLS: true},
		{spec: probe.Spec{URL: "https://api.acme.test:8443/"}, wantAddr: "api.acme.test:8443", wantTLS: true},
		{spec: probe.Spec{URL: "http://[::1]:50051"}, wantAddr: "[::1]:50051"},
		{spec: probe.Spec{Host: "::1", Port: 50051}, wantAddr: "[::1]:50051"},
		{spec: probe.Spec{Host: "api.acme.test", Port: 50051}, wantAddr: "api.acme.test:50051"},
		{spec: probe.Spec{URL: "ftp://api.acme.test"}, wantErr: "is not grpc, grpcs, http or https"},
		{spec: probe.Spec{URL: "grpc://:50051"}, wantErr: "has no host"},
		{spec: probe.Spec{URL: "grpc://api.acme.test/v1/health"}, wantErr: "takes no path"},
		{spec: probe.Spec{URL: "grpc://api.acme.test:99999"}, wantErr: "is not a port"},
		{spec: probe.Spec{Host: "api.acme.test"}, wantErr: "needs a port"},
		{spec: probe.Spec{}, wantErr: "needs a url"},
		{spec: probe.Spec{URL: "grpc://a:1", Host: "a", Port: 1}, wantErr: "not both"},
	}
	for _, tt := range tests {
		p, err := New(tt.spec, probe.Deps{})
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("New(%+v) error = %v, want %q", tt.spec, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("New(%+v): %v", tt.spec, err)
			continue
		}
		gp := p.(*prober)
		if gp.addr != tt.wantAddr || (gp.creds.Info().SecurityProtocol == "tls") != tt.wantTLS {
			t.Errorf("New(%+v) = addr %s, security %q; want %s, TLS %v", tt.spec, gp.addr, gp.creds.Info().SecurityProtocol, tt.wantAddr, tt.wantTLS)
		}
		gp.Close()
	}
}
