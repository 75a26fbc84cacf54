package instatus

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Instatus pushes its subscriber webhooks (a status page's Subscribers >
// Webhook) to POST /webhooks/instatus: an incident, a maintenance or a
// component update, each with meta and page, in the shape Instatus
// documents at instatus.com/help/webhooks. They are signed: an
// HMAC-SHA256 of the JSON body with the subscriber's secret, hex, in the
// x-instatus-webhook-signature header. See docs/providers/instatus.md,
// "Webhooks".
var _ provider.WebhookAdapter = instatus{}

// SignatureHeader carries Instatus's webhook signature.
const SignatureHeader = "X-Instatus-Webhook-Signature"

// Signature implements provider.WebhookAdapter.
func (instatus) Signature() provider.Signature {
	return provider.Signature{Scheme: provider.SchemeHMACHex, Header: SignatureHeader}
}

// webhook is an Instatus subscriber webhook. Instatus writes its enums in
// capitals (HASISSUES, MAJOROUTAGE, INVESTIGATING, NOTSTARTEDYET).
type webhook struct {
	EventType json.RawMessage `json:"event_type"` // Better Stack's and incident.io's, never Instatus's
	Page      *struct {
		ID                string `json:"id"`
		StatusIndicator   string `json:"status_indicator"`
		StatusDescription string `json:"status_description"`
		URL               string `json:"url"`
	} `json:"page"`
	Incident        *hookEntry `json:"incident"`
	Maintenance     *hookEntry `json:"maintenance"`
	ComponentUpdate *struct {
		CreatedAt   string `json:"created_at"`
		NewStatus   string `json:"new_status"`
		ComponentID string `json:"component_id"`
	} `json:"component_update"`
	Component *struct {
		CreatedAt string `json:"created_at"`
		ID        string `json:"id"`
		Name      string `json:"name"`
		Status    string `json:"status"`
	} `json:"component"`
}

// hookEntry is an incident or a maintenance; each fills its own updates
// list and maintenances their duration.
type hookEntry struct {
	ID                 string          `json:"id"`
	Name               string          `json:"name"`
	Status             string          `json:"status"`
	Impact             string          `json:"impact"`
	URL                string          `json:"url"`
	CreatedAt          string          `json:"created_at"`
	UpdatedAt          string          `json:"updated_at"`
	ResolvedAt         string          `json:"resolved_at"`
	Start              string          `json:"start"`    // not in the documented payload; the summary's name for it
	Duration           json.RawMessage `json:"duration"` // minutes, a string in the docs
	IncidentUpdates    []hookUpdate    `json:"incident_updates"`
	MaintenanceUpdates []hookUpdate    `json:"maintenance_updates"`
}

type hookUpdate struct {
	ID        string `json:"id"`
	Body      string `json:"body"`
	Status    string `json:"status"`
	CreatedAt string `json:"created_at"`
}

// ParseWebhook implements provider.WebhookAdapter.
//
// The page gives the indicator (raised by the incident's impact, as the
// summary is) and its address. An incident or a maintenance comes whole,
// with its timeline newest first; its event id is its newest update's.
// A component update gives one ComponentChange; Instatus sends no old
// status and no update id, so the event id is the component's id and the
// update's time.
//
// Payloads with statuses in lower case are Statuspage's (or Better
// Stack's) and are refused with ErrFormat, as are those with an
// event_type.
func (instatus) ParseWebhook(body []byte) (*watchfire.UpstreamPush, error) {
	var w webhook
	if err := provider.DecodeWebhook(Name, body, &w); err != nil {
		return nil, err
	}
	if err := w.check(); err != nil {
		return nil, err
	}
	push := &watchfire.UpstreamPush{Provider: Name}
	if p := w.Page; p != nil {
		push.Page = watchfire.UpstreamPage{ID: strings.TrimSpace(p.ID), URL: strings.TrimSpace(p.URL)}
		push.Indicator = Indicator(p.StatusIndicator)
		push.Description = strings.TrimSpace(p.StatusDescription)
	}
	if w.Component != nil || w.ComponentUpdate != nil {
		if err := w.componentChange(push); err != nil {
			return nil, err
		}
	}
	if e := w.Incident; e != nil {
		inc, err := e.incident()
		if err != nil {
			return nil, err
		}
		push.Incidents = append(push.Incidents, inc)
		w.event(push, e, e.IncidentUpdates)
	}
	if e := w.Maintenance; e != nil {
		m, err := e.maintenance()
		if err != nil {
			return nil, err
		}
		push.Maintenances = append(push.Maintenances, m)
		w.event(push, e, e.MaintenanceUpdates)
	}
	if push.Indicator != "" {
		push.Indicator = raise(push.Indicator, push.Incidents)
	}
	return push, nil
}

func (w *webhook) check() error {
	if len(w.EventType) > 0 && string(w.EventType) != "null" {
		return provider.WebhookFormatf(Name, "the payload has an event_type, which Instatus's webhooks never have: it looks like Better Stack's (/webhooks/betterstack) or incident.io's (/webhooks/incidentio)")
	}
	if w.Incident == nil && w.Maintenance == nil && w.ComponentUpdate == nil && w.Component == nil {
		return provider.WebhookFormatf(Name, "none of \"incident\", \"maintenance\", \"component_update\": not an Instatus webhook")
	}
	words := []struct{ field, value string }{}
	if w.Page != nil {
		words = append(words, struct{ field, value string }{"page.status_indicator", w.Page.StatusIndicator})
	}
	if w.Incident != nil {
		words = append(words, struct{ field, value string }{"incident.status", w.Incident.Status},
			struct{ field, value string }{"incident.impact", w.Incident.Impact})
	}
	if w.Maintenance != nil {
		words = append(words, struct{ field, value string }{"maintenance.status", w.Maintenance.Status})
	}
	if w.ComponentUpdate != nil {
		words = append(words, struct{ field, value string }{"component_update.new_status", w.ComponentUpdate.NewStatus})
	}
	if w.Component != nil {
		words = append(words, struct{ field, value string }{"component.status", w.Component.Status})
	}
	for _, s := range words {
		if v := strings.TrimSpace(s.value); v != "" && !upperEnum(v) {
			return provider.WebhookFormatf(Name, "%s is %.40q: Instatus writes its statuses in capitals (HASISSUES, MAJOROUTAGE, INVESTIGATING); lower-case statuses are Statuspage's, whose webhooks go to /webhooks/atlassian", s.field, v)
		}
	}
	return nil
}

func (w *webhook) componentChange(push *watchfire.UpstreamPush) error {
	var id, name, vendor, at string
	if c := w.Component; c != nil {
		id, name, vendor, at = strings.TrimSpace(c.ID), strings.TrimSpace(c.Name), strings.TrimSpace(c.Status), c.CreatedAt
	}
	if u := w.ComponentUpdate; u != nil {
		if id == "" {
			id = strings.TrimSpace(u.ComponentID)
		}
		if s := strings.TrimSpace(u.NewStatus); s != "" {
			vendor = s
		}
		at = u.CreatedAt
	}
	name = orDefault(name, id)
	if name == "" {
		return provider.WebhookFormatf(Name, "the component has neither a name nor an id (component.name, component.id, component_update.component_id)")
	}
	if vendor == "" {
		return provider.WebhookFormatf(Name, "component %q: no status (component_update.new_status and component.status are both missing)", name)
	}
	push.Components = append(push.Components, watchfire.ComponentChange{UpstreamComponent: watchfire.UpstreamComponent{
		ID: id, Name: name, Status: ComponentStatus(vendor), VendorStatus: vendor,
	}})
	push.OccurredAt = provider.LenientTime(at)
	if id != "" && !push.OccurredAt.IsZero() {
		push.EventID = "component:" + id + "@" + push.OccurredAt.Format(time.RFC3339Nano)
	}
	return nil
}

// event sets the push's event id and time from an incident's or a
// maintenance's newest update, unless a component update already did.
func (w *webhook) event(push *watchfire.UpstreamPush, e *hookEntry, ups []hookUpdate) {
	updated := provider.LenientTime(e.UpdatedAt)
	newest := provider.Newest(len(ups), func(i int) time.Time { return provider.LenientTime(ups[i].CreatedAt) })
	if push.EventID == "" {
		switch {
		case newest >= 0 && strings.TrimSpace(ups[newest].ID) != "":
			push.EventID = strings.TrimSpace(ups[newest].ID)
		case strings.TrimSpace(e.UpdatedAt) != "":
			push.EventID = strings.TrimSpace(e.ID) + "@" + strings.TrimSpace(e.UpdatedAt)
		}
	}
	if push.OccurredAt.IsZero() {
		push.OccurredAt = updated
		if updated.IsZero() && newest >= 0 {
			push.OccurredAt = provider.LenientTime(ups[newest].CreatedAt)
		}
	}
}

func (e *hookEntry) timeline(ups []hookUpdate, status func(string) string) []watchfire.UpstreamUpdate {
	out := make([]watchfire.UpstreamUpdate, 0, len(ups))
	for _, u := range ups {
		out = append(out, watchfire.UpstreamUpdate{Status: status(u.Status), Body: strings.TrimSpace(u.Body), At: provider.LenientTime(u.CreatedAt)})
	}
	slices.SortStableFunc(out, func(a, b watchfire.UpstreamUpdate) int { return b.At.Compare(a.At) })
	return out
}

func (e *hookEntry) incident() (watchfire.UpstreamIncident, error) {
	id := strings.TrimSpace(e.ID)
	if id == "" {
		return watchfire.UpstreamIncident{}, provider.WebhookFormatf(Name, "the incident has no id (incident.id)")
	}
	inc := watchfire.UpstreamIncident{
		ID: id, Name: orDefault(e.Name, id), URL: strings.TrimSpace(e.URL),
		Status: IncidentStatus(e.Status), Impact: Impact(e.Impact),
		StartedAt: provider.LenientTime(e.CreatedAt), UpdatedAt: provider.LenientTime(e.UpdatedAt),
		Updates: e.timeline(e.IncidentUpdates, func(v string) string {
			if s, ok := incidentStatuses[norm(v)]; ok {
				return string(s)
			}
			return strings.ToLower(strings.TrimSpace(v))
		}),
	}
	inc.UpdatedAt = provider.Later(inc.UpdatedAt, provider.LastUpdate(inc.Updates))
	if inc.StartedAt.IsZero() && len(inc.Updates) > 0 {
		inc.StartedAt = inc.Updates[len(inc.Updates)-1].At
	}
	resolved := provider.LenientTime(e.ResolvedAt)
	if !resolved.IsZero() && !inc.Status.Closed() && norm(e.Status) == "" {
		inc.Status = watchfire.IncidentResolved // no status, but a resolution time
	}
	if inc.Status.Closed() {
		if resolved.IsZero() {
			resolved = inc.UpdatedAt
		}
		inc.ResolvedAt = &resolved
	}
	return inc, nil
}

func (e *hookEntry) maintenance() (watchfire.UpstreamMaintenance, error) {
	id := strings.TrimSpace(e.ID)
	if id == "" {
		return watchfire.UpstreamMaintenance{}, provider.WebhookFormatf(Name, "the maintenance has no id (maintenance.id)")
	}
	m := watchfire.UpstreamMaintenance{
		ID: id, Name: orDefault(e.Name, id), URL: strings.TrimSpace(e.URL),
		Status: MaintenanceStatus(e.Status), Impact: watchfire.ImpactMaintenance,
		ScheduledFor: provider.LenientTime(e.Start),
		Updates: e.timeline(e.MaintenanceUpdates, func(v string) string {
			if s, ok := maintenanceStatuses[norm(v)]; ok {
				return string(s)
			}
			return strings.ToLower(strings.TrimSpace(v))
		}),
	}
	if mins := minutes(e.Duration); mins > 0 && !m.ScheduledFor.IsZero() {
		m.ScheduledUntil = m.ScheduledFor.Add(time.Duration(mins) * time.Minute)
	}
	return m, nil
}
