package slack

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const (
	current2020 = "slack/slack-current-2020-07-30-2-active-incidents.json"
	history2026 = "slack/slack-history-2026-08-5-incidents.json"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func component(rep *watchfire.UpstreamReport, name string) watchfire.ComponentStatus {
	if c := rep.Component(name); c != nil {
		return c.Status
	}
	return ""
}

// SOURCES.tsv: status "active", 2 active incidents of type incident,
// -07:00 offsets, escaped slashes in URLs.
func TestCurrent2020(t *testing.T) {
	rep, err := New().Parse(providertest.Fixture(t, current2020))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 2 || rep.Indicator != watchfire.IndicatorMajor || rep.Description != "active" {
		t.Fatalf("%d incidents, indicator %s, description %q", len(rep.Incidents), rep.Indicator, rep.Description)
	}
	n := rep.Incidents[0]
	if n.ID != "878" || n.Name != "We are investigating an issue with notification settings" ||
		n.URL != "https://status.slack.com/2020-07/ea58a170d343b2ad" || n.Status != watchfire.IncidentInvestigating ||
		n.Impact != watchfire.ImpactMajor || n.ResolvedAt != nil {
		t.Errorf("first incident %+v", n)
	}
	// "2020-07-30T15:12:34-07:00" is 22:12:34 UTC.
	if !n.StartedAt.Equal(at("2020-07-30T22:12:34Z")) || n.StartedAt.Location() != time.UTC {
		t.Errorf("StartedAt %v", n.StartedAt)
	}
	if len(n.Updates) != 1 || !strings.HasPrefix(n.Updates[0].Body, "Some users might notice") || n.Updates[0].Status != "investigating" {
		t.Errorf("updates %+v", n.Updates)
	}
	if rep.Incidents[1].ID != "879" || rep.Incidents[1].Components[0] != "Apps/Integrations/APIs" {
		t.Errorf("second incident %+v", rep.Incidents[1])
	}
	if component(rep, "Notifications") != watchfire.StatusPartialOutage ||
		component(rep, "Apps/Integrations/APIs") != watchfire.StatusPartialOutage ||
		component(rep, "Messaging") != watchfire.StatusOperational {
		t.Errorf("components %+v", rep.Components)
	}
	if len(rep.Components) != len(Services) {
		t.Errorf("%d components, want Slack's %d services", len(rep.Components), len(Services))
	}
	if !rep.UpdatedAt.Equal(at("2020-07-30T22:12:34Z")) {
		t.Errorf("UpdatedAt %v", rep.UpdatedAt)
	}
}

// SOURCES.tsv: history trimmed to 5 entries, one "active" and four
// "resolved", type incident, -07:00 offsets.
func TestHistory2026(t *testing.T) {
	body := providertest.Fixture(t, history2026)
	page := providertest.Server(t, map[string]providertest.Doc{historyPath: {Body: body}})
	all, err := New().History(context.Background(), providertest.Client(), page)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, &watchfire.UpstreamReport{Incidents: all})
	if len(all) != 5 {
		t.Fatalf("%d incidents", len(all))
	}
	open, resolved := 0, 0
	for _, inc := range all {
		switch inc.Status {
		case watchfire.IncidentInvestigating:
			open++
		case watchfire.IncidentResolved:
			resolved++
			if inc.ResolvedAt == nil || !inc.ResolvedAt.Equal(inc.UpdatedAt) {
				t.Errorf("%s resolved at %v", inc.ID, inc.ResolvedAt)
			}
		}
		for _, u := range inc.Updates {
			if strings.ContainsAny(u.Body, "<>") || strings.Contains(u.Body, "&nbsp;") || u.Body == "" {
				t.Errorf("%s: body not plain text: %q", inc.ID, u.Body)
			}
		}
	}
	if open != 1 || resolved != 4 {
		t.Errorf("%d open, %d resolved", open, resolved)
	}
	retention := all[0]
	if retention.ID != "1576" || len(retention.Updates) != 6 || strings.Join(retention.Components, "|") != "Messaging|Workspace/Org Administration" {
		t.Errorf("1576: %d updates, components %v", len(retention.Updates), retention.Components)
	}
	// Notes come oldest first; ours are newest first.
	if !retention.Updates[0].At.Equal(at("2026-08-17T21:57:51Z")) || !retention.Updates[5].At.Equal(at("2026-08-13T21:21:41Z")) {
		t.Errorf("updates from %v to %v", retention.Updates[0].At, retention.Updates[5].At)
	}
	if !retention.StartedAt.Equal(at("2026-08-13T21:21:41Z")) || !retention.UpdatedAt.Equal(at("2026-08-17T21:57:51Z")) {
		t.Errorf("started %v, updated %v", retention.StartedAt, retention.UpdatedAt)
	}
	search := all[1]
	if search.ID != "1575" || search.Updates[0].Status != "resolved" || search.Updates[1].Status != "investigating" {
		t.Errorf("1575: %+v", search.Updates)
	}
	if want := "We've completed the rollback of the recent change that was the trigger of the issue. The Search bar and Admin dashboard is restored for all users.\nWe apologize for the inconvenience caused to you and your business."; search.Updates[0].Body != want {
		t.Errorf("body %q", search.Updates[0].Body)
	}

	// Parsed as a payload, the history's open incident is the report's.
	rep, err := New().Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 1 || rep.Incidents[0].ID != "1576" || component(rep, "Messaging") != watchfire.StatusPartialOutage {
		t.Errorf("report %+v", rep.Incidents)
	}
}

func TestCurrentAgainstServer(t *testing.T) {
	page := providertest.Server(t, map[string]providertest.Doc{currentPath: {Body: providertest.Fixture(t, current2020)}})
	rep, err := New().Current(context.Background(), providertest.Client(), page)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 2 || rep.Page.URL != page.String() {
		t.Errorf("%d incidents, page %q", len(rep.Incidents), rep.Page.URL)
	}
	// Any path of the site leads to the API at its root.
	deep, _ := url.Parse(page.String() + "2020-07/ea58a170d343b2ad")
	if _, err := New().Current(context.Background(), providertest.Client(), deep); err != nil {
		t.Error(err)
	}
}

func TestQuietAndBroken(t *testing.T) {
	// The documented "ok" sample, old (no active_incidents) and new.
	for _, body := range []string{
		`{"status":"ok","date_created":"2018-09-07T18:34:15-07:00","date_updated":"2018-09-07T18:34:15-07:00"}`,
		`{"status":"ok","active_incidents":[],"date_created":"2018-09-07T18:34:15-07:00","date_updated":"2018-09-07T18:34:15-07:00"}`,
	} {
		rep, err := New().Parse([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		providertest.Check(t, rep)
		if rep.Indicator != watchfire.IndicatorNone || len(rep.Components) != len(Services) || rep.Overall() != watchfire.StatusOperational {
			t.Errorf("ok: indicator %s, %d components", rep.Indicator, len(rep.Components))
		}
		if !rep.UpdatedAt.Equal(at("2018-09-08T01:34:15Z")) {
			t.Errorf("UpdatedAt %v", rep.UpdatedAt)
		}
	}
	_, err := New().Parse([]byte(`{"status":"broken","active_incidents":[]}`))
	var broken *BrokenError
	if !errors.As(err, &broken) || errors.Is(err, provider.ErrFormat) {
		t.Errorf("broken: %v", err)
	}
}

// The documentation's sample has a string id; outages and notices map by
// type, scheduled maintenance becomes a maintenance.
func TestTypesAndMaintenance(t *testing.T) {
	body := `{"status":"active","date_created":"2019-04-09T07:35:46-07:00","date_updated":"2019-04-09T07:35:46-07:00",
	"active_incidents":[
	 {"id":"546","date_created":"2018-09-07T14:35:00-07:00","date_updated":"2018-09-07T18:34:15-07:00","title":"Slack\u2019s forwarding email feature is failing","type":"notice","status":"active","url":"https:\/\/slack-status.com\/2018-09\/7dea1cd14cd0f657","services":["Apps\/Integrations\/APIs"],"notes":[{"date_created":"2018-09-07T18:34:15-07:00","body":"Technical Summary:\r\nOn September 7th…"}]},
	 {"id":547,"date_created":"2018-09-07T15:00:00-07:00","date_updated":"2018-09-07T15:00:00-07:00","title":"Slack is down","type":"outage","status":"active","services":["Messaging","Calls"],"notes":[]},
	 {"id":548,"date_created":"2018-09-08T01:00:00-07:00","date_updated":"2018-09-07T15:00:00-07:00","title":"Database upgrade","type":"maintenance","status":"active","services":["Search"],"notes":[]},
	 {"id":549,"date_created":"2018-09-09T01:00:00-07:00","date_updated":"2018-09-07T15:00:00-07:00","title":"Later","type":"notice","status":"scheduled","services":["Files"],"notes":[]}
	]}`
	rep, err := New().Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 2 || len(rep.Maintenances) != 2 || rep.Indicator != watchfire.IndicatorCritical {
		t.Fatalf("%d incidents, %d maintenances, indicator %s", len(rep.Incidents), len(rep.Maintenances), rep.Indicator)
	}
	if rep.Incidents[1].ID != "546" || rep.Incidents[1].Impact != watchfire.ImpactMinor ||
		rep.Incidents[1].Updates[0].Body != "Technical Summary:\nOn September 7th…" {
		t.Errorf("notice %+v", rep.Incidents[1])
	}
	if component(rep, "Messaging") != watchfire.StatusMajorOutage || component(rep, "Apps/Integrations/APIs") != watchfire.StatusDegradedPerformance ||
		component(rep, "Search") != watchfire.StatusUnderMaintenance || component(rep, "Files") != watchfire.StatusOperational {
		t.Errorf("components %+v", rep.Components)
	}
	// "Calls", an old service name, is added after the known ones.
	if last := rep.Components[len(rep.Components)-1]; last.Name != "Calls" || last.Status != watchfire.StatusMajorOutage {
		t.Errorf("last component %+v", last)
	}
	if rep.Maintenances[0].Status != watchfire.MaintenanceInProgress || rep.Maintenances[1].Status != watchfire.MaintenanceScheduled {
		t.Errorf("maintenances %+v", rep.Maintenances)
	}
}

func TestBadInput(t *testing.T) {
	providertest.BadInput(t, New(), providertest.Fixture(t, current2020), currentPath, historyPath)
	// Slack's own ways of being wrong.
	for name, doc := range map[string]providertest.Doc{
		"html as json": {Body: []byte("<html><body>Service Unavailable</body></html>")},
		"not utf-8":    {Body: []byte("{\"status\":\"ok\xff\"}")},
		"bad id":       {Body: []byte(`{"status":"active","active_incidents":[{"id":{},"date_created":"2020-01-01T00:00:00Z","title":"x"}]}`)},
		"bad date":     {Body: []byte(`{"status":"active","active_incidents":[{"id":1,"date_created":"soon","title":"x"}]}`)},
		"not found":    {Status: 404, Body: []byte("not found")},
	} {
		page := providertest.Server(t, map[string]providertest.Doc{currentPath: doc})
		if _, err := New().Current(context.Background(), providertest.Client(), page); err == nil {
			t.Errorf("%s: no error", name)
		}
		if doc.Status == 0 {
			if _, err := New().Parse(doc.Body); err == nil {
				t.Errorf("%s: Parse accepted it", name)
			}
		}
	}
}

// ParseAny tries every provider on an unknown payload.
func TestRejectsOtherFormats(t *testing.T) {
	providertest.RejectsOthers(t, New(), "slack/")
	providertest.RejectsBodies(t, New(), `[]`, `{}`, `{"status":"fine"}`, `[{"id":1}]`, `[{"id":"x","title":"t"}]`)
}

func TestDetect(t *testing.T) {
	for addr, want := range map[string]bool{
		"https://slack-status.com/":                   true,
		"https://status.slack.com/api/v2.0.0/current": true,
		"https://slack.com/":                          false,
		"https://app.slack.com/status":                false,
	} {
		u, _ := url.Parse(addr)
		if got := New().Detect(u); got != want {
			t.Errorf("Detect(%s) = %v", addr, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	providertest.Fuzz(f, New(), providertest.Fixture(f, current2020), providertest.Fixture(f, history2026),
		[]byte(`{"status":"ok","active_incidents":[]}`))
}
