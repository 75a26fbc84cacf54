package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// The page filters below select what watchfire.State.IncidentOnPage and
// MaintenanceOnPage put on a page: the rows filed on it, and the rows
// naming a component it shows (every component when its list is empty).
// Each takes the page id three times; "" disables the filter. The pages
// row is read through the join, so an unknown page matches by page_id
// only.
const (
	incidentOnPage = `(? = '' OR incidents.page_id = ? OR EXISTS (
		SELECT 1 FROM incident_components AS ic JOIN pages AS p ON p.id = ?
		WHERE ic.incident_id = incidents.id
		  AND (json_array_length(p.components) = 0
		       OR ic.component_id IN (SELECT value FROM json_each(p.components)))))`
	maintenanceOnPage = `(? = '' OR maintenances.page_id = ? OR EXISTS (
		SELECT 1 FROM maintenance_components AS mc JOIN pages AS p ON p.id = ?
		WHERE mc.maintenance_id = maintenances.id
		  AND (json_array_length(p.components) = 0
		       OR mc.component_id IN (SELECT value FROM json_each(p.components)))))`
)

// IncidentsBetween reads the incidents created in [from, to) and their
// details from one read transaction: three queries whatever the count.
func (db *DB) IncidentsBetween(ctx context.Context, pageID string, from, to time.Time, limit int) ([]watchfire.Incident, error) {
	var out []watchfire.Incident
	err := db.read(ctx, func(q queryer) error {
		incs, err := queryAll(ctx, q, scanIncident, `
			SELECT `+incidentColumns+` FROM incidents
			WHERE created_at >= ? AND created_at < ? AND `+incidentOnPage+`
			ORDER BY created_at DESC, id DESC LIMIT ?`,
			encodeTime(from), encodeTime(to), pageID, pageID, pageID, store.HistoryRangeLimit(limit))
		if err != nil {
			return interpretError(err, "reading incidents")
		}
		out = incs
		return addIncidentDetails(ctx, q, incs)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MaintenancesBetween reads the maintenances scheduled to start in
// [from, to) and their details from one read transaction.
func (db *DB) MaintenancesBetween(ctx context.Context, pageID string, from, to time.Time, limit int) ([]watchfire.Maintenance, error) {
	var out []watchfire.Maintenance
	err := db.read(ctx, func(q queryer) error {
		ms, err := queryAll(ctx, q, scanMaintenance, `
			SELECT `+maintenanceColumns+` FROM maintenances
			WHERE scheduled_for >= ? AND scheduled_for < ? AND `+maintenanceOnPage+`
			ORDER BY scheduled_for DESC, id DESC LIMIT ?`,
			encodeTime(from), encodeTime(to), pageID, pageID, pageID, store.HistoryRangeLimit(limit))
		if err != nil {
			return interpretError(err, "reading maintenances")
		}
		out = ms
		return addMaintenanceDetails(ctx, q, ms)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FirstIncidentAt walks the created_at index from the oldest end to the
// first incident on the page.
func (db *DB) FirstIncidentAt(ctx context.Context, pageID string) (time.Time, error) {
	var first time.Time
	err := db.reader.QueryRowContext(ctx, `
		SELECT created_at FROM incidents WHERE `+incidentOnPage+`
		ORDER BY created_at LIMIT 1`,
		pageID, pageID, pageID).Scan(timeColumn{&first})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, interpretError(err, "reading the first incident")
	}
	return first, nil
}
