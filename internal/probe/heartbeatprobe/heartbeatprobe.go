// Package heartbeatprobe watches for pushes instead of reaching out: a cron
// job or batch pipeline calls POST /api/v1/heartbeat/{token} when it runs,
// and the check fails once no beat has arrived within the grace period.
package heartbeatprobe

import (
	"context"
	"errors"
	"time"

	"github.com/watchfire-status/watchfire/internal/probe"
)

type prober struct {
	id    string
	grace time.Duration
	beats probe.HeartbeatSource
	now   func() time.Time
}

var _ probe.Factory = New

// New returns a prober for a heartbeat monitor.
func New(spec probe.Spec, deps probe.Deps) (probe.Prober, error) {
	if spec.Grace <= 0 {
		return nil, errors.New("a heartbeat monitor needs a grace period")
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	return &prober{id: spec.ID, grace: spec.Grace, beats: deps.Heartbeats, now: now}, nil
}

func (p *prober) Check(ctx context.Context) probe.Result {
	if p.beats == nil {
		return probe.Failf(0, "heartbeats are received only by 'watchfire serve'")
	}
	last, ok := p.beats.LastBeat(p.id)
	if !ok {
		return probe.Failf(0, "this monitor is not registered for heartbeats")
	}
	if age := p.now().Sub(last); age > p.grace {
		return probe.Failf(0, "no heartbeat for %s (grace %s); last at %s",
			age.Round(time.Second), p.grace, last.UTC().Format(time.RFC3339))
	}
	return probe.Result{OK: true}
}
