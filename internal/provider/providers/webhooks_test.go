package providers

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/watchfire-status/watchfire/internal/config"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

// webhookPrefixes maps a webhook fixture's name prefix to the adapter
// that reads it.
var webhookPrefixes = map[string]string{
	"statuspage-":  "atlassian",
	"incidentio-":  "incidentio",
	"instatus-":    "instatus",
	"betterstack-": "betterstack",
	"generic-":     "generic",
}

func TestWebhooksTable(t *testing.T) {
	var names []string
	for _, a := range Webhooks() {
		names = append(names, a.Name())
	}
	if want := []string{"atlassian", "incidentio", "instatus", "betterstack", "generic"}; !slices.Equal(names, want) {
		t.Errorf("adapters %v, want %v", names, want)
	}
	for _, name := range names {
		if !slices.Contains(config.Providers, name) {
			t.Errorf("adapter %q is not a provider name the config accepts", name)
		}
	}
}

// Every webhook fixture is read by exactly the adapter its name names,
// into a push that keeps the invariants; every other adapter refuses it
// with ErrFormat.
//
// Cross-acceptance would be plausible, since Instatus's and Better
// Stack's subscriber webhooks imitate Statuspage's (meta, page, incident
// with incident_updates), but it is not what happens: each adapter tells
// the look-alikes apart (Instatus writes its statuses in capitals, Better
// Stack and incident.io send an event_type, Statuspage never does, the
// generic JSON needs "product") and refuses them with a pointer to the
// right /webhooks/{provider} path. A payload posted to the wrong path is
// then stored unparsed with that hint, rather than half-read with the
// wrong vocabulary.
func TestEveryWebhookFixtureHasExactlyOneReader(t *testing.T) {
	adapters := Webhooks()
	fixtures := providertest.Fixtures(t, providertest.WebhookFixturesDir)
	if len(fixtures) < 10 {
		t.Fatalf("only %d webhook fixtures", len(fixtures))
	}
	readBy := map[string]int{}
	for rel, body := range fixtures {
		file := strings.TrimPrefix(rel, providertest.WebhookFixturesDir+"/")
		owner := ""
		for prefix, name := range webhookPrefixes {
			if strings.HasPrefix(file, prefix) {
				owner = name
			}
		}
		if owner == "" {
			t.Errorf("%s: the name starts with none of the adapters' prefixes", rel)
			continue
		}
		for _, a := range adapters {
			push, err := a.ParseWebhook(body)
			switch {
			case a.Name() == owner && err != nil:
				t.Errorf("%s: %s refuses it: %v", rel, owner, err)
			case a.Name() == owner:
				readBy[owner]++
				if msg := providertest.ValidatePush(push); msg != "" {
					t.Errorf("%s: %s", rel, msg)
				}
				if push.Provider != owner || push.EventID == "" || push.OccurredAt.IsZero() {
					t.Errorf("%s: provider %q, event id %q, occurred at %v", rel, push.Provider, push.EventID, push.OccurredAt)
				}
			case err == nil:
				t.Errorf("%s: %s reads it too: %+v", rel, a.Name(), push)
			case !errors.Is(err, provider.ErrFormat):
				t.Errorf("%s: %s: %v, want ErrFormat", rel, a.Name(), err)
			case !strings.HasPrefix(err.Error(), a.Name()+": "):
				t.Errorf("%s: %s: error %q does not name the adapter", rel, a.Name(), err)
			}
		}
	}
	for _, name := range webhookPrefixes {
		if readBy[name] == 0 {
			t.Errorf("no fixture for %s", name)
		}
	}
}

// The documents providers poll are not webhooks: no adapter takes one,
// and none panics on any.
func TestWebhookAdaptersRefusePolledDocuments(t *testing.T) {
	for _, rel := range providertest.OtherFixtures(t, providertest.WebhookFixturesDir+"/") {
		body := providertest.Fixture(t, rel)
		for _, a := range Webhooks() {
			if push, err := a.ParseWebhook(body); err == nil {
				t.Errorf("%s: %s reads a polled document as a webhook: %+v", rel, a.Name(), push)
			}
		}
	}
}

func TestWebhookSignatures(t *testing.T) {
	want := map[string]provider.Signature{
		"atlassian":   {},
		"incidentio":  {Scheme: provider.SchemeStandardWebhooks},
		"instatus":    {Scheme: provider.SchemeHMACHex, Header: "X-Instatus-Webhook-Signature"},
		"betterstack": {},
		"generic":     {Scheme: provider.SchemeHMACHex, Header: "X-Watchfire-Signature"},
	}
	for _, a := range Webhooks() {
		if got := a.Signature(); got != want[a.Name()] {
			t.Errorf("%s: signature %+v, want %+v", a.Name(), got, want[a.Name()])
		}
	}
}
