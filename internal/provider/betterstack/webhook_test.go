package betterstack

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const (
	hookIncident    = "webhooks/betterstack-webhook-status-page-incident.json"         // the docs' example
	hookUptime      = "webhooks/betterstack-webhook-uptime-incident-acknowledged.json" // the docs' example
	hookMaintenance = "webhooks/betterstack-webhook-synthetic-maintenance.json"        // synthetic, see SOURCES.tsv
	hookComponent   = "webhooks/betterstack-webhook-synthetic-component-update.json"   // synthetic, see SOURCES.tsv
	hookNever       = "2030-01-01T00:00:00Z"                                           // a clock no payload should need
)

// hookAdapter is the adapter with a clock far from every fixture, so a
// test that depends on it shows.
func hookAdapter() *betterStack { return capturedAt(hookNever) }

func parseHook(t *testing.T, body []byte) *watchfire.UpstreamPush {
	t.Helper()
	push, err := hookAdapter().ParseWebhook(body)
	if err != nil {
		t.Fatalf("ParseWebhook: %v", err)
	}
	providertest.CheckPush(t, push)
	if push.Provider != Name {
		t.Errorf("provider %q", push.Provider)
	}
	return push
}

func editHook(t *testing.T, rel string, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(providertest.Fixture(t, rel), &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The docs' incident example: page in downtime, incident "Database
// Connection Issues" with two updates, newest first, and no status.
func TestWebhookStatusPageIncident(t *testing.T) {
	push := parseHook(t, providertest.Fixture(t, hookIncident))
	if push.EventID != "status_update:11111" || !push.OccurredAt.Equal(at("2024-01-15T11:45:00Z")) {
		t.Errorf("event %q at %v", push.EventID, push.OccurredAt)
	}
	if push.Page.ID != "12345" || push.Indicator != watchfire.IndicatorCritical || push.Description != "Some services are down" {
		t.Errorf("page %+v %q %q", push.Page, push.Indicator, push.Description)
	}
	if len(push.Incidents) != 1 || len(push.Components) != 0 || len(push.Maintenances) != 0 {
		t.Fatalf("push %+v", push)
	}
	inc := push.Incidents[0]
	if inc.ID != "98765" || inc.Name != "Database Connection Issues" || inc.URL != "https://status.example.com/incidents/98765" ||
		inc.Status != watchfire.IncidentInvestigating || inc.ResolvedAt != nil {
		t.Errorf("incident %+v", inc)
	}
	// No impact in the payload: the page's downtime stands in for it.
	if inc.Impact != watchfire.ImpactCritical {
		t.Errorf("impact %q", inc.Impact)
	}
	if !inc.StartedAt.Equal(at("2024-01-15T10:30:00Z")) || !inc.UpdatedAt.Equal(at("2024-01-15T11:45:00Z")) {
		t.Errorf("times %v %v", inc.StartedAt, inc.UpdatedAt)
	}
	if len(inc.Updates) != 2 || inc.Updates[0].Body != "We've identified the issue and are working on a fix" ||
		inc.Updates[1].Body != "We're investigating connection issues with the database" || inc.Updates[0].Status != "update" {
		t.Errorf("updates %+v", inc.Updates)
	}
}

// Numeric ids (as one integration's notes show them) read like strings;
// a status or resolved_at, if Better Stack sends one, closes the incident.
func TestWebhookStatusPageIncidentVariants(t *testing.T) {
	push := parseHook(t, editHook(t, hookIncident, func(m map[string]any) {
		m["page"].(map[string]any)["id"] = 237745
		inc := m["incident"].(map[string]any)
		inc["id"] = 98765
		inc["resolved_at"] = "2024-01-15T12:00:00Z"
		for _, u := range inc["incident_updates"].([]any) {
			u.(map[string]any)["id"] = 11111
		}
	}))
	inc := push.Incidents[0]
	if push.Page.ID != "237745" || inc.ID != "98765" || push.EventID != "status_update:11111" {
		t.Errorf("ids %q %q %q", push.Page.ID, inc.ID, push.EventID)
	}
	if inc.Status != watchfire.IncidentResolved || inc.ResolvedAt == nil || !inc.ResolvedAt.Equal(at("2024-01-15T12:00:00Z")) ||
		inc.Impact != watchfire.ImpactNone {
		t.Errorf("incident %+v", inc)
	}
	push = parseHook(t, editHook(t, hookIncident, func(m map[string]any) {
		delete(m["incident"].(map[string]any), "incident_updates")
	}))
	if push.EventID != "status_report:98765@2024-01-15T11:45:00Z" {
		t.Errorf("no updates: event id %q", push.EventID)
	}
}

// The maintenance's status comes from its window and the time of the
// change, never from the clock when one is given.
func TestWebhookMaintenance(t *testing.T) {
	push := parseHook(t, providertest.Fixture(t, hookMaintenance))
	if push.EventID != "status_update:22223" || push.Indicator != watchfire.IndicatorMaintenance || len(push.Maintenances) != 1 {
		t.Fatalf("push %+v", push)
	}
	m := push.Maintenances[0]
	if m.ID != "87654" || m.Name != "Scheduled Database Upgrade" || m.Status != watchfire.MaintenanceInProgress ||
		m.Impact != watchfire.ImpactMaintenance || !m.ScheduledFor.Equal(at("2024-01-15T02:00:00Z")) ||
		!m.ScheduledUntil.Equal(at("2024-01-15T04:00:00Z")) || len(m.Updates) != 2 || m.Updates[1].Body != "Database upgrade scheduled for tonight" {
		t.Errorf("maintenance %+v", m)
	}
	for updated, want := range map[string]watchfire.MaintenanceStatus{
		"2024-01-14T09:00:00Z": watchfire.MaintenanceScheduled,
		"2024-01-15T03:00:00Z": watchfire.MaintenanceInProgress,
		"2024-01-15T04:00:00Z": watchfire.MaintenanceCompleted,
	} {
		push := parseHook(t, editHook(t, hookMaintenance, func(m map[string]any) {
			m["maintenance"].(map[string]any)["updated_at"] = updated
		}))
		if got := push.Maintenances[0].Status; got != want {
			t.Errorf("updated at %s: %q, want %q", updated, got, want)
		}
	}
	// Without updated_at, the clock decides.
	body := editHook(t, hookMaintenance, func(m map[string]any) { delete(m["maintenance"].(map[string]any), "updated_at") })
	p := capturedAt("2024-01-14T12:00:00Z")
	push, err := p.ParseWebhook(body)
	if err != nil || push.Maintenances[0].Status != watchfire.MaintenanceScheduled {
		t.Errorf("clock before the window: %v %+v", err, push)
	}
}

func TestWebhookComponentUpdate(t *testing.T) {
	push := parseHook(t, providertest.Fixture(t, hookComponent))
	if push.EventID != "component_update:55501" || !push.OccurredAt.Equal(at("2024-01-15T10:31:00Z")) || push.Indicator != watchfire.IndicatorMinor {
		t.Errorf("event %q at %v, indicator %q", push.EventID, push.OccurredAt, push.Indicator)
	}
	if len(push.Components) != 1 {
		t.Fatalf("components %+v", push.Components)
	}
	c := push.Components[0]
	if c.ID != "8720238" || c.Name != "API" || c.Status != watchfire.StatusDegradedPerformance || c.VendorStatus != "degraded" ||
		c.OldStatus != watchfire.StatusOperational {
		t.Errorf("component %+v", c)
	}
	// The shape one integration's notes give: the component alone, with
	// previous_status.
	push = parseHook(t, []byte(`{"event_type":"component_update","component":{"id":"7","name":"API","status":"downtime","previous_status":"degraded","updated_at":"2024-01-15T12:05:00Z"}}`))
	c = push.Components[0]
	if c.Status != watchfire.StatusMajorOutage || c.OldStatus != watchfire.StatusDegradedPerformance || push.EventID != "component:7@2024-01-15T12:05:00Z" {
		t.Errorf("component alone: %+v, event %q", c, push.EventID)
	}
}

// The Uptime docs' example: incident 1 of monitor 4, acknowledged.
func TestWebhookUptimeIncident(t *testing.T) {
	push := parseHook(t, providertest.Fixture(t, hookUptime))
	if push.EventID != "incident:1@acknowledged" || !push.OccurredAt.Equal(at("2020-02-25T17:38:45.768Z")) {
		t.Errorf("event %q at %v, want acknowledged_at", push.EventID, push.OccurredAt)
	}
	if push.Indicator != "" || push.Page != (watchfire.UpstreamPage{}) {
		t.Errorf("page %+v %q: a monitor has no page", push.Page, push.Indicator)
	}
	if len(push.Components) != 1 || len(push.Incidents) != 1 {
		t.Fatalf("push %+v", push)
	}
	c := push.Components[0]
	if c.ID != "4" || c.Name != "Tesla.com homepage" || c.Status != watchfire.StatusMajorOutage || c.VendorStatus != "downtime" {
		t.Errorf("component %+v", c)
	}
	inc := push.Incidents[0]
	if inc.ID != "1" || inc.Name != "Tesla.com homepage" || inc.Status != watchfire.IncidentInvestigating || inc.Impact != watchfire.ImpactCritical ||
		inc.ResolvedAt != nil || !inc.StartedAt.Equal(at("2020-10-21T10:51:28.151Z")) || !inc.UpdatedAt.Equal(at("2020-10-21T10:51:28.151Z")) {
		t.Errorf("incident %+v", inc)
	}
	// The docs' acknowledged_at comes before started_at: sorted by time.
	if len(inc.Updates) != 2 || inc.Updates[0].Status != "investigating" || inc.Updates[0].Body != "Error 500" || inc.Updates[1].Status != "acknowledged" {
		t.Errorf("updates %+v", inc.Updates)
	}
	push = parseHook(t, editHook(t, hookUptime, func(m map[string]any) {
		m["event"] = "resolved"
		m["data"].(map[string]any)["attributes"].(map[string]any)["resolved_at"] = "2020-10-21T11:02:00Z"
	}))
	inc = push.Incidents[0]
	if push.EventID != "incident:1@resolved" || inc.Status != watchfire.IncidentResolved || !inc.ResolvedAt.Equal(at("2020-10-21T11:02:00Z")) ||
		push.Components[0].Status != watchfire.StatusOperational || inc.Updates[0].Status != "resolved" || !push.OccurredAt.Equal(at("2020-10-21T11:02:00Z")) {
		t.Errorf("resolved: event %q, incident %+v, component %+v", push.EventID, inc, push.Components[0])
	}
}

func TestWebhookRefuses(t *testing.T) {
	a := hookAdapter()
	for _, tc := range []struct{ rel, says string }{
		{"webhooks/statuspage-webhook-incident-created-identified.json", "/webhooks/atlassian"},
		{"webhooks/instatus-webhook-synthetic-incident-identified.json", "/webhooks/instatus"},
		{"webhooks/incidentio-webhook-status-page-incident-update-shared.json", "is not one Better Stack sends"},
		{"webhooks/generic-webhook-design-example.json", "\"component\" is a JSON string"},
		{"webhooks/generic-webhook-incident.json", "not a Better Stack webhook"},
		{"betterstack/betterstack-status-index-2026-09-07-operational-trimmed.json", "only incident webhooks"},
	} {
		_, err := a.ParseWebhook(providertest.Fixture(t, tc.rel))
		if !errors.Is(err, provider.ErrFormat) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want ErrFormat saying %q", tc.rel, err, tc.says)
		}
	}
	providertest.WebhookRejects(t, a, providertest.BadWebhookBodies...)
	good := string(providertest.Fixture(t, hookIncident))
	providertest.WebhookRejects(t, a, good[:len(good)/2],
		`{"event_type":"incident"}`,
		`{"event_type":"incident","incident":{"name":"no id"}}`,
		`{"event_type":"maintenance","incident":{"id":"1"}}`,
		`{"event_type":"component_update"}`,
		`{"event_type":"component_update","component":{"status":"degraded"}}`,
		`{"event_type":"component_update","component":{"id":"1","name":"API"}}`,
		`{"event_type":"incident","incident":{"id":{"x":1}}}`,
		`{"event":"started","data":{"id":"1","type":"monitor","attributes":{}}}`,
		`{"event":"started","data":{"type":"incident","attributes":{}}}`,
		`{"event":"started","data":{"id":"1","type":"incident"}}`,
		`{"event":"started","data":{"id":"1","type":"incident","attributes":[]}}`,
	)
	huge := strings.Repeat("n", 1<<20)
	push := parseHook(t, []byte(`{"event":"`+huge+`","data":{"id":"1","type":"incident","attributes":{"name":"`+huge+`"}}}`))
	if push.EventID != "incident:1@update" || len(push.Incidents[0].Name) != len(huge) {
		t.Errorf("huge: event %.40q", push.EventID)
	}
}

func TestWebhookSignature(t *testing.T) {
	if s := New().(provider.WebhookAdapter).Signature(); s != (provider.Signature{}) {
		t.Errorf("signature %+v: Better Stack does not sign", s)
	}
}

func FuzzParseWebhook(f *testing.F) {
	var seeds [][]byte
	for _, b := range providertest.WebhookFixtures(f, "betterstack-") {
		seeds = append(seeds, b)
	}
	providertest.FuzzWebhook(f, hookAdapter(), seeds...)
}
