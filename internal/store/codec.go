package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/watchfire-status/watchfire"
)

// The JSON that both stores keep in their JSON columns. One definition, so
// a row means the same on SQLite and PostgreSQL and data can move between
// them.

// EncodeIDs stores an ordered id list as a JSON array; nil becomes [].
func EncodeIDs(ids []string) string {
	if ids == nil {
		ids = []string{}
	}
	b, _ := json.Marshal(ids) // a []string always marshals
	return string(b)
}

// AffectedJSON is the stored shape of watchfire.AffectedComponent; its own
// tags keep the stored format independent of Go field names.
type AffectedJSON struct {
	ComponentID string                    `json:"component_id"`
	Name        string                    `json:"name"`
	OldStatus   watchfire.ComponentStatus `json:"old_status"`
	NewStatus   watchfire.ComponentStatus `json:"new_status"`
}

// EncodeAffected returns the stored JSON of an update's affected components.
func EncodeAffected(acs []watchfire.AffectedComponent) string {
	stored := make([]AffectedJSON, len(acs))
	for i, ac := range acs {
		stored[i] = AffectedJSON(ac)
	}
	b, _ := json.Marshal(stored) // plain strings always marshal
	return string(b)
}

// DecodeAffected turns stored affected components back into the domain's.
func DecodeAffected(stored []AffectedJSON) []watchfire.AffectedComponent {
	if len(stored) == 0 {
		return nil
	}
	acs := make([]watchfire.AffectedComponent, len(stored))
	for i, ac := range stored {
		acs[i] = watchfire.AffectedComponent(ac)
	}
	return acs
}

// NilIfEmpty makes an empty decoded list nil, as the domain treats both alike.
func NilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// The stored shapes of a dependency's affects, its last report and its
// incidents. Their own tags keep the stored format independent of Go field
// names; times are stored in UTC, so that they come back in UTC.

type affectJSON struct {
	ComponentID string `json:"component_id"`
	Upstream    string `json:"upstream,omitempty"`
}

type reportJSON struct {
	Provider     string                    `json:"provider"`
	Page         upstreamPageJSON          `json:"page"`
	Indicator    watchfire.Indicator       `json:"indicator,omitempty"`
	Description  string                    `json:"description,omitempty"`
	Components   []upstreamComponentJSON   `json:"components,omitempty"`
	Incidents    []upstreamIncidentJSON    `json:"incidents,omitempty"`
	Maintenances []upstreamMaintenanceJSON `json:"maintenances,omitempty"`
	UpdatedAt    time.Time                 `json:"updated_at,omitzero"`
}

type upstreamPageJSON struct {
	ID       string `json:"id,omitempty"`
	Name     string `json:"name,omitempty"`
	URL      string `json:"url,omitempty"`
	TimeZone string `json:"time_zone,omitempty"`
}

type upstreamComponentJSON struct {
	ID           string                    `json:"id,omitempty"`
	Name         string                    `json:"name"`
	Group        string                    `json:"group,omitempty"`
	Status       watchfire.ComponentStatus `json:"status"`
	VendorStatus string                    `json:"vendor_status,omitempty"`
}

type upstreamIncidentJSON struct {
	ID         string                   `json:"id"`
	Name       string                   `json:"name"`
	URL        string                   `json:"url,omitempty"`
	Status     watchfire.IncidentStatus `json:"status"`
	Impact     watchfire.Impact         `json:"impact"`
	StartedAt  time.Time                `json:"started_at"`
	UpdatedAt  time.Time                `json:"updated_at"`
	ResolvedAt *time.Time               `json:"resolved_at,omitzero"`
	Components []string                 `json:"components,omitempty"`
	Updates    []upstreamUpdateJSON     `json:"updates,omitempty"`
}

type upstreamMaintenanceJSON struct {
	ID             string                      `json:"id"`
	Name           string                      `json:"name"`
	URL            string                      `json:"url,omitempty"`
	Status         watchfire.MaintenanceStatus `json:"status"`
	Impact         watchfire.Impact            `json:"impact"`
	ScheduledFor   time.Time                   `json:"scheduled_for"`
	ScheduledUntil time.Time                   `json:"scheduled_until"`
	Components     []string                    `json:"components,omitempty"`
	Updates        []upstreamUpdateJSON        `json:"updates,omitempty"`
}

type upstreamUpdateJSON struct {
	Status string    `json:"status"`
	Body   string    `json:"body"`
	At     time.Time `json:"at"`
}

// EncodeAffects returns the stored JSON of a dependency's affects; nil
// becomes [].
func EncodeAffects(affects []watchfire.DependencyAffect) string {
	stored := make([]affectJSON, len(affects))
	for i, a := range affects {
		stored[i] = affectJSON(a)
	}
	b, _ := json.Marshal(stored) // plain strings always marshal
	return string(b)
}

// DecodeAffects reads what EncodeAffects stored.
func DecodeAffects(data []byte) ([]watchfire.DependencyAffect, error) {
	var stored []affectJSON
	if err := json.Unmarshal(data, &stored); err != nil {
		return nil, fmt.Errorf("decoding stored affects: %w", err)
	}
	return convertAll(stored, func(a affectJSON) watchfire.DependencyAffect { return watchfire.DependencyAffect(a) }), nil
}

// EncodeReport returns the stored JSON of a report, nil (NULL) for none.
func EncodeReport(r *watchfire.UpstreamReport) (*string, error) {
	if r == nil {
		return nil, nil
	}
	b, err := json.Marshal(reportJSON{
		Provider:    r.Provider,
		Page:        upstreamPageJSON(r.Page),
		Indicator:   r.Indicator,
		Description: r.Description,
		Components: convertAll(r.Components, func(c watchfire.UpstreamComponent) upstreamComponentJSON {
			return upstreamComponentJSON(c)
		}),
		Incidents:    convertAll(r.Incidents, encodeIncident),
		Maintenances: convertAll(r.Maintenances, encodeMaintenance),
		UpdatedAt:    r.UpdatedAt.UTC(),
	})
	if err != nil {
		// Only a time outside years 0-9999 gets here.
		return nil, watchfire.Errorf(watchfire.EINVALID, "cannot store the report: %v", err)
	}
	s := string(b)
	return &s, nil
}

// DecodeReport reads what EncodeReport stored; nil (NULL) is no report.
func DecodeReport(data []byte) (*watchfire.UpstreamReport, error) {
	if data == nil {
		return nil, nil
	}
	var stored reportJSON
	if err := json.Unmarshal(data, &stored); err != nil {
		return nil, fmt.Errorf("decoding a stored report: %w", err)
	}
	return &watchfire.UpstreamReport{
		Provider:    stored.Provider,
		Page:        watchfire.UpstreamPage(stored.Page),
		Indicator:   stored.Indicator,
		Description: stored.Description,
		Components: convertAll(stored.Components, func(c upstreamComponentJSON) watchfire.UpstreamComponent {
			return watchfire.UpstreamComponent(c)
		}),
		Incidents:    convertAll(stored.Incidents, decodeIncident),
		Maintenances: convertAll(stored.Maintenances, decodeMaintenance),
		UpdatedAt:    stored.UpdatedAt.UTC(),
	}, nil
}

// EncodeUpstreamIncident returns the stored JSON of an upstream incident.
func EncodeUpstreamIncident(inc *watchfire.UpstreamIncident) (string, error) {
	b, err := json.Marshal(encodeIncident(*inc))
	if err != nil {
		return "", watchfire.Errorf(watchfire.EINVALID, "cannot store upstream incident %q: %v", inc.ID, err)
	}
	return string(b), nil
}

// DecodeUpstreamIncident reads what EncodeUpstreamIncident stored.
func DecodeUpstreamIncident(data []byte) (watchfire.UpstreamIncident, error) {
	var stored upstreamIncidentJSON
	if err := json.Unmarshal(data, &stored); err != nil {
		return watchfire.UpstreamIncident{}, fmt.Errorf("decoding a stored upstream incident: %w", err)
	}
	return decodeIncident(stored), nil
}

func encodeIncident(inc watchfire.UpstreamIncident) upstreamIncidentJSON {
	return upstreamIncidentJSON{
		ID:         inc.ID,
		Name:       inc.Name,
		URL:        inc.URL,
		Status:     inc.Status,
		Impact:     inc.Impact,
		StartedAt:  inc.StartedAt.UTC(),
		UpdatedAt:  inc.UpdatedAt.UTC(),
		ResolvedAt: utcPtr(inc.ResolvedAt),
		Components: inc.Components,
		Updates:    convertAll(inc.Updates, encodeUpdate),
	}
}

func decodeIncident(inc upstreamIncidentJSON) watchfire.UpstreamIncident {
	return watchfire.UpstreamIncident{
		ID:         inc.ID,
		Name:       inc.Name,
		URL:        inc.URL,
		Status:     inc.Status,
		Impact:     inc.Impact,
		StartedAt:  inc.StartedAt.UTC(),
		UpdatedAt:  inc.UpdatedAt.UTC(),
		ResolvedAt: utcPtr(inc.ResolvedAt),
		Components: NilIfEmpty(inc.Components),
		Updates:    convertAll(inc.Updates, decodeUpdate),
	}
}

func encodeMaintenance(m watchfire.UpstreamMaintenance) upstreamMaintenanceJSON {
	return upstreamMaintenanceJSON{
		ID:             m.ID,
		Name:           m.Name,
		URL:            m.URL,
		Status:         m.Status,
		Impact:         m.Impact,
		ScheduledFor:   m.ScheduledFor.UTC(),
		ScheduledUntil: m.ScheduledUntil.UTC(),
		Components:     m.Components,
		Updates:        convertAll(m.Updates, encodeUpdate),
	}
}

func decodeMaintenance(m upstreamMaintenanceJSON) watchfire.UpstreamMaintenance {
	return watchfire.UpstreamMaintenance{
		ID:             m.ID,
		Name:           m.Name,
		URL:            m.URL,
		Status:         m.Status,
		Impact:         m.Impact,
		ScheduledFor:   m.ScheduledFor.UTC(),
		ScheduledUntil: m.ScheduledUntil.UTC(),
		Components:     NilIfEmpty(m.Components),
		Updates:        convertAll(m.Updates, decodeUpdate),
	}
}

func encodeUpdate(u watchfire.UpstreamUpdate) upstreamUpdateJSON {
	return upstreamUpdateJSON{Status: u.Status, Body: u.Body, At: u.At.UTC()}
}

func decodeUpdate(u upstreamUpdateJSON) watchfire.UpstreamUpdate {
	return watchfire.UpstreamUpdate{Status: u.Status, Body: u.Body, At: u.At.UTC()}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// convertAll maps each element with convert; empty becomes nil, as the
// domain treats both alike.
func convertAll[From, To any](from []From, convert func(From) To) []To {
	if len(from) == 0 {
		return nil
	}
	to := make([]To, len(from))
	for i, v := range from {
		to[i] = convert(v)
	}
	return to
}
