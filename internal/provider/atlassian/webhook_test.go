package atlassian_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/atlassian"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const (
	hookComponent = "webhooks/statuspage-webhook-component-update-under-maintenance.json"
	hookCreated   = "webhooks/statuspage-webhook-incident-created-identified.json"
	hookResolved  = "webhooks/statuspage-webhook-incident-resolved.json"
)

func parseHook(t *testing.T, body []byte) *watchfire.UpstreamPush {
	t.Helper()
	push, err := atlassian.Provider{}.ParseWebhook(body)
	if err != nil {
		t.Fatalf("ParseWebhook: %v", err)
	}
	providertest.CheckPush(t, push)
	if push.Provider != "atlassian" {
		t.Errorf("provider %q", push.Provider)
	}
	return push
}

// edit decodes a fixture, lets f change it and encodes it again.
func edit(t *testing.T, body []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func obj(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

func utc(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

// SOURCES.tsv: component Database component, operational →
// under_maintenance, page indicator maintenance.
func TestWebhookComponentUpdate(t *testing.T) {
	push := parseHook(t, providertest.Fixture(t, hookComponent))
	if push.EventID != "nd963wv4j30b" {
		t.Errorf("event id %q, want component_update.id", push.EventID)
	}
	if push.Page.ID != "jb7j80lkgqvb" || push.Page.URL != "http://mycompany24.statuspage.io" {
		t.Errorf("page %+v", push.Page)
	}
	if push.Indicator != watchfire.IndicatorMaintenance || push.Description != "Service Under Maintenance" {
		t.Errorf("indicator %q %q", push.Indicator, push.Description)
	}
	if !push.OccurredAt.Equal(utc(t, "2017-12-26T07:59:09.379Z")) {
		t.Errorf("occurred at %v, want component_update.created_at", push.OccurredAt)
	}
	if len(push.Components) != 1 || len(push.Incidents) != 0 || len(push.Maintenances) != 0 {
		t.Fatalf("push %+v", push)
	}
	c := push.Components[0]
	if c.ID != "sqm6pl84wzjc" || c.Name != "Database component" || c.Status != watchfire.StatusUnderMaintenance ||
		c.VendorStatus != "under_maintenance" || c.OldStatus != watchfire.StatusOperational {
		t.Errorf("component %+v", c)
	}
}

// SOURCES.tsv: incident identified, impact none, one update.
func TestWebhookIncidentCreated(t *testing.T) {
	push := parseHook(t, providertest.Fixture(t, hookCreated))
	if push.EventID != "qm8bgczn0p2n" {
		t.Errorf("event id %q, want the newest incident update's", push.EventID)
	}
	if push.Indicator != watchfire.IndicatorNone || push.Description != "All Systems Operational" || push.Page.ID != "jb7j80lkgqvb" {
		t.Errorf("page %+v %q %q", push.Page, push.Indicator, push.Description)
	}
	if !push.OccurredAt.Equal(utc(t, "2017-12-26T07:32:00.603Z")) {
		t.Errorf("occurred at %v, want incident.updated_at", push.OccurredAt)
	}
	if len(push.Components) != 0 {
		t.Errorf("components %+v: the update left Management Portal operational", push.Components)
	}
	if len(push.Incidents) != 1 || len(push.Maintenances) != 0 {
		t.Fatalf("push %+v", push)
	}
	inc := push.Incidents[0]
	if inc.ID != "z3lct0r596n4" || inc.Name != "Database query delays" || inc.Status != watchfire.IncidentIdentified ||
		inc.Impact != watchfire.ImpactNone || inc.URL != "http://stspg.io/646947c1e" || inc.ResolvedAt != nil {
		t.Errorf("incident %+v", inc)
	}
	if !inc.StartedAt.Equal(utc(t, "2017-12-26T07:32:00.507Z")) || !inc.UpdatedAt.Equal(utc(t, "2017-12-26T07:32:00.603Z")) {
		t.Errorf("times %v %v", inc.StartedAt, inc.UpdatedAt)
	}
	if len(inc.Components) != 1 || inc.Components[0] != "Management Portal (example)" {
		t.Errorf("components %v", inc.Components)
	}
	if len(inc.Updates) != 1 || inc.Updates[0].Status != "identified" ||
		!strings.HasPrefix(inc.Updates[0].Body, "We just encountered that database queries are timing out") ||
		!inc.Updates[0].At.Equal(utc(t, "2017-12-26T07:32:00.548Z")) {
		t.Errorf("updates %+v", inc.Updates)
	}
}

// SOURCES.tsv: the same incident resolved, two updates newest first.
func TestWebhookIncidentResolved(t *testing.T) {
	push := parseHook(t, providertest.Fixture(t, hookResolved))
	if push.EventID != "cdwfdrjlp53y" {
		t.Errorf("event id %q", push.EventID)
	}
	inc := push.Incidents[0]
	if inc.Status != watchfire.IncidentResolved || inc.ResolvedAt == nil || !inc.ResolvedAt.Equal(utc(t, "2017-12-26T07:37:20.785Z")) {
		t.Errorf("incident %+v", inc)
	}
	if len(inc.Updates) != 2 || inc.Updates[0].Status != "resolved" || inc.Updates[0].Body != "The database issue is resolved." ||
		inc.Updates[1].Status != "identified" {
		t.Errorf("updates %+v", inc.Updates)
	}
	if !push.OccurredAt.Equal(utc(t, "2017-12-26T07:37:20.837Z")) {
		t.Errorf("occurred at %v", push.OccurredAt)
	}
}

// An update that changes a component's status says so twice: in the
// incident and as a component change, with the old status.
func TestWebhookIncidentAffectedComponents(t *testing.T) {
	body := edit(t, providertest.Fixture(t, hookResolved), func(m map[string]any) {
		u := obj(m, "incident")["incident_updates"].([]any)[0].(map[string]any)
		a := u["affected_components"].([]any)[0].(map[string]any)
		a["old_status"], a["new_status"] = "major_outage", "operational"
	})
	push := parseHook(t, body)
	if len(push.Components) != 1 {
		t.Fatalf("components %+v", push.Components)
	}
	c := push.Components[0]
	if c.ID != "zvdm6f7gf76j" || c.Name != "Management Portal (example)" || c.Status != watchfire.StatusOperational ||
		c.OldStatus != watchfire.StatusMajorOutage {
		t.Errorf("component %+v", c)
	}
}

// Entries with a maintenance status, or a schedule, are maintenances.
func TestWebhookMaintenance(t *testing.T) {
	for name, f := range map[string]func(inc map[string]any){
		"scheduled_for": func(inc map[string]any) {
			inc["scheduled_for"], inc["scheduled_until"] = "2017-12-27T02:00:00.000Z", "2017-12-27T04:00:00.000Z"
		},
		"status": func(inc map[string]any) { inc["status"] = "in_progress" },
		"impact": func(inc map[string]any) { inc["impact"] = "maintenance" },
	} {
		t.Run(name, func(t *testing.T) {
			push := parseHook(t, edit(t, providertest.Fixture(t, hookCreated), func(m map[string]any) { f(obj(m, "incident")) }))
			if len(push.Incidents) != 0 || len(push.Maintenances) != 1 {
				t.Fatalf("push %+v", push)
			}
			m := push.Maintenances[0]
			if m.ID != "z3lct0r596n4" || m.Impact != watchfire.ImpactMaintenance || len(m.Updates) != 1 {
				t.Errorf("maintenance %+v", m)
			}
			switch name {
			case "scheduled_for":
				// "identified" is no maintenance status: scheduled, the default.
				if m.Status != watchfire.MaintenanceScheduled || !m.ScheduledFor.Equal(utc(t, "2017-12-27T02:00:00Z")) ||
					!m.ScheduledUntil.Equal(utc(t, "2017-12-27T04:00:00Z")) {
					t.Errorf("maintenance %+v", m)
				}
			case "status":
				if m.Status != watchfire.MaintenanceInProgress {
					t.Errorf("status %q", m.Status)
				}
			}
		})
	}
}

func TestWebhookEventIDFallbacks(t *testing.T) {
	push := parseHook(t, edit(t, providertest.Fixture(t, hookCreated), func(m map[string]any) {
		delete(obj(m, "incident"), "incident_updates")
	}))
	if push.EventID != "z3lct0r596n4@2017-12-26T07:32:00.603Z" {
		t.Errorf("incident without updates: event id %q", push.EventID)
	}
	push = parseHook(t, edit(t, providertest.Fixture(t, hookComponent), func(m map[string]any) {
		delete(obj(m, "component_update"), "id")
	}))
	if push.EventID != "component:sqm6pl84wzjc@2017-12-26T07:59:09.379Z" {
		t.Errorf("component update without id: event id %q", push.EventID)
	}
	// Statuspage lists updates newest first, but the newest is found by
	// time, not by place.
	push = parseHook(t, edit(t, providertest.Fixture(t, hookResolved), func(m map[string]any) {
		ups := obj(m, "incident")["incident_updates"].([]any)
		ups[0], ups[1] = ups[1], ups[0]
	}))
	if push.EventID != "cdwfdrjlp53y" {
		t.Errorf("updates oldest first: event id %q", push.EventID)
	}
}

// The look-alike formats are refused with the adapter to use instead.
func TestWebhookRefusesLookAlikes(t *testing.T) {
	for _, tc := range []struct{ rel, says string }{
		{"webhooks/instatus-webhook-synthetic-incident-identified.json", "/webhooks/instatus"},
		{"webhooks/instatus-webhook-synthetic-component-major-outage.json", "/webhooks/instatus"},
		{"webhooks/instatus-webhook-synthetic-maintenance-in-progress.json", "Instatus"},
		{"webhooks/betterstack-webhook-status-page-incident.json", "/webhooks/betterstack"},
		{"webhooks/betterstack-webhook-uptime-incident-acknowledged.json", "not a Statuspage subscriber webhook"},
		{"webhooks/incidentio-webhook-status-page-incident-update-shared.json", "/webhooks/incidentio"},
		{"webhooks/generic-webhook-incident.json", "not a Statuspage subscriber webhook"},
		// The API's documents are not webhooks either.
		{"atlassian/githubstatus-summary-2022-11-25-packages-partial-outage.json", "not a Statuspage subscriber webhook"},
		{"atlassian/githubstatus-incident-1cdsggtd2q5k-impact-none-2023-02.json", "a document of the public API"},
		{"incidentio/openai-incidentio-proxy-incident-detail-resolved-2026-09-03.json", "a document of the public API"},
	} {
		_, err := atlassian.Provider{}.ParseWebhook(providertest.Fixture(t, tc.rel))
		if !errors.Is(err, provider.ErrFormat) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want ErrFormat saying %q", tc.rel, err, tc.says)
		}
	}
}

func TestWebhookBadInput(t *testing.T) {
	a := atlassian.Provider{}
	providertest.WebhookRejects(t, a, providertest.BadWebhookBodies...)
	good := string(providertest.Fixture(t, hookCreated))
	huge := strings.Repeat("x", 1<<20)
	providertest.WebhookRejects(t, a,
		good[:len(good)/2],
		`{"meta":{},"incident":null,"component":null}`,
		`{"meta":{},"incident":{"name":"no id","status":"investigating"}}`,
		`{"meta":{},"incident":{"id":"x","created_at":"yesterday"}}`,
		`{"meta":{},"incident":{"id":"x","incident_updates":{}}}`,
		`{"meta":{},"incident":{"id":"x","incident_updates":[{"id":1}]}}`,
		`{"meta":{},"component":{"id":"","name":""},"component_update":{"new_status":"operational"}}`,
		`{"meta":{},"component":{"id":"c","name":"C"}}`,
		`{"meta":{},"component_update":{"component_id":"c","new_status":"major_outage","created_at":"soon"}}`,
		`{"page":{"status_indicator":"none"},"maintenance":{}}`,
		`{"meta":{},"event_type":"incident","incident":{"id":"x"}}`,
		`{"meta":{},"incident":{"id":"x","status":"INVESTIGATING"}}`,
	)
	// A huge name is data, not an attack on the parser.
	push := parseHook(t, []byte(`{"meta":{},"component":{"id":"c","name":"`+huge+`","status":"partial_outage"}}`))
	if push.Components[0].Status != watchfire.StatusPartialOutage || len(push.Components[0].Name) != len(huge) {
		t.Errorf("huge name: %d bytes, status %q", len(push.Components[0].Name), push.Components[0].Status)
	}
	// An unknown vendor word is kept and mapped conservatively.
	push = parseHook(t, []byte(`{"page":{"status_indicator":"minor"},"component":{"id":"c","name":"C"},"component_update":{"id":"u","new_status":"on_fire","old_status":"operational"}}`))
	if c := push.Components[0]; c.Status != atlassian.UnknownComponentStatus || c.VendorStatus != "on_fire" {
		t.Errorf("unknown status: %+v", c)
	}
}

func TestWebhookSignature(t *testing.T) {
	if s := (atlassian.Provider{}).Signature(); s != (provider.Signature{}) {
		t.Errorf("signature %+v: Statuspage does not sign", s)
	}
	var _ provider.WebhookAdapter = atlassian.New().(provider.WebhookAdapter)
}

func FuzzParseWebhook(f *testing.F) {
	var seeds [][]byte
	for _, b := range providertest.WebhookFixtures(f, "statuspage-") {
		seeds = append(seeds, b)
	}
	providertest.FuzzWebhook(f, atlassian.Provider{}, seeds...)
}
