// Package provider defines how Watchfire reads a third-party status page.
//
// Each status-page format (Atlassian Statuspage, incident.io, status.io,
// Instatus, Better Stack, Cachet, Google Cloud, Slack, Apple, RSS/Atom
// feeds, another Watchfire…) is one package under internal/provider/ that
// implements Provider; internal/provider/providers lists them in one
// table. A provider turns the vendor's documents into a
// watchfire.UpstreamReport, with the vendor→Watchfire mapping tables kept
// in code next to it.
//
// This package also holds what every provider shares: the HTTP client
// (conditional requests, per-host rate limits, size caps, Retry-After),
// the decoding helpers that turn bad input into clear errors, and the
// cascade that finds a page's provider when the config says "auto".
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/watchfire-status/watchfire"
)

// Provider reads one status-page format.
type Provider interface {
	// Name is the provider's name in the config (provider:), on the CLI
	// (--provider) and in /webhooks/{provider}.
	Name() string
	// Detect reports whether the address alone says the page is this
	// provider's (a vendor-hosted domain such as *.statuspage.io). The
	// cascade tries those providers first; a false answer rules nothing
	// out, since custom domains hide the host.
	Detect(page *url.URL) bool
	// Current reads the page's present state: indicator, components, open
	// incidents, scheduled and active maintenances. An error wrapping
	// ErrFormat means the page is not in this provider's format.
	Current(ctx context.Context, c Client, page *url.URL) (*watchfire.UpstreamReport, error)
	// History reads the page's past incidents, newest first, as many as
	// the vendor publishes (open ones included). ErrNoHistory when the
	// format has none beyond Current.
	History(ctx context.Context, c Client, page *url.URL) ([]watchfire.UpstreamIncident, error)
	// Parse normalizes one payload of this format, any of the documents
	// Current or History reads, for `watchfire deps parse` and fuzzing.
	// A payload of another format gives an error wrapping ErrFormat; Parse
	// never panics, whatever the bytes.
	Parse(body []byte) (*watchfire.UpstreamReport, error)
}

var (
	// ErrFormat marks a payload or page that is not in the provider's
	// format, so the cascade moves on to the next provider.
	ErrFormat = errors.New("not in this provider's format")
	// ErrNoHistory is History's answer for formats without a history
	// beyond the current state.
	ErrNoHistory = errors.New("this provider publishes no incident history")
)

// Formatf returns an error wrapping ErrFormat that says what was wrong.
func Formatf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// Resolve returns the address of path on the page's site: path is
// absolute ("/api/v2/summary.json"), resolved against the page's root,
// or relative to the page's own path when it does not start with '/'.
func Resolve(page *url.URL, path string) string {
	ref, err := url.Parse(path)
	if err != nil {
		return page.String()
	}
	base := *page
	base.RawQuery, base.Fragment = "", ""
	if !strings.HasSuffix(base.Path, "/") && !strings.HasPrefix(path, "/") {
		base.Path += "/"
	}
	return base.ResolveReference(ref).String()
}

// HostIs reports whether the page's host is domain or one of its
// subdomains, ignoring case and a trailing dot.
func HostIs(page *url.URL, domain string) bool {
	host := strings.TrimSuffix(strings.ToLower(page.Hostname()), ".")
	domain = strings.ToLower(domain)
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// WebhookAdapter normalizes the webhooks a vendor pushes (POST
// /webhooks/{provider}). Providers whose vendors push implement it beside
// Provider; the generic Watchfire JSON has an adapter of its own.
type WebhookAdapter interface {
	// Name is the provider's name in /webhooks/{provider}.
	Name() string
	// ParseWebhook normalizes one delivery, already known to be JSON. An
	// error wrapping ErrFormat means the payload maps to nothing this
	// adapter knows; it is then stored as unparsed. It never panics,
	// whatever the bytes.
	ParseWebhook(body []byte) (*watchfire.UpstreamPush, error)
	// Signature says how the vendor signs its deliveries, the zero value
	// when it does not (a token in the URL is then the only check).
	Signature() Signature
}

// Signature describes a vendor's webhook signature.
type Signature struct {
	// Scheme is SchemeHMACHex or SchemeStandardWebhooks.
	Scheme string
	// Header carries the signature (SchemeHMACHex only; Standard Webhooks
	// fixes its own headers).
	Header string
}

const (
	// SchemeHMACHex is an HMAC-SHA256 of the raw body, hex-encoded, with an
	// optional "sha256=" prefix, in Signature.Header.
	SchemeHMACHex = "hmac-sha256-hex"
	// SchemeStandardWebhooks is https://www.standardwebhooks.com (Svix):
	// webhook-id, webhook-timestamp and webhook-signature headers, an
	// HMAC-SHA256 of "id.timestamp.body" with a "whsec_" base64 secret.
	SchemeStandardWebhooks = "standard-webhooks"
)
