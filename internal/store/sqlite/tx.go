package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// tx is one write transaction on the writer connection.
type tx struct{ q *sql.Tx }

var _ store.Tx = (*tx)(nil)

func (t *tx) LoadLive(ctx context.Context) (*watchfire.State, error) {
	return loadState(ctx, t.q, 0)
}

// UpsertPage keeps created_at of an existing page: callers upsert from
// configuration without knowing whether the page exists.
func (t *tx) UpsertPage(ctx context.Context, p *watchfire.Page) error {
	_, err := t.q.ExecContext(ctx, `
		INSERT INTO pages (id, name, url, time_zone, locale, host, path_prefix, components, position,
		                   created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			name = excluded.name, url = excluded.url, time_zone = excluded.time_zone,
			locale = excluded.locale, host = excluded.host, path_prefix = excluded.path_prefix,
			components = excluded.components, position = excluded.position,
			updated_at = excluded.updated_at`,
		p.ID, p.Name, p.URL, p.TimeZone, p.Locale, p.Host, p.PathPrefix, store.EncodeIDs(p.Components), p.Position,
		encodeTime(p.CreatedAt), encodeTime(p.UpdatedAt))
	return interpretError(err, fmt.Sprintf("page %q", p.ID))
}

// UpsertGroup keeps created_at of an existing group, as UpsertPage does.
func (t *tx) UpsertGroup(ctx context.Context, g *watchfire.Group) error {
	_, err := t.q.ExecContext(ctx, `
		INSERT INTO groups (id, name, description, position, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			name = excluded.name, description = excluded.description, position = excluded.position,
			updated_at = excluded.updated_at`,
		g.ID, g.Name, g.Description, g.Position, encodeTime(g.CreatedAt), encodeTime(g.UpdatedAt))
	return interpretError(err, fmt.Sprintf("group %q", g.ID))
}

func (t *tx) GetComponent(ctx context.Context, id string) (*watchfire.Component, error) {
	return getComponent(ctx, t.q, id)
}

func (t *tx) CreateComponent(ctx context.Context, c *watchfire.Component) error {
	_, err := t.q.ExecContext(ctx, `
		INSERT INTO components (`+componentColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.GroupID, c.Name, c.Description, c.Position, c.Status, c.ManualStatus, c.MonitorStatus,
		c.UpstreamStatus, c.UpstreamReason, c.Showcase, c.OnlyShowIfDegraded, encodeNullTime(c.StartDate), encodeTime(c.CreatedAt),
		encodeTime(c.UpdatedAt))
	return interpretError(err, fmt.Sprintf("component %q", c.ID))
}

func (t *tx) UpdateComponent(ctx context.Context, c *watchfire.Component) error {
	res, err := t.q.ExecContext(ctx, `
		UPDATE components SET
			group_id = ?, name = ?, description = ?, position = ?, status = ?, manual_status = ?,
			monitor_status = ?, upstream_status = ?, upstream_reason = ?, showcase = ?,
			only_show_if_degraded = ?, start_date = ?, created_at = ?, updated_at = ?
		WHERE id = ?`,
		c.GroupID, c.Name, c.Description, c.Position, c.Status, c.ManualStatus, c.MonitorStatus,
		c.UpstreamStatus, c.UpstreamReason, c.Showcase, c.OnlyShowIfDegraded, encodeNullTime(c.StartDate), encodeTime(c.CreatedAt),
		encodeTime(c.UpdatedAt), c.ID)
	return changedOne(res, err, fmt.Sprintf("component %q", c.ID))
}

func (t *tx) DeleteComponent(ctx context.Context, id string) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM components WHERE id = ?`, id)
	return changedOne(res, err, fmt.Sprintf("component %q", id))
}

func (t *tx) GetIncident(ctx context.Context, id string) (*watchfire.Incident, error) {
	return getIncident(ctx, t.q, id)
}

func (t *tx) CreateIncident(ctx context.Context, inc *watchfire.Incident) error {
	_, err := t.q.ExecContext(ctx, `
		INSERT INTO incidents (`+incidentColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inc.ID, inc.PageID, inc.Name, inc.Status, inc.Impact, inc.Postmortem, encodeTime(inc.StartedAt),
		encodeNullTime(inc.MonitoringAt), encodeNullTime(inc.ResolvedAt), encodeTime(inc.CreatedAt),
		encodeTime(inc.UpdatedAt), inc.AutoComponent)
	if err != nil {
		return interpretError(err, fmt.Sprintf("incident %q", inc.ID))
	}
	if err := t.insertIncidentComponents(ctx, inc); err != nil {
		return err
	}
	for i := range inc.Updates {
		if err := t.insertUpdate(ctx, incidentUpdates, inc.ID, &inc.Updates[i]); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) UpdateIncident(ctx context.Context, inc *watchfire.Incident) error {
	res, err := t.q.ExecContext(ctx, `
		UPDATE incidents SET
			page_id = ?, name = ?, status = ?, impact = ?, postmortem = ?, started_at = ?,
			monitoring_at = ?, resolved_at = ?, created_at = ?, updated_at = ?, auto_component = ?
		WHERE id = ?`,
		inc.PageID, inc.Name, inc.Status, inc.Impact, inc.Postmortem, encodeTime(inc.StartedAt),
		encodeNullTime(inc.MonitoringAt), encodeNullTime(inc.ResolvedAt), encodeTime(inc.CreatedAt),
		encodeTime(inc.UpdatedAt), inc.AutoComponent, inc.ID)
	if err := changedOne(res, err, fmt.Sprintf("incident %q", inc.ID)); err != nil {
		return err
	}
	_, err = t.q.ExecContext(ctx, `DELETE FROM incident_components WHERE incident_id = ?`, inc.ID)
	if err != nil {
		return interpretError(err, fmt.Sprintf("components of incident %q", inc.ID))
	}
	return t.insertIncidentComponents(ctx, inc)
}

func (t *tx) insertIncidentComponents(ctx context.Context, inc *watchfire.Incident) error {
	for i, ac := range inc.Components {
		_, err := t.q.ExecContext(ctx, `
			INSERT INTO incident_components (incident_id, position, component_id, name, status)
			VALUES (?, ?, ?, ?, ?)`,
			inc.ID, i, ac.ComponentID, ac.Name, ac.NewStatus)
		if err != nil {
			return interpretError(err, fmt.Sprintf("component %q of incident %q", ac.ComponentID, inc.ID))
		}
	}
	return nil
}

func (t *tx) AddIncidentUpdate(ctx context.Context, u *watchfire.IncidentUpdate) error {
	if err := t.mustExist(ctx, "incidents", "incident", u.IncidentID); err != nil {
		return err
	}
	return t.insertUpdate(ctx, incidentUpdates, u.IncidentID, u)
}

func (t *tx) GetMaintenance(ctx context.Context, id string) (*watchfire.Maintenance, error) {
	return getMaintenance(ctx, t.q, id)
}

func (t *tx) CreateMaintenance(ctx context.Context, m *watchfire.Maintenance) error {
	_, err := t.q.ExecContext(ctx, `
		INSERT INTO maintenances (`+maintenanceColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.PageID, m.Name, m.Status, encodeTime(m.ScheduledFor), encodeTime(m.ScheduledUntil),
		encodeNullTime(m.StartedAt), encodeNullTime(m.CompletedAt), encodeTime(m.CreatedAt),
		encodeTime(m.UpdatedAt))
	if err != nil {
		return interpretError(err, fmt.Sprintf("maintenance %q", m.ID))
	}
	if err := t.insertMaintenanceComponents(ctx, m); err != nil {
		return err
	}
	for i := range m.Updates {
		if err := t.insertUpdate(ctx, maintenanceUpdates, m.ID, &m.Updates[i]); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) UpdateMaintenance(ctx context.Context, m *watchfire.Maintenance) error {
	res, err := t.q.ExecContext(ctx, `
		UPDATE maintenances SET
			page_id = ?, name = ?, status = ?, scheduled_for = ?, scheduled_until = ?,
			started_at = ?, completed_at = ?, created_at = ?, updated_at = ?
		WHERE id = ?`,
		m.PageID, m.Name, m.Status, encodeTime(m.ScheduledFor), encodeTime(m.ScheduledUntil),
		encodeNullTime(m.StartedAt), encodeNullTime(m.CompletedAt), encodeTime(m.CreatedAt),
		encodeTime(m.UpdatedAt), m.ID)
	if err := changedOne(res, err, fmt.Sprintf("maintenance %q", m.ID)); err != nil {
		return err
	}
	_, err = t.q.ExecContext(ctx, `DELETE FROM maintenance_components WHERE maintenance_id = ?`, m.ID)
	if err != nil {
		return interpretError(err, fmt.Sprintf("components of maintenance %q", m.ID))
	}
	return t.insertMaintenanceComponents(ctx, m)
}

func (t *tx) insertMaintenanceComponents(ctx context.Context, m *watchfire.Maintenance) error {
	for i, componentID := range m.Components {
		_, err := t.q.ExecContext(ctx, `
			INSERT INTO maintenance_components (maintenance_id, position, component_id)
			VALUES (?, ?, ?)`,
			m.ID, i, componentID)
		if err != nil {
			return interpretError(err, fmt.Sprintf("component %q of maintenance %q", componentID, m.ID))
		}
	}
	return nil
}

func (t *tx) AddMaintenanceUpdate(ctx context.Context, u *watchfire.IncidentUpdate) error {
	if err := t.mustExist(ctx, "maintenances", "maintenance", u.IncidentID); err != nil {
		return err
	}
	return t.insertUpdate(ctx, maintenanceUpdates, u.IncidentID, u)
}

// insertUpdate stores u in the owner's timeline; u.IncidentID is ignored
// in favour of ownerID, the incident or maintenance being written.
func (t *tx) insertUpdate(ctx context.Context, tl timeline, ownerID string, u *watchfire.IncidentUpdate) error {
	_, err := t.q.ExecContext(ctx, `
		INSERT INTO `+tl.table+` (id, `+tl.owner+`, status, body, affected_components,
		                          deliver_notifications, display_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, ownerID, u.Status, u.Body, store.EncodeAffected(u.AffectedComponents), u.DeliverNotifications,
		encodeTime(u.DisplayAt), encodeTime(u.CreatedAt), encodeTime(u.UpdatedAt))
	return interpretError(err, fmt.Sprintf("%s update %q", tl.kind, u.ID))
}

// mustExist returns ENOTFOUND unless table has a row with the id. table is
// a constant, never input.
func (t *tx) mustExist(ctx context.Context, table, kind, id string) error {
	var found int
	err := t.q.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = ?`, id).Scan(&found)
	return interpretError(err, fmt.Sprintf("%s %q", kind, id))
}

func (t *tx) AppendEvent(ctx context.Context, e *watchfire.Event) error {
	err := t.q.QueryRowContext(ctx, `
		INSERT INTO events (`+eventInsertColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		encodeTime(e.ReceivedAt), encodeTime(e.OccurredAt), e.Source, e.Provider, e.PageID, e.Product,
		e.ComponentID, e.ComponentName, e.Kind, e.OldStatus, e.NewStatus, e.IncidentID, e.IncidentTitle,
		e.IncidentStatus, e.IncidentImpact, e.Message, e.RawRef).Scan(&e.ID)
	return interpretError(err, "event")
}

func (t *tx) CreateToken(ctx context.Context, tok *watchfire.Token) error {
	_, err := t.q.ExecContext(ctx, `
		INSERT INTO tokens (id, name, hash, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)`,
		tok.ID, tok.Name, tok.Hash, encodeTime(tok.CreatedAt), encodeNullTime(tok.LastUsedAt))
	return interpretError(err, fmt.Sprintf("token %q", tok.Name))
}

// changedOne turns an UPDATE or DELETE that matched no row into ENOTFOUND.
func changedOne(res sql.Result, err error, subject string) error {
	if err != nil {
		return interpretError(err, subject)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return interpretError(err, subject)
	}
	if n == 0 {
		return notFound(subject)
	}
	return nil
}
