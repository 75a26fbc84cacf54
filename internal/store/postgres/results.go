package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/watchfire-status/watchfire/internal/store"
)

// Monitor results live in their own tables (migration 00002). Their writes
// are plain transactions without the writers' advisory lock: raw inserts
// ignore duplicates and rollup upserts add, so concurrent batches commute.
// Each batch is a few statements whatever its size: the rows travel as
// arrays and unnest into rows on the server.

// AppendResults writes the batch's results and rollups in one transaction.
func (db *DB) AppendResults(ctx context.Context, results []store.Result) error {
	if len(results) == 0 {
		return nil
	}
	batch, err := store.PrepareResults(results)
	if err != nil {
		return err
	}
	return db.writeResults(ctx, "storing monitor results", func(t pgx.Tx) error {
		if err := upsertMonitorComponents(ctx, t, batch); err != nil {
			return err
		}
		n := len(batch)
		monitors, ats := make([]string, n), make([]time.Time, n)
		oks, degradeds := make([]bool, n), make([]bool, n)
		latencies, reasons := make([]int32, n), make([]*string, n)
		for i, r := range batch {
			monitors[i], ats[i], oks[i], degradeds[i] = r.MonitorID, r.At, r.OK, r.Degraded
			latencies[i] = int32(r.Latency.Microseconds()) // Stored bounds it by MaxLatency
			if !r.OK || r.Degraded {
				reasons[i] = &batch[i].Reason
			}
		}
		// Rows already stored come back from neither RETURNING nor the
		// rollups.
		rows, err := t.Query(ctx, `
			INSERT INTO monitor_results (monitor_id, at, ok, degraded, latency_us, reason)
			SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::boolean[], $4::boolean[], $5::integer[], $6::text[])
			ON CONFLICT (monitor_id, at) DO NOTHING
			RETURNING monitor_id, at`,
			monitors, ats, oks, degradeds, latencies, reasons)
		if err != nil {
			return err
		}
		type key struct {
			monitor string
			at      int64
		}
		inserted := make(map[key]bool, n)
		var k key
		var at time.Time
		_, err = pgx.ForEachRow(rows, []any{&k.monitor, &at}, func() error {
			k.at = at.UnixMicro()
			inserted[k] = true
			return nil
		})
		if err != nil {
			return err
		}
		stored := batch
		if len(inserted) < n {
			stored = batch[:0]
			for _, r := range batch {
				if inserted[key{r.MonitorID, r.At.UnixMicro()}] {
					stored = append(stored, r)
				}
			}
		}
		return upsertRollups(ctx, t, store.RollUp(stored))
	})
}

// MergeRollups adds rollups into the stored ones in one transaction.
func (db *DB) MergeRollups(ctx context.Context, rollups []store.Rollup) error {
	if len(rollups) == 0 {
		return nil
	}
	rollups, err := store.PrepareRollups(rollups)
	if err != nil {
		return err
	}
	return db.writeResults(ctx, "storing monitor rollups", func(t pgx.Tx) error {
		return upsertRollups(ctx, t, rollups)
	})
}

// writeResults runs fn in a plain read-committed transaction.
func (db *DB) writeResults(ctx context.Context, subject string, fn func(pgx.Tx) error) error {
	t, err := db.pool.Begin(ctx)
	if err != nil {
		return interpretError(err, subject)
	}
	defer t.Rollback(ctx)
	if err := fn(t); err != nil {
		return interpretError(err, subject)
	}
	return interpretError(t.Commit(ctx), subject)
}

// upsertMonitorComponents records each monitor's component, from its last
// result in the batch (which is in monitor, time order).
func upsertMonitorComponents(ctx context.Context, t pgx.Tx, batch []store.Result) error {
	var monitors, components []string
	for i, r := range batch {
		if i+1 < len(batch) && batch[i+1].MonitorID == r.MonitorID {
			continue
		}
		monitors = append(monitors, r.MonitorID)
		components = append(components, r.ComponentID)
	}
	_, err := t.Exec(ctx, `
		INSERT INTO monitor_components AS m (monitor_id, component_id)
		SELECT * FROM unnest($1::text[], $2::text[])
		ON CONFLICT (monitor_id) DO UPDATE SET component_id = excluded.component_id
		WHERE m.component_id <> excluded.component_id`,
		monitors, components)
	return err
}

// upsertRollups adds each rollup to its stored bucket, creating it if
// needed. The rollups are in store.SortRollups order and unique, as
// ON CONFLICT DO UPDATE needs; the order makes concurrent batches lock
// shared buckets in the same order, so they do not deadlock.
func upsertRollups(ctx context.Context, t pgx.Tx, rollups []store.Rollup) error {
	n := len(rollups)
	if n == 0 {
		return nil
	}
	monitors, resolutions, starts := make([]string, n), make([]int32, n), make([]time.Time, n)
	counts, oks, degradeds, sums := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	mins, maxs, hists := make([]*int64, n), make([]*int64, n), make([][]byte, n)
	for i, r := range rollups {
		monitors[i], resolutions[i], starts[i] = r.MonitorID, int32(r.Resolution), r.Start
		counts[i], oks[i], degradeds[i], sums[i] = r.Count, r.OK, r.Degraded, r.LatencySum.Microseconds()
		if r.OK > 0 {
			lmin, lmax := r.LatencyMin.Microseconds(), r.LatencyMax.Microseconds()
			mins[i], maxs[i] = &lmin, &lmax
		}
		hists[i] = store.EncodeHistogram(&rollups[i].Histogram)
	}
	_, err := t.Exec(ctx, `
		INSERT INTO monitor_rollups AS r (monitor_id, resolution, start_at, count, ok, degraded,
		                                  latency_sum_us, latency_min_us, latency_max_us, histogram)
		SELECT * FROM unnest($1::text[], $2::integer[], $3::timestamptz[], $4::bigint[], $5::bigint[],
		                     $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bytea[])
		ON CONFLICT (monitor_id, resolution, start_at) DO UPDATE SET
			count = r.count + excluded.count,
			ok = r.ok + excluded.ok,
			degraded = r.degraded + excluded.degraded,
			latency_sum_us = r.latency_sum_us + excluded.latency_sum_us,
			latency_min_us = least(r.latency_min_us, excluded.latency_min_us),
			latency_max_us = greatest(r.latency_max_us, excluded.latency_max_us),
			histogram = watchfire_histogram_add(r.histogram, excluded.histogram)`,
		monitors, resolutions, starts, counts, oks, degradeds, sums, mins, maxs, hists)
	return err
}

// Results reads a monitor's newest results from one snapshot.
func (db *DB) Results(ctx context.Context, monitorID string, limit int) ([]store.Result, error) {
	var out []store.Result
	err := db.read(ctx, func(q queryer) error {
		var componentID string
		err := q.QueryRow(ctx, `SELECT component_id FROM monitor_components WHERE monitor_id = $1`,
			monitorID).Scan(&componentID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // no results
		}
		if err != nil {
			return err
		}
		out, err = queryAll(ctx, q, func(s scanner) (store.Result, error) {
			r := store.Result{MonitorID: monitorID, ComponentID: componentID}
			var latency int32
			var reason *string
			err := s.Scan(&r.At, &r.OK, &r.Degraded, &latency, &reason)
			r.Latency = time.Duration(latency) * time.Microsecond
			if reason != nil {
				r.Reason = *reason
			}
			return r, err
		}, `
			SELECT at, ok, degraded, latency_us, reason FROM monitor_results
			WHERE monitor_id = $1 ORDER BY at DESC LIMIT $2`,
			monitorID, store.ResultLimit(limit))
		return err
	})
	if err != nil {
		return nil, interpretError(err, fmt.Sprintf("results of monitor %q", monitorID))
	}
	return out, nil
}

// Rollups reads the monitors' rollups.
func (db *DB) Rollups(ctx context.Context, monitorIDs []string, res store.Resolution, from, to time.Time) ([]store.Rollup, error) {
	if err := store.CheckResolution(res); err != nil {
		return nil, err
	}
	if len(monitorIDs) == 0 || !from.Before(to) {
		return nil, nil
	}
	lo := res.Truncate(from)
	rows, err := db.pool.Query(ctx, `
		SELECT monitor_id, start_at, count, ok, degraded, latency_sum_us, latency_min_us, latency_max_us, histogram
		FROM monitor_rollups
		WHERE monitor_id = ANY($1::text[]) AND resolution = $2 AND start_at >= $3 AND start_at < $4
		ORDER BY monitor_id, start_at`,
		monitorIDs, int32(res), lo, to)
	if err != nil {
		return nil, interpretError(err, "reading monitor rollups")
	}
	defer rows.Close()
	// Room for every bucket of every monitor, within reason: growing the
	// slice would cost more than reading the rows.
	buckets := int64(to.Sub(lo)/res.Duration()) + 1
	rollups := make([]store.Rollup, 0, min(int64(len(monitorIDs))*buckets, 100_000))
	var monitorID string
	var sum int64
	var lmin, lmax *int64
	for rows.Next() {
		r := store.Rollup{Resolution: res}
		// The histogram is only valid until the next row: decoded at once.
		hist := rows.RawValues()[8]
		if err := rows.Scan(&monitorID, &r.Start, &r.Count, &r.OK, &r.Degraded, &sum, &lmin, &lmax, nil); err != nil {
			return nil, interpretError(err, "reading monitor rollups")
		}
		r.MonitorID = monitorID
		r.LatencySum = time.Duration(sum) * time.Microsecond
		if lmin != nil && lmax != nil {
			r.LatencyMin = time.Duration(*lmin) * time.Microsecond
			r.LatencyMax = time.Duration(*lmax) * time.Microsecond
		}
		if r.Histogram, err = store.DecodeHistogram(hist); err != nil {
			return nil, interpretError(err, "reading monitor rollups")
		}
		rollups = append(rollups, r)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err, "reading monitor rollups")
	}
	return rollups, nil
}

// PruneResults deletes old raw results, monitor by monitor, in chunks.
func (db *DB) PruneResults(ctx context.Context, before time.Time) (int64, error) {
	return db.prune(ctx, "pruning monitor results", `
		DELETE FROM monitor_results
		WHERE monitor_id = $1 AND at < least($2::timestamptz,
			(SELECT at FROM monitor_results WHERE monitor_id = $1 ORDER BY at LIMIT 1 OFFSET $3))`,
		func(monitorID string, limit int64) []any {
			return []any{monitorID, before, limit}
		})
}

// PruneRollups deletes the rollups of res that ended by before.
func (db *DB) PruneRollups(ctx context.Context, res store.Resolution, before time.Time) (int64, error) {
	if err := store.CheckResolution(res); err != nil {
		return 0, err
	}
	// Buckets that start at or before before-width, that is before this.
	cutoff := before.Add(-res.Duration()).Truncate(time.Microsecond).Add(time.Microsecond)
	return db.prune(ctx, "pruning monitor rollups", `
		DELETE FROM monitor_rollups
		WHERE monitor_id = $1 AND resolution = $2 AND start_at < least($3::timestamptz,
			(SELECT start_at FROM monitor_rollups WHERE monitor_id = $1 AND resolution = $2
			 ORDER BY start_at LIMIT 1 OFFSET $4))`,
		func(monitorID string, limit int64) []any {
			return []any{monitorID, int32(res), cutoff, limit}
		})
}

// prune runs a delete of at most limit rows of one monitor (its oldest)
// over every monitor, in transactions of at most store.PruneChunk rows.
func (db *DB) prune(ctx context.Context, subject, query string, args func(monitorID string, limit int64) []any) (int64, error) {
	monitors, err := queryAll(ctx, db.pool, func(s scanner) (id string, err error) {
		err = s.Scan(&id)
		return id, err
	}, `SELECT monitor_id FROM monitor_components ORDER BY monitor_id`)
	if err != nil {
		return 0, interpretError(err, subject)
	}
	var total int64
	for len(monitors) > 0 {
		var chunk int64
		done := 0 // monitors with nothing older left
		err := db.writeResults(ctx, subject, func(t pgx.Tx) error {
			for done < len(monitors) && chunk < store.PruneChunk {
				limit := store.PruneChunk - chunk
				tag, err := t.Exec(ctx, query, args(monitors[done], limit)...)
				if err != nil {
					return err
				}
				chunk += tag.RowsAffected()
				if tag.RowsAffected() < limit {
					done++
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += chunk
		monitors = monitors[done:]
	}
	return total, nil
}
