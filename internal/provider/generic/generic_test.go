package generic_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/generic"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const (
	hookDesign   = "webhooks/generic-webhook-design-example.json"
	hookIncident = "webhooks/generic-webhook-incident.json"
)

func parse(t *testing.T, body string) *watchfire.UpstreamPush {
	t.Helper()
	push, err := generic.New().ParseWebhook([]byte(body))
	if err != nil {
		t.Fatalf("ParseWebhook(%s): %v", body, err)
	}
	providertest.CheckPush(t, push)
	if push.Provider != "generic" {
		t.Errorf("provider %q", push.Provider)
	}
	return push
}

// The contract's own example (DESIGN.md, "Contracts").
func TestDesignExample(t *testing.T) {
	push := parse(t, string(providertest.Fixture(t, hookDesign)))
	if push.EventID != "vendor-event-id" || push.Message != "…" || !push.OccurredAt.Equal(time.Date(2025, 11, 3, 14, 32, 0, 0, time.UTC)) {
		t.Errorf("event %q %q %v", push.EventID, push.Message, push.OccurredAt)
	}
	if push.Page.Name != "OpenAI API" || push.Page.URL != "" || push.Indicator != "" {
		t.Errorf("page %+v, indicator %q: a component's status says nothing of the whole product", push.Page, push.Indicator)
	}
	if len(push.Components) != 1 || len(push.Incidents) != 0 {
		t.Fatalf("push %+v", push)
	}
	c := push.Components[0]
	if c.Name != "Chat Completions" || c.ID != "" || c.Status != watchfire.StatusDegradedPerformance ||
		c.VendorStatus != "degraded_performance" || c.OldStatus != "" {
		t.Errorf("component %+v", c)
	}
}

func TestIncidentFixture(t *testing.T) {
	push := parse(t, string(providertest.Fixture(t, hookIncident)))
	at := time.Date(2025, 11, 3, 14, 5, 0, 0, time.UTC) // 15:05+01:00
	if push.EventID != "acme-evt-20251103-0002" || !push.OccurredAt.Equal(at) {
		t.Errorf("event %q at %v", push.EventID, push.OccurredAt)
	}
	if push.Page.Name != "Acme Payments" || push.Page.URL != "https://status.acme-payments.example" {
		t.Errorf("page %+v", push.Page)
	}
	// No component: the status is the product's, its page indicator.
	if push.Indicator != watchfire.IndicatorMajor || len(push.Components) != 0 {
		t.Errorf("indicator %q, components %+v", push.Indicator, push.Components)
	}
	if len(push.Incidents) != 1 {
		t.Fatalf("incidents %+v", push.Incidents)
	}
	inc := push.Incidents[0]
	if inc.ID != "inc-4711" || inc.Name != "Card payments failing in the EU" || inc.Status != watchfire.IncidentIdentified ||
		inc.Impact != watchfire.ImpactMajor || inc.ResolvedAt != nil || !inc.StartedAt.Equal(at) || !inc.UpdatedAt.Equal(at) ||
		len(inc.Components) != 0 {
		t.Errorf("incident %+v", inc)
	}
	if len(inc.Updates) != 1 || inc.Updates[0].Status != "identified" || !strings.HasPrefix(inc.Updates[0].Body, "A faulty deploy broke card authorisation") {
		t.Errorf("updates %+v", inc.Updates)
	}
}

func TestProductStatuses(t *testing.T) {
	for status, want := range map[string]watchfire.Indicator{
		"operational":          watchfire.IndicatorNone,
		"degraded_performance": watchfire.IndicatorMinor,
		"partial_outage":       watchfire.IndicatorMajor,
		"major_outage":         watchfire.IndicatorCritical,
		"under_maintenance":    watchfire.IndicatorMaintenance,
		" Major_Outage ":       watchfire.IndicatorCritical, // case and spaces are forgiven
	} {
		push := parse(t, `{"product":"P","status":"`+status+`"}`)
		if push.Indicator != want || watchfire.IndicatorStatus(push.Indicator) != watchfire.ComponentStatus(strings.ToLower(strings.TrimSpace(status))) {
			t.Errorf("%s: indicator %q, want %q", status, push.Indicator, want)
		}
		if push.EventID != "" || !push.OccurredAt.IsZero() {
			t.Errorf("%s: no id and no time given, got %q %v", status, push.EventID, push.OccurredAt)
		}
	}
}

func TestIncidentRules(t *testing.T) {
	// An incident alone, resolved, on a component: the update closes it.
	push := parse(t, `{"product":"P","component":"API","incident_id":"i1","incident_status":"resolved","message":"Fixed.","occurred_at":"2025-11-03T15:00:00.5Z","unknown":{"nested":[1,2]}}`)
	if len(push.Components) != 0 || push.Indicator != "" {
		t.Errorf("no status: no component change, no indicator; got %+v %q", push.Components, push.Indicator)
	}
	inc := push.Incidents[0]
	at := time.Date(2025, 11, 3, 15, 0, 0, 500000000, time.UTC)
	if inc.Name != "i1" || inc.Status != watchfire.IncidentResolved || inc.ResolvedAt == nil || !inc.ResolvedAt.Equal(at) ||
		inc.Impact != watchfire.ImpactNone || len(inc.Components) != 1 || inc.Components[0] != "API" || inc.Updates[0].Body != "Fixed." {
		t.Errorf("incident %+v", inc)
	}
	// A component down with an incident: the impact follows the status
	// unless given.
	push = parse(t, `{"product":"P","component":"API","status":"major_outage","incident_id":"i2"}`)
	if inc := push.Incidents[0]; inc.Status != watchfire.IncidentInvestigating || inc.Impact != watchfire.ImpactCritical || len(inc.Updates) != 0 {
		t.Errorf("incident %+v", inc)
	}
	if push.Components[0].Status != watchfire.StatusMajorOutage {
		t.Errorf("components %+v", push.Components)
	}
	push = parse(t, `{"product":"P","status":"major_outage","incident_id":"i2","impact":"minor","incident_status":"postmortem"}`)
	if inc := push.Incidents[0]; inc.Impact != watchfire.ImpactMinor || inc.Status != watchfire.IncidentPostmortem || inc.ResolvedAt == nil {
		t.Errorf("incident %+v", inc)
	}
}

// Every rule's error says what to fix.
func TestValidation(t *testing.T) {
	long := strings.Repeat("a", generic.MaxNameLen+1)
	for _, tc := range []struct{ body, says string }{
		{`{}`, `generic: "product" is required`},
		{`null`, `the body is not a JSON object`},
		{`{"product":"  ","status":"operational"}`, `"product" is required`},
		{`{"product":"P"}`, `give "status"`},
		{`{"product":"P","message":"hello"}`, `give "status"`},
		{`{"product":"P","status":"down"}`, `generic: "status" must be one of operational, degraded_performance, partial_outage, major_outage, under_maintenance; got "down" (did you mean "major_outage"?)`},
		{`{"product":"P","status":"degraded"}`, `(did you mean "degraded_performance"?)`},
		{`{"product":"P","status":"Degraded-Performance"}`, `(did you mean "degraded_performance"?)`},
		{`{"product":"P","status":"purple"}`, `got "purple"`},
		{`{"product":"P","status":5}`, `generic: "status" is a JSON number where a string was expected`},
		{`{"product":["P"],"status":"operational"}`, `"product" is a JSON array where a string was expected`},
		{`{"product":"P","incident_status":"investigating"}`, `"incident_id" is required`},
		{`{"product":"P","impact":"major","status":"partial_outage"}`, `"incident_id" is required`},
		{`{"product":"P","incident_id":"i","incident_status":"open"}`, `"incident_status" must be one of investigating, identified, monitoring, resolved, postmortem; got "open"`},
		{`{"product":"P","incident_id":"i","impact":"sev1"}`, `"impact" must be one of none, minor, major, critical; got "sev1"`},
		{`{"product":"P","status":"operational","occurred_at":"2025-11-03 14:32"}`, `"occurred_at" must be an RFC 3339 time`},
		{`{"product":"P","status":"operational","occurred_at":1762180320}`, `"occurred_at" is a JSON number`},
		{`{"product":"P","status":"operational","page_url":"status.openai.com"}`, `"page_url" must be an absolute http or https address`},
		{`{"product":"P","status":"operational","page_url":"ftp://x.example"}`, `"page_url" must be an absolute`},
		{`{"product":"` + long + `","status":"operational"}`, `"product" is 257 characters long; at most 256`},
		{`{"product":"P","status":"operational","message":"` + strings.Repeat("m", generic.MaxMessageLen+1) + `"}`, `"message" is 65537 bytes long`},
		{`[{"product":"P","status":"operational"}]`, `the body is a JSON array; one JSON object was expected`},
		{`{"product":"P","status":"operational"`, `the JSON ends early`},
		{`product=P&status=operational`, `the body is not a JSON object`},
		{``, `the body is empty`},
	} {
		_, err := generic.New().ParseWebhook([]byte(tc.body))
		if !errors.Is(err, provider.ErrFormat) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%.70s:\n  got  %v\n  want ErrFormat saying %s", tc.body, err, tc.says)
		}
	}
	// A huge unknown field is ignored, and the quoted value is cut short.
	parse(t, `{"product":"P","status":"operational","extra":"`+strings.Repeat("x", 1<<20)+`"}`)
	_, err := generic.New().ParseWebhook([]byte(`{"product":"P","status":"` + strings.Repeat("z", 5000) + `"}`))
	if err == nil || len(err.Error()) > 300 {
		t.Errorf("long bad status: error of %d bytes", len(err.Error()))
	}
}

// Other vendors' payloads have no "product".
func TestRefusesOtherFormats(t *testing.T) {
	for rel, body := range providertest.Fixtures(t, providertest.WebhookFixturesDir) {
		if strings.Contains(rel, "/generic-") {
			continue
		}
		if _, err := generic.New().ParseWebhook(body); !errors.Is(err, provider.ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", rel, err)
		}
	}
	providertest.WebhookRejects(t, generic.New(), providertest.BadWebhookBodies...)
}

func TestSignature(t *testing.T) {
	if s := generic.New().Signature(); s.Scheme != provider.SchemeHMACHex || s.Header != "X-Watchfire-Signature" {
		t.Errorf("signature %+v", s)
	}
	if generic.New().Name() != "generic" {
		t.Error("name")
	}
}

func FuzzParseWebhook(f *testing.F) {
	var seeds [][]byte
	for _, b := range providertest.WebhookFixtures(f, "generic-") {
		seeds = append(seeds, b)
	}
	seeds = append(seeds, []byte(`{"product":"P","component":"C","status":"partial_outage","incident_id":"i","incident_status":"monitoring","impact":"major","page_url":"https://s.example","occurred_at":"2025-01-01T00:00:00+02:00"}`))
	providertest.FuzzWebhook(f, generic.New(), seeds...)
}
