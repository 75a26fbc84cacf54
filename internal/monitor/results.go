package monitor

import (
	"context"
	"log/slog"
	"time"

	"github.com/watchfire-status/watchfire/internal/store"
)

// Retention: raw results for a week, rollups for well over a year so a
// 90-day page and year-on-year comparisons always have data.
const (
	RawRetention    = 7 * 24 * time.Hour
	RollupRetention = 400 * 24 * time.Hour
)

// StoreResults returns a Results function that writes batches to the
// store (raw rows and hourly and daily rollups in one transaction).
func StoreResults(st store.MonitorStore) func(ctx context.Context, batch []CheckResult) error {
	return func(ctx context.Context, batch []CheckResult) error {
		out := make([]store.Result, len(batch))
		for i, r := range batch {
			out[i] = store.Result{MonitorID: r.MonitorID, ComponentID: r.ComponentID, At: r.At,
				OK: r.OK, Degraded: r.OK && r.Slow, Latency: r.Latency, Reason: r.Reason}
		}
		return st.AppendResults(ctx, out)
	}
}

// Prune deletes results past their retention, every interval, until ctx
// is done.
func Prune(ctx context.Context, st store.MonitorStore, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		now := time.Now()
		raw, err := st.PruneResults(ctx, now.Add(-RawRetention))
		if err == nil {
			var hourly, daily int64
			if hourly, err = st.PruneRollups(ctx, store.Hourly, now.Add(-RollupRetention)); err == nil {
				daily, err = st.PruneRollups(ctx, store.Daily, now.Add(-RollupRetention))
			}
			if raw+hourly+daily > 0 {
				log.Info("pruned monitor results past retention", "raw", raw, "hourly", hourly, "daily", daily)
			}
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("pruning monitor results", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
