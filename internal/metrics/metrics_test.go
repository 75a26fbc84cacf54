package metrics

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/config"
	"github.com/watchfire-status/watchfire/internal/store"
)

// memStore keeps points in memory, enough for the service's logic; the
// real stores pass the conformance suite.
type memStore struct {
	mu     sync.Mutex
	points []store.MetricPoint
}

func (m *memStore) AppendMetricPoints(_ context.Context, ps []store.MetricPoint) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.points = append(m.points, ps...)
	return nil
}

func (m *memStore) MetricPoints(_ context.Context, id string, from, to time.Time, limit int) ([]store.MetricPoint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.MetricPoint
	for _, p := range m.points {
		if p.MetricID == id && !p.At.Before(from) && p.At.Before(to) {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	if len(out) > limit && limit > 0 {
		out = out[len(out)-limit:]
	}
	return out, nil
}

func (m *memStore) PruneMetricPoints(context.Context, time.Time) (int64, error) { return 0, nil }

type judged struct {
	status map[string]watchfire.ComponentStatus
	reason map[string]string
}

func (j *judged) SetExternal(key, component string, s watchfire.ComponentStatus, reason string) {
	j.status[key+"@"+component], j.reason[key] = s, reason
}

func f(v float64) *float64 { return &v }

func TestThresholdsJudgeTheNewestValue(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	j := &judged{status: map[string]watchfire.ComponentStatus{}, reason: map[string]string{}}
	s := New(&memStore{}, j, nil, func() time.Time { return now })
	cfg := &config.Config{Page: &config.PageConfig{ID: "p", Name: "P"}, Metrics: []config.MetricConfig{{
		ID: "errors", Name: "Error rate", Unit: "%", Target: "<= 0.5", Component: "api",
		Thresholds: []config.MetricThreshold{
			{Above: f(5), Status: "major_outage"},
			{Above: f(0.5), Status: "degraded_performance"},
			{Below: f(0), Status: "partial_outage"},
		},
	}}}
	s.Update(cfg)
	for _, tt := range []struct {
		value float64
		want  watchfire.ComponentStatus
	}{{0.2, "operational"}, {0.9, "degraded_performance"}, {7, "major_outage"}, {-1, "partial_outage"}, {0.5, "operational"}} {
		if err := s.Record(context.Background(), []store.MetricPoint{{MetricID: "errors", At: now, Value: tt.value}}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
		if got := j.status["metric:errors@api"]; got != tt.want {
			t.Errorf("value %v → %s, want %s (reason %q)", tt.value, got, tt.want, j.reason["metric:errors"])
		}
	}
	// An older point arriving late does not override the newest.
	if err := s.Record(context.Background(), []store.MetricPoint{{MetricID: "errors", At: now.Add(-time.Hour), Value: 9}}); err != nil {
		t.Fatal(err)
	}
	if got := j.status["metric:errors@api"]; got != "operational" {
		t.Errorf("a late old point changed the status to %s", got)
	}
	// A metric that loses its thresholds stops judging.
	cfg.Metrics[0].Thresholds = nil
	s.Update(cfg)
	if got, ok := j.status["metric:errors@api"]; !ok || got != "" {
		t.Errorf("after removing thresholds: %q, want cleared", got)
	}
}

func TestTargets(t *testing.T) {
	for _, tt := range []struct {
		target string
		v      float64
		met    bool
	}{{"< 100", 45, true}, {"< 100", 100, false}, {"<= 0.5", 0.5, true}, {">= 99.9", 99.8, false}, {"> 0", 1, true}, {"", 5, true}} {
		d := &Def{}
		if tt.target != "" {
			d.TargetOp, d.TargetAt, _ = config.ParseTarget(tt.target)
		}
		if got := d.Met(tt.v); got != tt.met {
			t.Errorf("%q met by %v = %v", tt.target, tt.v, got)
		}
	}
}
