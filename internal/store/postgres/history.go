package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// onPage returns the page filter on the owner rows of table: what
// watchfire.State.IncidentOnPage and MaintenanceOnPage put on a page, the
// rows filed on it and the rows naming a component it shows (every
// component when its list is empty). param is the page id's placeholder;
// "" disables the filter. The pages row is read through the join, so an
// unknown page matches by page_id only. All arguments are constants.
func onPage(table, components, owner, param string) string {
	return `(` + param + `::text = '' OR ` + table + `.page_id = ` + param + `::text OR EXISTS (
		SELECT 1 FROM ` + components + ` AS oc JOIN pages AS p ON p.id = ` + param + `::text
		WHERE oc.` + owner + ` = ` + table + `.id
		  AND (jsonb_array_length(p.components) = 0
		       OR p.components @> jsonb_build_array(oc.component_id))))`
}

var (
	incidentOnPage    = onPage("incidents", "incident_components", "incident_id", "$1")
	maintenanceOnPage = onPage("maintenances", "maintenance_components", "maintenance_id", "$1")
)

// IncidentsBetween reads the incidents created in [from, to) and their
// details from one snapshot: three queries whatever the count.
func (db *DB) IncidentsBetween(ctx context.Context, pageID string, from, to time.Time, limit int) ([]watchfire.Incident, error) {
	var out []watchfire.Incident
	err := db.read(ctx, func(q queryer) error {
		incs, err := queryAll(ctx, q, scanIncident, `
			SELECT `+incidentColumns+` FROM incidents
			WHERE created_at >= $2 AND created_at < $3 AND `+incidentOnPage+`
			ORDER BY created_at DESC, id DESC LIMIT $4`,
			pageID, from.UTC(), to.UTC(), store.HistoryRangeLimit(limit))
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
// [from, to) and their details from one snapshot.
func (db *DB) MaintenancesBetween(ctx context.Context, pageID string, from, to time.Time, limit int) ([]watchfire.Maintenance, error) {
	var out []watchfire.Maintenance
	err := db.read(ctx, func(q queryer) error {
		ms, err := queryAll(ctx, q, scanMaintenance, `
			SELECT `+maintenanceColumns+` FROM maintenances
			WHERE scheduled_for >= $2 AND scheduled_for < $3 AND `+maintenanceOnPage+`
			ORDER BY scheduled_for DESC, id DESC LIMIT $4`,
			pageID, from.UTC(), to.UTC(), store.HistoryRangeLimit(limit))
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
	err := db.pool.QueryRow(ctx, `
		SELECT created_at FROM incidents WHERE `+incidentOnPage+`
		ORDER BY created_at LIMIT 1`, pageID).Scan(&first)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, interpretError(err, "reading the first incident")
	}
	return first, nil
}
