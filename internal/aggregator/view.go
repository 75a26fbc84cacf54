package aggregator

import (
	"time"

	"github.com/watchfire-status/watchfire"
)

// ReportJSON is the JSON shape of a normalized report, shared by the API
// and `watchfire deps parse`.
type ReportJSON struct {
	Provider     string            `json:"provider,omitempty"`
	Page         PageJSON          `json:"page"`
	Status       string            `json:"status"` // overall, as one of our component statuses
	Indicator    string            `json:"indicator,omitempty"`
	Description  string            `json:"description,omitempty"`
	Components   []ComponentJSON   `json:"components"`
	Incidents    []IncidentJSON    `json:"incidents"`
	Maintenances []MaintenanceJSON `json:"maintenances"`
	UpdatedAt    *time.Time        `json:"updated_at,omitempty"`
}

// PageJSON names the vendor's page.
type PageJSON struct {
	ID       string `json:"id,omitempty"`
	Name     string `json:"name,omitempty"`
	URL      string `json:"url,omitempty"`
	TimeZone string `json:"time_zone,omitempty"`
}

// ComponentJSON is one upstream component.
type ComponentJSON struct {
	ID           string `json:"id,omitempty"`
	Name         string `json:"name"`
	Group        string `json:"group,omitempty"`
	Status       string `json:"status"`
	VendorStatus string `json:"vendor_status,omitempty"`
}

// IncidentJSON is one upstream incident.
type IncidentJSON struct {
	ID         string       `json:"id"`
	Name       string       `json:"name"`
	URL        string       `json:"url,omitempty"`
	Status     string       `json:"status"`
	Impact     string       `json:"impact"`
	StartedAt  *time.Time   `json:"started_at,omitempty"`
	UpdatedAt  *time.Time   `json:"updated_at,omitempty"`
	ResolvedAt *time.Time   `json:"resolved_at,omitempty"`
	Components []string     `json:"components"`
	Updates    []UpdateJSON `json:"updates"`
}

// MaintenanceJSON is planned work upstream.
type MaintenanceJSON struct {
	ID             string       `json:"id"`
	Name           string       `json:"name"`
	URL            string       `json:"url,omitempty"`
	Status         string       `json:"status"`
	ScheduledFor   *time.Time   `json:"scheduled_for,omitempty"`
	ScheduledUntil *time.Time   `json:"scheduled_until,omitempty"`
	Components     []string     `json:"components"`
	Updates        []UpdateJSON `json:"updates"`
}

// UpdateJSON is one timeline entry.
type UpdateJSON struct {
	Status string     `json:"status"`
	Body   string     `json:"body"`
	At     *time.Time `json:"at,omitempty"`
}

// ToJSON converts a report to its JSON shape.
func ToJSON(r *watchfire.UpstreamReport) ReportJSON {
	out := ReportJSON{
		Provider: r.Provider, Status: string(r.Overall()), Indicator: string(r.Indicator), Description: r.Description,
		Page:       PageJSON{ID: r.Page.ID, Name: r.Page.Name, URL: r.Page.URL, TimeZone: r.Page.TimeZone},
		Components: make([]ComponentJSON, 0, len(r.Components)), Incidents: make([]IncidentJSON, 0, len(r.Incidents)),
		Maintenances: make([]MaintenanceJSON, 0, len(r.Maintenances)), UpdatedAt: timePtr(r.UpdatedAt),
	}
	for _, c := range r.Components {
		out.Components = append(out.Components, ComponentJSON{ID: c.ID, Name: c.Name, Group: c.Group,
			Status: string(c.Status), VendorStatus: c.VendorStatus})
	}
	for i := range r.Incidents {
		out.Incidents = append(out.Incidents, IncidentToJSON(&r.Incidents[i]))
	}
	for _, m := range r.Maintenances {
		out.Maintenances = append(out.Maintenances, MaintenanceJSON{ID: m.ID, Name: m.Name, URL: m.URL, Status: string(m.Status),
			ScheduledFor: timePtr(m.ScheduledFor), ScheduledUntil: timePtr(m.ScheduledUntil),
			Components: nonNil(m.Components), Updates: updatesJSON(m.Updates)})
	}
	return out
}

// IncidentToJSON converts one upstream incident.
func IncidentToJSON(inc *watchfire.UpstreamIncident) IncidentJSON {
	return IncidentJSON{ID: inc.ID, Name: inc.Name, URL: inc.URL, Status: string(inc.Status), Impact: string(inc.Impact),
		StartedAt: timePtr(inc.StartedAt), UpdatedAt: timePtr(inc.UpdatedAt), ResolvedAt: inc.ResolvedAt,
		Components: nonNil(inc.Components), Updates: updatesJSON(inc.Updates)}
}

func updatesJSON(us []watchfire.UpstreamUpdate) []UpdateJSON {
	out := make([]UpdateJSON, 0, len(us))
	for _, u := range us {
		out = append(out, UpdateJSON{Status: u.Status, Body: u.Body, At: timePtr(u.At)})
	}
	return out
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
