package monitor

import (
	"context"
	"net/http"
	"time"

	"github.com/watchfire-status/watchfire/internal/hub"
	"github.com/watchfire-status/watchfire/internal/probe"
)

// Pinger is a store that can say it answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Self checks Watchfire's own subsystems for self monitors.
type Self struct {
	// APIURL is the server's own base URL, e.g. http://127.0.0.1:8080;
	// the api check asks it for /healthz over a real connection.
	APIURL string
	Store  Pinger
	Hub    *hub.Hub
	client *http.Client
}

var _ probe.SelfChecker = (*Self)(nil)

// CheckSelf probes one subsystem and times it.
func (s *Self) CheckSelf(ctx context.Context, target string) probe.Result {
	start := time.Now()
	switch target {
	case "database":
		if err := s.Store.Ping(ctx); err != nil {
			return probe.Failf(time.Since(start), "the database does not answer: %v", err)
		}
	case "events":
		// The hub takes a subscriber and lets it go: live streams and
		// notifications can attach.
		sub := s.Hub.Subscribe(1)
		sub.Close()
	default: // api
		if s.client == nil {
			s.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, IdleConnTimeout: time.Minute}}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.APIURL+"/healthz", nil)
		if err != nil {
			return probe.Failf(0, "bad API URL %q: %v", s.APIURL, err)
		}
		resp, err := s.client.Do(req)
		if err != nil {
			return probe.Failf(time.Since(start), "the API does not answer: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return probe.Failf(time.Since(start), "the API answered %s", resp.Status)
		}
	}
	return probe.Result{OK: true, Latency: time.Since(start)}
}
