package engine

import (
	"context"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
)

// MaintenanceInput schedules a maintenance.
type MaintenanceInput struct {
	PageID         string // "" for the default page
	Name           string
	Status         string // default scheduled
	Body           string
	ScheduledFor   time.Time
	ScheduledUntil time.Time
	Components     []string
}

// MaintenanceUpdateInput posts to a maintenance's timeline, usually to move
// it along: scheduled → in_progress → verifying → completed.
type MaintenanceUpdateInput struct {
	Status string // "" keeps the current status
	Body   string
}

// MaintenancePatch reschedules or edits a maintenance.
type MaintenancePatch struct {
	Name           *string
	ScheduledFor   *time.Time
	ScheduledUntil *time.Time
	Components     *[]string
}

// CreateMaintenance schedules a maintenance with its first update.
func (e *Engine) CreateMaintenance(ctx context.Context, origin Origin, in MaintenanceInput) (*watchfire.Maintenance, error) {
	var out watchfire.Maintenance
	_, err := e.write(ctx, origin, func(c *change) error {
		page, err := c.resolvePage(in.PageID)
		if err != nil {
			return err
		}
		if err := checkName(in.Name); err != nil {
			return err
		}
		status := watchfire.MaintenanceScheduled
		if in.Status != "" {
			if status, err = maintenanceStatus(in.Status); err != nil {
				return err
			}
		}
		if err := checkWindow(in.ScheduledFor, in.ScheduledUntil); err != nil {
			return err
		}
		if err := c.checkComponents(in.Components); err != nil {
			return err
		}
		if strings.TrimSpace(in.Body) == "" {
			in.Body = "Scheduled maintenance: " + strings.TrimSpace(in.Name)
		}
		m := watchfire.Maintenance{
			ID: watchfire.NewID(), PageID: page.ID, Name: strings.TrimSpace(in.Name), Status: status,
			Components: in.Components, ScheduledFor: in.ScheduledFor.UTC(), ScheduledUntil: in.ScheduledUntil.UTC(),
			CreatedAt: c.now, UpdatedAt: c.now,
		}
		setMaintenanceTimes(&m, c.now)
		m.Updates = []watchfire.IncidentUpdate{c.newUpdate(m.ID, string(status), in.Body, c.maintenanceAffected(&m), nil)}
		if err := c.tx.CreateMaintenance(c.ctx, &m); err != nil {
			return err
		}
		c.st.Maintenances = append(c.st.Maintenances, m)
		c.emit(maintenanceEvent(watchfire.KindMaintenanceCreated, page, &m, in.Body))
		out = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// AddMaintenanceUpdate posts an update and moves the maintenance along.
// While in_progress or verifying, its components are under maintenance.
func (e *Engine) AddMaintenanceUpdate(ctx context.Context, origin Origin, id string, in MaintenanceUpdateInput) (*watchfire.Maintenance, error) {
	var out watchfire.Maintenance
	_, err := e.write(ctx, origin, func(c *change) error {
		m, err := c.tx.GetMaintenance(c.ctx, id)
		if err != nil {
			return err
		}
		status := m.Status
		if in.Status != "" {
			if status, err = maintenanceStatus(in.Status); err != nil {
				return err
			}
		}
		if strings.TrimSpace(in.Body) == "" && status == m.Status {
			return invalid("body: required when the status does not change; say what is happening")
		}
		if strings.TrimSpace(in.Body) == "" {
			in.Body = maintenanceDefaultBody(status)
		}
		wasDone := m.Status == watchfire.MaintenanceCompleted
		m.Status = status
		m.UpdatedAt = c.now
		setMaintenanceTimes(m, c.now)
		u := c.newUpdate(m.ID, string(status), in.Body, c.maintenanceAffected(m), nil)
		if err := c.tx.AddMaintenanceUpdate(c.ctx, &u); err != nil {
			return err
		}
		if err := c.tx.UpdateMaintenance(c.ctx, m); err != nil {
			return err
		}
		m.Updates = append([]watchfire.IncidentUpdate{u}, m.Updates...)
		c.replaceMaintenance(m)
		out = *m
		kind := watchfire.KindMaintenanceUpdated
		if !wasDone && status == watchfire.MaintenanceCompleted {
			kind = watchfire.KindMaintenanceCompleted
		}
		page, _ := c.resolvePage(m.PageID)
		c.emit(maintenanceEvent(kind, page, m, in.Body))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateMaintenance reschedules or renames a maintenance, or changes which
// components it covers.
func (e *Engine) UpdateMaintenance(ctx context.Context, origin Origin, id string, p MaintenancePatch) (*watchfire.Maintenance, error) {
	var out watchfire.Maintenance
	_, err := e.write(ctx, origin, func(c *change) error {
		m, err := c.tx.GetMaintenance(c.ctx, id)
		if err != nil {
			return err
		}
		if p.Name != nil {
			if err := checkName(*p.Name); err != nil {
				return err
			}
			m.Name = strings.TrimSpace(*p.Name)
		}
		if p.ScheduledFor != nil {
			m.ScheduledFor = p.ScheduledFor.UTC()
		}
		if p.ScheduledUntil != nil {
			m.ScheduledUntil = p.ScheduledUntil.UTC()
		}
		if err := checkWindow(m.ScheduledFor, m.ScheduledUntil); err != nil {
			return err
		}
		if p.Components != nil {
			if err := c.checkComponents(*p.Components); err != nil {
				return err
			}
			m.Components = *p.Components
		}
		m.UpdatedAt = c.now
		if err := c.tx.UpdateMaintenance(c.ctx, m); err != nil {
			return err
		}
		c.replaceMaintenance(m)
		out = *m
		page, _ := c.resolvePage(m.PageID)
		c.emit(maintenanceEvent(watchfire.KindMaintenanceUpdated, page, m, "Maintenance details updated."))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *change) checkComponents(ids []string) error {
	seen := map[string]bool{}
	for _, id := range ids {
		if c.st.Component(id) == nil {
			return watchfire.Errorf(watchfire.ENOTFOUND, "components: component %q not found", id)
		}
		if seen[id] {
			return invalid("components: %q is listed twice", id)
		}
		seen[id] = true
	}
	return nil
}

// maintenanceAffected records, for the timeline, the status each covered
// component moves to with this update.
func (c *change) maintenanceAffected(m *watchfire.Maintenance) []watchfire.AffectedComponent {
	next := watchfire.StatusOperational
	if m.Status.Active() {
		next = watchfire.StatusUnderMaintenance
	}
	var out []watchfire.AffectedComponent
	for _, id := range m.Components {
		if comp := c.st.Component(id); comp != nil {
			out = append(out, watchfire.AffectedComponent{ComponentID: id, Name: comp.Name, OldStatus: comp.Status, NewStatus: next})
		}
	}
	return out
}

func (c *change) replaceMaintenance(m *watchfire.Maintenance) {
	for i := range c.st.Maintenances {
		if c.st.Maintenances[i].ID == m.ID {
			c.st.Maintenances[i] = *m
			return
		}
	}
	c.st.Maintenances = append(c.st.Maintenances, *m)
}

func setMaintenanceTimes(m *watchfire.Maintenance, now time.Time) {
	if m.Status != watchfire.MaintenanceScheduled && m.StartedAt == nil {
		m.StartedAt = &now
	}
	switch {
	case m.Status == watchfire.MaintenanceCompleted && m.CompletedAt == nil:
		m.CompletedAt = &now
	case m.Status != watchfire.MaintenanceCompleted:
		m.CompletedAt = nil
	}
}

func checkWindow(from, until time.Time) error {
	switch {
	case from.IsZero():
		return invalid("scheduled_for: required; give the start as an RFC 3339 time")
	case until.IsZero():
		return invalid("scheduled_until: required; give the end as an RFC 3339 time")
	case !until.After(from):
		return invalid("scheduled_until: must be after scheduled_for")
	}
	return nil
}

func maintenanceStatus(s string) (watchfire.MaintenanceStatus, error) {
	if st := watchfire.MaintenanceStatus(s); st.Valid() {
		return st, nil
	}
	return "", invalid("status: %q is not a maintenance status; use scheduled, in_progress, verifying or completed", s)
}

func maintenanceDefaultBody(s watchfire.MaintenanceStatus) string {
	switch s {
	case watchfire.MaintenanceInProgress:
		return "Scheduled maintenance is currently in progress."
	case watchfire.MaintenanceVerifying:
		return "Verification is currently underway for the maintenance items."
	case watchfire.MaintenanceCompleted:
		return "The scheduled maintenance has been completed."
	}
	return "The maintenance has been rescheduled."
}

func maintenanceEvent(kind watchfire.EventKind, page *watchfire.Page, m *watchfire.Maintenance, message string) watchfire.Event {
	ev := watchfire.Event{
		Kind: kind, IncidentID: m.ID, IncidentTitle: m.Name, IncidentStatus: string(m.Status),
		IncidentImpact: string(watchfire.ImpactMaintenance), Message: message, PageID: m.PageID,
	}
	if page != nil {
		ev.Product = page.Name
	}
	return ev
}
