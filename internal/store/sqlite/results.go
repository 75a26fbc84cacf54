package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"

	"github.com/watchfire-status/watchfire/internal/store"
)

// Monitor results live in their own tables (migration 00002), with times
// as INTEGER microseconds since the Unix epoch. Their writes run on the
// writer connection, as every write must, but each batch in its own
// BEGIN IMMEDIATE transaction rather than through Update: results are not
// engine state, and an engine write waits at most for one batch (or one
// prune chunk) to commit.

func init() {
	// Rollup upserts add histograms in SQL. Registered on the driver, so
	// every connection this package opens has it.
	sqlite.MustRegisterDeterministicScalarFunction("watchfire_histogram_add", 2,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			a, err := blobArg(args[0])
			if err != nil {
				return nil, err
			}
			b, err := blobArg(args[1])
			if err != nil {
				return nil, err
			}
			return store.AddEncodedHistograms(a, b)
		})
}

func blobArg(v driver.Value) ([]byte, error) {
	switch v := v.(type) {
	case []byte:
		return v, nil
	case string:
		return []byte(v), nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("watchfire_histogram_add: expected a blob, got %T", v)
}

func encodeMicros(t time.Time) int64 { return t.UnixMicro() }

func decodeMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// AppendResults writes the batch's results and rollups in one transaction.
func (db *DB) AppendResults(ctx context.Context, results []store.Result) error {
	if len(results) == 0 {
		return nil
	}
	batch, err := store.PrepareResults(results)
	if err != nil {
		return err
	}
	return db.writeResults(ctx, "storing monitor results", func(t *sql.Tx) error {
		if err := upsertMonitorComponents(ctx, t, batch); err != nil {
			return err
		}
		insert, err := t.PrepareContext(ctx, `
			INSERT INTO monitor_results (monitor_id, at, ok, degraded, latency_us, reason)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (monitor_id, at) DO NOTHING`)
		if err != nil {
			return err
		}
		defer insert.Close()
		stored := batch[:0] // the results that were new
		for _, r := range batch {
			var reason any // NULL for a passing check, whose reason is not kept
			if !r.OK || r.Degraded {
				reason = r.Reason
			}
			res, err := insert.ExecContext(ctx, r.MonitorID, encodeMicros(r.At), r.OK, r.Degraded,
				r.Latency.Microseconds(), reason)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				stored = append(stored, r)
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
	return db.writeResults(ctx, "storing monitor rollups", func(t *sql.Tx) error {
		return upsertRollups(ctx, t, rollups)
	})
}

// writeResults runs fn in a BEGIN IMMEDIATE transaction on the writer.
func (db *DB) writeResults(ctx context.Context, subject string, fn func(*sql.Tx) error) error {
	t, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return interpretError(err, subject)
	}
	defer t.Rollback()
	if err := fn(t); err != nil {
		return interpretError(err, subject)
	}
	return interpretError(t.Commit(), subject)
}

// upsertMonitorComponents records each monitor's component, from its last
// result in the batch (which is in monitor, time order).
func upsertMonitorComponents(ctx context.Context, t *sql.Tx, batch []store.Result) error {
	stmt, err := t.PrepareContext(ctx, `
		INSERT INTO monitor_components (monitor_id, component_id) VALUES (?, ?)
		ON CONFLICT (monitor_id) DO UPDATE SET component_id = excluded.component_id
		WHERE component_id <> excluded.component_id`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i, r := range batch {
		if i+1 < len(batch) && batch[i+1].MonitorID == r.MonitorID {
			continue
		}
		if _, err := stmt.ExecContext(ctx, r.MonitorID, r.ComponentID); err != nil {
			return err
		}
	}
	return nil
}

// upsertRollups adds each rollup to its stored bucket, creating it if
// needed.
func upsertRollups(ctx context.Context, t *sql.Tx, rollups []store.Rollup) error {
	stmt, err := t.PrepareContext(ctx, `
		INSERT INTO monitor_rollups AS r (monitor_id, resolution, start_at, count, ok, degraded,
		                                  latency_sum_us, latency_min_us, latency_max_us, histogram)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (monitor_id, resolution, start_at) DO UPDATE SET
			count = r.count + excluded.count,
			ok = r.ok + excluded.ok,
			degraded = r.degraded + excluded.degraded,
			latency_sum_us = r.latency_sum_us + excluded.latency_sum_us,
			latency_min_us = coalesce(min(r.latency_min_us, excluded.latency_min_us),
			                          r.latency_min_us, excluded.latency_min_us),
			latency_max_us = coalesce(max(r.latency_max_us, excluded.latency_max_us),
			                          r.latency_max_us, excluded.latency_max_us),
			histogram = watchfire_histogram_add(r.histogram, excluded.histogram)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, r := range rollups {
		var lmin, lmax any
		if r.OK > 0 {
			lmin, lmax = r.LatencyMin.Microseconds(), r.LatencyMax.Microseconds()
		}
		_, err := stmt.ExecContext(ctx, r.MonitorID, int64(r.Resolution), encodeMicros(r.Start),
			r.Count, r.OK, r.Degraded, r.LatencySum.Microseconds(), lmin, lmax, store.EncodeHistogram(&r.Histogram))
		if err != nil {
			return err
		}
	}
	return nil
}

// Results reads a monitor's newest results from the read pool.
func (db *DB) Results(ctx context.Context, monitorID string, limit int) ([]store.Result, error) {
	var out []store.Result
	err := db.read(ctx, func(q queryer) error {
		var componentID string
		err := q.QueryRowContext(ctx, `SELECT component_id FROM monitor_components WHERE monitor_id = ?`,
			monitorID).Scan(&componentID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // no results
		}
		if err != nil {
			return err
		}
		out, err = queryAll(ctx, q, func(s scanner) (store.Result, error) {
			r := store.Result{MonitorID: monitorID, ComponentID: componentID}
			var at, latency int64
			var reason sql.NullString
			err := s.Scan(&at, &r.OK, &r.Degraded, &latency, &reason)
			r.At, r.Latency, r.Reason = decodeMicros(at), time.Duration(latency)*time.Microsecond, reason.String
			return r, err
		}, `
			SELECT at, ok, degraded, latency_us, reason FROM monitor_results
			WHERE monitor_id = ? ORDER BY at DESC LIMIT ?`,
			monitorID, store.ResultLimit(limit))
		return err
	})
	if err != nil {
		return nil, interpretError(err, fmt.Sprintf("results of monitor %q", monitorID))
	}
	return out, nil
}

// Rollups reads the monitors' rollups from the read pool.
func (db *DB) Rollups(ctx context.Context, monitorIDs []string, res store.Resolution, from, to time.Time) ([]store.Rollup, error) {
	if err := store.CheckResolution(res); err != nil {
		return nil, err
	}
	if len(monitorIDs) == 0 || !from.Before(to) {
		return nil, nil
	}
	ids, _ := json.Marshal(monitorIDs) // strings always marshal
	lo := res.Truncate(from)
	rows, err := db.reader.QueryContext(ctx, `
		SELECT monitor_id, start_at, count, ok, degraded, latency_sum_us, latency_min_us, latency_max_us, histogram
		FROM monitor_rollups
		WHERE monitor_id IN (SELECT value FROM json_each(?)) AND resolution = ? AND start_at >= ? AND start_at < ?
		ORDER BY monitor_id, start_at`,
		string(ids), int64(res), encodeMicros(lo), encodeMicros(to))
	if err != nil {
		return nil, interpretError(err, "reading monitor rollups")
	}
	defer rows.Close()
	// Room for every bucket of every monitor, within reason: growing the
	// slice would cost more than reading the rows.
	buckets := int64(to.Sub(lo)/res.Duration()) + 1
	rollups := make([]store.Rollup, 0, min(int64(len(monitorIDs))*buckets, 100_000))
	var monitorID, hist sql.RawBytes
	var start, sum int64
	var lmin, lmax sql.NullInt64
	for rows.Next() {
		r := store.Rollup{Resolution: res}
		if err := rows.Scan(&monitorID, &start, &r.Count, &r.OK, &r.Degraded, &sum, &lmin, &lmax, &hist); err != nil {
			return nil, interpretError(err, "reading monitor rollups")
		}
		// Rows come by monitor: share the previous row's id string.
		if n := len(rollups); n > 0 && rollups[n-1].MonitorID == string(monitorID) {
			r.MonitorID = rollups[n-1].MonitorID
		} else {
			r.MonitorID = string(monitorID)
		}
		r.Start = decodeMicros(start)
		r.LatencySum = time.Duration(sum) * time.Microsecond
		r.LatencyMin = time.Duration(lmin.Int64) * time.Microsecond
		r.LatencyMax = time.Duration(lmax.Int64) * time.Microsecond
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
		WHERE monitor_id = ?1 AND at < min(?2, coalesce(
			(SELECT at FROM monitor_results WHERE monitor_id = ?1 ORDER BY at LIMIT 1 OFFSET ?3), ?2))`,
		func(monitorID string, limit int64) []any {
			return []any{monitorID, encodeMicros(before), limit}
		})
}

// PruneRollups deletes the rollups of res that ended by before.
func (db *DB) PruneRollups(ctx context.Context, res store.Resolution, before time.Time) (int64, error) {
	if err := store.CheckResolution(res); err != nil {
		return 0, err
	}
	// Buckets that start at or before before-width, that is before this.
	cutoff := encodeMicros(before.Add(-res.Duration())) + 1
	return db.prune(ctx, "pruning monitor rollups", `
		DELETE FROM monitor_rollups
		WHERE monitor_id = ?1 AND resolution = ?2 AND start_at < min(?3, coalesce(
			(SELECT start_at FROM monitor_rollups WHERE monitor_id = ?1 AND resolution = ?2
			 ORDER BY start_at LIMIT 1 OFFSET ?4), ?3))`,
		func(monitorID string, limit int64) []any {
			return []any{monitorID, int64(res), cutoff, limit}
		})
}

// prune runs a delete of at most limit rows of one monitor (its oldest)
// over every monitor, in transactions of at most store.PruneChunk rows.
func (db *DB) prune(ctx context.Context, subject, query string, args func(monitorID string, limit int64) []any) (int64, error) {
	var monitors []string
	err := db.read(ctx, func(q queryer) (err error) {
		monitors, err = queryAll(ctx, q, func(s scanner) (id string, err error) {
			err = s.Scan(&id)
			return id, err
		}, `SELECT monitor_id FROM monitor_components ORDER BY monitor_id`)
		return err
	})
	if err != nil {
		return 0, interpretError(err, subject)
	}
	var total int64
	for len(monitors) > 0 {
		var chunk int64
		done := 0 // monitors with nothing older left
		err := db.writeResults(ctx, subject, func(t *sql.Tx) error {
			for done < len(monitors) && chunk < store.PruneChunk {
				limit := store.PruneChunk - chunk
				res, err := t.ExecContext(ctx, query, args(monitors[done], limit)...)
				if err != nil {
					return err
				}
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				chunk += n
				if n < limit {
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
