package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/watchfire-status/watchfire"
)

// Registry is the ordered set of providers the cascade tries.
type Registry struct {
	list []Provider
}

// NewRegistry returns a registry trying providers in the given order
// (after the ones whose Detect claims the address).
func NewRegistry(providers ...Provider) *Registry {
	return &Registry{list: providers}
}

// Get returns the provider named name, or nil.
func (r *Registry) Get(name string) Provider {
	for _, p := range r.list {
		if p.Name() == name {
			return p
		}
	}
	return nil
}

// Names lists the providers' names in cascade order.
func (r *Registry) Names() []string {
	out := make([]string, len(r.list))
	for i, p := range r.list {
		out[i] = p.Name()
	}
	return out
}

// Order returns the providers in the order the cascade tries them for the
// page: those that claim its address first, then the rest.
func (r *Registry) Order(page *url.URL) []Provider {
	var claimed, rest []Provider
	for _, p := range r.list {
		if p.Detect(page) {
			claimed = append(claimed, p)
		} else {
			rest = append(rest, p)
		}
	}
	return append(claimed, rest...)
}

// Detect finds the page's provider: it tries Current with each provider in
// turn (see Order) and returns the first that reads the page, with what it
// read. When none does, the error lists each one's reason.
func (r *Registry) Detect(ctx context.Context, c Client, page *url.URL) (Provider, *watchfire.UpstreamReport, error) {
	var reasons []string
	for _, p := range r.Order(page) {
		rep, err := p.Current(ctx, c, page)
		if err == nil {
			return p, rep, nil
		}
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		var fe *FetchError
		if errors.As(err, &fe) && fe.RetryAfter > 0 {
			return nil, nil, err // the host asked us to wait; trying more of its addresses now would be rude
		}
		reasons = append(reasons, p.Name()+": "+err.Error())
	}
	return nil, nil, &NoProviderError{Reasons: reasons}
}

// NoProviderError says that no provider could read a page: it stays in
// the directory with its link only.
type NoProviderError struct {
	Reasons []string
}

func (e *NoProviderError) Error() string {
	return fmt.Sprintf("no provider could read this page (%s)", strings.Join(e.Reasons, "; "))
}

// ParseAny tries each provider's Parse on the payload and returns the
// first result, for `watchfire deps parse` without --provider.
func (r *Registry) ParseAny(body []byte) (Provider, *watchfire.UpstreamReport, error) {
	var reasons []string
	for _, p := range r.list {
		rep, err := p.Parse(body)
		if err == nil {
			return p, rep, nil
		}
		reasons = append(reasons, p.Name()+": "+err.Error())
	}
	return nil, nil, &NoProviderError{Reasons: reasons}
}
