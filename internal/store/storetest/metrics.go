package storetest

import (
	"math"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

func testMetricPoints(t *testing.T, s store.Store) {
	ctx := t.Context()
	base := time.Date(2026, 11, 21, 10, 0, 0, 0, time.FixedZone("x", 3*3600))
	var points []store.MetricPoint
	for i := 0; i < 5; i++ {
		points = append(points, store.MetricPoint{MetricID: "latency", At: base.Add(time.Duration(i) * time.Minute), Value: float64(40 + i)})
	}
	points = append(points, store.MetricPoint{MetricID: "errors", At: base, Value: 0.25})
	if err := s.AppendMetricPoints(ctx, points); err != nil {
		t.Fatal(err)
	}
	// A retried point replaces, it does not add.
	if err := s.AppendMetricPoints(ctx, []store.MetricPoint{{MetricID: "latency", At: base, Value: 99}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.MetricPoints(ctx, "latency", base, base.Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || got[0].Value != 99 || got[4].Value != 44 {
		t.Fatalf("points = %+v, want 5 oldest first with the first replaced", got)
	}
	if got[0].At.Location() != time.UTC || !got[0].At.Equal(base) {
		t.Fatalf("time %v, want %v in UTC", got[0].At, base)
	}
	newest, err := s.MetricPoints(ctx, "latency", base, base.Add(time.Hour), 2)
	if err != nil || len(newest) != 2 || newest[0].Value != 43 || newest[1].Value != 44 {
		t.Fatalf("limit 2 = %+v (%v), want the newest two, oldest first", newest, err)
	}
	window, err := s.MetricPoints(ctx, "latency", base.Add(time.Minute), base.Add(3*time.Minute), 0)
	if err != nil || len(window) != 2 {
		t.Fatalf("[+1m, +3m) = %+v (%v), want 2 points", window, err)
	}
	if err := s.AppendMetricPoints(ctx, []store.MetricPoint{{MetricID: "bad", At: base, Value: math.NaN()}}); watchfire.ErrorCode(err) != watchfire.EINVALID {
		t.Fatalf("NaN point: %v, want EINVALID", err)
	}
	n, err := s.PruneMetricPoints(ctx, base.Add(2*time.Minute))
	if err != nil || n != 3 {
		t.Fatalf("prune = %d (%v), want 3 (2 latency + 1 errors)", n, err)
	}
	if left, _ := s.MetricPoints(ctx, "latency", base, base.Add(time.Hour), 0); len(left) != 3 {
		t.Fatalf("after prune: %d points, want 3", len(left))
	}
}
