package server

import (
	"time"

	"github.com/watchfire-status/watchfire"
)

// JSON shapes of the native API. Times are RFC 3339 in UTC; optional
// values are null rather than absent, so clients see every field.

type pageJSON struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	URL        string   `json:"url"`
	TimeZone   string   `json:"time_zone"`
	Locale     string   `json:"locale"`
	Host       string   `json:"host"`
	PathPrefix string   `json:"path_prefix"`
	Components []string `json:"components"`
	Indicator  string   `json:"indicator"`
	Status     string   `json:"status_description"`
}

type componentJSON struct {
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	Description        string    `json:"description"`
	GroupID            *string   `json:"group_id"`
	Position           int       `json:"position"`
	Status             string    `json:"status"`
	ManualStatus       *string   `json:"manual_status"`
	MonitorStatus      *string   `json:"monitor_status"`
	UpstreamStatus     *string   `json:"upstream_status"` // what third-party dependencies contribute
	UpstreamReason     string    `json:"upstream_reason,omitempty"`
	Showcase           bool      `json:"showcase"`
	OnlyShowIfDegraded bool      `json:"only_show_if_degraded"`
	StartDate          *string   `json:"start_date"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

type affectedJSON struct {
	ComponentID string  `json:"component_id"`
	Name        string  `json:"name"`
	OldStatus   *string `json:"old_status,omitempty"`
	NewStatus   string  `json:"new_status"`
}

type updateJSON struct {
	ID                   string         `json:"id"`
	Status               string         `json:"status"`
	Body                 string         `json:"body"`
	AffectedComponents   []affectedJSON `json:"affected_components"`
	DeliverNotifications bool           `json:"deliver_notifications"`
	DisplayAt            time.Time      `json:"display_at"`
	CreatedAt            time.Time      `json:"created_at"`
}

type incidentJSON struct {
	ID           string         `json:"id"`
	PageID       string         `json:"page_id"`
	Name         string         `json:"name"`
	Status       string         `json:"status"`
	Impact       string         `json:"impact"`
	Components   []affectedJSON `json:"components"`
	Updates      []updateJSON   `json:"updates"`
	Postmortem   *string        `json:"postmortem"`
	StartedAt    time.Time      `json:"started_at"`
	MonitoringAt *time.Time     `json:"monitoring_at"`
	ResolvedAt   *time.Time     `json:"resolved_at"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
}

type maintenanceJSON struct {
	ID             string       `json:"id"`
	PageID         string       `json:"page_id"`
	Name           string       `json:"name"`
	Status         string       `json:"status"`
	Components     []string     `json:"components"`
	Updates        []updateJSON `json:"updates"`
	ScheduledFor   time.Time    `json:"scheduled_for"`
	ScheduledUntil time.Time    `json:"scheduled_until"`
	StartedAt      *time.Time   `json:"started_at"`
	CompletedAt    *time.Time   `json:"completed_at"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
}

func optString[T ~string](v T) *string {
	if v == "" {
		return nil
	}
	s := string(v)
	return &s
}

func optTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toComponentJSON(c *watchfire.Component) componentJSON {
	out := componentJSON{
		ID: c.ID, Name: c.Name, Description: c.Description, GroupID: optString(c.GroupID),
		Position: c.Position, Status: string(c.Status), ManualStatus: optString(c.ManualStatus),
		MonitorStatus: optString(c.MonitorStatus), UpstreamStatus: optString(c.UpstreamStatus), UpstreamReason: c.UpstreamReason, Showcase: c.Showcase, OnlyShowIfDegraded: c.OnlyShowIfDegraded,
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
	}
	if c.StartDate != nil {
		d := c.StartDate.Format(time.DateOnly)
		out.StartDate = &d
	}
	return out
}

func toUpdatesJSON(list []watchfire.IncidentUpdate) []updateJSON {
	out := make([]updateJSON, 0, len(list))
	for _, u := range list {
		affected := make([]affectedJSON, 0, len(u.AffectedComponents))
		for _, a := range u.AffectedComponents {
			affected = append(affected, affectedJSON{ComponentID: a.ComponentID, Name: a.Name,
				OldStatus: optString(a.OldStatus), NewStatus: string(a.NewStatus)})
		}
		out = append(out, updateJSON{ID: u.ID, Status: u.Status, Body: u.Body, AffectedComponents: affected,
			DeliverNotifications: u.DeliverNotifications, DisplayAt: u.DisplayAt.UTC(), CreatedAt: u.CreatedAt.UTC()})
	}
	return out
}

func toIncidentJSON(inc *watchfire.Incident) incidentJSON {
	comps := make([]affectedJSON, 0, len(inc.Components))
	for _, a := range inc.Components {
		comps = append(comps, affectedJSON{ComponentID: a.ComponentID, Name: a.Name, NewStatus: string(a.NewStatus)})
	}
	return incidentJSON{
		ID: inc.ID, PageID: inc.PageID, Name: inc.Name, Status: string(inc.Status), Impact: string(inc.Impact),
		Components: comps, Updates: toUpdatesJSON(inc.Updates), Postmortem: optString(inc.Postmortem),
		StartedAt: inc.StartedAt.UTC(), MonitoringAt: optTime(inc.MonitoringAt), ResolvedAt: optTime(inc.ResolvedAt),
		CreatedAt: inc.CreatedAt.UTC(), UpdatedAt: inc.UpdatedAt.UTC(),
	}
}

func toMaintenanceJSON(m *watchfire.Maintenance) maintenanceJSON {
	comps := m.Components
	if comps == nil {
		comps = []string{}
	}
	return maintenanceJSON{
		ID: m.ID, PageID: m.PageID, Name: m.Name, Status: string(m.Status), Components: comps,
		Updates: toUpdatesJSON(m.Updates), ScheduledFor: m.ScheduledFor.UTC(), ScheduledUntil: m.ScheduledUntil.UTC(),
		StartedAt: optTime(m.StartedAt), CompletedAt: optTime(m.CompletedAt),
		CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(),
	}
}
