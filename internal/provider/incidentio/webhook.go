package incidentio

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// incident.io pushes the updates of a status page's incidents through its
// organisation webhooks (Settings > Webhooks, delivered by Svix and signed
// the Standard Webhooks way) as the event status_page_incident.update_shared_v1.
// Its public status pages offer no subscriber webhooks (email, Slack and
// feeds only), so that event, sent by the page's owner, is the one push.
// See docs/providers/incidentio.md, "Webhooks".
var _ provider.WebhookAdapter = Provider{}

// EventStatusPageUpdate is the webhook event read: "emitted whenever an
// update is posted on a status page incident, including the update that
// publishes the incident" (incident.io's API reference).
const EventStatusPageUpdate = "status_page_incident.update_shared_v1"

// Signature implements provider.WebhookAdapter: Standard Webhooks (Svix).
func (Provider) Signature() provider.Signature {
	return provider.Signature{Scheme: provider.SchemeStandardWebhooks}
}

// sharedUpdate is the event's body: the incident as it now is, and the
// update just posted.
type sharedUpdate struct {
	Incident *struct {
		ID               string     `json:"id"`
		Name             string     `json:"name"`
		IncidentStatus   string     `json:"incident_status"`
		PublishedAt      string     `json:"published_at"`
		StatusPageID     string     `json:"status_page_id"`
		Updates          []spUpdate `json:"updates"`
		ComponentImpacts []struct {
			ComponentID     string `json:"component_id"`
			ComponentStatus string `json:"component_status"`
			StartAt         string `json:"start_at"`
			EndAt           string `json:"end_at"`
		} `json:"component_impacts"`
	} `json:"status_page_incident"`
	Update *spUpdate `json:"update"`
}

type spUpdate struct {
	ID                string `json:"id"`
	IncidentStatus    string `json:"incident_status"`
	Message           string `json:"message"`
	PublishedAt       string `json:"published_at"`
	ComponentStatuses []struct {
		ComponentID     string `json:"component_id"`
		ComponentStatus string `json:"component_status"`
	} `json:"component_statuses"`
}

// ParseWebhook implements provider.WebhookAdapter for
// status_page_incident.update_shared_v1: the incident with its timeline
// (newest first), and the components the update sets as ComponentChanges.
// The payload names components by id only, so each change's Name is its
// id too. incident.io publishes no impact: it is the worst component
// status the incident reports (see Impact). The event id is the update's.
//
// Other incident.io events (incidents, alerts, follow-ups, schedules) are
// about the organisation's own work, not a status page, and are refused
// with ErrFormat, as is anything without an event_type.
func (Provider) ParseWebhook(body []byte) (*watchfire.UpstreamPush, error) {
	var env map[string]json.RawMessage
	if err := provider.DecodeWebhook(Name, body, &env); err != nil {
		return nil, err
	}
	raw, ok := env["event_type"]
	if !ok || string(raw) == "null" {
		if _, page := env["page"]; page {
			return nil, provider.WebhookFormatf(Name, "no event_type, and a \"page\" object: this is a Statuspage-shaped subscriber webhook, which incident.io does not send; send Statuspage's to /webhooks/atlassian")
		}
		return nil, provider.WebhookFormatf(Name, "no event_type: not an incident.io webhook")
	}
	var event string
	if err := json.Unmarshal(raw, &event); err != nil {
		return nil, provider.WebhookFormatf(Name, "event_type is not a string")
	}
	if event != EventStatusPageUpdate {
		if strings.Contains(event, ".") {
			return nil, provider.WebhookFormatf(Name, "event %.80q is not about a status page: only %s is read (subscribe the endpoint to that event alone)", event, EventStatusPageUpdate)
		}
		return nil, provider.WebhookFormatf(Name, "event_type %.80q is not an incident.io event (they read like %s)", event, EventStatusPageUpdate)
	}
	if _, ok := env[event]; !ok {
		return nil, provider.WebhookFormatf(Name, "no %q object beside event_type", event)
	}
	var su sharedUpdate
	if err := provider.DecodeWebhook(Name, env[event], &su); err != nil {
		return nil, provider.WebhookFormatf(Name, "%s: %s", event, strings.TrimPrefix(err.Error(), Name+": "))
	}
	return su.push()
}

func (su *sharedUpdate) push() (*watchfire.UpstreamPush, error) {
	inc := su.Incident
	if inc == nil || strings.TrimSpace(inc.ID) == "" {
		return nil, provider.WebhookFormatf(Name, "%s: status_page_incident.id is missing", EventStatusPageUpdate)
	}
	push := &watchfire.UpstreamPush{Provider: Name, Page: watchfire.UpstreamPage{ID: strings.TrimSpace(inc.StatusPageID)}}

	// The timeline: the incident's updates and the one just shared (which
	// the list normally holds already), newest first.
	updates := map[string]spUpdate{}
	var order []spUpdate
	for _, u := range inc.Updates {
		order = append(order, u)
		updates[u.ID] = u
	}
	if su.Update != nil {
		if _, ok := updates[su.Update.ID]; !ok || su.Update.ID == "" {
			order = append(order, *su.Update)
		}
	}
	timeline := make([]watchfire.UpstreamUpdate, 0, len(order))
	for _, u := range order {
		timeline = append(timeline, watchfire.UpstreamUpdate{
			Status: UpdateStatus(u.IncidentStatus), Body: strings.TrimSpace(u.Message), At: provider.LenientTime(u.PublishedAt),
		})
	}
	sort.SliceStable(timeline, func(i, j int) bool { return timeline[i].At.After(timeline[j].At) })

	out := watchfire.UpstreamIncident{
		ID:        strings.TrimSpace(inc.ID),
		Name:      collapse(inc.Name),
		Status:    IncidentStatus(inc.IncidentStatus),
		StartedAt: provider.LenientTime(inc.PublishedAt),
		Updates:   timeline,
	}
	if out.Name == "" {
		out.Name = out.ID
	}
	out.UpdatedAt = provider.Later(out.StartedAt, provider.LastUpdate(timeline))

	worst := watchfire.ComponentStatus("")
	seen := map[string]bool{}
	addComponent := func(id string) {
		if id = strings.TrimSpace(id); id != "" && !seen[id] {
			seen[id] = true
			out.Components = append(out.Components, id)
		}
	}
	for _, c := range inc.ComponentImpacts {
		addComponent(c.ComponentID)
		worst = watchfire.Worse(worst, ComponentStatus(c.ComponentStatus))
	}
	if u := su.Update; u != nil {
		for _, c := range u.ComponentStatuses {
			id := strings.TrimSpace(c.ComponentID)
			if id == "" {
				continue
			}
			addComponent(id)
			s := ComponentStatus(c.ComponentStatus)
			worst = watchfire.Worse(worst, s)
			push.Components = append(push.Components, watchfire.ComponentChange{UpstreamComponent: watchfire.UpstreamComponent{
				ID: id, Name: id, Status: s, VendorStatus: strings.TrimSpace(c.ComponentStatus),
			}})
		}
		push.EventID = strings.TrimSpace(u.ID)
		push.OccurredAt = provider.LenientTime(u.PublishedAt)
	}
	out.Impact = Impact(worst)
	if out.Status.Closed() {
		end := out.UpdatedAt
		for _, u := range timeline {
			if u.Status == string(watchfire.IncidentResolved) {
				end = u.At // the newest resolving update
				break
			}
		}
		out.ResolvedAt = &end
	}
	push.Incidents = []watchfire.UpstreamIncident{out}
	if push.OccurredAt.IsZero() {
		push.OccurredAt = out.UpdatedAt
	}
	if push.EventID == "" && !push.OccurredAt.IsZero() {
		push.EventID = out.ID + "@" + push.OccurredAt.Format(time.RFC3339Nano)
	}
	return push, nil
}
