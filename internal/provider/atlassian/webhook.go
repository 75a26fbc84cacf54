package atlassian

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Statuspage pushes its subscriber webhooks (docs/providers/atlassian.md,
// "Webhooks") to POST /webhooks/atlassian. They are not signed: the
// token in the URL Watchfire gives the subscriber is the only check.
var _ provider.WebhookAdapter = Provider{}

// Signature implements provider.WebhookAdapter: none.
func (Provider) Signature() provider.Signature { return provider.Signature{} }

// webhook is a Statuspage subscriber webhook: an incident payload
// (incident, with its whole timeline, newest update first) or a component
// payload (component and component_update). Both carry meta and page.
type webhook struct {
	Meta *struct {
		Unsubscribe string `json:"unsubscribe"`
	} `json:"meta"`
	Page *struct {
		ID                string `json:"id"`
		StatusIndicator   string `json:"status_indicator"`
		StatusDescription string `json:"status_description"`
	} `json:"page"`
	Incident        json.RawMessage `json:"incident"`
	Component       *webhookComp    `json:"component"`
	ComponentUpdate *webhookCompUpd `json:"component_update"`
	EventType       json.RawMessage `json:"event_type"`  // Better Stack's and incident.io's, never Statuspage's
	Maintenance     json.RawMessage `json:"maintenance"` // Instatus's and Better Stack's
	incident        *Incident       // Incident, decoded
	updates         []webhookUpdate // its incident_updates with their affected components
}

type webhookComp struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	UpdatedAt string `json:"updated_at"`
}

type webhookCompUpd struct {
	ID          string `json:"id"`
	ComponentID string `json:"component_id"`
	OldStatus   string `json:"old_status"`
	NewStatus   string `json:"new_status"`
	CreatedAt   string `json:"created_at"`
}

// webhookUpdate is what an incident update adds to Update in a webhook:
// the components it changed, old and new status.
type webhookUpdate struct {
	ID                 string `json:"id"`
	CreatedAt          string `json:"created_at"`
	AffectedComponents []struct {
		Code      string `json:"code"`
		Name      string `json:"name"`
		OldStatus string `json:"old_status"`
		NewStatus string `json:"new_status"`
	} `json:"affected_components"`
}

// ParseWebhook implements provider.WebhookAdapter.
//
// A component payload gives one ComponentChange (new_status, with
// old_status as OldStatus); its event id is component_update.id. An
// incident payload gives the incident, or the maintenance when its status
// is a maintenance status, its impact "maintenance" or it has a
// scheduled_for; its event id is the newest incident update's id. The
// components whose status the newest update changed (affected_components
// with old_status ≠ new_status) come as ComponentChanges too. Both set
// the page's indicator from page.status_indicator.
//
// Payloads of the look-alike formats are refused with ErrFormat and a
// pointer to the right adapter: Instatus's (statuses in capitals), Better
// Stack's and incident.io's (event_type).
func (Provider) ParseWebhook(body []byte) (*watchfire.UpstreamPush, error) {
	w, err := decodeWebhook(body)
	if err != nil {
		return nil, err
	}
	push := &watchfire.UpstreamPush{Provider: Name}
	if p := w.Page; p != nil {
		push.Page = watchfire.UpstreamPage{ID: strings.TrimSpace(p.ID), URL: siteOf(w.Meta)}
		push.Indicator = Indicator(p.StatusIndicator)
		push.Description = strings.TrimSpace(p.StatusDescription)
	}
	if w.Component != nil || w.ComponentUpdate != nil {
		if err := w.componentChange(push); err != nil {
			return nil, err
		}
	}
	if w.incident != nil {
		if err := w.incidentChange(push); err != nil {
			return nil, err
		}
	}
	return push, nil
}

func decodeWebhook(body []byte) (*webhook, error) {
	var w webhook
	if err := provider.DecodeWebhook(Name, body, &w); err != nil {
		return nil, err
	}
	if raw := strings.TrimSpace(string(w.Incident)); raw != "" && raw != "null" {
		var inc Incident
		if err := provider.DecodeWebhook(Name, w.Incident, &inc); err != nil {
			return nil, provider.WebhookFormatf(Name, "incident: %v", strings.TrimPrefix(err.Error(), Name+": "))
		}
		var ups struct {
			Updates []webhookUpdate `json:"incident_updates"`
		}
		if err := provider.DecodeWebhook(Name, w.Incident, &ups); err != nil {
			return nil, provider.WebhookFormatf(Name, "incident: %v", strings.TrimPrefix(err.Error(), Name+": "))
		}
		w.incident, w.updates = &inc, ups.Updates
	}
	return &w, w.check()
}

// check refuses what is not a Statuspage webhook, saying whose it looks
// like when it can tell.
func (w *webhook) check() error {
	if len(w.EventType) > 0 && string(w.EventType) != "null" {
		var et string
		_ = json.Unmarshal(w.EventType, &et)
		to := "betterstack"
		if strings.Contains(et, ".") {
			to = "incidentio"
		}
		return provider.WebhookFormatf(Name, "the payload has an event_type (%.60q), which Statuspage's webhooks never have: it looks like %s's; send it to /webhooks/%s", et, to, to)
	}
	if w.incident == nil && w.Component == nil && w.ComponentUpdate == nil {
		if len(w.Maintenance) > 0 && string(w.Maintenance) != "null" {
			return provider.WebhookFormatf(Name, "a \"maintenance\" object, which Statuspage never sends (it sends maintenances as incidents): this looks like an Instatus or Better Stack webhook")
		}
		return provider.WebhookFormatf(Name, "neither an \"incident\" nor a \"component\"/\"component_update\" object: not a Statuspage subscriber webhook")
	}
	if w.Meta == nil && (w.Page == nil || strings.TrimSpace(w.Page.StatusIndicator) == "") {
		return provider.WebhookFormatf(Name, "neither \"meta\" nor page.status_indicator, which every Statuspage webhook carries: this looks like a document of the public API (incidents/{id}.json, components.json), which Watchfire polls rather than receives")
	}
	for _, s := range w.statusWords() {
		if capitals(s.value) {
			return provider.WebhookFormatf(Name, "%s is %.40q, in capitals: Statuspage writes its statuses in lower case, Instatus in capitals; send Instatus's webhooks to /webhooks/instatus", s.field, s.value)
		}
	}
	return nil
}

type statusWord struct{ field, value string }

func (w *webhook) statusWords() []statusWord {
	var out []statusWord
	if w.Page != nil {
		out = append(out, statusWord{"page.status_indicator", w.Page.StatusIndicator})
	}
	if w.incident != nil {
		out = append(out, statusWord{"incident.status", w.incident.Status}, statusWord{"incident.impact", w.incident.Impact})
	}
	if w.Component != nil {
		out = append(out, statusWord{"component.status", w.Component.Status})
	}
	if w.ComponentUpdate != nil {
		out = append(out, statusWord{"component_update.new_status", w.ComponentUpdate.NewStatus})
	}
	return out
}

// capitals reports whether v is written the way Instatus writes its
// enums: capitals only ("HASISSUES", "MAJOROUTAGE").
func capitals(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return false
	}
	for _, r := range v {
		if (r < 'A' || r > 'Z') && r != '_' {
			return false
		}
	}
	return true
}

func (w *webhook) componentChange(push *watchfire.UpstreamPush) error {
	c, u := w.Component, w.ComponentUpdate
	if c == nil {
		c = &webhookComp{}
	}
	if u == nil {
		u = &webhookCompUpd{}
	}
	id := strings.TrimSpace(c.ID)
	if id == "" {
		id = strings.TrimSpace(u.ComponentID)
	}
	name := collapse(c.Name)
	if name == "" {
		name = id
	}
	if name == "" {
		return provider.WebhookFormatf(Name, "the component has neither a name nor an id (component.name, component.id, component_update.component_id)")
	}
	vendor := strings.TrimSpace(u.NewStatus)
	if vendor == "" {
		vendor = strings.TrimSpace(c.Status)
	}
	if vendor == "" {
		return provider.WebhookFormatf(Name, "component %q: no status (component_update.new_status and component.status are both missing)", name)
	}
	change := watchfire.ComponentChange{UpstreamComponent: watchfire.UpstreamComponent{
		ID: id, Name: name, Status: ComponentStatus(vendor), VendorStatus: vendor,
	}}
	if old := strings.TrimSpace(u.OldStatus); old != "" {
		change.OldStatus = ComponentStatus(old)
	}
	push.Components = append(push.Components, change)

	at, what := u.CreatedAt, "component_update.created_at"
	if strings.TrimSpace(at) == "" {
		at, what = c.UpdatedAt, "component.updated_at"
	}
	t, err := provider.WebhookTime(Name, what, at)
	if err != nil {
		return err
	}
	push.OccurredAt = t
	switch {
	case strings.TrimSpace(u.ID) != "":
		push.EventID = strings.TrimSpace(u.ID)
	case id != "" && !t.IsZero():
		push.EventID = "component:" + id + "@" + t.Format(time.RFC3339Nano)
	}
	return nil
}

func (w *webhook) incidentChange(push *watchfire.UpstreamPush) error {
	inc := w.incident
	if strings.TrimSpace(inc.ID) == "" {
		return provider.WebhookFormatf(Name, "the incident has no id (incident.id)")
	}
	rep := &watchfire.UpstreamReport{}
	scheduled := strings.TrimSpace(inc.ScheduledFor) != ""
	if err := add(rep, inc, "", scheduled); err != nil {
		return provider.WebhookFormatf(Name, "%s", strings.TrimPrefix(err.Error(), provider.ErrFormat.Error()+": "))
	}
	push.Incidents = append(push.Incidents, rep.Incidents...)
	push.Maintenances = append(push.Maintenances, rep.Maintenances...)

	updated, err := provider.WebhookTime(Name, "incident.updated_at", inc.UpdatedAt)
	if err != nil {
		return err
	}
	newest := provider.Newest(len(w.updates), func(i int) time.Time {
		t, _ := provider.Time(w.updates[i].CreatedAt)
		return t
	})
	if push.OccurredAt.IsZero() || updated.After(push.OccurredAt) {
		push.OccurredAt = updated
	}
	if newest >= 0 {
		u := w.updates[newest]
		if id := strings.TrimSpace(u.ID); id != "" && push.EventID == "" {
			push.EventID = id
		}
		if push.OccurredAt.IsZero() {
			push.OccurredAt = provider.LenientTime(u.CreatedAt)
		}
		for _, a := range u.AffectedComponents {
			old, now := strings.TrimSpace(a.OldStatus), strings.TrimSpace(a.NewStatus)
			name := collapse(a.Name)
			if name == "" {
				name = strings.TrimSpace(a.Code)
			}
			if now == "" || name == "" || norm(old) == norm(now) || hasComponent(push, a.Code, name) {
				continue
			}
			change := watchfire.ComponentChange{UpstreamComponent: watchfire.UpstreamComponent{
				ID: strings.TrimSpace(a.Code), Name: name, Status: ComponentStatus(now), VendorStatus: now,
			}}
			if old != "" {
				change.OldStatus = ComponentStatus(old)
			}
			push.Components = append(push.Components, change)
		}
	}
	if push.EventID == "" && strings.TrimSpace(inc.UpdatedAt) != "" {
		push.EventID = strings.TrimSpace(inc.ID) + "@" + strings.TrimSpace(inc.UpdatedAt)
	}
	return nil
}

func hasComponent(push *watchfire.UpstreamPush, id, name string) bool {
	for _, c := range push.Components {
		if (id != "" && c.ID == id) || strings.EqualFold(c.Name, name) {
			return true
		}
	}
	return false
}

// siteOf is the page's address as the webhook shows it: the origin of the
// unsubscribe link, which Statuspage serves from the page's own domain
// ("http://mycompany24.statuspage.io/?unsubscribe=…"). "" when there is
// none.
func siteOf(meta *struct {
	Unsubscribe string `json:"unsubscribe"`
}) string {
	if meta == nil {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(meta.Unsubscribe))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
