package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// loadState reads pages, groups, components, the open incidents and
// unfinished maintenances, plus up to history closed ones of each.
func loadState(ctx context.Context, q queryer, history int) (*watchfire.State, error) {
	st := &watchfire.State{}
	var err error
	if st.Pages, err = queryAll(ctx, q, scanPage,
		`SELECT `+pageColumns+` FROM pages ORDER BY position, id`); err != nil {
		return nil, interpretError(err, "reading pages")
	}
	if st.Groups, err = queryAll(ctx, q, scanGroup,
		`SELECT `+groupColumns+` FROM groups ORDER BY position, name, id`); err != nil {
		return nil, interpretError(err, "reading groups")
	}
	if st.Components, err = queryAll(ctx, q, scanComponent,
		`SELECT `+componentColumns+` FROM components ORDER BY position, name, id`); err != nil {
		return nil, interpretError(err, "reading components")
	}
	if st.Incidents, err = listIncidents(ctx, q, history); err != nil {
		return nil, err
	}
	if st.Maintenances, err = listMaintenances(ctx, q, history); err != nil {
		return nil, err
	}
	err = q.QueryRow(ctx, `SELECT id, received_at FROM events ORDER BY id DESC LIMIT 1`).
		Scan(&st.LastEventID, &st.UpdatedAt)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, interpretError(err, "reading the last event")
	}
	st.LoadedAt = time.Now().UTC()
	return st, nil
}

// scanner is a pgx.Row or pgx.Rows.
type scanner interface{ Scan(dest ...any) error }

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, q queryer, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		all = append(all, v)
	}
	return all, rows.Err()
}

const pageColumns = `id, name, url, time_zone, locale, host, path_prefix, components, position, created_at, updated_at`

func scanPage(s scanner) (watchfire.Page, error) {
	var p watchfire.Page
	err := s.Scan(&p.ID, &p.Name, &p.URL, &p.TimeZone, &p.Locale, &p.Host, &p.PathPrefix,
		&p.Components, &p.Position, &p.CreatedAt, &p.UpdatedAt)
	p.Components = store.NilIfEmpty(p.Components)
	return p, err
}

const groupColumns = `id, name, description, position, created_at, updated_at`

func scanGroup(s scanner) (watchfire.Group, error) {
	var g watchfire.Group
	err := s.Scan(&g.ID, &g.Name, &g.Description, &g.Position, &g.CreatedAt, &g.UpdatedAt)
	return g, err
}

const componentColumns = `id, group_id, name, description, position, status, manual_status, monitor_status,
	upstream_status, upstream_reason, showcase, only_show_if_degraded, start_date, created_at, updated_at`

func scanComponent(s scanner) (watchfire.Component, error) {
	var c watchfire.Component
	err := s.Scan(&c.ID, &c.GroupID, &c.Name, &c.Description, &c.Position, &c.Status, &c.ManualStatus,
		&c.MonitorStatus, &c.UpstreamStatus, &c.UpstreamReason, &c.Showcase, &c.OnlyShowIfDegraded,
		&c.StartDate, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

func getComponent(ctx context.Context, q queryer, id string) (*watchfire.Component, error) {
	c, err := scanComponent(q.QueryRow(ctx,
		`SELECT `+componentColumns+` FROM components WHERE id = $1`, id))
	if err != nil {
		return nil, interpretError(err, fmt.Sprintf("component %q", id))
	}
	return &c, nil
}

const incidentColumns = `id, page_id, name, status, impact, postmortem, started_at, monitoring_at, resolved_at,
	created_at, updated_at, auto_component`

func scanIncident(s scanner) (watchfire.Incident, error) {
	var inc watchfire.Incident
	err := s.Scan(&inc.ID, &inc.PageID, &inc.Name, &inc.Status, &inc.Impact, &inc.Postmortem,
		&inc.StartedAt, &inc.MonitoringAt, &inc.ResolvedAt,
		&inc.CreatedAt, &inc.UpdatedAt, &inc.AutoComponent)
	return inc, err
}

// listIncidents returns the open incidents and the newest history closed
// ones, newest first.
func listIncidents(ctx context.Context, q queryer, history int) ([]watchfire.Incident, error) {
	resolved, postmortem := watchfire.IncidentResolved, watchfire.IncidentPostmortem
	incs, err := queryAll(ctx, q, scanIncident, `
		SELECT `+incidentColumns+` FROM incidents WHERE status NOT IN ($1, $2)
		UNION ALL
		SELECT * FROM (
			SELECT `+incidentColumns+` FROM incidents WHERE status IN ($3, $4)
			ORDER BY created_at DESC, id DESC LIMIT $5
		) AS closed
		ORDER BY created_at DESC, id DESC`,
		resolved, postmortem, resolved, postmortem, history)
	if err != nil {
		return nil, interpretError(err, "reading incidents")
	}
	return incs, addIncidentDetails(ctx, q, incs)
}

func getIncident(ctx context.Context, q queryer, id string) (*watchfire.Incident, error) {
	inc, err := scanIncident(q.QueryRow(ctx,
		`SELECT `+incidentColumns+` FROM incidents WHERE id = $1`, id))
	if err != nil {
		return nil, interpretError(err, fmt.Sprintf("incident %q", id))
	}
	incs := []watchfire.Incident{inc}
	if err := addIncidentDetails(ctx, q, incs); err != nil {
		return nil, err
	}
	return &incs[0], nil
}

// addIncidentDetails fills in each incident's Components and Updates.
func addIncidentDetails(ctx context.Context, q queryer, incs []watchfire.Incident) error {
	if len(incs) == 0 {
		return nil
	}
	index := make(map[string]*watchfire.Incident, len(incs))
	ids := make([]string, len(incs))
	for i := range incs {
		index[incs[i].ID] = &incs[i]
		ids[i] = incs[i].ID
	}
	rows, err := q.Query(ctx, `
		SELECT incident_id, component_id, name, status FROM incident_components
		WHERE incident_id = ANY($1)
		ORDER BY incident_id, position`, ids)
	if err != nil {
		return interpretError(err, "reading incident components")
	}
	defer rows.Close()
	for rows.Next() {
		var incidentID string
		var ac watchfire.AffectedComponent
		if err := rows.Scan(&incidentID, &ac.ComponentID, &ac.Name, &ac.NewStatus); err != nil {
			return interpretError(err, "reading incident components")
		}
		inc := index[incidentID]
		inc.Components = append(inc.Components, ac)
	}
	if err := rows.Err(); err != nil {
		return interpretError(err, "reading incident components")
	}

	updates, err := listUpdates(ctx, q, incidentUpdates, ids)
	if err != nil {
		return err
	}
	for _, u := range updates {
		inc := index[u.IncidentID]
		inc.Updates = append(inc.Updates, u)
	}
	return nil
}

// timeline names the table of an incident's or a maintenance's updates and
// its column pointing at the owner. Both are constants, never input.
type timeline struct{ table, owner, kind string }

var (
	incidentUpdates    = timeline{table: "incident_updates", owner: "incident_id", kind: "incident"}
	maintenanceUpdates = timeline{table: "maintenance_updates", owner: "maintenance_id", kind: "maintenance"}
)

// listUpdates returns the updates of the owners, newest first.
func listUpdates(ctx context.Context, q queryer, tl timeline, ownerIDs []string) ([]watchfire.IncidentUpdate, error) {
	updates, err := queryAll(ctx, q, scanUpdate, `
		SELECT id, `+tl.owner+`, status, body, affected_components, deliver_notifications,
		       display_at, created_at, updated_at
		FROM `+tl.table+`
		WHERE `+tl.owner+` = ANY($1)
		ORDER BY display_at DESC, created_at DESC, id DESC`, ownerIDs)
	if err != nil {
		return nil, interpretError(err, "reading "+tl.kind+" updates")
	}
	return updates, nil
}

func scanUpdate(s scanner) (watchfire.IncidentUpdate, error) {
	var u watchfire.IncidentUpdate
	var affected []store.AffectedJSON
	err := s.Scan(&u.ID, &u.IncidentID, &u.Status, &u.Body, &affected, &u.DeliverNotifications,
		&u.DisplayAt, &u.CreatedAt, &u.UpdatedAt)
	u.AffectedComponents = store.DecodeAffected(affected)
	return u, err
}

const maintenanceColumns = `id, page_id, name, status, scheduled_for, scheduled_until, started_at, completed_at,
	created_at, updated_at`

func scanMaintenance(s scanner) (watchfire.Maintenance, error) {
	var m watchfire.Maintenance
	err := s.Scan(&m.ID, &m.PageID, &m.Name, &m.Status, &m.ScheduledFor, &m.ScheduledUntil,
		&m.StartedAt, &m.CompletedAt, &m.CreatedAt, &m.UpdatedAt)
	return m, err
}

// listMaintenances returns the unfinished maintenances and the newest
// history completed ones, newest first.
func listMaintenances(ctx context.Context, q queryer, history int) ([]watchfire.Maintenance, error) {
	completed := watchfire.MaintenanceCompleted
	ms, err := queryAll(ctx, q, scanMaintenance, `
		SELECT `+maintenanceColumns+` FROM maintenances WHERE status <> $1
		UNION ALL
		SELECT * FROM (
			SELECT `+maintenanceColumns+` FROM maintenances WHERE status = $2
			ORDER BY scheduled_for DESC, id DESC LIMIT $3
		) AS completed
		ORDER BY scheduled_for DESC, id DESC`,
		completed, completed, history)
	if err != nil {
		return nil, interpretError(err, "reading maintenances")
	}
	return ms, addMaintenanceDetails(ctx, q, ms)
}

func getMaintenance(ctx context.Context, q queryer, id string) (*watchfire.Maintenance, error) {
	m, err := scanMaintenance(q.QueryRow(ctx,
		`SELECT `+maintenanceColumns+` FROM maintenances WHERE id = $1`, id))
	if err != nil {
		return nil, interpretError(err, fmt.Sprintf("maintenance %q", id))
	}
	ms := []watchfire.Maintenance{m}
	if err := addMaintenanceDetails(ctx, q, ms); err != nil {
		return nil, err
	}
	return &ms[0], nil
}

// addMaintenanceDetails fills in each maintenance's Components and Updates.
func addMaintenanceDetails(ctx context.Context, q queryer, ms []watchfire.Maintenance) error {
	if len(ms) == 0 {
		return nil
	}
	index := make(map[string]*watchfire.Maintenance, len(ms))
	ids := make([]string, len(ms))
	for i := range ms {
		index[ms[i].ID] = &ms[i]
		ids[i] = ms[i].ID
	}
	rows, err := q.Query(ctx, `
		SELECT maintenance_id, component_id FROM maintenance_components
		WHERE maintenance_id = ANY($1)
		ORDER BY maintenance_id, position`, ids)
	if err != nil {
		return interpretError(err, "reading maintenance components")
	}
	defer rows.Close()
	for rows.Next() {
		var maintenanceID, componentID string
		if err := rows.Scan(&maintenanceID, &componentID); err != nil {
			return interpretError(err, "reading maintenance components")
		}
		m := index[maintenanceID]
		m.Components = append(m.Components, componentID)
	}
	if err := rows.Err(); err != nil {
		return interpretError(err, "reading maintenance components")
	}

	updates, err := listUpdates(ctx, q, maintenanceUpdates, ids)
	if err != nil {
		return err
	}
	for _, u := range updates {
		m := index[u.IncidentID]
		m.Updates = append(m.Updates, u)
	}
	return nil
}
