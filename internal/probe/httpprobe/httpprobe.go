// Package httpprobe is the "http" probe: one request to spec.URL (method,
// headers and body from the spec), judged on its status, its body and,
// over https, its certificate.
//
// What passes, in the order checked (the first failure is the reason):
//
//  1. the request gets a response: no refused or reset connection, no
//     timeout, no certificate problem (unless InsecureSkipVerify), at most
//     10 redirects when FollowRedirects is set ("stopped after 10
//     redirects");
//  2. the status is one of Expect.Status, or any 2xx when it is empty.
//     Without FollowRedirects a 3xx is the response judged (so it fails
//     the default expectation, and passes with status: [301]);
//  3. with Expect.CertDays, the final response came over https and its
//     leaf certificate has at least that many whole days left
//     (tlsprobe.CertDaysReason). New refuses cert_days on an http:// URL
//     unless redirects are followed (they may lead to https);
//  4. the body arrives whole (up to the limit below) before the deadline;
//  5. Expect.BodyContains is in the body, Expect.BodyRegex matches it, and
//     Expect.JSONPath selects a value whose string form equals
//     Expect.JSONValue (or is present at all, when JSONValue is empty).
//     A string compares unquoted, anything else as its JSON text; a
//     number also matches the same number written otherwise (1 and 1.0).
//
// The body is read up to probe.MaxBody (1 MiB) and the connection is
// dropped rather than drained past that. A larger body is not a failure
// in itself: the body checks run on its first 1 MiB, and when one of them
// fails the reason says so ("body does not contain "ok" (body larger than
// 1 MiB: only the first 1 MiB was checked)"). A JSON path needs the whole
// document, so it fails on such a body.
//
// Latency is the time from sending the request to receiving the final
// response's headers: redirects followed are included, the body is not.
// It includes DNS, connect and TLS when a new connection is needed; the
// prober keeps one idle connection per host (for 90 s), so a monitor
// checked every 30 s usually reuses its connection and measures the
// server's answer. A connection is replaced after 5 minutes of reuse so
// that a renewed certificate and a changed DNS record are seen.
//
// Each prober owns an *http.Client and its transport (see NewTransport).
// A prober implements io.Closer: Close drops its idle connections, and the
// monitor runner calls it when it removes or replaces the monitor.
//
// The package also holds the transport and request tracing the websocket
// probe shares: NewTransport, Phases, UserAgent.
package httpprobe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire/internal/probe"
	"github.com/watchfire-status/watchfire/internal/probe/tcpprobe"
	"github.com/watchfire-status/watchfire/internal/probe/tlsprobe"
)

var _ probe.Factory = New

// MaxRedirects is how many redirects a prober follows.
const MaxRedirects = 10

// tooManyRedirects stops a redirect chain; url is the redirect refused.
type tooManyRedirects struct{ url string }

func (e *tooManyRedirects) Error() string {
	return fmt.Sprintf("stopped after %d redirects (the last to %s)", MaxRedirects, cut(e.url, 100))
}

type prober struct {
	url        string
	host       string // of url, for reasons
	https      bool
	method     string
	header     http.Header
	hostHeader string // Host header, when the spec sets one
	body       string
	follow     bool

	status    []int // empty: any 2xx
	contains  string
	re        *regexp.Regexp
	path      *jsonPath
	jsonValue string
	certDays  int

	timeout   time.Duration
	now       func() time.Time
	client    *http.Client
	transport *http.Transport
	dial      tcpprobe.DialFunc // replaced by tests
}

// New builds an http prober. It parses the URL, compiles the regular
// expression and the JSON path, and builds the client; the method
// defaults to GET.
func New(spec probe.Spec, deps probe.Deps) (probe.Prober, error) {
	u, err := url.Parse(strings.TrimSpace(spec.URL))
	if err != nil {
		return nil, fmt.Errorf("http monitor url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("http monitor url %q is not an absolute http:// or https:// URL", spec.URL)
	}
	method := strings.ToUpper(strings.TrimSpace(spec.Method))
	if method == "" {
		method = http.MethodGet
	}
	if _, err := http.NewRequest(method, u.String(), nil); err != nil {
		return nil, fmt.Errorf("http monitor: %w", err)
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	p := &prober{
		url:       u.String(),
		host:      u.Hostname(),
		https:     u.Scheme == "https",
		method:    method,
		header:    http.Header{},
		body:      spec.Body,
		follow:    spec.FollowRedirects,
		status:    slices.Clone(spec.Expect.Status),
		contains:  spec.Expect.BodyContains,
		jsonValue: spec.Expect.JSONValue,
		certDays:  spec.Expect.CertDays,
		timeout:   spec.Timeout,
		now:       now,
	}
	for _, code := range p.status {
		if code < 100 || code > 599 {
			return nil, fmt.Errorf("expected status %d is not an HTTP status code", code)
		}
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
		p.header.Set("User-Agent", UserAgent)
	}
	if spec.Expect.BodyRegex != "" {
		if p.re, err = regexp.Compile(spec.Expect.BodyRegex); err != nil {
			return nil, fmt.Errorf("body_regex: %w", err)
		}
	}
	if spec.Expect.JSONPath != "" {
		if p.path, err = parseJSONPath(spec.Expect.JSONPath); err != nil {
			return nil, err
		}
	} else if spec.Expect.JSONValue != "" {
		return nil, errors.New("json_value needs json_path: the value is compared with what json_path selects")
	}
	if p.certDays < 0 {
		return nil, fmt.Errorf("cert_days must be 0 or more, got %d", p.certDays)
	}
	if p.certDays > 0 && !p.https && !p.follow {
		// Following redirects, an http:// URL may end on https, whose
		// certificate is then judged; without, there is none to judge.
		return nil, fmt.Errorf("cert_days needs an https:// URL (or follow_redirects to one); %s has no certificate", spec.URL)
	}

	d := &net.Dialer{Timeout: tcpprobe.Fallback(spec.Timeout), KeepAlive: 30 * time.Second}
	p.dial = d.DialContext
	p.transport = NewTransport(spec.InsecureSkipVerify, spec.Timeout, now,
		func(ctx context.Context, network, addr string) (net.Conn, error) { return p.dial(ctx, network, addr) })
	p.client = &http.Client{
		Transport: p.transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if !p.follow {
				return http.ErrUseLastResponse
			}
			if len(via) >= MaxRedirects {
				return &tooManyRedirects{url: req.URL.String()}
			}
			return nil
		},
	}
	return p, nil
}

// Close drops the prober's idle connections. The prober still works
// afterwards (it opens a new connection).
func (p *prober) Close() error {
	p.transport.CloseIdleConnections()
	return nil
}

// Check sends the request and judges the response.
func (p *prober) Check(ctx context.Context) (res probe.Result) {
	defer func() {
		if r := recover(); r != nil {
			res = probe.Failf(0, "internal error in the http probe: %v", r)
		}
	}()
	ctx, cancel := tcpprobe.Bound(ctx, p.timeout)
	defer cancel()
	budget := tcpprobe.Budget(ctx, p.timeout)

	ph := &Phases{}
	var body io.Reader
	if p.body != "" {
		body = strings.NewReader(p.body)
	}
	req, err := http.NewRequestWithContext(ph.Trace(ctx), p.method, p.url, body)
	if err != nil {
		return probe.Failf(0, "cannot build the request: %v", err)
	}
	req.Header = p.header.Clone()
	if p.hostHeader != "" {
		req.Host = p.hostHeader
	}

	start := time.Now()
	resp, err := p.client.Do(req)
	latency := time.Since(start)
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		res := probe.Failf(latency, "%s", p.describe(err, budget, ph))
		res.CertExpiry = tlsprobe.PresentedExpiry(err)
		return res
	}
	defer resp.Body.Close()
	ph.Set("reading the response body")

	res = probe.Result{OK: true, Latency: latency}
	if resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 {
		res.CertExpiry = resp.TLS.PeerCertificates[0].NotAfter
	}
	fail := func(reason string) probe.Result {
		res.OK, res.Reason = false, reason
		return res
	}
	// A wrong status is the reason whatever the body: it is not read (and
	// the connection not reused) then.
	if reason := p.checkStatus(resp); reason != "" {
		return fail(reason)
	}
	if p.certDays > 0 {
		if resp.TLS == nil {
			return fail("cert_days is set but the response came over plain http, with no certificate")
		}
		if reason := tlsprobe.CertDaysReason(res.CertExpiry, p.certDays, p.now()); reason != "" {
			return fail(reason)
		}
	}
	data, truncated, readErr := readBody(resp.Body)
	if readErr != nil {
		return fail(p.describeBodyErr(readErr, budget, len(data)))
	}
	if reason := p.checkBody(data, truncated); reason != "" {
		return fail(reason)
	}
	return res
}

// readBody reads at most probe.MaxBody bytes of r, and reports whether
// there was more.
func readBody(r io.Reader) (data []byte, truncated bool, err error) {
	var buf bytes.Buffer
	_, err = buf.ReadFrom(io.LimitReader(r, probe.MaxBody+1))
	data = buf.Bytes()
	if len(data) > probe.MaxBody {
		return data[:probe.MaxBody], true, nil
	}
	return data, false, err
}

func (p *prober) checkStatus(resp *http.Response) string {
	code := resp.StatusCode
	var want string
	switch {
	case len(p.status) == 0 && code >= 200 && code <= 299, slices.Contains(p.status, code):
		return ""
	case len(p.status) == 0:
		want = "2xx"
	case len(p.status) == 1:
		want = strconv.Itoa(p.status[0])
	default:
		codes := make([]string, len(p.status))
		for i, c := range p.status {
			codes[i] = strconv.Itoa(c)
		}
		want = "one of " + strings.Join(codes, ", ")
	}
	reason := fmt.Sprintf("status %d, expected %s", code, want)
	if loc := resp.Header.Get("Location"); !p.follow && code >= 300 && code <= 399 && loc != "" {
		reason += fmt.Sprintf(" (a redirect to %s, not followed: follow_redirects is off)", cut(loc, 100))
	}
	return reason
}

func (p *prober) checkBody(data []byte, truncated bool) string {
	var reason string
	switch {
	case p.contains != "" && !bytes.Contains(data, []byte(p.contains)):
		reason = fmt.Sprintf("body does not contain %q", p.contains)
	case p.re != nil && !p.re.Match(data):
		reason = fmt.Sprintf("body does not match %q", p.re.String())
	case p.path != nil && truncated:
		return fmt.Sprintf("body larger than 1 MiB: only the first 1 MiB was read, not a whole JSON document, so %s cannot be checked", p.path.text)
	case p.path != nil:
		reason = p.path.check(data, p.jsonValue)
	}
	if reason != "" && truncated {
		reason += " (body larger than 1 MiB: only the first 1 MiB was checked)"
	}
	return reason
}

// describe words an error from Client.Do.
func (p *prober) describe(err error, budget time.Duration, ph *Phases) string {
	var redirects *tooManyRedirects
	if errors.As(err, &redirects) {
		return redirects.Error()
	}
	if reason, ok := tlsprobe.DescribeCertError(err, p.host, p.now()); ok {
		return reason
	}
	reason := tcpprobe.Describe(err, budget, ph.String())
	switch reason {
	case "connection reset by peer", "connection closed by the server":
		reason += " " + ph.While()
	}
	return reason
}

func (p *prober) describeBodyErr(err error, budget time.Duration, got int) string {
	reason := tcpprobe.Describe(err, budget, "reading the response body")
	if !strings.HasPrefix(reason, "timed out") {
		reason += " while reading the response body"
	}
	return fmt.Sprintf("%s (%s received)", reason, size(got))
}

func size(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	case n == 1:
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n-1], "") + "…"
}
