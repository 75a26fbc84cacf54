package engine

import (
	"context"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
)

// AffectedInput is the status an incident sets on one component.
type AffectedInput struct {
	ComponentID string
	Status      string
}

// IncidentInput opens an incident.
type IncidentInput struct {
	PageID               string // "" for the default page
	Name                 string
	Status               string // default investigating
	Impact               string // default: implied by the worst affected status
	Body                 string // markdown of the first update
	Components           []AffectedInput
	DeliverNotifications *bool      // default true
	StartedAt            *time.Time // default now; set it when back-filling
}

// IncidentUpdateInput posts an update to an incident's timeline.
type IncidentUpdateInput struct {
	Status               string // "" keeps the current status
	Body                 string
	Impact               string // "" keeps the current impact
	Components           []AffectedInput
	DeliverNotifications *bool
}

// IncidentPatch edits an incident without posting an update.
type IncidentPatch struct {
	Name       *string
	Impact     *string
	Postmortem *string // markdown; "" unpublishes it
}

// CreateIncident opens an incident with its first update. EINVALID for bad
// input, ENOTFOUND for an unknown page or component.
func (e *Engine) CreateIncident(ctx context.Context, origin Origin, in IncidentInput) (*watchfire.Incident, error) {
	var out watchfire.Incident
	_, err := e.write(ctx, origin, func(c *change) error {
		id := watchfire.NewID()
		page, err := c.resolvePage(in.PageID)
		if err != nil {
			return err
		}
		if err := checkName(in.Name); err != nil {
			return err
		}
		status := watchfire.IncidentInvestigating
		if in.Status != "" {
			if status, err = incidentStatus(in.Status); err != nil {
				return err
			}
		}
		affected, err := c.affected(in.Components)
		if err != nil {
			return err
		}
		impact, err := impactOr(in.Impact, impliedImpact(affected))
		if err != nil {
			return err
		}
		inc := watchfire.Incident{
			ID: id, PageID: page.ID, Name: strings.TrimSpace(in.Name), Status: status, Impact: impact,
			StartedAt: c.now, CreatedAt: c.now, UpdatedAt: c.now,
		}
		if in.StartedAt != nil {
			if in.StartedAt.After(c.now) {
				return invalid("started_at: %s is in the future", in.StartedAt.Format(time.RFC3339))
			}
			inc.StartedAt = in.StartedAt.UTC()
		}
		setStatusTimes(&inc, c.now)
		for _, a := range affected {
			inc.Components = append(inc.Components, watchfire.AffectedComponent{ComponentID: a.ComponentID, Name: a.Name, NewStatus: a.NewStatus})
		}
		inc.Updates = []watchfire.IncidentUpdate{c.newUpdate(id, string(status), in.Body, affected, in.DeliverNotifications)}
		if err := c.tx.CreateIncident(c.ctx, &inc); err != nil {
			return err
		}
		c.st.Incidents = append(c.st.Incidents, inc)
		c.emit(incidentEvent(watchfire.KindIncidentCreated, page, &inc, in.Body))
		out = inc
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// AddIncidentUpdate posts an update: a message, a status change, new
// statuses for components. Resolving closes the incident, which stops it
// from affecting its components.
func (e *Engine) AddIncidentUpdate(ctx context.Context, origin Origin, id string, in IncidentUpdateInput) (*watchfire.Incident, error) {
	var out watchfire.Incident
	_, err := e.write(ctx, origin, func(c *change) error {
		inc, err := c.tx.GetIncident(c.ctx, id)
		if err != nil {
			return err
		}
		status := inc.Status
		if in.Status != "" {
			if status, err = incidentStatus(in.Status); err != nil {
				return err
			}
		}
		if strings.TrimSpace(in.Body) == "" && status == inc.Status && len(in.Components) == 0 && in.Impact == "" {
			return invalid("body: required when the update changes nothing else; say what is happening")
		}
		affected, err := c.affected(in.Components)
		if err != nil {
			return err
		}
		if in.Impact != "" {
			if inc.Impact, err = impactOr(in.Impact, inc.Impact); err != nil {
				return err
			}
		}
		// Resolving sets the components the update names, and the ones the
		// incident still holds, back to operational in its timeline.
		if status.Closed() && len(affected) == 0 {
			for _, ac := range inc.Components {
				affected = append(affected, watchfire.AffectedComponent{ComponentID: ac.ComponentID, Name: ac.Name,
					OldStatus: c.currentStatus(ac.ComponentID), NewStatus: watchfire.StatusOperational})
			}
		}
		for _, a := range affected {
			inc.Components = setAffected(inc.Components, a)
		}
		wasOpen := inc.Open()
		inc.Status = status
		inc.UpdatedAt = c.now
		setStatusTimes(inc, c.now)
		u := c.newUpdate(id, string(status), in.Body, affected, in.DeliverNotifications)
		if err := c.tx.AddIncidentUpdate(c.ctx, &u); err != nil {
			return err
		}
		if err := c.tx.UpdateIncident(c.ctx, inc); err != nil {
			return err
		}
		inc.Updates = append([]watchfire.IncidentUpdate{u}, inc.Updates...)
		c.replaceIncident(inc)
		out = *inc
		kind := watchfire.KindIncidentUpdated
		if wasOpen && !inc.Open() {
			kind = watchfire.KindIncidentResolved
		}
		page, _ := c.resolvePage(inc.PageID)
		c.emit(incidentEvent(kind, page, inc, in.Body))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ResolveIncident posts a resolving update; body may be empty.
func (e *Engine) ResolveIncident(ctx context.Context, origin Origin, id, body string) (*watchfire.Incident, error) {
	if strings.TrimSpace(body) == "" {
		body = "This incident has been resolved."
	}
	return e.AddIncidentUpdate(ctx, origin, id, IncidentUpdateInput{Status: string(watchfire.IncidentResolved), Body: body})
}

// UpdateIncident edits an incident's name, impact or postmortem.
func (e *Engine) UpdateIncident(ctx context.Context, origin Origin, id string, p IncidentPatch) (*watchfire.Incident, error) {
	var out watchfire.Incident
	_, err := e.write(ctx, origin, func(c *change) error {
		inc, err := c.tx.GetIncident(c.ctx, id)
		if err != nil {
			return err
		}
		before := *inc
		if p.Name != nil {
			if err := checkName(*p.Name); err != nil {
				return err
			}
			inc.Name = strings.TrimSpace(*p.Name)
		}
		if p.Impact != nil {
			if inc.Impact, err = impactOr(*p.Impact, inc.Impact); err != nil {
				return err
			}
		}
		if p.Postmortem != nil {
			inc.Postmortem = *p.Postmortem
		}
		if inc.Name == before.Name && inc.Impact == before.Impact && inc.Postmortem == before.Postmortem {
			out = *inc
			return nil // nothing changed: no write, no event
		}
		inc.UpdatedAt = c.now
		if err := c.tx.UpdateIncident(c.ctx, inc); err != nil {
			return err
		}
		c.replaceIncident(inc)
		out = *inc
		page, _ := c.resolvePage(inc.PageID)
		c.emit(incidentEvent(watchfire.KindIncidentUpdated, page, inc, "Incident details updated."))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// affected validates component statuses an incident sets, in input order.
func (c *change) affected(in []AffectedInput) ([]watchfire.AffectedComponent, error) {
	var out []watchfire.AffectedComponent
	seen := map[string]bool{}
	for _, a := range in {
		comp := c.st.Component(a.ComponentID)
		if comp == nil {
			return nil, watchfire.Errorf(watchfire.ENOTFOUND, "components: component %q not found", a.ComponentID)
		}
		if seen[a.ComponentID] {
			return nil, invalid("components: %q is listed twice", a.ComponentID)
		}
		seen[a.ComponentID] = true
		s := watchfire.ComponentStatus(a.Status)
		if !s.Valid() {
			return nil, invalid("components.%s: %q is not a component status; use %s", a.ComponentID, a.Status, statusList())
		}
		out = append(out, watchfire.AffectedComponent{ComponentID: comp.ID, Name: comp.Name, OldStatus: comp.Status, NewStatus: s})
	}
	return out, nil
}

func (c *change) currentStatus(componentID string) watchfire.ComponentStatus {
	if comp := c.st.Component(componentID); comp != nil {
		return comp.Status
	}
	return ""
}

func (c *change) newUpdate(incidentID, status, body string, affected []watchfire.AffectedComponent, deliver *bool) watchfire.IncidentUpdate {
	return watchfire.IncidentUpdate{
		ID: watchfire.NewID(), IncidentID: incidentID, Status: status, Body: body,
		AffectedComponents: affected, DeliverNotifications: deliver == nil || *deliver,
		DisplayAt: c.now, CreatedAt: c.now, UpdatedAt: c.now,
	}
}

// replaceIncident keeps the in-transaction state in step with a write, so
// status derivation sees the incident as it now is.
func (c *change) replaceIncident(inc *watchfire.Incident) {
	for i := range c.st.Incidents {
		if c.st.Incidents[i].ID == inc.ID {
			c.st.Incidents[i] = *inc
			return
		}
	}
	c.st.Incidents = append(c.st.Incidents, *inc) // reopened: it was not live
}

func setAffected(list []watchfire.AffectedComponent, a watchfire.AffectedComponent) []watchfire.AffectedComponent {
	entry := watchfire.AffectedComponent{ComponentID: a.ComponentID, Name: a.Name, NewStatus: a.NewStatus}
	for i := range list {
		if list[i].ComponentID == a.ComponentID {
			list[i] = entry
			return list
		}
	}
	return append(list, entry)
}

// setStatusTimes stamps monitoring_at and resolved_at the way Statuspage
// does: set on first entry into the state, cleared when an incident reopens.
func setStatusTimes(inc *watchfire.Incident, now time.Time) {
	if inc.Status == watchfire.IncidentMonitoring && inc.MonitoringAt == nil {
		inc.MonitoringAt = &now
	}
	switch {
	case !inc.Status.Closed():
		inc.ResolvedAt = nil
	case inc.ResolvedAt == nil:
		inc.ResolvedAt = &now
	}
}

func impliedImpact(affected []watchfire.AffectedComponent) watchfire.Impact {
	worst := watchfire.StatusOperational
	for _, a := range affected {
		worst = watchfire.Worse(worst, a.NewStatus)
	}
	return watchfire.ImpactFor(worst)
}

func impactOr(s string, def watchfire.Impact) (watchfire.Impact, error) {
	if s == "" {
		return def, nil
	}
	if i := watchfire.Impact(s); i.Valid() {
		return i, nil
	}
	return "", invalid("impact: %q is not an impact; use none, minor, major or critical", s)
}

func incidentStatus(s string) (watchfire.IncidentStatus, error) {
	if st := watchfire.IncidentStatus(s); st.Valid() {
		return st, nil
	}
	return "", invalid("status: %q is not an incident status; use investigating, identified, monitoring, resolved or postmortem", s)
}

func incidentEvent(kind watchfire.EventKind, page *watchfire.Page, inc *watchfire.Incident, message string) watchfire.Event {
	ev := watchfire.Event{
		Kind: kind, IncidentID: inc.ID, IncidentTitle: inc.Name, IncidentStatus: string(inc.Status),
		IncidentImpact: string(inc.Impact), Message: message, PageID: inc.PageID,
	}
	if page != nil {
		ev.Product = page.Name
	}
	if len(inc.Components) == 1 {
		ev.ComponentID, ev.ComponentName = inc.Components[0].ComponentID, inc.Components[0].Name
	}
	return ev
}
