package monitor

import (
	"context"
	"log/slog"
	"time"

	"github.com/watchfire-status/watchfire/internal/store"
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

// Prune deletes results older than rawDays and rollups older than
// rollupDays, every interval, until ctx is done. Read the days through the
// functions so a config reload takes effect.
func Prune(ctx context.Context, st store.MonitorStore, every time.Duration, days func() (rawDays, rollupDays int), log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		now := time.Now()
		rawDays, rollupDays := days()
		rawBefore := now.Add(-time.Duration(rawDays) * 24 * time.Hour)
		rollupBefore := now.Add(-time.Duration(rollupDays) * 24 * time.Hour)
		raw, err := st.PruneResults(ctx, rawBefore)
		if err == nil {
			var hourly, daily int64
			if hourly, err = st.PruneRollups(ctx, store.Hourly, rollupBefore); err == nil {
				daily, err = st.PruneRollups(ctx, store.Daily, rollupBefore)
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
