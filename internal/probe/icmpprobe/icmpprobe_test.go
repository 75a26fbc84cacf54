package icmpprobe

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/net/icmp"

	"github.com/watchfire-status/watchfire/internal/probe"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// canListen reports whether this process may open an ICMP socket of the
// kind network names: "udp4" (ping socket) or "ip4:icmp" (raw).
func canListen(t *testing.T, network string) bool {
	t.Helper()
	c, err := icmp.ListenPacket(network, "")
	if err != nil {
		t.Logf("%s ICMP socket: %v", network, err)
		return false
	}
	c.Close()
	return true
}

func newProber(t *testing.T, host string, timeout time.Duration) *prober {
	t.Helper()
	p, err := New(probe.Spec{Type: "icmp", Host: host, Timeout: timeout}, probe.Deps{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p.(*prober)
}

// expectPing checks a result against what this machine allows: a reply
// when some ICMP socket opens, else the permission reason.
func expectPing(t *testing.T, res probe.Result, permitted bool, elapsed time.Duration) {
	t.Helper()
	if permitted {
		if !res.OK || res.Reason != "" {
			t.Fatalf("Check = %+v, want a reply from loopback", res)
		}
		if res.Latency <= 0 || res.Latency > elapsed {
			t.Errorf("Latency = %v, want the reply's round trip (check took %v)", res.Latency, elapsed)
		}
		return
	}
	if res.OK || res.Reason != PermissionReason {
		t.Fatalf("Check = %+v, want the permission reason", res)
	}
}

func TestLoopback(t *testing.T) {
	t.Parallel()
	udp, raw := canListen(t, "udp4"), canListen(t, "ip4:icmp")
	permitted := udp || raw
	t.Logf("ICMP permitted: %v (ping socket %v, raw socket %v)", permitted, udp, raw)
	p := newProber(t, "127.0.0.1", 2*time.Second)
	for range 2 { // the second check uses the socket kind the first found
		start := time.Now()
		res := p.Check(context.Background())
		expectPing(t, res, permitted, time.Since(start))
	}
	if want := !udp && raw; p.rawOnly.Load() != want {
		t.Errorf("rawOnly = %v, want %v", p.rawOnly.Load(), want)
	}
}

// TestUnprivileged checks the ping socket alone, without the raw fallback.
func TestUnprivileged(t *testing.T) {
	t.Parallel()
	permitted := canListen(t, "udp4")
	t.Logf("unprivileged ping permitted: %v", permitted)
	p := newProber(t, "127.0.0.1", 2*time.Second)
	p.allowRaw = false
	start := time.Now()
	res := p.Check(context.Background())
	expectPing(t, res, permitted, time.Since(start))
	if p.rawOnly.Load() {
		t.Error("the prober switched to raw sockets though they were not allowed")
	}
}

func TestLoopbackIPv6(t *testing.T) {
	t.Parallel()
	if l, err := net.Listen("tcp6", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	} else {
		l.Close()
	}
	permitted := canListen(t, "udp6") || canListen(t, "ip6:ipv6-icmp")
	p := newProber(t, "::1", 2*time.Second)
	start := time.Now()
	expectPing(t, p.Check(context.Background()), permitted, time.Since(start))
}

func TestHostName(t *testing.T) {
	t.Parallel()
	// localhost comes from /etc/hosts: no DNS query leaves the machine.
	addrs, err := net.DefaultResolver.LookupNetIP(context.Background(), "ip4", "localhost")
	if err != nil || len(addrs) == 0 || !addrs[0].IsLoopback() {
		t.Skipf("localhost does not resolve to an IPv4 loopback address here: %v %v", addrs, err)
	}
	permitted := canListen(t, "udp4") || canListen(t, "ip4:icmp")
	p := newProber(t, "localhost", 2*time.Second)
	start := time.Now()
	expectPing(t, p.Check(context.Background()), permitted, time.Since(start))
}

// TestNoReply pings the loopback broadcast address, which Linux does not
// answer while net.ipv4.icmp_echo_ignore_broadcasts is 1 (the default).
func TestNoReply(t *testing.T) {
	t.Parallel()
	if b, err := os.ReadFile("/proc/sys/net/ipv4/icmp_echo_ignore_broadcasts"); err != nil || strings.TrimSpace(string(b)) != "1" {
		t.Skip("this host may answer broadcast pings")
	}
	permitted := canListen(t, "udp4") || canListen(t, "ip4:icmp")
	p := newProber(t, "127.255.255.255", 400*time.Millisecond)
	start := time.Now()
	res := p.Check(context.Background())
	elapsed := time.Since(start)
	want := "no ICMP echo reply from 127.255.255.255 within 400ms"
	if !permitted {
		want = PermissionReason
	}
	if res.OK || res.Reason != want {
		t.Fatalf("Check = %+v, want %q", res, want)
	}
	if permitted && (elapsed < 350*time.Millisecond || elapsed > 900*time.Millisecond) {
		t.Errorf("Check took %v, want about the 400ms timeout", elapsed)
	}
}

// silentResolver is a resolver whose DNS server never answers.
func silentResolver(t *testing.T) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 2048)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		pc.Close()
		<-done
	})
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			c, err := d.DialContext(ctx, "udp", pc.LocalAddr().String())
			if err == nil {
				// Go's resolver keeps reading past a cancel until its own
				// timeout (5s); end the read at once so goleak sees no
				// straggler.
				context.AfterFunc(ctx, func() { c.Close() })
			}
			return c, err
		},
	}
}

func TestResolveTimesOut(t *testing.T) {
	t.Parallel()
	p := newProber(t, "nowhere.invalid", 300*time.Millisecond)
	p.resolver = silentResolver(t)
	start := time.Now()
	res := p.Check(context.Background())
	elapsed := time.Since(start)
	if res.OK || res.Reason != "cannot resolve nowhere.invalid within 300ms" {
		t.Fatalf("Check = %+v", res)
	}
	if elapsed > 800*time.Millisecond {
		t.Errorf("Check took %v past a 300ms timeout", elapsed)
	}
}

func TestContextDeadlineWins(t *testing.T) {
	t.Parallel()
	p := newProber(t, "nowhere.invalid", 10*time.Second)
	p.resolver = silentResolver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	res := p.Check(ctx)
	if elapsed := time.Since(start); elapsed > 700*time.Millisecond {
		t.Errorf("Check took %v past a 200ms deadline", elapsed)
	}
	if res.OK || res.Reason != "cannot resolve nowhere.invalid within 200ms" {
		t.Fatalf("Check = %+v", res)
	}
}

func TestExpiredContext(t *testing.T) {
	t.Parallel()
	p := newProber(t, "127.0.0.1", time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res := p.Check(ctx); res.OK || res.Reason != "no time left to ping 127.0.0.1" {
		t.Fatalf("Check = %+v", res)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	for _, host := range []string{"", "  ", "10.0.0.1:80", "http://x", "a b"} {
		if _, err := New(probe.Spec{Type: "icmp", Host: host}, probe.Deps{}); err == nil {
			t.Errorf("New(host %q) succeeded, want an error", host)
		}
	}
	for _, host := range []string{"10.0.0.1", "::1", "[::1]", "fe80::1%eth0", "host.acme.test"} {
		if _, err := New(probe.Spec{Type: "icmp", Host: host}, probe.Deps{}); err != nil {
			t.Errorf("New(host %q): %v", host, err)
		}
	}
}

func TestIsPermission(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{os.NewSyscallError("socket", syscall.EACCES), true},
		{os.NewSyscallError("socket", syscall.EPERM), true},
		{&net.OpError{Op: "listen", Net: "ip4:icmp", Err: os.NewSyscallError("socket", syscall.EPERM)}, true},
		{os.NewSyscallError("socket", syscall.EAFNOSUPPORT), false},
		{&net.OpError{Op: "write", Err: os.NewSyscallError("sendto", syscall.EPERM)}, false},
		{errors.New("permission denied"), false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := isPermission(tt.err); got != tt.want {
			t.Errorf("isPermission(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
