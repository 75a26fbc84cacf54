// Package wsprobe is the "websocket" probe: it opens a WebSocket to
// spec.URL (ws:// or wss://, with spec.Headers on the handshake),
// optionally exchanges one message, and closes with a normal closure.
//
// What passes:
//   - the handshake gets 101 Switching Protocols (redirects are followed,
//     at most 10; certificates are verified unless InsecureSkipVerify);
//   - when spec.Body is set, it is sent as one text message and the next
//     message from the server (text or binary) is the reply; when Body is
//     empty but Expect.BodyContains or Expect.BodyRegex is set, the first
//     message the server sends on its own is the reply;
//   - the reply is at most probe.MaxBody (1 MiB; a larger one fails the
//     check: a message cannot be judged in part) and contains
//     Expect.BodyContains and matches Expect.BodyRegex.
//
// Latency is the time to the answer: the handshake response when no
// message is exchanged, the reply when one is.
//
// CertExpiry is the leaf certificate's NotAfter over wss://. cert_days
// is not a websocket key; a tls monitor on the same host checks it.
//
// Each check opens its own connection (no keep-alive pool), and every
// socket it opened is closed by the time Check returns, the close
// handshake included: a prober holds no resource between checks and has
// no Close method.
package wsprobe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/watchfire-status/watchfire/internal/probe"
	"github.com/watchfire-status/watchfire/internal/probe/httpprobe"
	"github.com/watchfire-status/watchfire/internal/probe/tcpprobe"
	"github.com/watchfire-status/watchfire/internal/probe/tlsprobe"
)

var _ probe.Factory = New

var errTooManyRedirects = fmt.Errorf("stopped after %d redirects", httpprobe.MaxRedirects)

type prober struct {
	url        string
	host       string
	header     http.Header
	hostHeader string
	message    string
	contains   string
	re         *regexp.Regexp

	timeout   time.Duration
	now       func() time.Time
	client    *http.Client
	transport *http.Transport
	dial      tcpprobe.DialFunc // replaced by tests
}

// New builds a websocket prober: it parses the URL (ws, wss, or http and
// https taken as ws and wss) and compiles the regular expression.
func New(spec probe.Spec, deps probe.Deps) (probe.Prober, error) {
	u, err := url.Parse(strings.TrimSpace(spec.URL))
	if err != nil {
		return nil, fmt.Errorf("websocket monitor url: %w", err)
	}
	switch u.Scheme {
	case "ws", "wss", "http", "https":
	default:
		return nil, fmt.Errorf("websocket monitor url %q is not a ws:// or wss:// URL", spec.URL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("websocket monitor url %q has no host", spec.URL)
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	p := &prober{
		url:      u.String(),
		host:     u.Hostname(),
		header:   http.Header{},
		message:  spec.Body,
		contains: spec.Expect.BodyContains,
		timeout:  spec.Timeout,
		now:      now,
	}
	for name, value := range spec.Headers {
		if strings.ContainsAny(value, "\r\n") {
			return nil, fmt.Errorf("header %s: a value must fit on one line", name)
		}
		if http.CanonicalHeaderKey(name) == "Host" {
			p.hostHeader = value
			continue
		}
		p.header.Set(name, value)
	}
	if p.header.Get("User-Agent") == "" {
		p.header.Set("User-Agent", httpprobe.UserAgent)
	}
	if spec.Expect.BodyRegex != "" {
		if p.re, err = regexp.Compile(spec.Expect.BodyRegex); err != nil {
			return nil, fmt.Errorf("body_regex: %w", err)
		}
	}

	d := &net.Dialer{Timeout: tcpprobe.Fallback(spec.Timeout)}
	p.dial = d.DialContext
	p.transport = httpprobe.NewTransport(spec.InsecureSkipVerify, spec.Timeout, now, p.dialContext)
	p.transport.DisableKeepAlives = true // a WebSocket takes its connection over
	p.transport.ForceAttemptHTTP2 = false
	p.client = &http.Client{
		Transport: p.transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= httpprobe.MaxRedirects {
				return errTooManyRedirects
			}
			return nil
		},
	}
	return p, nil
}

// sockets collects the connections a check dials, so that the check can
// close them when its context ends: the WebSocket library's close
// handshake waits up to 5 s for the server on its own clock.
type sockets struct {
	mu    sync.Mutex
	conns []net.Conn
	done  bool
}

type socketsKey struct{}

func (s *sockets) add(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		c.Close()
		return
	}
	s.conns = append(s.conns, c)
}

func (s *sockets) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	for _, c := range s.conns {
		c.Close()
	}
}

func (p *prober) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := p.dial(ctx, network, addr)
	if err == nil {
		if s, ok := ctx.Value(socketsKey{}).(*sockets); ok {
			s.add(c)
		}
	}
	return c, err
}

// Check opens the WebSocket, exchanges the message and closes.
func (p *prober) Check(ctx context.Context) (res probe.Result) {
	defer func() {
		if r := recover(); r != nil {
			res = probe.Failf(0, "internal error in the websocket probe: %v", r)
		}
	}()
	ctx, cancel := tcpprobe.Bound(ctx, p.timeout)
	defer cancel()
	budget := tcpprobe.Budget(ctx, p.timeout)

	socks := &sockets{}
	defer socks.closeAll()
	ph := &httpprobe.Phases{}
	dctx := ph.Trace(context.WithValue(ctx, socketsKey{}, socks))

	start := time.Now()
	conn, resp, err := websocket.Dial(dctx, p.url, &websocket.DialOptions{
		HTTPClient: p.client,
		HTTPHeader: p.header,
		Host:       p.hostHeader,
	})
	latency := time.Since(start)
	if resp != nil && resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 {
		res.CertExpiry = resp.TLS.PeerCertificates[0].NotAfter
	}
	fail := func(format string, args ...any) probe.Result {
		res.OK, res.Latency, res.Reason = false, latency, fmt.Sprintf(format, args...)
		return res
	}
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return fail("handshake answered with status %d, expected 101 Switching Protocols", resp.StatusCode)
		}
		if res.CertExpiry.IsZero() {
			res.CertExpiry = tlsprobe.PresentedExpiry(err)
		}
		if ctx.Err() != nil {
			err = ctx.Err() // what the transport saw was its cancellation
		}
		return fail("%s", p.describeDial(err, budget, ph))
	}
	defer conn.CloseNow()
	conn.SetReadLimit(probe.MaxBody)

	if p.message == "" && p.contains == "" && p.re == nil {
		closeConn(ctx, conn, socks)
		res.OK, res.Latency = true, latency
		return res
	}
	if p.message != "" {
		if err := conn.Write(ctx, websocket.MessageText, []byte(p.message)); err != nil {
			latency = time.Since(start)
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			return fail("%s", p.describeConn(err, budget, "sending the message"))
		}
	}
	_, reply, err := conn.Read(ctx)
	latency = time.Since(start)
	if err != nil {
		what := "waiting for a reply"
		if p.message == "" {
			what = "waiting for a first message"
		}
		return fail("%s", p.describeConn(err, budget, what))
	}
	closeConn(ctx, conn, socks)
	switch {
	case p.contains != "" && !bytes.Contains(reply, []byte(p.contains)):
		return fail("reply does not contain %q", p.contains)
	case p.re != nil && !p.re.Match(reply):
		return fail("reply does not match %q", p.re.String())
	}
	res.OK, res.Latency = true, latency
	return res
}

// closeWait bounds the close handshake: the verdict is known by then, and
// a server that does not answer the close frame should not hold the check.
const closeWait = time.Second

// closeConn closes with a normal closure. The library waits up to 5 s for
// the server's close frame on its own clock; the socket is closed under
// it after closeWait, or when ctx ends if sooner.
func closeConn(ctx context.Context, conn *websocket.Conn, socks *sockets) {
	cctx, cancel := context.WithTimeout(ctx, closeWait)
	defer cancel()
	stop := context.AfterFunc(cctx, socks.closeAll)
	defer stop()
	_ = conn.Close(websocket.StatusNormalClosure, "")
}

func (p *prober) describeDial(err error, budget time.Duration, ph *httpprobe.Phases) string {
	if errors.Is(err, errTooManyRedirects) {
		return errTooManyRedirects.Error()
	}
	if reason, ok := tlsprobe.DescribeCertError(err, p.host, p.now()); ok {
		return reason
	}
	phase := ph.String()
	if phase == "waiting for the response headers" {
		phase = "waiting for the handshake response"
	}
	reason := tcpprobe.Describe(err, budget, phase)
	switch reason {
	case "connection reset by peer", "connection closed by the server":
		reason += " during the handshake"
	}
	return reason
}

// describeConn words an error on an open WebSocket while doing what.
func (p *prober) describeConn(err error, budget time.Duration, what string) string {
	if errors.Is(err, websocket.ErrMessageTooBig) {
		return "reply larger than 1 MiB"
	}
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		status := fmt.Sprintf("%d", int(ce.Code))
		if name := closeName(ce.Code); name != "" {
			status += " " + name
		}
		if ce.Reason != "" {
			status += fmt.Sprintf(": %q", cut(ce.Reason, 60))
		}
		return fmt.Sprintf("server closed the WebSocket (%s) while %s", status, what)
	}
	reason := tcpprobe.Describe(err, budget, what)
	switch {
	case strings.HasPrefix(reason, "timed out"), strings.HasPrefix(reason, "check canceled"):
		return reason
	case errors.Is(err, net.ErrClosed):
		return "connection closed " + what
	}
	return reason + " while " + what
}

// closeName words a close status: StatusInternalError → "internal error".
func closeName(code websocket.StatusCode) string {
	s := code.String()
	if !strings.HasPrefix(s, "Status") || strings.HasPrefix(s, "StatusCode(") {
		return ""
	}
	var b strings.Builder
	for i, r := range strings.TrimPrefix(s, "Status") {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte(' ')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n-1], "") + "…"
}
