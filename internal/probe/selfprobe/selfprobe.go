// Package selfprobe checks Watchfire's own subsystems (its HTTP API, its
// event hub, its database), so a status page can show the platform's own
// health with response times, and the demo shows live data offline.
package selfprobe

import (
	"context"
	"errors"

	"github.com/watchfire-status/watchfire/internal/probe"
)

// Targets are the subsystems a self monitor can check.
var Targets = []string{"api", "events", "database"}

type prober struct {
	target string
	self   probe.SelfChecker
}

var _ probe.Factory = New

// New returns a prober for spec.Target (default api).
func New(spec probe.Spec, deps probe.Deps) (probe.Prober, error) {
	target := spec.Target
	if target == "" {
		target = "api"
	}
	known := false
	for _, t := range Targets {
		known = known || t == target
	}
	if !known {
		return nil, errors.New(`self target "` + target + `" is not one of api, events, database`)
	}
	return &prober{target: target, self: deps.Self}, nil
}

func (p *prober) Check(ctx context.Context) probe.Result {
	if p.self == nil {
		return probe.Failf(0, "self checks run only inside 'watchfire serve'")
	}
	return p.self.CheckSelf(ctx, p.target)
}
