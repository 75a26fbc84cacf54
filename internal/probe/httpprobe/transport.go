package httpprobe

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptrace"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/watchfire-status/watchfire/internal/probe"
	"github.com/watchfire-status/watchfire/internal/probe/tcpprobe"
)

// UserAgent is sent with every probe request that does not set its own
// User-Agent header.
var UserAgent = "Watchfire/" + version() + " (+https://github.com/watchfire-status/watchfire)"

func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Path == "github.com/watchfire-status/watchfire" &&
		info.Main.Version != "" && info.Main.Version != "(devel)" {
		return strings.TrimPrefix(info.Main.Version, "v")
	}
	return "dev"
}

// NewTransport returns the transport of one prober:
//
//   - proxies from the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), as
//     curl and every Go program do: a probe goes out the way the host's
//     other clients do; loopback addresses never go through a proxy;
//   - TLS verification unless insecure, dated by now (nil: time.Now);
//   - dial and TLS handshake bounded by timeout (DefaultTimeout when 0),
//     since a dial outlives a canceled request to serve the next one;
//   - no connection kept between checks: a check every 30 s saves little
//     by reusing one, and 10,000 idle connections would cost 10,000 file
//     descriptors, two goroutines each and their buffers (measured: RSS
//     516 MB with keep-alive for 10,000 monitors); every check also sees
//     the target as a new client would, DNS and handshake included;
//   - response headers bounded to probe.MaxBody;
//   - HTTP/2 when the server offers it.
//
// dial opens connections (nil: a net.Dialer).
func NewTransport(insecure bool, timeout time.Duration, now func() time.Time, dial tcpprobe.DialFunc) *http.Transport {
	if dial == nil {
		d := &net.Dialer{Timeout: tcpprobe.Fallback(timeout), KeepAlive: 30 * time.Second}
		dial = d.DialContext
	}
	return &http.Transport{
		Proxy:       http.ProxyFromEnvironment,
		DialContext: dial,
		TLSClientConfig: &tls.Config{
			InsecureSkipVerify: insecure, //nolint:gosec // the user asked for it
			Time:               now,
		},
		TLSHandshakeTimeout:    tcpprobe.Fallback(timeout),
		DisableKeepAlives:      true,
		MaxResponseHeaderBytes: probe.MaxBody,
		ExpectContinueTimeout:  time.Second,
		ForceAttemptHTTP2:      true,
	}
}

// Phases follows a request through its steps so that a timeout or a
// dropped connection can say what the request was waiting for. Use Trace
// to attach it to a request's context; it is safe for the transport's
// goroutines.
type Phases struct {
	mu    sync.Mutex
	phase string
	rank  int
	host  string // of the request under way
}

// Phase ranks: a step never goes back to an earlier one within a request,
// so that a dial finishing late in the background cannot rewrite it.
const (
	rankStart = iota
	rankDNS
	rankConnect
	rankTLS
	rankSend
	rankWait
	rankBody
)

// Set records the current step, e.g. "reading the response body".
func (ph *Phases) Set(phase string) { ph.set(rankBody, phase, true) }

func (ph *Phases) set(rank int, phase string, reset bool) {
	ph.mu.Lock()
	defer ph.mu.Unlock()
	if reset || rank >= ph.rank {
		ph.rank, ph.phase = rank, phase
	}
}

// String is the current step, worded to follow "timed out after 5s".
func (ph *Phases) String() string {
	ph.mu.Lock()
	defer ph.mu.Unlock()
	if ph.phase == "" {
		return "waiting for a connection"
	}
	return ph.phase
}

// While is the current step, worded to follow "connection reset by peer".
func (ph *Phases) While() string {
	s := ph.String()
	if strings.HasPrefix(s, "during ") {
		return s
	}
	return "while " + s
}

// Trace attaches ph to ctx.
func (ph *Phases) Trace(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GetConn: func(hostPort string) {
			// A new request: the first, or the next hop of a redirect.
			ph.set(rankStart, "waiting for a connection to "+hostPort, true)
			host, _, err := net.SplitHostPort(hostPort)
			if err != nil {
				host = hostPort
			}
			ph.mu.Lock()
			ph.host = host
			ph.mu.Unlock()
		},
		DNSStart: func(info httptrace.DNSStartInfo) {
			ph.set(rankDNS, "resolving "+info.Host, false)
		},
		ConnectStart: func(_, addr string) {
			ph.set(rankConnect, "connecting to "+addr, false)
		},
		TLSHandshakeStart: func() {
			ph.mu.Lock()
			host := ph.host
			ph.mu.Unlock()
			ph.set(rankTLS, "during the TLS handshake with "+host, false)
		},
		GotConn: func(httptrace.GotConnInfo) {
			ph.set(rankSend, "sending the request", false)
		},
		WroteRequest: func(httptrace.WroteRequestInfo) {
			ph.set(rankWait, "waiting for the response headers", false)
		},
	})
}
