package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const webhookToken = "gh-hook-0123456789abcdef"

const webhookConfig = `
page: {name: Acme Cloud}
components:
  - {id: api, name: API}
dependencies:
  - id: github
    name: GitHub
    url: https://www.githubstatus.com
    provider: generic   # fed by its webhooks, never polled
    affects: [{component: api}]
webhooks:
  sources:
    - {id: github-hook, provider: atlassian, token: ` + webhookToken + `, dependency: github}
    - {id: ci, provider: generic, secret: generic-hmac-secret}
`

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "fixtures", "webhooks", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// eventually retries check until it returns "" or 15 s pass.
func eventually(t *testing.T, check func() string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		msg := check()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The gateway end to end: every refusal answered with its reason and
// nothing stored; accepted deliveries stored as sent, normalized into
// events with their raw reference, applied to the dependency they belong
// to, deduplicated, and printed as the standard line; unmappable ones
// kept and flagged.
func TestWebhooksEndToEnd(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		in := start(t, dsn(t), writeFile(t, "watchfire.yaml", webhookConfig))
		in.createToken("test")
		auth := "?token=" + webhookToken
		incident := fixture(t, "statuspage-webhook-incident-created-identified.json")

		for _, tc := range []struct {
			name, path string
			body       any
			headers    []string
			status     int
			says       string
		}{
			{"unknown provider", "/webhooks/statuspage" + auth, incident, nil, 404,
				"atlassian, betterstack, generic, incidentio, instatus"},
			{"no token", "/webhooks/atlassian", incident, nil, 401, "needs its token"},
			{"wrong token", "/webhooks/atlassian?token=not-the-right-one-at-all", incident, nil, 401, "does not match"},
			{"form post", "/webhooks/atlassian" + auth, incident, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415,
				"application/json"},
			{"too large", "/webhooks/atlassian" + auth, `{"x":"` + strings.Repeat("a", 1<<20) + `"}`, nil, 413, "1 MiB"},
			{"invalid JSON", "/webhooks/atlassian" + auth, `{"incident": {"name": "x",}}`, nil, 400, "malformed JSON at byte"},
			{"bad signature", "/webhooks/generic", `{"product":"X","status":"major_outage"}`,
				[]string{"X-Watchfire-Signature", "sha256=00"}, 401, "does not match"},
		} {
			r := in.do("POST", tc.path, tc.body, append([]string{"Authorization", ""}, tc.headers...)...)
			if r.status != tc.status || !strings.Contains(string(r.body), tc.says) || !strings.Contains(string(r.body), `"code"`) {
				t.Errorf("%s: %d %s; want %d saying %q", tc.name, r.status, r.body, tc.status, tc.says)
			}
		}
		if got := in.mustDo(200, "GET", "/api/v1/payloads", nil)["payloads"].([]any); len(got) != 0 {
			t.Fatalf("refused deliveries were stored: %v", got)
		}

		accept := func(path string, body []byte, headers ...string) float64 {
			t.Helper()
			r := in.do("POST", path, body, append([]string{"Authorization", ""}, headers...)...)
			if r.status != 202 {
				t.Fatalf("POST %s = %d %s", path, r.status, r.body)
			}
			return r.json(t)["payload_id"].(float64)
		}
		first := accept("/webhooks/atlassian"+auth, incident)
		again := accept("/webhooks/atlassian"+auth, incident)
		component := accept("/webhooks/atlassian"+auth, fixture(t, "statuspage-webhook-component-update-under-maintenance.json"))
		unmappable := accept("/webhooks/atlassian"+auth, []byte(`{"meta": {"documentation": "x"}}`))
		generic := []byte(`{"id": "openai-1", "product": "OpenAI API", "component": "Chat Completions",
			"status": "degraded_performance", "message": "Degraded performance due to upstream issue.",
			"occurred_at": "2025-11-03T14:32:00Z"}`)
		genericID := accept("/webhooks/generic", generic, "X-Watchfire-Signature", sign("generic-hmac-secret", generic))

		payload := func(id float64) map[string]any {
			return in.mustDo(200, "GET", fmt.Sprintf("/api/v1/payloads/%.0f", id), nil)
		}
		eventually(t, func() string {
			for _, id := range []float64{first, again, component, unmappable, genericID} {
				if st := payload(id)["state"]; st == "pending" {
					return fmt.Sprintf("payload %.0f still pending", id)
				}
			}
			return ""
		})
		if p := payload(first); p["state"] != "processed" || p["events"].(float64) < 1 || p["event_key"] != "qm8bgczn0p2n" {
			t.Errorf("incident delivery = %v", p)
		}
		if p := payload(again); p["state"] != "duplicate" || p["events"].(float64) != 0 {
			t.Errorf("redelivered incident = %v, want duplicate", p)
		}
		p := payload(unmappable)
		if p["state"] != "unparsed" || p["unparsed"] != true || p["error"] == "" {
			t.Errorf("unmappable delivery = %v, want unparsed with a reason", p)
		}
		if body, _ := p["body"].(map[string]any); body == nil || body["meta"] == nil {
			t.Errorf("stored body = %v, want the delivery as sent", p["body"])
		}
		unparsed := in.mustDo(200, "GET", "/api/v1/payloads?state=unparsed", nil)["payloads"].([]any)
		if len(unparsed) != 1 || unparsed[0].(map[string]any)["id"] != unmappable {
			t.Errorf("unparsed list = %v", unparsed)
		}

		events := in.mustDo(200, "GET", "/api/v1/events?source=webhook&provider=atlassian", nil)["events"].([]any)
		var created bool
		for _, e := range events {
			ev := e.(map[string]any)
			if ref, _ := ev["raw_ref"].(string); !strings.HasPrefix(ref, "payload:") {
				t.Errorf("event without its raw reference: %v", ev)
			}
			if ev["kind"] == "incident.created" && ev["incident_title"] == "Database query delays" && ev["product"] == "GitHub" {
				created = true
			}
		}
		if !created {
			t.Errorf("no incident.created for GitHub's incident in %v", events)
		}
		// The dependency now shows what its webhooks said.
		dep := in.mustDo(200, "GET", "/api/v1/dependencies/github", nil)
		if fmt.Sprint(dep) == "" || !strings.Contains(fmt.Sprint(dep), "Database query delays") {
			t.Errorf("dependency after its webhooks = %v", dep)
		}
		metrics := string(in.do("GET", "/metrics", nil).body)
		for _, want := range []string{"watchfire_gateway_payloads_stored_total 5", "watchfire_gateway_payloads_applied_total 5"} {
			if !strings.Contains(metrics, want) {
				t.Errorf("/metrics lacks %q", want)
			}
		}
		// The generic delivery, as the standard line.
		want := "[2025-11-03 14:32:00] Product: OpenAI API - Chat Completions\nStatus: Degraded performance due to upstream issue.\n"
		eventually(t, func() string {
			if !strings.Contains(in.stdout.String(), want) {
				return "event log lacks\n" + want + "in\n" + in.stdout.String()
			}
			return ""
		})
	})
}
