package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// AppendMetricPoints implements store.MetricStore.
func (db *DB) AppendMetricPoints(ctx context.Context, points []store.MetricPoint) error {
	if len(points) == 0 {
		return nil
	}
	if err := store.CheckMetricPoints(points); err != nil {
		return watchfire.Errorf(watchfire.EINVALID, "%v", err)
	}
	return db.writeResults(ctx, "storing metric points", func(t *sql.Tx) error {
		stmt, err := t.PrepareContext(ctx, `
			INSERT INTO metric_points (metric_id, at, value) VALUES (?, ?, ?)
			ON CONFLICT (metric_id, at) DO UPDATE SET value = excluded.value`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, p := range points {
			if _, err := stmt.ExecContext(ctx, p.MetricID, encodeMicros(p.At), p.Value); err != nil {
				return err
			}
		}
		return nil
	})
}

// MetricPoints implements store.MetricStore.
func (db *DB) MetricPoints(ctx context.Context, metricID string, from, to time.Time, limit int) ([]store.MetricPoint, error) {
	var out []store.MetricPoint
	err := db.read(ctx, func(q queryer) (err error) {
		out, err = queryAll(ctx, q, func(s scanner) (store.MetricPoint, error) {
			p := store.MetricPoint{MetricID: metricID}
			var at int64
			err := s.Scan(&at, &p.Value)
			p.At = decodeMicros(at)
			return p, err
		}, `SELECT at, value FROM metric_points WHERE metric_id = ? AND at >= ? AND at < ?
			ORDER BY at DESC LIMIT ?`, metricID, encodeMicros(from), encodeMicros(to), store.MetricPointLimit(limit))
		return err
	})
	if err != nil {
		return nil, interpretError(err, fmt.Sprintf("points of metric %q", metricID))
	}
	slices.Reverse(out)
	return out, nil
}

// PruneMetricPoints implements store.MetricStore.
func (db *DB) PruneMetricPoints(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.writeResults(ctx, "pruning metric points", func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM metric_points WHERE at < ?`, encodeMicros(before))
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	return n, err
}
