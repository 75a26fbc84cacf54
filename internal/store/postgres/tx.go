package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// tx is one write transaction holding the writers' advisory lock.
type tx struct{ q pgx.Tx }

var _ store.Tx = (*tx)(nil)

func (t *tx) LoadLive(ctx context.Context) (*watchfire.State, error) {
	return loadState(ctx, t.q, 0)
}

// UpsertPage keeps created_at of an existing page: callers upsert from
// configuration without knowing whether the page exists.
func (t *tx) UpsertPage(ctx context.Context, p *watchfire.Page) error {
	_, err := t.q.Exec(ctx, `
		INSERT INTO pages (id, name, url, time_zone, locale, host, path_prefix, components, position,
		                   created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (id) DO UPDATE SET
			name = excluded.name, url = excluded.url, time_zone = excluded.time_zone,
			locale = excluded.locale, host = excluded.host, path_prefix = excluded.path_prefix,
			components = excluded.components, position = excluded.position,
			updated_at = excluded.updated_at`,
		p.ID, p.Name, p.URL, p.TimeZone, p.Locale, p.Host, p.PathPrefix, store.EncodeIDs(p.Components), p.Position,
		p.CreatedAt, p.UpdatedAt)
	return interpretError(err, fmt.Sprintf("page %q", p.ID))
}

// UpsertGroup keeps created_at of an existing group, as UpsertPage does.
func (t *tx) UpsertGroup(ctx context.Context, g *watchfire.Group) error {
	_, err := t.q.Exec(ctx, `
		INSERT INTO groups (id, name, description, position, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET
			name = excluded.name, description = excluded.description, position = excluded.position,
			updated_at = excluded.updated_at`,
		g.ID, g.Name, g.Description, g.Position, g.CreatedAt, g.UpdatedAt)
	return interpretError(err, fmt.Sprintf("group %q", g.ID))
}

func (t *tx) GetComponent(ctx context.Context, id string) (*watchfire.Component, error) {
	return getComponent(ctx, t.q, id)
}

func (t *tx) CreateComponent(ctx context.Context, c *watchfire.Component) error {
	_, err := t.q.Exec(ctx, `
		INSERT INTO components (`+componentColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		c.ID, c.GroupID, c.Name, c.Description, c.Position, c.Status, c.ManualStatus, c.MonitorStatus,
		c.UpstreamStatus, c.UpstreamReason, c.Showcase, c.OnlyShowIfDegraded, c.StartDate, c.CreatedAt,
		c.UpdatedAt)
	return interpretError(err, fmt.Sprintf("component %q", c.ID))
}

func (t *tx) UpdateComponent(ctx context.Context, c *watchfire.Component) error {
	res, err := t.q.Exec(ctx, `
		UPDATE components SET
			group_id = $1, name = $2, description = $3, position = $4, status = $5, manual_status = $6,
			monitor_status = $7, upstream_status = $8, upstream_reason = $9, showcase = $10,
			only_show_if_degraded = $11, start_date = $12, created_at = $13, updated_at = $14
		WHERE id = $15`,
		c.GroupID, c.Name, c.Description, c.Position, c.Status, c.ManualStatus, c.MonitorStatus,
		c.UpstreamStatus, c.UpstreamReason, c.Showcase, c.OnlyShowIfDegraded, c.StartDate, c.CreatedAt,
		c.UpdatedAt, c.ID)
	return changedOne(res, err, fmt.Sprintf("component %q", c.ID))
}

func (t *tx) DeleteComponent(ctx context.Context, id string) error {
	res, err := t.q.Exec(ctx, `DELETE FROM components WHERE id = $1`, id)
	return changedOne(res, err, fmt.Sprintf("component %q", id))
}

func (t *tx) GetIncident(ctx context.Context, id string) (*watchfire.Incident, error) {
	return getIncident(ctx, t.q, id)
}

func (t *tx) CreateIncident(ctx context.Context, inc *watchfire.Incident) error {
	_, err := t.q.Exec(ctx, `
		INSERT INTO incidents (`+incidentColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		inc.ID, inc.PageID, inc.Name, inc.Status, inc.Impact, inc.Postmortem, inc.StartedAt,
		inc.MonitoringAt, inc.ResolvedAt, inc.CreatedAt, inc.UpdatedAt, inc.AutoComponent)
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
	res, err := t.q.Exec(ctx, `
		UPDATE incidents SET
			page_id = $1, name = $2, status = $3, impact = $4, postmortem = $5, started_at = $6,
			monitoring_at = $7, resolved_at = $8, created_at = $9, updated_at = $10, auto_component = $11
		WHERE id = $12`,
		inc.PageID, inc.Name, inc.Status, inc.Impact, inc.Postmortem, inc.StartedAt,
		inc.MonitoringAt, inc.ResolvedAt, inc.CreatedAt, inc.UpdatedAt, inc.AutoComponent, inc.ID)
	if err := changedOne(res, err, fmt.Sprintf("incident %q", inc.ID)); err != nil {
		return err
	}
	_, err = t.q.Exec(ctx, `DELETE FROM incident_components WHERE incident_id = $1`, inc.ID)
	if err != nil {
		return interpretError(err, fmt.Sprintf("components of incident %q", inc.ID))
	}
	return t.insertIncidentComponents(ctx, inc)
}

func (t *tx) insertIncidentComponents(ctx context.Context, inc *watchfire.Incident) error {
	for i, ac := range inc.Components {
		_, err := t.q.Exec(ctx, `
			INSERT INTO incident_components (incident_id, position, component_id, name, status)
			VALUES ($1, $2, $3, $4, $5)`,
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
	_, err := t.q.Exec(ctx, `
		INSERT INTO maintenances (`+maintenanceColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		m.ID, m.PageID, m.Name, m.Status, m.ScheduledFor, m.ScheduledUntil,
		m.StartedAt, m.CompletedAt, m.CreatedAt, m.UpdatedAt)
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
	res, err := t.q.Exec(ctx, `
		UPDATE maintenances SET
			page_id = $1, name = $2, status = $3, scheduled_for = $4, scheduled_until = $5,
			started_at = $6, completed_at = $7, created_at = $8, updated_at = $9
		WHERE id = $10`,
		m.PageID, m.Name, m.Status, m.ScheduledFor, m.ScheduledUntil,
		m.StartedAt, m.CompletedAt, m.CreatedAt, m.UpdatedAt, m.ID)
	if err := changedOne(res, err, fmt.Sprintf("maintenance %q", m.ID)); err != nil {
		return err
	}
	_, err = t.q.Exec(ctx, `DELETE FROM maintenance_components WHERE maintenance_id = $1`, m.ID)
	if err != nil {
		return interpretError(err, fmt.Sprintf("components of maintenance %q", m.ID))
	}
	return t.insertMaintenanceComponents(ctx, m)
}

func (t *tx) insertMaintenanceComponents(ctx context.Context, m *watchfire.Maintenance) error {
	for i, componentID := range m.Components {
		_, err := t.q.Exec(ctx, `
			INSERT INTO maintenance_components (maintenance_id, position, component_id)
			VALUES ($1, $2, $3)`,
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
	_, err := t.q.Exec(ctx, `
		INSERT INTO `+tl.table+` (id, `+tl.owner+`, status, body, affected_components,
		                          deliver_notifications, display_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		u.ID, ownerID, u.Status, u.Body, store.EncodeAffected(u.AffectedComponents), u.DeliverNotifications,
		u.DisplayAt, u.CreatedAt, u.UpdatedAt)
	return interpretError(err, fmt.Sprintf("%s update %q", tl.kind, u.ID))
}

// mustExist returns ENOTFOUND unless table has a row with the id. table is
// a constant, never input.
func (t *tx) mustExist(ctx context.Context, table, kind, id string) error {
	var found int
	err := t.q.QueryRow(ctx, `SELECT 1 FROM `+table+` WHERE id = $1`, id).Scan(&found)
	return interpretError(err, fmt.Sprintf("%s %q", kind, id))
}

func (t *tx) AppendEvent(ctx context.Context, e *watchfire.Event) error {
	err := t.q.QueryRow(ctx, `
		INSERT INTO events (`+eventInsertColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
		RETURNING id`,
		e.ReceivedAt, e.OccurredAt, e.Source, e.Provider, e.PageID, e.Product, e.ComponentID,
		e.ComponentName, e.Kind, e.OldStatus, e.NewStatus, e.IncidentID, e.IncidentTitle,
		e.IncidentStatus, e.IncidentImpact, e.Message, e.RawRef).Scan(&e.ID)
	return interpretError(err, "event")
}

func (t *tx) CreateToken(ctx context.Context, tok *watchfire.Token) error {
	_, err := t.q.Exec(ctx, `
		INSERT INTO tokens (id, name, hash, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5)`,
		tok.ID, tok.Name, tok.Hash, tok.CreatedAt, tok.LastUsedAt)
	return interpretError(err, fmt.Sprintf("token %q", tok.Name))
}

// changedOne turns an UPDATE or DELETE that matched no row into ENOTFOUND.
func changedOne(tag pgconn.CommandTag, err error, subject string) error {
	if err != nil {
		return interpretError(err, subject)
	}
	if tag.RowsAffected() == 0 {
		return notFound(subject)
	}
	return nil
}
