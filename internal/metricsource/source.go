// Package metricsource defines pull sources that read the current value of a
// metric by running a query against a metrics server on an interval.
//
// Implementations live in subpackages (prometheus, graphite, influxdb); the
// Type → Factory table is in the sources subpackage.
package metricsource

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Point is one value of a metric at a time.
type Point struct {
	At    time.Time
	Value float64
}

// Source reads the current value of one metric.
type Source interface {
	Fetch(ctx context.Context) (Point, error)
}

// Spec configures a source.
type Spec struct {
	Type     string // prometheus | graphite | influxdb
	URL      string // base URL of the server, e.g. http://prometheus:9090
	Query    string // PromQL; a Graphite target; InfluxQL (or Flux when Language == "flux")
	Language string // influxdb: "influxql" (default) or "flux"
	Database string // influxdb 1.x (InfluxQL): db parameter
	Org      string // influxdb 2.x: org for Flux
	Bucket   string // influxdb 2.x: informational; the bucket is in the Flux query itself
	Token    string // optional auth token
	Headers  map[string]string
	Timeout  time.Duration // default DefaultTimeout
}

// Factory builds a source from a spec. A nil client means a default client
// whose timeout is the spec's timeout.
type Factory func(spec Spec, client *http.Client) (Source, error)

// DefaultTimeout is used when Spec.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// MaxBodyBytes bounds how much of a response body is read.
const MaxBodyBytes = 1 << 20

// ErrBodyTooLarge is wrapped by errors for responses over MaxBodyBytes.
var ErrBodyTooLarge = errors.New("response body exceeds 1 MiB")

// EffectiveTimeout returns the spec's timeout or DefaultTimeout.
func (s Spec) EffectiveTimeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
}

// Validate checks the fields every source needs: an absolute http(s) URL, a
// non-empty query and a non-negative timeout. kind names the source in errors.
func (s Spec) Validate(kind string) error {
	if strings.TrimSpace(s.URL) == "" {
		return fmt.Errorf("%s: url is empty; set it to the server's base URL, e.g. http://host:port", kind)
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		return fmt.Errorf("%s: url %q is not valid (%v); set it to the server's base URL, e.g. http://host:port", kind, s.URL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s: url %q must be an absolute http:// or https:// URL, e.g. http://host:port", kind, s.URL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%s: url %q must not contain a query string or fragment; give only the base URL", kind, s.URL)
	}
	if strings.TrimSpace(s.Query) == "" {
		return fmt.Errorf("%s at %s: query is empty; set the query to run", kind, s.URL)
	}
	if s.Timeout < 0 {
		return fmt.Errorf("%s at %s: timeout %s is negative; use a positive duration or 0 for the default %s", kind, s.URL, s.Timeout, DefaultTimeout)
	}
	return nil
}

// Endpoint joins the spec's base URL with path (which starts with "/").
func (s Spec) Endpoint(path string) string {
	return strings.TrimRight(s.URL, "/") + path
}

// Client returns client, or when nil a new client with the spec's timeout.
func Client(spec Spec, client *http.Client) *http.Client {
	if client != nil {
		return client
	}
	return &http.Client{Timeout: spec.EffectiveTimeout()}
}

// Do sends req with the spec's extra headers (and auth set by the caller),
// bounded by the spec's timeout, and returns at most MaxBodyBytes of a 2xx
// body. kind names the source in errors.
func Do(ctx context.Context, client *http.Client, spec Spec, kind string, req *http.Request) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, spec.EffectiveTimeout())
	defer cancel()
	req = req.WithContext(ctx)
	for k, v := range spec.Headers {
		req.Header.Set(k, v)
	}
	where := fmt.Sprintf("%s at %s", kind, spec.URL)
	resp, err := client.Do(req)
	if err != nil {
		var te interface{ Timeout() bool }
		if ctx.Err() == context.DeadlineExceeded || (errors.As(err, &te) && te.Timeout()) {
			return nil, fmt.Errorf("%s: no response within %s; check the server is reachable and the query is not too slow, or raise the timeout: %w", where, spec.EffectiveTimeout(), err)
		}
		return nil, fmt.Errorf("%s: request failed; check the URL and that the server is reachable: %w", where, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: reading the response failed: %w", where, err)
	}
	tooLarge := len(body) > MaxBodyBytes
	if tooLarge {
		body = body[:MaxBodyBytes]
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		hint := ""
		switch resp.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			hint = "; check the token and headers"
		case http.StatusNotFound:
			hint = "; check the base URL (it should not include the API path)"
		case http.StatusBadRequest:
			hint = "; check the query"
		}
		return nil, fmt.Errorf("%s: server answered %s%s: %s", where, resp.Status, hint, Snippet(body))
	}
	if tooLarge {
		return nil, fmt.Errorf("%s: %w; make the query return a single value", where, ErrBodyTooLarge)
	}
	return body, nil
}

// Snippet returns a short single-line excerpt of a response body for errors.
func Snippet(body []byte) string {
	const max = 200
	s := strings.Join(strings.Fields(string(body)), " ")
	if s == "" {
		return "(empty body)"
	}
	if len(s) > max {
		// Avoid cutting a UTF-8 sequence in half.
		cut := max
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return fmt.Sprintf("%q", s)
}
