// Package grpcprobe is the "grpc" probe: it calls the standard health
// service (grpc.health.v1.Health/Check) for spec.Service ("" asks about
// the whole server) and passes when the answer is SERVING.
//
// The target is a URL or host and port:
//   - grpc://host[:port] and http://host[:port]: plaintext HTTP/2 (h2c),
//     port 80 by default;
//   - grpcs://host[:port] and https://host[:port]: TLS, port 443 by
//     default, the certificate checked against host unless
//     insecure_skip_verify is set;
//   - host and port: plaintext. Use a grpcs:// URL for TLS.
//
// A prober keeps one client connection and reuses it from check to check,
// so a check usually costs one round trip (the latency reported is the
// RPC's, including the connection setup when there was none). The
// connection is opened at the first check, and closed and forgotten when
// an RPC fails, so the next check dials afresh instead of waiting out
// gRPC's reconnect backoff (up to 2 minutes) after the target comes back.
//
// The prober implements io.Closer: the scheduler must call Close when it
// drops the monitor, to release the connection. A check after Close
// fails.
package grpcprobe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/watchfire-status/watchfire/internal/probe"
)

var _ probe.Factory = New

type prober struct {
	host    string
	addr    string // host:port, for the dialer and messages
	target  string // for grpc.NewClient
	creds   credentials.TransportCredentials
	service string
	timeout time.Duration

	mu     sync.Mutex
	conn   *grpc.ClientConn
	closed bool
}

var _ io.Closer = (*prober)(nil)

// New builds a grpc prober. It opens no connection: the first check does.
// The prober it returns implements io.Closer; see the package comment.
func New(spec probe.Spec, _ probe.Deps) (probe.Prober, error) {
	p := &prober{service: spec.Service, timeout: spec.Timeout}
	var host, port string
	useTLS := false
	switch {
	case spec.URL != "" && (spec.Host != "" || spec.Port != 0):
		return nil, errors.New("give either url or host and port, not both")
	case spec.URL != "":
		u, err := url.Parse(spec.URL)
		if err != nil {
			return nil, fmt.Errorf("%q is not a URL; use grpc://host:port or grpcs://host:port", spec.URL)
		}
		switch u.Scheme {
		case "grpc", "http":
			port = "80"
		case "grpcs", "https":
			port, useTLS = "443", true
		default:
			return nil, fmt.Errorf("%q: scheme %q is not grpc, grpcs, http or https", spec.URL, u.Scheme)
		}
		host = u.Hostname()
		if host == "" {
			return nil, fmt.Errorf("%q has no host; use grpc://host:port", spec.URL)
		}
		if u.Port() != "" {
			port = u.Port()
		}
		if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
			return nil, fmt.Errorf("%q: the health check is at a fixed method, so the URL takes no path or query; use %s://%s", spec.URL, u.Scheme, u.Host)
		}
	default:
		host = strings.Trim(spec.Host, "[]")
		if host == "" {
			return nil, errors.New("grpc monitor needs a url, or a host and a port")
		}
		if spec.Port == 0 {
			return nil, errors.New("grpc monitor needs a port with its host, e.g. port: 50051")
		}
		port = strconv.Itoa(spec.Port)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return nil, fmt.Errorf("%q is not a port; use 1 to 65535", port)
	}
	p.host, p.addr = host, net.JoinHostPort(host, port)
	// passthrough: the dialer resolves the name at each connection, and
	// there is no resolver of gRPC's own to rate-limit re-resolution.
	p.target = "passthrough:///" + p.addr
	if useTLS {
		p.creds = credentials.NewTLS(&tls.Config{
			ServerName:         host,
			InsecureSkipVerify: spec.InsecureSkipVerify, //nolint:gosec // the user asked for it
			MinVersion:         tls.VersionTLS12,
		})
	} else {
		p.creds = insecure.NewCredentials()
	}
	return p, nil
}

func (p *prober) dial() (*grpc.ClientConn, error) {
	return grpc.NewClient(p.target,
		grpc.WithTransportCredentials(p.creds),
		grpc.WithUserAgent("watchfire-probe"),
		grpc.WithDisableRetry(),
	)
}

// Check asks the health service once.
func (p *prober) Check(ctx context.Context) (res probe.Result) {
	defer func() {
		if r := recover(); r != nil {
			res = probe.Failf(0, "internal error in the grpc probe: %v", r)
		}
	}()
	ctx, cancel := probe.Bound(ctx, p.timeout)
	defer cancel()
	budget := probe.Remaining(ctx)
	if budget <= 0 || ctx.Err() != nil {
		return probe.Failf(0, "no time left to check %s", p.addr)
	}

	conn, err := p.connection()
	if err != nil {
		return probe.Failf(0, "%v", err)
	}
	start := time.Now()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: p.service})
	latency := time.Since(start)
	if err != nil {
		p.forget(conn)
		return probe.Result{Reason: p.describe(err, budget)}
	}
	if s := resp.GetStatus(); s != healthpb.HealthCheckResponse_SERVING {
		return probe.Failf(latency, "health check says %s for %s", s, p.subject())
	}
	return probe.Result{OK: true, Latency: latency}
}

// connection returns the prober's connection, making it if needed.
func (p *prober) connection() (*grpc.ClientConn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errors.New("the grpc prober is closed")
	}
	if p.conn == nil {
		conn, err := p.dial()
		if err != nil {
			return nil, fmt.Errorf("grpc: cannot set up a connection to %s: %v", p.addr, err)
		}
		p.conn = conn
	}
	return p.conn, nil
}

// forget closes conn after a failure, unless Close did already.
func (p *prober) forget(conn *grpc.ClientConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn == conn {
		p.conn = nil
		conn.Close()
	}
}

// Close releases the connection. It is safe to call more than once, and
// while a check runs (which then fails).
func (p *prober) Close() error {
	p.mu.Lock()
	conn := p.conn
	p.conn, p.closed = nil, true
	p.mu.Unlock()
	if conn != nil {
		return conn.Close()
	}
	return nil
}

func (p *prober) subject() string {
	if p.service == "" {
		return "the server"
	}
	return fmt.Sprintf("service %q", p.service)
}

// describe turns an RPC error into a reason.
func (p *prober) describe(err error, budget time.Duration) string {
	st := status.Convert(err)
	msg := st.Message()
	switch st.Code() {
	case codes.DeadlineExceeded:
		return fmt.Sprintf("no health answer from %s within %s", p.addr, probe.RoundBudget(budget))
	case codes.Canceled:
		p.mu.Lock()
		closed := p.closed
		p.mu.Unlock()
		if closed {
			return "the grpc prober was closed during the check"
		}
		return fmt.Sprintf("health check of %s cancelled", p.addr)
	case codes.NotFound:
		return fmt.Sprintf("health check does not know %s", p.subject())
	case codes.Unimplemented:
		return fmt.Sprintf("%s does not serve the gRPC health service (grpc.health.v1.Health)", p.addr)
	case codes.Unavailable:
		switch {
		case strings.Contains(msg, "connection refused"):
			return fmt.Sprintf("grpc: connection refused by %s", p.addr)
		case strings.Contains(msg, "no such host"):
			return fmt.Sprintf("grpc: cannot resolve %s: no such host", p.host)
		case strings.Contains(msg, "authentication handshake failed"):
			_, detail, _ := strings.Cut(msg, "authentication handshake failed: ")
			return fmt.Sprintf("grpc: TLS handshake with %s failed: %s", p.addr, strings.TrimSuffix(detail, `"`))
		case strings.Contains(msg, "server preface") && p.creds.Info().SecurityProtocol != "tls":
			return fmt.Sprintf("grpc: %s does not speak plaintext HTTP/2 (%s); if it serves TLS, use a grpcs:// URL", p.addr, cleanMessage(msg))
		}
		return fmt.Sprintf("grpc: %s unavailable: %s", p.addr, cleanMessage(msg))
	}
	return fmt.Sprintf("grpc: health check of %s failed: %s: %s", p.addr, st.Code(), cleanMessage(msg))
}

// cleanMessage drops gRPC's wrapping from a transport error message.
func cleanMessage(msg string) string {
	for _, prefix := range []string{"connection error: desc = ", `"`, "transport: ", "Error while dialing: ", "error while dialing: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return strings.TrimSuffix(msg, `"`)
}
