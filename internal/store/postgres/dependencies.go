package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

const dependencyColumns = `id, name, url, provider, detected, category, source, interval_ms, affects, report,
	report_hash, last_attempt_at, last_success_at, last_error_at, last_error, failures, created_at, updated_at`

func scanDependency(s scanner) (watchfire.Dependency, error) {
	var d watchfire.Dependency
	var intervalMS int64
	var affects, report []byte // report is nil for NULL
	err := s.Scan(&d.ID, &d.Name, &d.URL, &d.Provider, &d.Detected, &d.Category, &d.Source, &intervalMS,
		&affects, &report, &d.ReportHash, &d.Health.LastAttemptAt, &d.Health.LastSuccessAt,
		&d.Health.LastErrorAt, &d.Health.LastError, &d.Health.Failures, &d.CreatedAt, &d.UpdatedAt)
	if err != nil {
		return d, err
	}
	d.Interval = time.Duration(intervalMS) * time.Millisecond
	if d.Affects, err = store.DecodeAffects(affects); err != nil {
		return d, err
	}
	d.Report, err = store.DecodeReport(report)
	return d, err
}

func getDependency(ctx context.Context, q queryer, id string) (*watchfire.Dependency, error) {
	d, err := scanDependency(q.QueryRow(ctx,
		`SELECT `+dependencyColumns+` FROM dependencies WHERE id = $1`, id))
	if err != nil {
		return nil, interpretError(err, fmt.Sprintf("dependency %q", id))
	}
	return &d, nil
}

// Dependencies, Dependency and DependencyIncidents are one query each,
// outside any transaction.

func (db *DB) Dependencies(ctx context.Context) ([]watchfire.Dependency, error) {
	out, err := queryAll(ctx, db.pool, scanDependency, `SELECT `+dependencyColumns+` FROM dependencies ORDER BY id`)
	return out, interpretError(err, "reading dependencies")
}

func (db *DB) Dependency(ctx context.Context, id string) (*watchfire.Dependency, error) {
	return getDependency(ctx, db.pool, id)
}

func (db *DB) DependencyIncidents(ctx context.Context, dependencyID string, f store.DependencyIncidentFilter) ([]watchfire.UpstreamIncident, error) {
	out, err := queryAll(ctx, db.pool, func(s scanner) (watchfire.UpstreamIncident, error) {
		var data []byte
		if err := s.Scan(&data); err != nil {
			return watchfire.UpstreamIncident{}, err
		}
		return store.DecodeUpstreamIncident(data)
	}, `
		SELECT data FROM dependency_incidents
		WHERE dependency_id = $1 AND ($2 = '' OR impact = $2) AND NOT ($3 AND status IN ($4, $5))
		ORDER BY started_at DESC, id DESC LIMIT $6`,
		dependencyID, f.Impact, f.OpenOnly, watchfire.IncidentResolved, watchfire.IncidentPostmortem,
		store.HistoryRangeLimit(f.Limit))
	return out, interpretError(err, fmt.Sprintf("incidents of dependency %q", dependencyID))
}

// SaveFetchHealth goes through Update and its advisory lock: serialized
// with the engine's writes, a health save cannot fall between one that
// reads a dependency and the upsert that writes it back, and be lost.
func (db *DB) SaveFetchHealth(ctx context.Context, health map[string]watchfire.FetchHealth) error {
	if len(health) == 0 {
		return nil
	}
	return db.Update(ctx, func(st store.Tx) error {
		var b pgx.Batch
		for _, id := range slices.Sorted(maps.Keys(health)) {
			h := health[id]
			// An id that matches no row is a dependency removed since its
			// fetch began: nothing to record.
			b.Queue(`UPDATE dependencies SET last_attempt_at = $1, last_success_at = $2, last_error_at = $3,
					last_error = $4, failures = $5
				WHERE id = $6`,
				h.LastAttemptAt, h.LastSuccessAt, h.LastErrorAt, h.LastError, h.Failures, id)
		}
		err := st.(*tx).q.SendBatch(ctx, &b).Close() // st is Update's own
		return interpretError(err, "saving fetch health")
	})
}

func (t *tx) GetDependency(ctx context.Context, id string) (*watchfire.Dependency, error) {
	return getDependency(ctx, t.q, id)
}

// UpsertDependency keeps created_at of an existing dependency, as
// UpsertPage does.
func (t *tx) UpsertDependency(ctx context.Context, d *watchfire.Dependency) error {
	report, err := store.EncodeReport(d.Report)
	if err != nil {
		return err
	}
	h := &d.Health
	_, err = t.q.Exec(ctx, `
		INSERT INTO dependencies (`+dependencyColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		ON CONFLICT (id) DO UPDATE SET
			name = excluded.name, url = excluded.url, provider = excluded.provider,
			detected = excluded.detected, category = excluded.category, source = excluded.source,
			interval_ms = excluded.interval_ms, affects = excluded.affects, report = excluded.report,
			report_hash = excluded.report_hash, last_attempt_at = excluded.last_attempt_at,
			last_success_at = excluded.last_success_at, last_error_at = excluded.last_error_at,
			last_error = excluded.last_error, failures = excluded.failures, updated_at = excluded.updated_at`,
		d.ID, d.Name, d.URL, d.Provider, d.Detected, d.Category, d.Source, d.Interval.Milliseconds(),
		store.EncodeAffects(d.Affects), report, d.ReportHash, h.LastAttemptAt, h.LastSuccessAt, h.LastErrorAt,
		h.LastError, h.Failures, d.CreatedAt, d.UpdatedAt)
	return interpretError(err, fmt.Sprintf("dependency %q", d.ID))
}

// DeleteDependency leaves the incidents to the foreign key's cascade.
func (t *tx) DeleteDependency(ctx context.Context, id string) error {
	res, err := t.q.Exec(ctx, `DELETE FROM dependencies WHERE id = $1`, id)
	return changedOne(res, err, fmt.Sprintf("dependency %q", id))
}

// UpsertDependencyIncidents returns ENOTFOUND for an unknown dependency,
// as AddIncidentUpdate does for an unknown incident.
func (t *tx) UpsertDependencyIncidents(ctx context.Context, dependencyID string, incs []watchfire.UpstreamIncident) error {
	if len(incs) == 0 {
		return nil
	}
	if err := t.mustExist(ctx, "dependencies", "dependency", dependencyID); err != nil {
		return err
	}
	var b pgx.Batch
	for i := range incs {
		inc := &incs[i]
		data, err := store.EncodeUpstreamIncident(inc)
		if err != nil {
			return err
		}
		b.Queue(`
			INSERT INTO dependency_incidents (dependency_id, id, name, status, impact, started_at, resolved_at,
			                                  updated_at, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (dependency_id, id) DO UPDATE SET
				name = excluded.name, status = excluded.status, impact = excluded.impact,
				started_at = excluded.started_at, resolved_at = excluded.resolved_at,
				updated_at = excluded.updated_at, data = excluded.data`,
			dependencyID, inc.ID, inc.Name, inc.Status, inc.Impact, inc.StartedAt, inc.ResolvedAt,
			inc.UpdatedAt, data)
	}
	err := t.q.SendBatch(ctx, &b).Close()
	return interpretError(err, fmt.Sprintf("incidents of dependency %q", dependencyID))
}
