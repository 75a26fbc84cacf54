package providertest

import (
	"errors"
	"strings"
	"testing"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// WebhookFixturesDir is where the webhook payloads live, under
// testdata/fixtures, each named for the adapter that reads it
// ("statuspage-webhook-…" for atlassian, "incidentio-webhook-…", …).
const WebhookFixturesDir = "webhooks"

// WebhookFixtures returns the webhook payloads whose file name starts
// with prefix ("instatus-", "generic-"), by path relative to
// testdata/fixtures. It fails the test if there are none.
func WebhookFixtures(tb testing.TB, prefix string) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	for rel, body := range Fixtures(tb, WebhookFixturesDir) {
		if strings.HasPrefix(strings.TrimPrefix(rel, WebhookFixturesDir+"/"), prefix) {
			out[rel] = body
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no webhook fixtures named %s*", prefix)
	}
	return out
}

// ValidatePush returns what is wrong with a push, "" if nothing is: the
// invariants of Validate for its indicator, incidents and maintenances,
// and for every component change a name, a known status and a known old
// status (or none), and at least one change.
func ValidatePush(p *watchfire.UpstreamPush) string {
	if p == nil {
		return "nil push"
	}
	if p.Empty() {
		return "empty push: no indicator, component, incident or maintenance"
	}
	rep := &watchfire.UpstreamReport{Indicator: p.Indicator, Incidents: p.Incidents, Maintenances: p.Maintenances}
	for _, c := range p.Components {
		rep.Components = append(rep.Components, c.UpstreamComponent)
		if c.OldStatus != "" && !c.OldStatus.Valid() {
			return "component " + c.Name + " has old status " + string(c.OldStatus)
		}
	}
	for _, inc := range p.Incidents {
		if strings.TrimSpace(inc.ID) == "" {
			return "incident " + inc.Name + " has no id"
		}
	}
	for _, m := range p.Maintenances {
		if strings.TrimSpace(m.ID) == "" {
			return "maintenance " + m.Name + " has no id"
		}
	}
	return Validate(rep)
}

// CheckPush fails the test if the push breaks an invariant (see
// ValidatePush).
func CheckPush(tb testing.TB, p *watchfire.UpstreamPush) {
	tb.Helper()
	if msg := ValidatePush(p); msg != "" {
		tb.Error(msg)
	}
}

// FuzzWebhook runs a.ParseWebhook on the fuzzer's bytes, seeded with the
// given payloads and a few bad shapes: it must never panic, an error must
// wrap provider.ErrFormat or at least say something, and whatever it
// accepts must pass ValidatePush.
func FuzzWebhook(f *testing.F, a provider.WebhookAdapter, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	for _, s := range []string{`{}`, `[]`, `null`, `""`, `{"page":null}`, `{"incident":[]}`, `<html>502</html>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		push, err := a.ParseWebhook(body)
		if err != nil {
			if len(strings.TrimSpace(err.Error())) < 10 {
				t.Fatalf("ParseWebhook: unhelpful error %q", err)
			}
			return
		}
		if msg := ValidatePush(push); msg != "" {
			t.Fatalf("ParseWebhook accepted a payload and returned an invalid push: %s", msg)
		}
		if push.Provider != a.Name() {
			t.Fatalf("push credited to %q, not %q", push.Provider, a.Name())
		}
	})
}

// WebhookRejects feeds each body to a.ParseWebhook and expects an error
// wrapping provider.ErrFormat that says something.
func WebhookRejects(t *testing.T, a provider.WebhookAdapter, bodies ...string) {
	t.Helper()
	for _, body := range bodies {
		push, err := a.ParseWebhook([]byte(body))
		switch {
		case err == nil:
			t.Errorf("ParseWebhook(%.80s) accepted it: %+v", body, push)
		case !errors.Is(err, provider.ErrFormat):
			t.Errorf("ParseWebhook(%.80s) = %v, want ErrFormat", body, err)
		case len(strings.TrimSpace(err.Error())) < 20:
			t.Errorf("ParseWebhook(%.80s): unhelpful error %q", body, err)
		}
	}
}

// BadWebhookBodies are payloads no adapter may accept: empty, not JSON,
// JSON of the wrong kind, and the right keys with the wrong types.
var BadWebhookBodies = []string{
	``, ` `, `null`, `[]`, `[{}]`, `{}`, `"text"`, `42`, `true`,
	`<!DOCTYPE html><html><body>502 Bad Gateway</body></html>`,
	`{"page":"x"}`, `{"incident":"x"}`, `{"component":42}`, `{"data":[]}`,
	`{"event_type":42}`, `{"product":{"name":"x"}}`,
}
