package sqlite

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

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
		&affects, &report, &d.ReportHash, nullTimeColumn{&d.Health.LastAttemptAt},
		nullTimeColumn{&d.Health.LastSuccessAt}, nullTimeColumn{&d.Health.LastErrorAt}, &d.Health.LastError,
		&d.Health.Failures, timeColumn{&d.CreatedAt}, timeColumn{&d.UpdatedAt})
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
	d, err := scanDependency(q.QueryRowContext(ctx,
		`SELECT `+dependencyColumns+` FROM dependencies WHERE id = ?`, id))
	if err != nil {
		return nil, interpretError(err, fmt.Sprintf("dependency %q", id))
	}
	return &d, nil
}

// Dependencies, Dependency and DependencyIncidents are one query each, on
// the read pool.

func (db *DB) Dependencies(ctx context.Context) ([]watchfire.Dependency, error) {
	out, err := queryAll(ctx, db.reader, scanDependency, `SELECT `+dependencyColumns+` FROM dependencies ORDER BY id`)
	return out, interpretError(err, "reading dependencies")
}

func (db *DB) Dependency(ctx context.Context, id string) (*watchfire.Dependency, error) {
	return getDependency(ctx, db.reader, id)
}

func (db *DB) DependencyIncidents(ctx context.Context, dependencyID string, f store.DependencyIncidentFilter) ([]watchfire.UpstreamIncident, error) {
	out, err := queryAll(ctx, db.reader, func(s scanner) (watchfire.UpstreamIncident, error) {
		var data []byte
		if err := s.Scan(&data); err != nil {
			return watchfire.UpstreamIncident{}, err
		}
		return store.DecodeUpstreamIncident(data)
	}, `
		SELECT data FROM dependency_incidents
		WHERE dependency_id = ? AND (? = '' OR impact = ?) AND NOT (? AND status IN (?, ?))
		ORDER BY started_at DESC, id DESC LIMIT ?`,
		dependencyID, f.Impact, f.Impact, f.OpenOnly, watchfire.IncidentResolved, watchfire.IncidentPostmortem,
		store.HistoryRangeLimit(f.Limit))
	return out, interpretError(err, fmt.Sprintf("incidents of dependency %q", dependencyID))
}

// SaveFetchHealth goes through Update: serialized with the engine's
// writes, a health save cannot fall between one that reads a dependency
// and the upsert that writes it back, and be lost.
func (db *DB) SaveFetchHealth(ctx context.Context, health map[string]watchfire.FetchHealth) error {
	if len(health) == 0 {
		return nil
	}
	return db.Update(ctx, func(st store.Tx) error {
		t := st.(*tx) // Update's own
		stmt, err := t.q.PrepareContext(ctx, `
			UPDATE dependencies SET last_attempt_at = ?, last_success_at = ?, last_error_at = ?,
				last_error = ?, failures = ?
			WHERE id = ?`)
		if err != nil {
			return interpretError(err, "saving fetch health")
		}
		defer stmt.Close()
		for _, id := range slices.Sorted(maps.Keys(health)) {
			h := health[id]
			// An id that matches no row is a dependency removed since its
			// fetch began: nothing to record.
			_, err := stmt.ExecContext(ctx, encodeNullTime(h.LastAttemptAt), encodeNullTime(h.LastSuccessAt),
				encodeNullTime(h.LastErrorAt), h.LastError, h.Failures, id)
			if err != nil {
				return interpretError(err, fmt.Sprintf("fetch health of dependency %q", id))
			}
		}
		return nil
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
	_, err = t.q.ExecContext(ctx, `
		INSERT INTO dependencies (`+dependencyColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			name = excluded.name, url = excluded.url, provider = excluded.provider,
			detected = excluded.detected, category = excluded.category, source = excluded.source,
			interval_ms = excluded.interval_ms, affects = excluded.affects, report = excluded.report,
			report_hash = excluded.report_hash, last_attempt_at = excluded.last_attempt_at,
			last_success_at = excluded.last_success_at, last_error_at = excluded.last_error_at,
			last_error = excluded.last_error, failures = excluded.failures, updated_at = excluded.updated_at`,
		d.ID, d.Name, d.URL, d.Provider, d.Detected, d.Category, d.Source, d.Interval.Milliseconds(),
		store.EncodeAffects(d.Affects), report, d.ReportHash, encodeNullTime(h.LastAttemptAt),
		encodeNullTime(h.LastSuccessAt), encodeNullTime(h.LastErrorAt), h.LastError, h.Failures,
		encodeTime(d.CreatedAt), encodeTime(d.UpdatedAt))
	return interpretError(err, fmt.Sprintf("dependency %q", d.ID))
}

// DeleteDependency leaves the incidents to the foreign key's cascade.
func (t *tx) DeleteDependency(ctx context.Context, id string) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM dependencies WHERE id = ?`, id)
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
	stmt, err := t.q.PrepareContext(ctx, `
		INSERT INTO dependency_incidents (dependency_id, id, name, status, impact, started_at, resolved_at,
		                                  updated_at, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (dependency_id, id) DO UPDATE SET
			name = excluded.name, status = excluded.status, impact = excluded.impact,
			started_at = excluded.started_at, resolved_at = excluded.resolved_at,
			updated_at = excluded.updated_at, data = excluded.data`)
	if err != nil {
		return interpretError(err, fmt.Sprintf("incidents of dependency %q", dependencyID))
	}
	defer stmt.Close()
	for i := range incs {
		inc := &incs[i]
		data, err := store.EncodeUpstreamIncident(inc)
		if err != nil {
			return err
		}
		_, err = stmt.ExecContext(ctx, dependencyID, inc.ID, inc.Name, inc.Status, inc.Impact,
			encodeTime(inc.StartedAt), encodeNullTime(inc.ResolvedAt), encodeTime(inc.UpdatedAt), data)
		if err != nil {
			return interpretError(err, fmt.Sprintf("incident %q of dependency %q", inc.ID, dependencyID))
		}
	}
	return nil
}
