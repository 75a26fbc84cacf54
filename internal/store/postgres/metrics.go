package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

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
	return db.writeResults(ctx, "storing metric points", func(t pgx.Tx) error {
		var b pgx.Batch
		for _, p := range points {
			b.Queue(`INSERT INTO metric_points (metric_id, at, value) VALUES ($1, $2, $3)
				ON CONFLICT (metric_id, at) DO UPDATE SET value = excluded.value`,
				p.MetricID, p.At.UTC().Truncate(time.Microsecond), p.Value)
		}
		return t.SendBatch(ctx, &b).Close()
	})
}

// MetricPoints implements store.MetricStore.
func (db *DB) MetricPoints(ctx context.Context, metricID string, from, to time.Time, limit int) ([]store.MetricPoint, error) {
	var out []store.MetricPoint
	err := db.read(ctx, func(q queryer) error {
		rows, err := q.Query(ctx, `SELECT at, value FROM metric_points
			WHERE metric_id = $1 AND at >= $2 AND at < $3 ORDER BY at DESC LIMIT $4`,
			metricID, from.UTC(), to.UTC(), store.MetricPointLimit(limit))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p := store.MetricPoint{MetricID: metricID}
			if err := rows.Scan(&p.At, &p.Value); err != nil {
				return err
			}
			p.At = p.At.UTC()
			out = append(out, p)
		}
		return rows.Err()
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
	err := db.writeResults(ctx, "pruning metric points", func(t pgx.Tx) error {
		tag, err := t.Exec(ctx, `DELETE FROM metric_points WHERE at < $1`, before.UTC())
		n = tag.RowsAffected()
		return err
	})
	return n, err
}
