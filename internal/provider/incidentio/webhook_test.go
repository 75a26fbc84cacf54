package incidentio_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/incidentio"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const hookShared = "webhooks/incidentio-webhook-status-page-incident-update-shared.json"

func parseHook(t *testing.T, body []byte) *watchfire.UpstreamPush {
	t.Helper()
	push, err := incidentio.Provider{}.ParseWebhook(body)
	if err != nil {
		t.Fatalf("ParseWebhook: %v", err)
	}
	providertest.CheckPush(t, push)
	if push.Provider != "incidentio" {
		t.Errorf("provider %q", push.Provider)
	}
	return push
}

// editHook decodes the fixture, lets f change the event's body and
// encodes it again.
func editHook(t *testing.T, f func(body map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(providertest.Fixture(t, hookShared), &m); err != nil {
		t.Fatal(err)
	}
	f(m[incidentio.EventStatusPageUpdate].(map[string]any))
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// SOURCES.tsv: incident.io's OpenAPI example of the event, incident
// "Elevated API latency" investigating, one component impact
// degraded_performance, the shared update setting another component
// operational.
func TestWebhookUpdateShared(t *testing.T) {
	push := parseHook(t, providertest.Fixture(t, hookShared))
	at := time.Date(2021, 8, 17, 13, 28, 57, 801578000, time.UTC)
	if push.EventID != "01FCNDV6P870EA6S7TK1DSYDG0" || !push.OccurredAt.Equal(at) {
		t.Errorf("event %q at %v, want the update's id and published_at", push.EventID, push.OccurredAt)
	}
	if push.Page.ID != "01FCNDV6P870EA6S7TK1DSYDG0" || push.Indicator != "" {
		t.Errorf("page %+v, indicator %q (incident.io sends none)", push.Page, push.Indicator)
	}
	if len(push.Components) != 1 {
		t.Fatalf("components %+v", push.Components)
	}
	c := push.Components[0]
	if c.ID != "01FCNDV6P870EA6S7TK1DSYDG2" || c.Name != c.ID || c.Status != watchfire.StatusOperational ||
		c.VendorStatus != "operational" || c.OldStatus != "" {
		t.Errorf("component %+v", c)
	}
	if len(push.Incidents) != 1 || len(push.Maintenances) != 0 {
		t.Fatalf("push %+v", push)
	}
	inc := push.Incidents[0]
	if inc.ID != "01FCNDV6P870EA6S7TK1DSYDG0" || inc.Name != "Elevated API latency" || inc.Status != watchfire.IncidentInvestigating ||
		inc.ResolvedAt != nil || inc.URL != "" {
		t.Errorf("incident %+v", inc)
	}
	// The worst status it reports: degraded_performance in its impacts.
	if inc.Impact != watchfire.ImpactMinor {
		t.Errorf("impact %q", inc.Impact)
	}
	if !inc.StartedAt.Equal(at) || !inc.UpdatedAt.Equal(at) {
		t.Errorf("times %v %v", inc.StartedAt, inc.UpdatedAt)
	}
	if strings.Join(inc.Components, ",") != "01GW7P4ES31Q6V1ZQH321T0GJN,01FCNDV6P870EA6S7TK1DSYDG2" {
		t.Errorf("components %v", inc.Components)
	}
	// The shared update is already in the list: one entry, not two.
	if len(inc.Updates) != 1 || inc.Updates[0].Status != "investigating" || inc.Updates[0].Body != "abc123" || !inc.Updates[0].At.Equal(at) {
		t.Errorf("updates %+v", inc.Updates)
	}
}

// The update that resolves an incident, posted after the first, with a
// component in full outage until then.
func TestWebhookUpdateSharedResolved(t *testing.T) {
	body := editHook(t, func(b map[string]any) {
		inc := b["status_page_incident"].(map[string]any)
		inc["incident_status"] = "resolved"
		inc["component_impacts"] = []any{map[string]any{
			"component_id": "01GW7P4ES31Q6V1ZQH321T0GJN", "component_status": "full_outage",
			"start_at": "2021-08-17T13:28:57Z", "end_at": "2021-08-17T14:10:00Z",
		}}
		resolved := map[string]any{
			"id": "01FCNDV6P870EA6S7TK1DSYDG9", "incident_status": "resolved", "message": "Latency is back to normal.",
			"published_at": "2021-08-17T14:10:00Z", "status_page_incident_id": "01FCNDV6P870EA6S7TK1DSYDG1",
			"component_statuses": []any{map[string]any{"component_id": "01GW7P4ES31Q6V1ZQH321T0GJN", "component_status": "operational"}},
		}
		b["update"] = resolved // not yet in the incident's list
	})
	push := parseHook(t, body)
	end := time.Date(2021, 8, 17, 14, 10, 0, 0, time.UTC)
	if push.EventID != "01FCNDV6P870EA6S7TK1DSYDG9" || !push.OccurredAt.Equal(end) {
		t.Errorf("event %q at %v", push.EventID, push.OccurredAt)
	}
	inc := push.Incidents[0]
	if inc.Status != watchfire.IncidentResolved || inc.ResolvedAt == nil || !inc.ResolvedAt.Equal(end) || !inc.UpdatedAt.Equal(end) {
		t.Errorf("incident %+v", inc)
	}
	if inc.Impact != watchfire.ImpactCritical {
		t.Errorf("impact %q, want critical for a full outage", inc.Impact)
	}
	if len(inc.Updates) != 2 || inc.Updates[0].Body != "Latency is back to normal." || inc.Updates[0].Status != "resolved" {
		t.Errorf("updates %+v", inc.Updates)
	}
	if len(push.Components) != 1 || push.Components[0].Status != watchfire.StatusOperational {
		t.Errorf("components %+v", push.Components)
	}
}

func TestWebhookRefuses(t *testing.T) {
	a := incidentio.Provider{}
	for _, tc := range []struct{ body, says string }{
		{`{"event_type":"public_incident.incident_created_v2","public_incident.incident_created_v2":{"id":"01ABC"}}`, "not about a status page"},
		{`{"event_type":"incident","incident":{"id":"1"}}`, "not an incident.io event"},
		{`{"event_type":"status_page_incident.update_shared_v1"}`, "no \"status_page_incident.update_shared_v1\" object"},
		{`{"event_type":"status_page_incident.update_shared_v1","status_page_incident.update_shared_v1":{"update":{"id":"u"}}}`, "status_page_incident.id is missing"},
		{`{"event_type":"status_page_incident.update_shared_v1","status_page_incident.update_shared_v1":{"status_page_incident":{"id":5}}}`, "is a JSON number where a string was expected"},
		{`{"event_type":7}`, "event_type is not a string"},
		{`{"meta":{},"page":{"id":"p"},"incident":{"id":"i"}}`, "/webhooks/atlassian"},
	} {
		_, err := a.ParseWebhook([]byte(tc.body))
		if !errors.Is(err, provider.ErrFormat) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%.70s: %v, want ErrFormat saying %q", tc.body, err, tc.says)
		}
	}
	for rel, body := range providertest.Fixtures(t, providertest.WebhookFixturesDir) {
		if strings.Contains(rel, "/incidentio-") {
			continue
		}
		if _, err := a.ParseWebhook(body); !errors.Is(err, provider.ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", rel, err)
		}
	}
	providertest.WebhookRejects(t, a, providertest.BadWebhookBodies...)
	good := string(providertest.Fixture(t, hookShared))
	providertest.WebhookRejects(t, a, good[:len(good)/2])
}

func TestWebhookOddValues(t *testing.T) {
	huge := strings.Repeat("y", 1<<20)
	body := editHook(t, func(b map[string]any) {
		inc := b["status_page_incident"].(map[string]any)
		inc["name"] = huge
		inc["incident_status"] = "on_hold"   // unknown: open
		inc["published_at"] = "last tuesday" // unreadable: unknown
		u := b["update"].(map[string]any)
		u["component_statuses"] = []any{map[string]any{"component_id": "c1", "component_status": "melting"}}
	})
	push := parseHook(t, body)
	inc := push.Incidents[0]
	if len(inc.Name) != len(huge) || inc.Status != incidentio.UnknownIncidentStatus || !inc.StartedAt.IsZero() {
		t.Errorf("incident status %q, started %v", inc.Status, inc.StartedAt)
	}
	if c := push.Components[0]; c.Status != incidentio.UnknownComponentStatus || c.VendorStatus != "melting" {
		t.Errorf("component %+v", c)
	}
}

func TestWebhookSignature(t *testing.T) {
	if s := (incidentio.Provider{}).Signature(); s.Scheme != provider.SchemeStandardWebhooks {
		t.Errorf("signature %+v", s)
	}
	var _ provider.WebhookAdapter = incidentio.New().(provider.WebhookAdapter)
}

func FuzzParseWebhook(f *testing.F) {
	var seeds [][]byte
	for _, b := range providertest.WebhookFixtures(f, "incidentio-") {
		seeds = append(seeds, b)
	}
	providertest.FuzzWebhook(f, incidentio.Provider{}, seeds...)
}
