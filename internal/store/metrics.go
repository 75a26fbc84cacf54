package store

import (
	"context"
	"fmt"
	"math"
	"time"
)

// MetricPoint is one value of a metric.
type MetricPoint struct {
	MetricID string
	At       time.Time
	Value    float64
}

// MetricStore keeps metric points.
type MetricStore interface {
	// AppendMetricPoints stores points in one transaction. A second point
	// for the same metric and microsecond replaces the first, so a client
	// that retries does not count twice. EINVALID for a non-finite value.
	AppendMetricPoints(ctx context.Context, points []MetricPoint) error
	// MetricPoints returns a metric's points in [from, to), oldest first;
	// when there are more than limit, the newest limit of them.
	MetricPoints(ctx context.Context, metricID string, from, to time.Time, limit int) ([]MetricPoint, error)
	// PruneMetricPoints deletes points older than before.
	PruneMetricPoints(ctx context.Context, before time.Time) (int64, error)
}

// MetricPointLimit clamps a requested number of points: default 1,000,
// at most 10,000.
func MetricPointLimit(n int) int {
	switch {
	case n <= 0:
		return 1000
	case n > 10000:
		return 10000
	}
	return n
}

// CheckMetricPoints rejects points a store must not keep.
func CheckMetricPoints(points []MetricPoint) error {
	for _, p := range points {
		if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
			return fmt.Errorf("metric %q: %v is not a finite number", p.MetricID, p.Value)
		}
	}
	return nil
}
