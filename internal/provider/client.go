package provider

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Client fetches a vendor's documents. Providers use nothing else to reach
// the network, so every request gets the same timeouts, caps, rate limits
// and conditional headers.
type Client interface {
	// Get fetches url. Any answer but 2xx or 304 is an error (*FetchError
	// for HTTP statuses). On 304 Not Modified, the Response carries the
	// body last seen for the address, with NotModified set.
	Get(ctx context.Context, url string) (*Response, error)
}

// Response is one fetched document.
type Response struct {
	URL         string // the address fetched, after redirects
	Status      int
	ContentType string
	Body        []byte // decompressed, at most the client's cap
	// NotModified is set when the server answered 304 (or sent the same
	// bytes again): nothing changed since the last fetch of the address.
	NotModified bool
}

// FetchError is an HTTP answer that is not a document.
type FetchError struct {
	URL        string
	Status     int
	RetryAfter time.Duration // from a 429 or 503's Retry-After; 0 if none
}

func (e *FetchError) Error() string {
	msg := fmt.Sprintf("%s answered HTTP %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter.Round(time.Second))
	}
	return msg
}

// ErrTooLarge is returned when a body exceeds the client's cap.
var ErrTooLarge = errors.New("response body too large")

// HTTPOptions configure an HTTPClient.
type HTTPOptions struct {
	UserAgent string        // default: DefaultUserAgent
	Timeout   time.Duration // per request, headers and body; default 20 s
	MaxBody   int64         // default 16 MiB
	// PerHost limits requests to one host; default 2 per second with a
	// burst of 4, so a page that fetches several documents is not slowed
	// while a host shared by many pages is not hammered.
	PerHost rate.Limit
	Burst   int
	// Transport, for tests; default: a tuned clone of http.DefaultTransport.
	Transport http.RoundTripper
	// Now is the clock for Retry-After dates; default time.Now.
	Now func() time.Time
}

// DefaultUserAgent names Watchfire to the vendors it polls, with a link
// that says what it is.
const DefaultUserAgent = "Watchfire/1 (status-page aggregator; +https://github.com/watchfire-status/watchfire)"

// maxRedirects is how many redirects a fetch follows before it calls it a
// loop.
const maxRedirects = 5

// HTTPClient is the Client used in production: conditional requests with
// the validators each address last answered with, per-host rate limits,
// a body cap, gzip, timeouts and Retry-After.
type HTTPClient struct {
	http    *http.Client
	opts    HTTPOptions
	mu      sync.Mutex
	hosts   map[string]*rate.Limiter
	entries map[string]*cacheEntry // by address
}

// cacheEntry is what the client remembers of one address: the validators
// for the next conditional request and the last body, returned on 304.
type cacheEntry struct {
	etag, lastModified string
	contentType        string
	finalURL           string
	body               []byte
	sum                [32]byte
}

// NewHTTPClient returns a client with the options' defaults filled in.
func NewHTTPClient(opts HTTPOptions) *HTTPClient {
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 20 * time.Second
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 16 << 20
	}
	if opts.PerHost <= 0 {
		opts.PerHost, opts.Burst = 2, 4
	}
	if opts.Burst <= 0 {
		opts.Burst = 1
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	tr := opts.Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 4
		t.IdleConnTimeout = 90 * time.Second
		t.ResponseHeaderTimeout = opts.Timeout
		t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		tr = t
	}
	c := &HTTPClient{opts: opts, hosts: map[string]*rate.Limiter{}, entries: map[string]*cacheEntry{}}
	c.http = &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("stopped after %d redirects (a redirect loop?) at %s", maxRedirects, req.URL.Redacted())
			}
			return nil
		},
	}
	return c
}

func (c *HTTPClient) limiter(host string) *rate.Limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.hosts[host]
	if l == nil {
		l = rate.NewLimiter(c.opts.PerHost, c.opts.Burst)
		c.hosts[host] = l
	}
	return l
}

// Get implements Client.
func (c *HTTPClient) Get(ctx context.Context, addr string) (*Response, error) {
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http(s) address", addr)
	}
	if err := c.limiter(strings.ToLower(u.Host)).Wait(ctx); err != nil {
		return nil, fmt.Errorf("waiting for the rate limit of %s: %w", u.Host, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, addr, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept", "application/json, application/atom+xml, application/rss+xml, text/xml;q=0.9, */*;q=0.5")
	c.mu.Lock()
	prev := c.entries[addr]
	c.mu.Unlock()
	if prev != nil {
		if prev.etag != "" {
			req.Header.Set("If-None-Match", prev.etag)
		}
		if prev.lastModified != "" {
			req.Header.Set("If-Modified-Since", prev.lastModified)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, describeTransportError(addr, c.opts.Timeout, err)
	}
	defer resp.Body.Close()

	if resp.StatusCode == http.StatusNotModified && prev != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		c.remember(addr, prev, resp.Header)
		return &Response{URL: prev.finalURL, Status: resp.StatusCode, ContentType: prev.contentType,
			Body: prev.body, NotModified: true}, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		fe := &FetchError{URL: addr, Status: resp.StatusCode}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			fe.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), c.opts.Now())
		}
		return nil, fe
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBody+1))
	if err != nil {
		return nil, describeTransportError(addr, c.opts.Timeout, err)
	}
	if int64(len(body)) > c.opts.MaxBody {
		return nil, fmt.Errorf("%w: %s sent more than %d MiB; Watchfire reads at most that much of one document", ErrTooLarge, addr, c.opts.MaxBody>>20)
	}
	final := resp.Request.URL.String()
	e := &cacheEntry{contentType: resp.Header.Get("Content-Type"), finalURL: final, body: body, sum: sha256.Sum256(body)}
	same := prev != nil && prev.sum == e.sum
	if same {
		e.body = prev.body // keep one copy
	}
	c.remember(addr, e, resp.Header)
	return &Response{URL: final, Status: resp.StatusCode, ContentType: e.contentType, Body: e.body, NotModified: same}, nil
}

// remember stores the entry with the validators of the latest answer.
func (c *HTTPClient) remember(addr string, e *cacheEntry, h http.Header) {
	next := *e
	if v := h.Get("ETag"); v != "" {
		next.etag = v
	}
	if v := h.Get("Last-Modified"); v != "" {
		next.lastModified = v
	}
	c.mu.Lock()
	c.entries[addr] = &next
	c.mu.Unlock()
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date. It caps
// the wait at a day, so a confused server cannot silence a page forever.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d < 0 {
		return 0
	}
	return min(d, 24*time.Hour)
}

// describeTransportError words network failures for the person reading a
// dependency's fetch error.
func describeTransportError(addr string, timeout time.Duration, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s did not answer in full within %s: %w", addr, timeout, context.DeadlineExceeded)
	case errors.Is(err, context.Canceled):
		return err
	}
	return fmt.Errorf("fetching %s: %w", addr, err)
}
