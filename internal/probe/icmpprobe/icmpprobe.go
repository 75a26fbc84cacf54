// Package icmpprobe is the "icmp" probe: it pings the host and passes on
// the first echo reply, reporting that reply's round trip as the latency.
//
// Each check sends up to 3 echo requests, spaced by a quarter of the
// check's time (between 100ms and 1s), and stops at the first reply; so
// one lost packet does not fail a check, and a host that answers costs
// one round trip. No reply within the check's time fails it.
//
// Sockets: the probe first uses an unprivileged ICMP socket (a UDP "ping
// socket", which Linux allows to the groups in net.ipv4.ping_group_range).
// If the kernel refuses it, the probe falls back to a raw ICMP socket,
// which needs CAP_NET_RAW (or root), and remembers that the fallback
// worked. When both are refused the check fails, with a reason saying how
// to allow ping. New does not open a socket: a configuration with icmp
// monitors stays valid on a machine where ping is denied, and the page
// shows why those monitors fail.
//
// A host name is resolved at each check (with the check's deadline); an
// IPv4 address is preferred when the name has both.
package icmpprobe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	probing "github.com/prometheus-community/pro-bing"

	"github.com/watchfire-status/watchfire/internal/probe"
)

var _ probe.Factory = New

// PermissionReason is the reason of a check that could open no ICMP socket.
const PermissionReason = `ICMP is not permitted for this process: allow unprivileged ping with sysctl net.ipv4.ping_group_range="0 2147483647", or grant CAP_NET_RAW`

const (
	maxEchoes   = 3
	minInterval = 100 * time.Millisecond
	maxInterval = time.Second
)

type prober struct {
	host    string
	addr    netip.Addr // set when host is an address
	timeout time.Duration

	resolver *net.Resolver
	allowRaw bool        // fall back to a raw socket; tests turn it off
	rawOnly  atomic.Bool // the unprivileged socket was refused and raw worked
}

// New builds an icmp prober. It opens nothing: see the package comment.
func New(spec probe.Spec, _ probe.Deps) (probe.Prober, error) {
	host := strings.TrimSpace(spec.Host)
	if host == "" {
		return nil, errors.New("icmp monitor needs a host to ping")
	}
	p := &prober{host: host, timeout: spec.Timeout, resolver: net.DefaultResolver, allowRaw: true}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		p.addr = a.Unmap()
	} else if strings.ContainsAny(host, ":/ \t") {
		return nil, fmt.Errorf("%q is not a host name or IP address; write the host alone, e.g. host: 10.0.0.1", host)
	}
	return p, nil
}

// Check pings the host.
func (p *prober) Check(ctx context.Context) (res probe.Result) {
	defer func() {
		if r := recover(); r != nil {
			res = probe.Failf(0, "internal error in the icmp probe: %v", r)
		}
	}()
	ctx, cancel := probe.Bound(ctx, p.timeout)
	defer cancel()
	budget := probe.Remaining(ctx)
	if budget <= 0 || ctx.Err() != nil {
		return probe.Failf(0, "no time left to ping %s", p.host)
	}

	addr, err := p.resolve(ctx)
	if err != nil {
		return probe.Result{Reason: describeResolve(p.host, err, budget)}
	}
	target := addr.String()
	if !p.addr.IsValid() {
		target = fmt.Sprintf("%s (%s)", p.host, addr)
	}

	privileged := p.rawOnly.Load()
	rtt, replied, err := ping(ctx, addr, privileged, budget)
	if isPermission(err) && !privileged && p.allowRaw {
		privileged = true
		rtt, replied, err = ping(ctx, addr, privileged, budget)
		if replied || err == nil || !isPermission(err) && ctx.Err() == nil {
			p.rawOnly.Store(true) // the raw socket opens: don't try the other first again
		}
	}
	var se *os.SyscallError
	switch {
	case replied:
		return probe.Result{OK: true, Latency: rtt}
	case err == nil || errors.Is(err, context.DeadlineExceeded):
		return probe.Failf(0, "no ICMP echo reply from %s within %s", target, probe.RoundBudget(budget))
	case errors.Is(err, context.Canceled):
		return probe.Failf(0, "ping of %s cancelled", target)
	case isPermission(err):
		return probe.Result{Reason: PermissionReason}
	case errors.As(err, &se) && se.Syscall == "socket":
		return probe.Failf(0, "cannot open an ICMP socket for %s: %v", target, se.Err)
	case errors.As(err, &se):
		return probe.Failf(0, "cannot send an ICMP echo to %s: %v", target, se.Err)
	}
	return probe.Failf(0, "cannot ping %s: %v", target, err)
}

// ping sends echoes to addr until the first reply or ctx's end. It returns
// by the time ctx is done even if the library takes longer to wind down.
func ping(ctx context.Context, addr netip.Addr, privileged bool, budget time.Duration) (time.Duration, bool, error) {
	pinger := probing.New(addr.String())
	pinger.SetIPAddr(&net.IPAddr{IP: addr.AsSlice(), Zone: addr.Zone()})
	pinger.SetPrivileged(privileged)
	pinger.SetLogger(probing.NoopLogger{})
	pinger.RecordRtts = false
	pinger.RecordTTLs = false
	pinger.Count = maxEchoes
	pinger.Interval = min(max(budget/4, minInterval), maxInterval)
	pinger.Timeout = max(probe.Remaining(ctx), time.Millisecond) // the library's ticker needs > 0
	// Written by the library's goroutine, read only once it has returned.
	var first time.Duration
	var got bool
	pinger.OnRecv = func(pkt *probing.Packet) {
		if !got {
			got, first = true, pkt.Rtt
		}
		pinger.Stop()
	}

	done := make(chan error, 1)
	go func() { done <- pinger.RunWithContext(ctx) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		select {
		case err = <-done: // finished at the same moment
		default:
			// The library stops on ctx too, within ~100ms; don't wait
			// for it, and don't touch what its goroutines still write.
			return 0, false, ctx.Err()
		}
	}
	if got {
		return first, true, nil
	}
	return 0, false, err
}

// isPermission reports whether err is the kernel refusing to open an
// ICMP socket: EACCES for a ping socket outside ping_group_range, EPERM
// for a raw socket without CAP_NET_RAW.
func isPermission(err error) bool {
	var se *os.SyscallError
	return errors.As(err, &se) && se.Syscall == "socket" &&
		(errors.Is(se.Err, syscall.EACCES) || errors.Is(se.Err, syscall.EPERM))
}

// resolve returns the address to ping.
func (p *prober) resolve(ctx context.Context) (netip.Addr, error) {
	if p.addr.IsValid() {
		return p.addr, nil
	}
	addrs, err := p.resolver.LookupNetIP(ctx, "ip", p.host)
	if err != nil {
		return netip.Addr{}, err
	}
	if len(addrs) == 0 {
		return netip.Addr{}, &net.DNSError{Err: "no addresses", Name: p.host, IsNotFound: true}
	}
	for _, a := range addrs {
		if a.Unmap().Is4() {
			return a.Unmap(), nil
		}
	}
	return addrs[0], nil
}

func describeResolve(host string, err error, budget time.Duration) string {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &dnsErr) && dnsErr.IsTimeout:
		return fmt.Sprintf("cannot resolve %s within %s", host, probe.RoundBudget(budget))
	case errors.Is(err, context.Canceled):
		return fmt.Sprintf("resolving %s cancelled", host)
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Sprintf("cannot resolve %s: no such host", host)
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("cannot resolve %s: %s", host, dnsErr.Err)
	}
	return fmt.Sprintf("cannot resolve %s: %v", host, err)
}
