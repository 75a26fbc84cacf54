// Package tcpprobe is the "tcp" probe: it opens a TCP connection to
// host:port and closes it.
//
// What passes: the connection is established, and the target does not
// close or reset it at once. After connecting, the probe listens for a
// short settle window (100 ms, less when the deadline is nearer): a load
// balancer with no healthy backend typically accepts and then drops the
// connection, which a bare connect would report as up. Data sent by the
// target in that window (an SSH or SMTP banner) passes, and so does
// silence. Nothing is ever sent.
//
// Latency is the connect time (SYN to established), without the settle
// window.
//
// The package also holds the helpers that the probes built on TCP (tls,
// http, websocket) share to word their reasons: Describe and Budget.
package tcpprobe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/watchfire-status/watchfire/internal/probe"
)

var _ probe.Factory = New

// DefaultTimeout bounds a check when neither the context nor the spec
// sets a deadline.
const DefaultTimeout = 10 * time.Second

// settle is how long the probe waits after connecting to see whether the
// target drops the connection straight away.
const settle = 100 * time.Millisecond

// DialFunc opens a network connection; net.Dialer.DialContext is one.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

type prober struct {
	addr    string
	timeout time.Duration
	dial    DialFunc // replaced by tests
}

// New builds a tcp prober for spec.Host and spec.Port, both required.
func New(spec probe.Spec, _ probe.Deps) (probe.Prober, error) {
	host := strings.TrimSpace(spec.Host)
	if host == "" {
		return nil, errors.New("tcp monitor needs a host")
	}
	if spec.Port < 1 || spec.Port > 65535 {
		return nil, fmt.Errorf("tcp monitor needs a port from 1 to 65535, got %d", spec.Port)
	}
	d := &net.Dialer{Timeout: Fallback(spec.Timeout)}
	return &prober{
		addr:    net.JoinHostPort(host, strconv.Itoa(spec.Port)),
		timeout: spec.Timeout,
		dial:    d.DialContext,
	}, nil
}

// Check connects, waits out the settle window and closes.
func (p *prober) Check(ctx context.Context) (res probe.Result) {
	defer func() {
		if r := recover(); r != nil {
			res = probe.Failf(0, "internal error in the tcp probe: %v", r)
		}
	}()
	ctx, cancel := Bound(ctx, p.timeout)
	defer cancel()
	budget := Budget(ctx, p.timeout)

	start := time.Now()
	conn, err := p.dial(ctx, "tcp", p.addr)
	latency := time.Since(start)
	if err != nil {
		return probe.Failf(latency, "%s", DescribeDial(err, budget, p.addr))
	}
	defer conn.Close()

	wait := settle
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl) / 2; left < wait {
			wait = left
		}
	}
	if wait <= 0 {
		return probe.Result{OK: true, Latency: latency}
	}
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	var b [1]byte
	_, err = conn.Read(b[:])
	var nerr net.Error
	switch {
	case err == nil, errors.As(err, &nerr) && nerr.Timeout():
		// A banner, or silence: the port is open and kept open.
	case errors.Is(err, io.EOF):
		return probe.Failf(latency, "connection closed by %s right after it was accepted", p.addr)
	default:
		return probe.Failf(latency, "%s right after it was accepted", Describe(err, budget, "after connecting to "+p.addr))
	}
	return probe.Result{OK: true, Latency: latency}
}

// Fallback returns timeout, or DefaultTimeout when timeout is not set.
func Fallback(timeout time.Duration) time.Duration {
	if timeout > 0 {
		return timeout
	}
	return DefaultTimeout
}

// Bound gives ctx a deadline when it has none: timeout, or DefaultTimeout
// when timeout is not set. A probe never runs unbounded.
func Bound(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, Fallback(timeout))
}

// Budget is the time a check has, as a reason should state it: the time
// left before ctx's deadline, rounded (a deadline set 200ms ago by the
// scheduler reads "200ms", not "199.98ms"), or timeout when it is within
// 2% of that. Call it at the start of a check.
func Budget(ctx context.Context, timeout time.Duration) time.Duration {
	dl, ok := ctx.Deadline()
	if !ok {
		return Fallback(timeout)
	}
	d := time.Until(dl)
	if timeout > 0 && d > timeout*98/100 && d <= timeout {
		return timeout
	}
	switch {
	case d >= 10*time.Second:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	case d > 0:
		return d.Round(time.Millisecond)
	}
	return 0
}

// DescribeDial words an error from dialing addr: as Describe does, with
// a reset (the connection was accepted, then reset before the dial
// returned) said as such.
func DescribeDial(err error, budget time.Duration, addr string) string {
	reason := Describe(err, budget, "connecting to "+addr)
	if reason == "connection reset by peer" {
		reason += " right after it was accepted"
	}
	return reason
}

// Describe words a network error as a short reason:
//
//	timed out after 5s connecting to 10.0.0.1:443     (what = "connecting to 10.0.0.1:443")
//	connection refused by 127.0.0.1:9
//	connection reset by peer
//	connection closed by the server
//	host api.acme.test not found
//	network unreachable for 10.0.0.1:443
//
// budget is the check's time (see Budget) and what says what the check was
// doing, for timeouts. Errors it does not know keep their own text.
func Describe(err error, budget time.Duration, what string) string {
	if err == nil {
		return ""
	}
	var nerr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.As(err, &nerr) && nerr.Timeout() {
		if budget <= 0 {
			return "timed out " + what
		}
		return fmt.Sprintf("timed out after %s %s", budget, what)
	}
	if errors.Is(err, context.Canceled) {
		return "check canceled " + what
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		switch {
		case dnsErr.IsNotFound:
			return fmt.Sprintf("host %s not found", dnsErr.Name)
		case dnsErr.IsTemporary:
			return fmt.Sprintf("DNS lookup of %s failed, try again: %s", dnsErr.Name, dnsErr.Err)
		}
		return fmt.Sprintf("DNS lookup of %s failed: %s", dnsErr.Name, dnsErr.Err)
	}
	addr := remoteAddr(err)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		if addr != "" {
			return "connection refused by " + addr
		}
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED):
		return "connection reset by peer"
	case errors.Is(err, syscall.ENETUNREACH):
		return strings.TrimSpace("network unreachable for " + addr)
	case errors.Is(err, syscall.EHOSTUNREACH):
		return strings.TrimSpace("no route to host " + addr)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the server"
	}
	return trimErr(err)
}

// remoteAddr finds the address in a *net.OpError, if any.
func remoteAddr(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		return op.Addr.String()
	}
	return ""
}

// trimErr is the text of an error no case above knows, without the
// "Get \"URL\": " prefix that net/http puts in front.
func trimErr(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return err.Error()
}
