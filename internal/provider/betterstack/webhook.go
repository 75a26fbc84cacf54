package betterstack

import (
	"slices"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Better Stack pushes two kinds of webhooks to POST /webhooks/betterstack
// (docs/providers/betterstack.md, "Webhooks"):
//
//   - a status page's webhook subscription (Get updates > Webhook):
//     event_type incident, maintenance or component_update, with meta and
//     page, shaped much like Statuspage's but with Better Stack's words;
//   - Better Stack Uptime's outgoing incident webhook (Integrations >
//     Webhooks > Incident): {"event": "started"|"acknowledged"|"resolved",
//     "data": a JSON:API incident}, about one of the account's monitors.
//
// Neither is signed; the token in the URL is the check.
var _ provider.WebhookAdapter = (*betterStack)(nil)

// Signature implements provider.WebhookAdapter: none.
func (p *betterStack) Signature() provider.Signature { return provider.Signature{} }

// Event types of the status page webhook subscription.
const (
	EventIncident        = "incident"
	EventMaintenance     = "maintenance"
	EventComponentUpdate = "component_update"
)

type hook struct {
	// The status page subscription.
	EventType string `json:"event_type"`
	Page      *struct {
		ID                id     `json:"id"`
		StatusIndicator   string `json:"status_indicator"`
		StatusDescription string `json:"status_description"`
	} `json:"page"`
	Incident        *hookReport `json:"incident"`
	Maintenance     *hookReport `json:"maintenance"`
	Component       *hookComp   `json:"component"`
	ComponentUpdate *struct {
		ID             id     `json:"id"`
		ComponentID    id     `json:"component_id"`
		OldStatus      string `json:"old_status"`
		PreviousStatus string `json:"previous_status"`
		NewStatus      string `json:"new_status"`
		CreatedAt      string `json:"created_at"`
	} `json:"component_update"`

	// Better Stack Uptime's incident webhook.
	Event string      `json:"event"`
	Data  *uptimeData `json:"data"`
}

// hookReport is a status report as the subscription sends it: an
// incident (incident_updates) or a maintenance (maintenance_updates and
// its window). The documented payload has no status; Status and
// ResolvedAt are read in case Better Stack adds them.
type hookReport struct {
	ID                 id           `json:"id"`
	Name               string       `json:"name"`
	CreatedAt          string       `json:"created_at"`
	UpdatedAt          string       `json:"updated_at"`
	StartsAt           string       `json:"starts_at"`
	EndsAt             string       `json:"ends_at"`
	Shortlink          string       `json:"shortlink"`
	Status             string       `json:"status"`
	ResolvedAt         string       `json:"resolved_at"`
	IncidentUpdates    []hookUpdate `json:"incident_updates"`
	MaintenanceUpdates []hookUpdate `json:"maintenance_updates"`
}

type hookUpdate struct {
	ID        id     `json:"id"`
	Body      string `json:"body"`
	CreatedAt string `json:"created_at"`
}

type hookComp struct {
	ID             id     `json:"id"`
	Name           string `json:"name"`
	Status         string `json:"status"`
	PreviousStatus string `json:"previous_status"`
	UpdatedAt      string `json:"updated_at"`
}

type uptimeData struct {
	ID         id     `json:"id"`
	Type       string `json:"type"`
	Attributes *struct {
		Name           string `json:"name"`
		URL            string `json:"url"`
		Cause          string `json:"cause"`
		StartedAt      string `json:"started_at"`
		AcknowledgedAt string `json:"acknowledged_at"`
		ResolvedAt     string `json:"resolved_at"`
	} `json:"attributes"`
	Relationships struct {
		Monitor struct {
			Data *ref `json:"data"`
		} `json:"monitor"`
	} `json:"relationships"`
}

// ParseWebhook implements provider.WebhookAdapter. See the package's
// "Webhooks" documentation for what each payload maps to and what is
// inferred.
func (p *betterStack) ParseWebhook(body []byte) (*watchfire.UpstreamPush, error) {
	var h hook
	if err := provider.DecodeWebhook(Name, body, &h); err != nil {
		return nil, err
	}
	if h.Data != nil {
		return h.uptime()
	}
	push := &watchfire.UpstreamPush{Provider: Name}
	if pg := h.Page; pg != nil {
		push.Page = watchfire.UpstreamPage{ID: string(pg.ID)}
		push.Indicator = Indicator(pg.StatusIndicator)
		push.Description = strings.TrimSpace(pg.StatusDescription)
	}
	var err error
	switch et := strings.TrimSpace(h.EventType); et {
	case EventIncident:
		err = h.incident(push)
	case EventMaintenance:
		err = h.maintenance(push, p.now())
	case EventComponentUpdate:
		err = h.component(push)
	case "":
		if h.Page != nil || h.Incident != nil || h.Component != nil || h.ComponentUpdate != nil {
			return nil, provider.WebhookFormatf(Name, "no event_type, which every Better Stack status page webhook has (incident, maintenance or component_update): Statuspage's webhooks have none and go to /webhooks/atlassian, Instatus's to /webhooks/instatus")
		}
		return nil, provider.WebhookFormatf(Name, "neither an event_type (status page webhook) nor a data object (Uptime incident webhook): not a Better Stack webhook")
	default:
		return nil, provider.WebhookFormatf(Name, "event_type %.80q is not one Better Stack sends (incident, maintenance, component_update)", et)
	}
	if err != nil {
		return nil, err
	}
	return push, nil
}

// newest returns the id and time of a timeline's newest update.
func newest(ups []hookUpdate) (string, time.Time) {
	i := provider.Newest(len(ups), func(i int) time.Time { return provider.LenientTime(ups[i].CreatedAt) })
	if i < 0 {
		return "", time.Time{}
	}
	return string(ups[i].ID), provider.LenientTime(ups[i].CreatedAt)
}

func (r *hookReport) timeline(ups []hookUpdate, status string) []watchfire.UpstreamUpdate {
	out := make([]watchfire.UpstreamUpdate, 0, len(ups))
	for _, u := range ups {
		out = append(out, watchfire.UpstreamUpdate{Status: status, Body: strings.TrimSpace(u.Body), At: provider.LenientTime(u.CreatedAt)})
	}
	slices.SortStableFunc(out, func(a, b watchfire.UpstreamUpdate) int { return b.At.Compare(a.At) })
	return out
}

// event sets the push's id and time: the newest update's id (namespaced,
// Better Stack's ids being numbers from several tables), else the
// report's id and updated_at.
func (r *hookReport) event(push *watchfire.UpstreamPush, ups []hookUpdate) {
	upd, upAt := newest(ups)
	push.OccurredAt = provider.LenientTime(r.UpdatedAt)
	if push.OccurredAt.IsZero() {
		push.OccurredAt = upAt
	}
	switch {
	case upd != "":
		push.EventID = "status_update:" + upd
	case strings.TrimSpace(r.UpdatedAt) != "":
		push.EventID = "status_report:" + string(r.ID) + "@" + strings.TrimSpace(r.UpdatedAt)
	}
}

// updateWord is the status of a subscription update, which has none of
// its own: an update that changes nothing it can name.
const updateWord = "update"

func (h *hook) incident(push *watchfire.UpstreamPush) error {
	r := h.Incident
	if r == nil {
		return provider.WebhookFormatf(Name, "event_type incident without an \"incident\" object")
	}
	if r.ID == "" {
		return provider.WebhookFormatf(Name, "the incident has no id (incident.id)")
	}
	inc := watchfire.UpstreamIncident{
		ID: string(r.ID), Name: orDefault(r.Name, string(r.ID)), URL: strings.TrimSpace(r.Shortlink),
		Status: watchfire.IncidentInvestigating, StartedAt: provider.LenientTime(r.CreatedAt),
		Updates: r.timeline(r.IncidentUpdates, updateWord),
	}
	inc.UpdatedAt = provider.Later(provider.LenientTime(r.UpdatedAt), provider.LastUpdate(inc.Updates))
	if inc.StartedAt.IsZero() && len(inc.Updates) > 0 {
		inc.StartedAt = inc.Updates[len(inc.Updates)-1].At
	}
	resolved := provider.LenientTime(r.ResolvedAt)
	if !resolved.IsZero() || strings.EqualFold(strings.TrimSpace(r.Status), reportResolved) {
		inc.Status = watchfire.IncidentResolved
		if resolved.IsZero() {
			resolved = inc.UpdatedAt
		}
		inc.ResolvedAt = &resolved
	}
	// The payload rates nothing: while the incident is open, the page's
	// state is the best guess of how bad it is.
	if !inc.Status.Closed() && h.Page != nil {
		inc.Impact = Impact(h.Page.StatusIndicator)
	} else {
		inc.Impact = watchfire.ImpactNone
	}
	push.Incidents = append(push.Incidents, inc)
	r.event(push, r.IncidentUpdates)
	return nil
}

// maintenance reads a maintenance report. Its status is not sent: the
// window against the time of the change (updated_at, else now) tells
// scheduled from in progress from completed.
func (h *hook) maintenance(push *watchfire.UpstreamPush, now time.Time) error {
	r := h.Maintenance
	if r == nil {
		return provider.WebhookFormatf(Name, "event_type maintenance without a \"maintenance\" object")
	}
	if r.ID == "" {
		return provider.WebhookFormatf(Name, "the maintenance has no id (maintenance.id)")
	}
	m := watchfire.UpstreamMaintenance{
		ID: string(r.ID), Name: orDefault(r.Name, string(r.ID)), URL: strings.TrimSpace(r.Shortlink),
		Impact: watchfire.ImpactMaintenance, ScheduledFor: provider.LenientTime(r.StartsAt), ScheduledUntil: provider.LenientTime(r.EndsAt),
		Updates: r.timeline(r.MaintenanceUpdates, updateWord),
	}
	ref := provider.LenientTime(r.UpdatedAt)
	if ref.IsZero() {
		ref = now.UTC()
	}
	switch {
	case strings.EqualFold(strings.TrimSpace(r.Status), reportResolved) || !provider.LenientTime(r.ResolvedAt).IsZero():
		m.Status = watchfire.MaintenanceCompleted
	case !m.ScheduledFor.IsZero() && ref.Before(m.ScheduledFor):
		m.Status = watchfire.MaintenanceScheduled
	case !m.ScheduledUntil.IsZero() && !ref.Before(m.ScheduledUntil):
		m.Status = watchfire.MaintenanceCompleted
	default:
		m.Status = watchfire.MaintenanceInProgress
	}
	push.Maintenances = append(push.Maintenances, m)
	r.event(push, r.MaintenanceUpdates)
	return nil
}

func (h *hook) component(push *watchfire.UpstreamPush) error {
	c, u := h.Component, h.ComponentUpdate
	if c == nil && u == nil {
		return provider.WebhookFormatf(Name, "event_type component_update without a \"component\" or \"component_update\" object")
	}
	var cid id
	var name, vendor, old, at, upd string
	if c != nil {
		cid, name, vendor, old, at = c.ID, strings.TrimSpace(c.Name), strings.TrimSpace(c.Status), strings.TrimSpace(c.PreviousStatus), c.UpdatedAt
	}
	if u != nil {
		if cid == "" {
			cid = u.ComponentID
		}
		if s := strings.TrimSpace(u.NewStatus); s != "" {
			vendor = s
		}
		for _, s := range []string{u.OldStatus, u.PreviousStatus} {
			if s = strings.TrimSpace(s); s != "" {
				old = s
				break
			}
		}
		if strings.TrimSpace(u.CreatedAt) != "" {
			at = u.CreatedAt
		}
		upd = string(u.ID)
	}
	name = orDefault(name, string(cid))
	if name == "" {
		return provider.WebhookFormatf(Name, "the component has neither a name nor an id (component.name, component.id, component_update.component_id)")
	}
	if vendor == "" {
		return provider.WebhookFormatf(Name, "component %q: no status (component_update.new_status and component.status are both missing)", name)
	}
	change := watchfire.ComponentChange{UpstreamComponent: watchfire.UpstreamComponent{
		ID: string(cid), Name: name, Status: ResourceStatus(vendor), VendorStatus: vendor,
	}}
	if old != "" {
		change.OldStatus = ResourceStatus(old)
	}
	push.Components = append(push.Components, change)
	push.OccurredAt = provider.LenientTime(at)
	switch {
	case upd != "":
		push.EventID = "component_update:" + upd
	case cid != "" && !push.OccurredAt.IsZero():
		push.EventID = "component:" + string(cid) + "@" + push.OccurredAt.Format(time.RFC3339Nano)
	}
	return nil
}

// Uptime incident events.
const (
	uptimeStarted      = "started"
	uptimeAcknowledged = "acknowledged"
	uptimeResolved     = "resolved"
)

// uptime reads Better Stack Uptime's incident webhook: the incident of a
// monitor, which is the component it is about. While the incident is
// open the monitor is down (Better Stack's "downtime", a major outage);
// resolved, it is operational again.
func (h *hook) uptime() (*watchfire.UpstreamPush, error) {
	d := h.Data
	if t := strings.TrimSpace(d.Type); t != "incident" {
		return nil, provider.WebhookFormatf(Name, "an Uptime webhook with data.type %.40q: only incident webhooks are read (not monitor or on-call ones)", t)
	}
	if d.ID == "" {
		return nil, provider.WebhookFormatf(Name, "the Uptime incident has no id (data.id)")
	}
	if d.Attributes == nil {
		return nil, provider.WebhookFormatf(Name, "the Uptime incident has no data.attributes")
	}
	a := d.Attributes
	event := strings.ToLower(strings.TrimSpace(h.Event))
	started, acked, resolved := provider.LenientTime(a.StartedAt), provider.LenientTime(a.AcknowledgedAt), provider.LenientTime(a.ResolvedAt)
	name := orDefault(a.Name, strings.TrimSpace(a.URL))
	if name == "" {
		name = "Uptime incident " + string(d.ID)
	}
	inc := watchfire.UpstreamIncident{
		ID: string(d.ID), Name: name, Status: watchfire.IncidentInvestigating,
		Impact: watchfire.ImpactFor(ResourceStatus("downtime")), StartedAt: started,
		Components: []string{name},
	}
	if !started.IsZero() {
		inc.Updates = append(inc.Updates, watchfire.UpstreamUpdate{Status: string(watchfire.IncidentInvestigating), Body: strings.TrimSpace(a.Cause), At: started})
	}
	if !acked.IsZero() {
		inc.Updates = append(inc.Updates, watchfire.UpstreamUpdate{Status: uptimeAcknowledged, At: acked})
	}
	status, vendor := ResourceStatus("downtime"), "downtime"
	if !resolved.IsZero() || event == uptimeResolved {
		if resolved.IsZero() {
			resolved = provider.Later(started, acked)
		}
		inc.Status, inc.ResolvedAt = watchfire.IncidentResolved, &resolved
		inc.Updates = append(inc.Updates, watchfire.UpstreamUpdate{Status: string(watchfire.IncidentResolved), At: resolved})
		status, vendor = ResourceStatus(reportResolved), reportResolved
	}
	slices.SortStableFunc(inc.Updates, func(a, b watchfire.UpstreamUpdate) int { return b.At.Compare(a.At) })
	inc.UpdatedAt = provider.Later(started, provider.LastUpdate(inc.Updates))

	push := &watchfire.UpstreamPush{Provider: Name, Incidents: []watchfire.UpstreamIncident{inc}}
	monitor := ""
	if m := d.Relationships.Monitor.Data; m != nil {
		monitor = string(m.ID)
	}
	push.Components = []watchfire.ComponentChange{{UpstreamComponent: watchfire.UpstreamComponent{
		ID: monitor, Name: name, Status: status, VendorStatus: vendor,
	}}}
	switch event {
	case uptimeStarted:
		push.OccurredAt = started
	case uptimeAcknowledged:
		push.OccurredAt = acked
	case uptimeResolved:
		push.OccurredAt = resolved
	}
	if push.OccurredAt.IsZero() {
		push.OccurredAt = inc.UpdatedAt
	}
	switch event {
	case uptimeStarted, uptimeAcknowledged, uptimeResolved:
	default:
		event = "update" // missing, or a word Better Stack has not documented
	}
	push.EventID = "incident:" + string(d.ID) + "@" + event
	return push, nil
}
