package instatus

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

// The Instatus webhook fixtures are synthetic (SOURCES.tsv): no captured
// delivery was found, so they follow the field list and enums of
// instatus.com/help/webhooks with values of our own.
const (
	hookIncident    = "webhooks/instatus-webhook-synthetic-incident-identified.json"
	hookMaintenance = "webhooks/instatus-webhook-synthetic-maintenance-in-progress.json"
	hookComponent   = "webhooks/instatus-webhook-synthetic-component-major-outage.json"
)

func parseHook(t *testing.T, body []byte) *watchfire.UpstreamPush {
	t.Helper()
	push, err := New().(provider.WebhookAdapter).ParseWebhook(body)
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

func hookAt(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func TestWebhookIncident(t *testing.T) {
	push := parseHook(t, providertest.Fixture(t, hookIncident))
	if push.EventID != "synthetic-update-2" || !push.OccurredAt.Equal(hookAt(t, "2025-03-04T09:40:00Z")) {
		t.Errorf("event %q at %v, want the newest update's id and incident.updated_at", push.EventID, push.OccurredAt)
	}
	if push.Page.ID != "synthetic-page-1" || push.Page.URL != "https://example.instatus.com" {
		t.Errorf("page %+v", push.Page)
	}
	// HASISSUES is minor, raised to major by the partial outage incident,
	// as the summary's indicator is.
	if push.Indicator != watchfire.IndicatorMajor || push.Description != "Some systems are experiencing issues" {
		t.Errorf("indicator %q %q", push.Indicator, push.Description)
	}
	if len(push.Incidents) != 1 || len(push.Components) != 0 || len(push.Maintenances) != 0 {
		t.Fatalf("push %+v", push)
	}
	inc := push.Incidents[0]
	if inc.ID != "synthetic-incident-1" || inc.Name != "Elevated error rates on the API" || inc.Status != watchfire.IncidentIdentified ||
		inc.Impact != watchfire.ImpactMajor || inc.URL != "https://example.instatus.com/synthetic-incident-1" || inc.ResolvedAt != nil {
		t.Errorf("incident %+v", inc)
	}
	if !inc.StartedAt.Equal(hookAt(t, "2025-03-04T09:12:00Z")) || !inc.UpdatedAt.Equal(hookAt(t, "2025-03-04T09:40:00Z")) {
		t.Errorf("times %v %v", inc.StartedAt, inc.UpdatedAt)
	}
	if len(inc.Updates) != 2 || inc.Updates[0].Status != "identified" || inc.Updates[1].Status != "investigating" ||
		inc.Updates[0].Body != "We found the faulty deploy and are rolling it back." {
		t.Errorf("updates %+v", inc.Updates)
	}
}

func TestWebhookIncidentResolved(t *testing.T) {
	body := editHook(t, hookIncident, func(m map[string]any) {
		inc := m["incident"].(map[string]any)
		inc["status"], inc["resolved_at"], inc["updated_at"] = "RESOLVED", "2025-03-04T10:05:00.000Z", "2025-03-04T10:05:00.000Z"
		ups := inc["incident_updates"].([]any)
		// Oldest first this time: the newest is found by time.
		inc["incident_updates"] = append([]any{ups[1], ups[0]}, map[string]any{
			"id": "synthetic-update-3", "incident_id": "synthetic-incident-1", "body": "Resolved.",
			"status": "RESOLVED", "created_at": "2025-03-04T10:05:00.000Z", "updated_at": "2025-03-04T10:05:00.000Z",
		})
		m["page"].(map[string]any)["status_indicator"] = "UP"
	})
	push := parseHook(t, body)
	inc := push.Incidents[0]
	if push.EventID != "synthetic-update-3" || inc.Status != watchfire.IncidentResolved || inc.ResolvedAt == nil ||
		!inc.ResolvedAt.Equal(hookAt(t, "2025-03-04T10:05:00Z")) || inc.Updates[0].Status != "resolved" {
		t.Errorf("event %q, incident %+v", push.EventID, inc)
	}
	if push.Indicator != watchfire.IndicatorNone {
		t.Errorf("indicator %q: a resolved incident raises nothing", push.Indicator)
	}
}

func TestWebhookMaintenance(t *testing.T) {
	push := parseHook(t, providertest.Fixture(t, hookMaintenance))
	if push.EventID != "synthetic-maintenance-update-2" || !push.OccurredAt.Equal(hookAt(t, "2025-03-11T22:00:00Z")) {
		t.Errorf("event %q at %v", push.EventID, push.OccurredAt)
	}
	if push.Indicator != watchfire.IndicatorMaintenance || len(push.Maintenances) != 1 || len(push.Incidents) != 0 {
		t.Fatalf("push %+v", push)
	}
	m := push.Maintenances[0]
	if m.ID != "synthetic-maintenance-1" || m.Name != "Database upgrade" || m.Status != watchfire.MaintenanceInProgress ||
		m.Impact != watchfire.ImpactMaintenance || !m.ScheduledFor.IsZero() || !m.ScheduledUntil.IsZero() {
		t.Errorf("maintenance %+v (the documented payload has no start)", m)
	}
	if len(m.Updates) != 2 || m.Updates[0].Status != "in_progress" || m.Updates[1].Status != "scheduled" {
		t.Errorf("updates %+v", m.Updates)
	}
	// With a start, as the summary names it, the duration gives the end.
	push = parseHook(t, editHook(t, hookMaintenance, func(m map[string]any) {
		m["maintenance"].(map[string]any)["start"] = "2025-03-11T22:00:00.000Z"
	}))
	m = push.Maintenances[0]
	if !m.ScheduledFor.Equal(hookAt(t, "2025-03-11T22:00:00Z")) || !m.ScheduledUntil.Equal(hookAt(t, "2025-03-12T00:00:00Z")) {
		t.Errorf("window %v – %v", m.ScheduledFor, m.ScheduledUntil)
	}
}

func TestWebhookComponent(t *testing.T) {
	push := parseHook(t, providertest.Fixture(t, hookComponent))
	if push.EventID != "component:synthetic-component-api@2025-03-04T09:15:00Z" || !push.OccurredAt.Equal(hookAt(t, "2025-03-04T09:15:00Z")) {
		t.Errorf("event %q at %v", push.EventID, push.OccurredAt)
	}
	if push.Indicator != watchfire.IndicatorMinor || len(push.Components) != 1 {
		t.Fatalf("push %+v", push)
	}
	c := push.Components[0]
	if c.ID != "synthetic-component-api" || c.Name != "API" || c.Status != watchfire.StatusMajorOutage ||
		c.VendorStatus != "MAJOROUTAGE" || c.OldStatus != "" {
		t.Errorf("component %+v (Instatus sends no old status)", c)
	}
	// An unknown word is kept and read as degraded.
	push = parseHook(t, editHook(t, hookComponent, func(m map[string]any) {
		m["component_update"].(map[string]any)["new_status"] = "ONFIRE"
	}))
	if c := push.Components[0]; c.Status != UnknownComponentStatus || c.VendorStatus != "ONFIRE" {
		t.Errorf("unknown status: %+v", c)
	}
}

func TestWebhookRefuses(t *testing.T) {
	a := New().(provider.WebhookAdapter)
	for _, tc := range []struct{ rel, says string }{
		{"webhooks/statuspage-webhook-incident-created-identified.json", "/webhooks/atlassian"},
		{"webhooks/statuspage-webhook-component-update-under-maintenance.json", "/webhooks/atlassian"},
		{"webhooks/betterstack-webhook-status-page-incident.json", "event_type"},
		{"webhooks/betterstack-webhook-synthetic-maintenance.json", "event_type"},
		{"webhooks/incidentio-webhook-status-page-incident-update-shared.json", "event_type"},
		{"webhooks/generic-webhook-design-example.json", "is a JSON string where an object was expected"},
		{"webhooks/generic-webhook-incident.json", "not an Instatus webhook"},
		{"instatus/perplexity-instatus-summary-2026-07-23-onemajoroutage.json", "not an Instatus webhook"},
	} {
		_, err := a.ParseWebhook(providertest.Fixture(t, tc.rel))
		if !errors.Is(err, provider.ErrFormat) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want ErrFormat saying %q", tc.rel, err, tc.says)
		}
	}
	providertest.WebhookRejects(t, a, providertest.BadWebhookBodies...)
	good := string(providertest.Fixture(t, hookIncident))
	providertest.WebhookRejects(t, a, good[:len(good)/2],
		`{"incident":{"name":"no id","status":"INVESTIGATING"}}`,
		`{"maintenance":{"name":"no id","status":"INPROGRESS"}}`,
		`{"component":{"id":"","name":""},"component_update":{"new_status":"OPERATIONAL"}}`,
		`{"component":{"id":"c","name":"C"}}`,
		`{"incident":{"id":"x","incident_updates":[{"id":3}]}}`,
		`{"incident":{"id":"x","status":"investigating"}}`,
		`{"page":{"status_indicator":"none"},"component_update":{"component_id":"c","new_status":"MAJOROUTAGE"}}`,
	)
	huge := strings.Repeat("Z", 1<<20)
	push := parseHook(t, []byte(`{"component_update":{"component_id":"c","new_status":"PARTIALOUTAGE"},"component":{"id":"c","name":"`+huge+`"}}`))
	if push.Components[0].Status != watchfire.StatusPartialOutage || push.EventID != "" {
		t.Errorf("huge name: %+v, event %q (no time: no event id)", push.Components[0].UpstreamComponent.Status, push.EventID)
	}
}

func TestWebhookSignature(t *testing.T) {
	s := New().(provider.WebhookAdapter).Signature()
	if s.Scheme != provider.SchemeHMACHex || s.Header != "X-Instatus-Webhook-Signature" {
		t.Errorf("signature %+v", s)
	}
}

func FuzzParseWebhook(f *testing.F) {
	var seeds [][]byte
	for _, b := range providertest.WebhookFixtures(f, "instatus-") {
		seeds = append(seeds, b)
	}
	providertest.FuzzWebhook(f, New().(provider.WebhookAdapter), seeds...)
}
