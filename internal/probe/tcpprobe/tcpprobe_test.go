package tcpprobe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/watchfire-status/watchfire/internal/probe"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const timeout = 300 * time.Millisecond

// listen starts a loopback listener whose accepted connections are handled
// by handle (nil: kept open, silent). Everything is closed at cleanup.
func listen(t *testing.T, handle func(*net.TCPConn)) (host string, port int) {
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
			if handle != nil {
				handle(c.(*net.TCPConn))
			}
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	a := ln.Addr().(*net.TCPAddr)
	return a.IP.String(), a.Port
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

func check(t *testing.T, spec probe.Spec, dial DialFunc) (probe.Result, time.Duration) {
	t.Helper()
	p, err := New(spec, probe.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if dial != nil {
		p.(*prober).dial = dial
	}
	ctx, cancel := context.WithTimeout(context.Background(), spec.Timeout)
	defer cancel()
	start := time.Now()
	res := p.Check(ctx)
	return res, time.Since(start)
}

func TestCheck(t *testing.T) {
	t.Parallel()
	openHost, openPort := listen(t, nil)
	_, bannerPort := listen(t, func(c *net.TCPConn) { _, _ = io.WriteString(c, "SSH-2.0-test\r\n") })
	_, resetPort := listen(t, func(c *net.TCPConn) { _ = c.SetLinger(0); c.Close() })
	_, finPort := listen(t, func(c *net.TCPConn) { c.Close() })
	refused := closedPort(t)
	blackhole := func(ctx context.Context, _, _ string) (net.Conn, error) {
		<-ctx.Done() // a SYN that nobody answers
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: ctx.Err()}
	}

	tests := []struct {
		name   string
		port   int
		dial   DialFunc
		ok     bool
		reason string
	}{
		{name: "open and silent", port: openPort, ok: true},
		{name: "banner", port: bannerPort, ok: true},
		{name: "closed port", port: refused, reason: "connection refused by 127.0.0.1:" + strconv.Itoa(refused)},
		{name: "accept then reset", port: resetPort, reason: "connection reset by peer right after it was accepted"},
		{name: "accept then close", port: finPort, reason: fmt.Sprintf("connection closed by 127.0.0.1:%d right after it was accepted", finPort)},
		{name: "blackhole", port: 9, dial: blackhole, reason: "timed out after 300ms connecting to 127.0.0.1:9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, took := check(t, probe.Spec{Type: "tcp", Host: openHost, Port: tt.port, Timeout: timeout}, tt.dial)
			if res.OK != tt.ok || res.Reason != tt.reason {
				t.Errorf("got OK=%v %q, want OK=%v %q", res.OK, res.Reason, tt.ok, tt.reason)
			}
			if took > timeout+200*time.Millisecond {
				t.Errorf("check took %s, past its %s deadline", took, timeout)
			}
			if tt.ok && (res.Latency <= 0 || res.Latency > timeout) {
				t.Errorf("latency %s", res.Latency)
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	for _, spec := range []probe.Spec{
		{Host: "", Port: 80},
		{Host: "db.acme.test", Port: 0},
		{Host: "db.acme.test", Port: 70000},
	} {
		if _, err := New(spec, probe.Deps{}); err == nil {
			t.Errorf("New(%+v) accepted", spec)
		}
	}
	p, err := New(probe.Spec{Host: "db.acme.test", Port: 5432}, probe.Deps{})
	if err != nil || p.(*prober).addr != "db.acme.test:5432" {
		t.Fatalf("New = %v, %v", p, err)
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	addr := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 443}
	tests := []struct {
		err  error
		want string
	}{
		{context.DeadlineExceeded, "timed out after 5s connecting to x"},
		{context.Canceled, "check canceled connecting to x"},
		{&net.OpError{Op: "dial", Net: "tcp", Addr: addr, Err: syscall.ECONNREFUSED}, "connection refused by 10.0.0.1:443"},
		{&net.OpError{Op: "read", Net: "tcp", Addr: addr, Err: syscall.ECONNRESET}, "connection reset by peer"},
		{&net.OpError{Op: "dial", Net: "tcp", Addr: addr, Err: syscall.ENETUNREACH}, "network unreachable for 10.0.0.1:443"},
		{&net.DNSError{Err: "no such host", Name: "api.acme.test", IsNotFound: true}, "host api.acme.test not found"},
		{fmt.Errorf("x: %w", io.EOF), "connection closed by the server"},
		{errors.New("something else"), "something else"},
	}
	for _, tt := range tests {
		if got := Describe(tt.err, 5*time.Second, "connecting to x"); got != tt.want {
			t.Errorf("Describe(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestBudget(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	time.Sleep(time.Millisecond)
	if got := Budget(ctx, 200*time.Millisecond); got != 200*time.Millisecond {
		t.Errorf("Budget = %s", got)
	}
	if got := Budget(ctx, 0); got < 150*time.Millisecond || got >= 200*time.Millisecond || got%time.Millisecond != 0 {
		t.Errorf("Budget without timeout = %s", got)
	}
	if got := Budget(context.Background(), 0); got != DefaultTimeout {
		t.Errorf("Budget without deadline = %s", got)
	}
	if !strings.HasPrefix(Describe(context.DeadlineExceeded, 0, "x"), "timed out x") {
		t.Error("Describe without budget")
	}
}
