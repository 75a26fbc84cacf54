// Package metrics keeps the figures a status page shows beside its
// components ("API response time: 45 ms, target < 100 ms"): it stores
// points pushed through the API or pulled from Prometheus, Graphite or
// InfluxDB, and turns thresholds on the latest value into component
// statuses.
package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/config"
	"github.com/watchfire-status/watchfire/internal/store"
)

// readWindow is how far back Latest looks for a metric's newest point.
const readWindow = 90 * 24 * time.Hour

// Def is one configured metric.
type Def struct {
	config.MetricConfig
	PageID   string // resolved: the default page when the config names none
	TargetOp string // "<", "<=", ">" or ">="; "" without a target
	TargetAt float64
}

// Met reports whether v meets the metric's target; true without one.
func (d *Def) Met(v float64) bool {
	switch d.TargetOp {
	case "<":
		return v < d.TargetAt
	case "<=":
		return v <= d.TargetAt
	case ">":
		return v > d.TargetAt
	case ">=":
		return v >= d.TargetAt
	}
	return true
}

// Judge takes the status a metric's thresholds give its component: the
// monitor runner, which combines it with the monitors' verdicts.
type Judge interface {
	SetExternal(key, componentID string, status watchfire.ComponentStatus, reason string)
}

// Service records and judges metrics.
type Service struct {
	store store.MetricStore
	judge Judge
	log   *slog.Logger
	now   func() time.Time

	mu   sync.RWMutex
	defs map[string]*Def

	changed chan struct{} // Update tells RunSources to look again
}

// New returns a service; call Update with the config.
func New(st store.MetricStore, judge Judge, log *slog.Logger, now func() time.Time) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, judge: judge, log: log, now: now, defs: map[string]*Def{}, changed: make(chan struct{}, 1)}
}

// Update sets the metrics from the config. Thresholds of metrics that are
// gone, or that lost their component, stop judging.
func (s *Service) Update(cfg *config.Config) {
	defs := map[string]*Def{}
	for _, m := range cfg.Metrics {
		d := &Def{MetricConfig: m, PageID: m.Page}
		if d.PageID == "" {
			d.PageID = cfg.DefaultPage()
		}
		if m.Target != "" {
			d.TargetOp, d.TargetAt, _ = config.ParseTarget(m.Target) // validated by the config
		}
		defs[m.ID] = d
	}
	s.mu.Lock()
	old := s.defs
	s.defs = defs
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default: // a look is pending already
	}
	for id, d := range old {
		if nd, ok := defs[id]; d.Component != "" && len(d.Thresholds) > 0 && (!ok || nd.Component != d.Component || len(nd.Thresholds) == 0) {
			s.judge.SetExternal("metric:"+id, d.Component, "", "")
		}
	}
}

// Metric returns a metric's definition.
func (s *Service) Metric(id string) (*Def, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d, ok := s.defs[id]
	return d, ok
}

// List returns every metric, by id.
func (s *Service) List() []*Def {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*Def, 0, len(s.defs))
	for _, d := range s.defs {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Record stores points and judges each metric on its newest value.
func (s *Service) Record(ctx context.Context, points []store.MetricPoint) error {
	if err := s.store.AppendMetricPoints(ctx, points); err != nil {
		return err
	}
	newest := map[string]store.MetricPoint{}
	for _, p := range points {
		if n, ok := newest[p.MetricID]; !ok || p.At.After(n.At) {
			newest[p.MetricID] = p
		}
	}
	for id := range newest {
		// The newest stored point, which may be newer than this batch's.
		latest, err := s.Latest(ctx, id)
		if err != nil {
			return err
		}
		if latest != nil {
			s.judgeValue(id, latest.Value)
		}
	}
	return nil
}

// JudgeLatest applies every metric's thresholds to its newest stored
// value: after a start or a reload, statuses follow what is known.
func (s *Service) JudgeLatest(ctx context.Context) error {
	for _, d := range s.List() {
		if d.Component == "" || len(d.Thresholds) == 0 {
			continue
		}
		latest, err := s.Latest(ctx, d.ID)
		if err != nil {
			return err
		}
		if latest != nil {
			s.judgeValue(d.ID, latest.Value)
		}
	}
	return nil
}

// Latest returns a metric's newest point, or nil.
func (s *Service) Latest(ctx context.Context, id string) (*store.MetricPoint, error) {
	now := s.now()
	points, err := s.store.MetricPoints(ctx, id, now.Add(-readWindow), now.Add(time.Hour), 1)
	if err != nil || len(points) == 0 {
		return nil, err
	}
	return &points[0], nil
}

// judgeValue applies a metric's thresholds to its newest value: the worst
// matching threshold sets the component's status.
func (s *Service) judgeValue(id string, v float64) {
	d, ok := s.Metric(id)
	if !ok || d.Component == "" || len(d.Thresholds) == 0 {
		return
	}
	status, reason := watchfire.StatusOperational, ""
	for _, th := range d.Thresholds {
		var hit bool
		var rule string
		switch {
		case th.Above != nil:
			hit, rule = v > *th.Above, "above "+num(*th.Above)
		case th.Below != nil:
			hit, rule = v < *th.Below, "below "+num(*th.Below)
		}
		if s := watchfire.ComponentStatus(th.Status); hit && s.Severity() > status.Severity() {
			status = s
			reason = fmt.Sprintf("%s is %s%s, %s%s", d.Name, num(v), unit(d.Unit), rule, unit(d.Unit))
		}
	}
	s.judge.SetExternal("metric:"+id, d.Component, status, reason)
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func unit(u string) string {
	if u == "" {
		return ""
	}
	return " " + u
}

// Prune deletes points older than days() days, every interval, until ctx
// is done.
func (s *Service) Prune(ctx context.Context, every time.Duration, days func() int) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		before := s.now().Add(-time.Duration(days()) * 24 * time.Hour)
		if n, err := s.store.PruneMetricPoints(ctx, before); err != nil && ctx.Err() == nil {
			s.log.Warn("pruning metric points", "err", err)
		} else if n > 0 {
			s.log.Info("pruned metric points past retention", "points", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
