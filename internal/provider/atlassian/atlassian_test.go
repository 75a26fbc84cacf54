package atlassian_test

import (
	"context"
	"errors"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/atlassian"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

// want is what a fixture's SOURCES.tsv description says it holds.
type want struct {
	indicator    watchfire.Indicator
	description  string
	components   int
	statuses     map[watchfire.ComponentStatus]int // among components, groups left out
	groups       []string                          // distinct group names, sorted
	incidents    []wantIncident
	maintenances map[watchfire.MaintenanceStatus]int
	timeZone     string
}

type wantIncident struct {
	id         string
	status     watchfire.IncidentStatus
	impact     watchfire.Impact
	updates    int
	components int
	started    string // RFC 3339, as the fixture writes it (offset included)
}

func parse(t *testing.T, rel string) *watchfire.UpstreamReport {
	t.Helper()
	rep, err := atlassian.New().Parse(providertest.Fixture(t, rel))
	if err != nil {
		t.Fatalf("Parse(%s): %v", rel, err)
	}
	providertest.Check(t, rep)
	return rep
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func checkReport(t *testing.T, rep *watchfire.UpstreamReport, w want) {
	t.Helper()
	if rep.Provider != "atlassian" {
		t.Errorf("provider %q", rep.Provider)
	}
	if rep.Indicator != w.indicator {
		t.Errorf("indicator %q, want %q", rep.Indicator, w.indicator)
	}
	if w.description != "" && rep.Description != w.description {
		t.Errorf("description %q, want %q", rep.Description, w.description)
	}
	if w.timeZone != "" && rep.Page.TimeZone != w.timeZone {
		t.Errorf("time zone %q, want %q", rep.Page.TimeZone, w.timeZone)
	}
	if len(rep.Components) != w.components {
		t.Errorf("%d components, want %d", len(rep.Components), w.components)
	}
	if w.statuses != nil {
		got := map[watchfire.ComponentStatus]int{}
		for _, c := range rep.Components {
			got[c.Status]++
		}
		for s, n := range w.statuses {
			if got[s] != n {
				t.Errorf("%d components %s, want %d (all: %v)", got[s], s, n, got)
			}
		}
	}
	if w.groups != nil {
		seen := map[string]bool{}
		for _, c := range rep.Components {
			if c.Group != "" {
				seen[c.Group] = true
			}
		}
		var got []string
		for g := range seen {
			got = append(got, g)
		}
		sort.Strings(got)
		if strings.Join(got, "|") != strings.Join(w.groups, "|") {
			t.Errorf("groups %q, want %q", got, w.groups)
		}
	}
	if len(rep.Incidents) != len(w.incidents) {
		t.Fatalf("%d incidents, want %d", len(rep.Incidents), len(w.incidents))
	}
	for i, wi := range w.incidents {
		inc := rep.Incidents[i]
		if inc.ID != wi.id || inc.Status != wi.status || inc.Impact != wi.impact || len(inc.Updates) != wi.updates {
			t.Errorf("incident %d: %s %s %s %d updates, want %s %s %s %d", i, inc.ID, inc.Status, inc.Impact, len(inc.Updates),
				wi.id, wi.status, wi.impact, wi.updates)
		}
		if len(inc.Components) != wi.components {
			t.Errorf("incident %s: %d components %q, want %d", inc.ID, len(inc.Components), inc.Components, wi.components)
		}
		if wi.started != "" {
			st := mustTime(t, wi.started)
			if !inc.StartedAt.Equal(st) || inc.StartedAt.Location() != time.UTC {
				t.Errorf("incident %s started %v, want %v in UTC", inc.ID, inc.StartedAt, st.UTC())
			}
		}
		if inc.Status.Closed() != (inc.ResolvedAt != nil) && inc.Status == watchfire.IncidentResolved {
			t.Errorf("incident %s: status %s but resolved_at %v", inc.ID, inc.Status, inc.ResolvedAt)
		}
		for j := 1; j < len(inc.Updates); j++ {
			if inc.Updates[j].At.After(inc.Updates[j-1].At) {
				t.Errorf("incident %s: updates not newest first at %d", inc.ID, j)
			}
		}
	}
	got := map[watchfire.MaintenanceStatus]int{}
	for _, m := range rep.Maintenances {
		got[m.Status]++
		if m.Impact != watchfire.ImpactMaintenance {
			t.Errorf("maintenance %s impact %q", m.ID, m.Impact)
		}
	}
	if len(got) != len(w.maintenances) {
		t.Errorf("maintenances %v, want %v", got, w.maintenances)
	}
	for s, n := range w.maintenances {
		if got[s] != n {
			t.Errorf("maintenances %v, want %v", got, w.maintenances)
		}
	}
	noHTML(t, rep)
}

// noHTML fails when any text of the report still has markup or entities.
func noHTML(t *testing.T, rep *watchfire.UpstreamReport) {
	t.Helper()
	bad := func(s string) bool {
		for _, m := range []string{"<p>", "<br", "<strong>", "<li>", "<ul>", "</", "&lt;", "&gt;", "&amp;", "&apos;", "&#39;", "&quot;"} {
			if strings.Contains(s, m) {
				return true
			}
		}
		return false
	}
	check := func(what string, ups []watchfire.UpstreamUpdate) {
		for _, u := range ups {
			if bad(u.Body) {
				t.Errorf("%s: body has HTML: %q", what, u.Body)
			}
		}
	}
	for _, inc := range rep.Incidents {
		if bad(inc.Name) {
			t.Errorf("incident name has HTML: %q", inc.Name)
		}
		check("incident "+inc.ID, inc.Updates)
	}
	for _, m := range rep.Maintenances {
		check("maintenance "+m.ID, m.Updates)
	}
}

func TestFixtures(t *testing.T) {
	op, deg, part, major, maint := watchfire.StatusOperational, watchfire.StatusDegradedPerformance,
		watchfire.StatusPartialOutage, watchfire.StatusMajorOutage, watchfire.StatusUnderMaintenance
	tests := map[string]want{
		"atlassian/githubstatus-summary-2022-11-25-packages-partial-outage.json": {
			indicator: watchfire.IndicatorMinor, description: "Minor Service Outage", components: 11,
			statuses:  map[watchfire.ComponentStatus]int{op: 10, part: 1},
			incidents: []wantIncident{{"ljwdk6qml8z8", "investigating", "major", 7, 2, "2022-11-25T14:39:09.542Z"}},
			timeZone:  "Etc/UTC",
		},
		"atlassian/cloudamqp-summary-2020-07-16-maintenance-in-progress.json": {
			indicator: watchfire.IndicatorMaintenance, description: "Service Under Maintenance", components: 23,
			statuses:     map[watchfire.ComponentStatus]int{op: 22, maint: 1},
			maintenances: map[watchfire.MaintenanceStatus]int{watchfire.MaintenanceInProgress: 1},
		},
		// 73 entries, 8 of them groups; "6 degraded_performance" counts
		// two groups, so 4 components.
		"atlassian/twilio-summary-2020-06-16-minor-2-incidents-9-maintenances.json": {
			indicator: watchfire.IndicatorMinor, description: "Partially Degraded Service", components: 65,
			statuses: map[watchfire.ComponentStatus]int{op: 61, deg: 4},
			groups: []string{"AUTHY", "CARRIER NETWORK", "FLEX", "PROGRAMMABLE MESSAGING", "PROGRAMMABLE VIDEO",
				"PROGRAMMABLE VOICE", "SERVERLESS", "TWILIO PLATFORM"},
			incidents: []wantIncident{
				{"4dtnnnnxnhn9", "investigating", "minor", 2, 1, "2020-06-16T13:27:41.521-07:00"},
				{"r0f0vdz8vrgm", "monitoring", "minor", 5, 4, "2020-06-16T06:41:44.672-07:00"},
			},
			maintenances: map[watchfire.MaintenanceStatus]int{watchfire.MaintenanceScheduled: 9},
			timeZone:     "America/Los_Angeles",
		},
		"atlassian/githubstatus-incidents-2026-08-18-5-resolved.json": {
			incidents: []wantIncident{
				{"gx7js8bd0jpz", "resolved", "major", 2, 0, "2026-08-18T09:36:40.316Z"},
				{"bmpybhnrky3x", "resolved", "minor", 5, 0, "2026-08-18T07:40:35.670Z"},
				{"zkxwbgr0cnmx", "resolved", "critical", 36, 8, "2026-08-17T13:40:03.620Z"},
				{"pf25whpq58hh", "resolved", "minor", 4, 0, ""},
				{"24t8gsgqx2qb", "resolved", "minor", 5, 1, ""},
			},
		},
		"atlassian/claude-summary-2026-07-29-major-critical-incident.json": {
			indicator: watchfire.IndicatorMajor, description: "Partial System Outage", components: 6,
			statuses:  map[watchfire.ComponentStatus]int{major: 4, op: 2},
			incidents: []wantIncident{{"q2kg8n613kr3", "investigating", "critical", 1, 4, "2026-07-29T19:49:45.378Z"}},
		},
		// The indicator says none while an incident is being monitored:
		// both are kept as the vendor wrote them.
		"atlassian/bitbucket-summary-2026-07-31-none-with-monitoring-incident.json": {
			indicator: watchfire.IndicatorNone, description: "All Systems Operational", components: 13,
			statuses:  map[watchfire.ComponentStatus]int{op: 13},
			incidents: []wantIncident{{"0y9sqyfyl262", "monitoring", "none", 1, 13, ""}},
		},
		// "470 components (415 operational, 33 partial_outage, 20
		// under_maintenance, 2 major_outage)" counts the 8 groups: 7 are
		// partial_outage and 1 major_outage (see TestCloudflareGroups).
		"atlassian/cloudflarestatus-summary-2026-07-29-major-470-components.json": {
			indicator: watchfire.IndicatorMajor, components: 462,
			statuses: map[watchfire.ComponentStatus]int{op: 415, part: 26, maint: 20, major: 1},
			groups: []string{"Africa", "Asia", "Cloudflare Sites and Services", "Europe", "Latin America & the Caribbean",
				"Middle East", "North America", "Oceania"},
			incidents: []wantIncident{{"z325n2dc14tk", "identified", "major", 1, 1, ""}},
			maintenances: map[watchfire.MaintenanceStatus]int{
				watchfire.MaintenanceScheduled: 12, watchfire.MaintenanceInProgress: 4},
		},
		"atlassian/githubstatus-summary-2026-07-24-major-pull-requests-critical.json": {
			indicator: watchfire.IndicatorMajor, components: 12,
			statuses:  map[watchfire.ComponentStatus]int{op: 11, major: 1},
			incidents: []wantIncident{{"jxd617hfwfq8", "investigating", "critical", 3, 1, ""}},
		},
		"atlassian/githubstatus-incidents-unresolved-2026-09-identified-major.json": {
			incidents: []wantIncident{{"wt3hjqcrczfg", "identified", "major", 2, 1, "2026-08-24T07:12:05.367Z"}},
		},
		"atlassian/githubstatus-incident-gqx5l06jjxhp-critical-2023-06-29.json": {
			incidents: []wantIncident{{"gqx5l06jjxhp", "resolved", "critical", 8, 10, ""}},
		},
		"atlassian/githubstatus-incident-rgy28jwprr1c-critical-2019-identified-monitoring.json": {
			incidents: []wantIncident{{"rgy28jwprr1c", "resolved", "critical", 4, 0, ""}},
		},
		"atlassian/githubstatus-incident-lc8s9rtyjmgq-actions-2021-identified-monitoring.json": {
			incidents: []wantIncident{{"lc8s9rtyjmgq", "resolved", "major", 5, 1, ""}},
		},
		"atlassian/githubstatus-incident-t2xwk9mz56f4-largest-68kb.json": {
			incidents: []wantIncident{{"t2xwk9mz56f4", "resolved", "major", 29, 8, ""}},
		},
		"atlassian/githubstatus-incident-c2jg911dtkjb-major-9-components-2023-05.json": {
			incidents: []wantIncident{{"c2jg911dtkjb", "resolved", "major", 20, 9, "2023-05-04T15:55:47.695Z"}},
		},
		"atlassian/githubstatus-incident-6503rcn8s34s-reminder-intervals-2023-07.json": {
			incidents: []wantIncident{{"6503rcn8s34s", "resolved", "minor", 15, 6, ""}},
		},
		"atlassian/githubstatus-incident-1cdsggtd2q5k-impact-none-2023-02.json": {
			incidents: []wantIncident{{"1cdsggtd2q5k", "resolved", "none", 3, 0, ""}},
		},
		"atlassian/githubstatus-incident-396z7tmkc5nh-impact-none-2019-first-new-format.json": {
			incidents: []wantIncident{{"396z7tmkc5nh", "resolved", "none", 1, 0, "2019-01-02T16:32:49.277Z"}},
		},
		"atlassian/githubstatus-incident-rcwk6twq397d-legacy-2010-imported.json": {
			incidents: []wantIncident{{"rcwk6twq397d", "resolved", "minor", 1, 0, "2010-02-07T06:00:00Z"}},
		},
		"atlassian/githubstatus-incident-0q5mj0tpbm2c-legacy-2013-major-3-components.json": {
			incidents: []wantIncident{{"0q5mj0tpbm2c", "resolved", "major", 1, 3, "2013-09-13T19:41:33.000Z"}},
		},
		// history.atom and history.rss: the same 4 incidents, newest first;
		// the feed has no impact, components or indicator.
		"rss-atom/githubstatus-history-2026-09-03.atom": {incidents: feedIncidents},
		"rss-atom/githubstatus-history-2026-09-03.rss":  {incidents: feedIncidents},
		// incident.io's Statuspage-compatible summary parses here too.
		"incidentio/cohere-incidentio-v2-summary-2026-07-23-major.json": {
			indicator: watchfire.IndicatorMajor, description: "Partial System Outage", components: 24,
			statuses:  map[watchfire.ComponentStatus]int{op: 23, part: 1},
			incidents: []wantIncident{{"01KY8K3GWWJTSJTRC17GHEH08Z", "investigating", "major", 1, 0, "2026-07-23T22:56:25Z"}},
		},
		"incidentio/openai-incidentio-v2-summary-2026-07-22-minor-all-components-operational.json": {
			indicator: watchfire.IndicatorMinor, components: 25,
			statuses:  map[watchfire.ComponentStatus]int{op: 25},
			incidents: []wantIncident{{"01KY54SWGRK806N6TJ495MYPDD", "investigating", "minor", 1, 0, ""}},
		},
	}
	// Every fixture of the atlassian directory has expectations.
	for rel := range providertest.Fixtures(t, "atlassian") {
		if _, ok := tests[rel]; !ok {
			t.Errorf("fixture %s has no test", rel)
		}
	}
	for rel, w := range tests {
		t.Run(rel, func(t *testing.T) {
			checkReport(t, parse(t, rel), w)
		})
	}
}

var feedIncidents = []wantIncident{
	{"ktdr5t0xwnhp", "resolved", "none", 5, 0, "2026-09-03T14:17:00Z"},
	{"jk2dy5h9yp3m", "resolved", "none", 4, 0, ""},
	{"7fxts6gmq5gr", "resolved", "none", 6, 0, ""},
	{"5bn0vk444m1w", "resolved", "none", 8, 0, "2026-08-26T23:37:00Z"},
}

func TestCloudflareGroups(t *testing.T) {
	d, err := atlassian.Decode(providertest.Fixture(t, "atlassian/cloudflarestatus-summary-2026-07-29-major-470-components.json"))
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]int{}
	groups := map[string]int{}
	for _, c := range d.Components {
		all[c.Status]++
		if c.IsGroup() {
			groups[c.Status]++
		}
	}
	if len(d.Components) != 470 || all["operational"] != 415 || all["partial_outage"] != 33 ||
		all["under_maintenance"] != 20 || all["major_outage"] != 2 {
		t.Errorf("raw entries %d %v", len(d.Components), all)
	}
	if groups["partial_outage"] != 7 || groups["major_outage"] != 1 {
		t.Errorf("groups %v", groups)
	}
	rep, _ := d.Report("atlassian")
	w := rep.Component("Cloudflare Sites and Services / Workers")
	if w == nil || w.Status != watchfire.StatusMajorOutage || w.Group != "Cloudflare Sites and Services" {
		t.Errorf("Workers: %+v", w)
	}
	if rep.Component("Cloudflare Sites and Services") != nil {
		t.Error("a group is listed as a component")
	}
}

func TestTwilioDetails(t *testing.T) {
	rep := parse(t, "atlassian/twilio-summary-2020-06-16-minor-2-incidents-9-maintenances.json")
	// -07:00 offsets become the same instants in UTC.
	if want := time.Date(2020, 6, 16, 21, 0, 29, 31e6, time.UTC); !rep.UpdatedAt.Equal(want) || rep.UpdatedAt.Location() != time.UTC {
		t.Errorf("updated %v, want %v", rep.UpdatedAt, want)
	}
	m := rep.Maintenances[0]
	if m.ID != "9szb6ydlg10w" || !m.ScheduledFor.Equal(time.Date(2020, 6, 16, 23, 0, 0, 0, time.UTC)) ||
		!m.ScheduledUntil.Equal(time.Date(2020, 6, 17, 3, 0, 0, 0, time.UTC)) {
		t.Errorf("first maintenance %s %v – %v", m.ID, m.ScheduledFor, m.ScheduledUntil)
	}
	if len(m.Components) != 1 || m.Components[0] != "SMS, Europe" || len(m.Updates) != 1 || m.Updates[0].Status != "scheduled" {
		t.Errorf("first maintenance %q %+v", m.Components, m.Updates)
	}
	if m.URL != "https://status.twilio.com/incidents/9szb6ydlg10w" {
		t.Errorf("maintenance URL %q", m.URL)
	}
	c := rep.Component("CARRIER NETWORK / SMS Short Code, North America")
	if c == nil || c.Status != watchfire.StatusDegradedPerformance || c.VendorStatus != "degraded_performance" {
		t.Errorf("component %+v", c)
	}
	inc := rep.Incidents[1]
	if inc.Updates[0].Status != "monitoring" || !inc.Updates[0].At.Equal(mustTime(t, "2020-06-16T12:09:47.174-07:00")) {
		t.Errorf("newest update %+v", inc.Updates[0])
	}
	if rep.Overall() != watchfire.StatusDegradedPerformance {
		t.Errorf("overall %s", rep.Overall())
	}
}

func TestLegacyHTMLBody(t *testing.T) {
	rep := parse(t, "atlassian/githubstatus-incident-0q5mj0tpbm2c-legacy-2013-major-3-components.json")
	body := rep.Incidents[0].Updates[0].Body
	if !strings.HasPrefix(body, "- 2013-09-13 19:41:33 - We are investigating problems reaching GitHub.com.\n- 2013-09-13 19:48:49 - ") {
		t.Errorf("body %q", body)
	}
	rep = parse(t, "atlassian/githubstatus-incidents-2026-08-18-5-resolved.json")
	for _, inc := range rep.Incidents {
		for _, u := range inc.Updates {
			if strings.Contains(u.Body, "Fable 5 is once again available") && !strings.Contains(u.Body, "IDE surfaces.\n\nWe will continue") {
				t.Errorf("<br /><br /> not kept as a paragraph break: %q", u.Body)
			}
		}
	}
}

func TestFeedDetails(t *testing.T) {
	rep := parse(t, "rss-atom/githubstatus-history-2026-09-03.atom")
	if rep.Indicator != "" || len(rep.Components) != 0 {
		t.Errorf("a feed has no indicator or components: %q %d", rep.Indicator, len(rep.Components))
	}
	if rep.Page.Name != "GitHub Status" || rep.Page.URL != "https://www.githubstatus.com" {
		t.Errorf("page %+v", rep.Page)
	}
	inc := rep.Incidents[0]
	if inc.URL != "https://www.githubstatus.com/incidents/ktdr5t0xwnhp" || inc.Name != "Incident with Grok Copilot AI Model Provider" {
		t.Errorf("incident %q %q", inc.URL, inc.Name)
	}
	var statuses []string
	for _, u := range inc.Updates {
		statuses = append(statuses, u.Status)
	}
	if strings.Join(statuses, ",") != "resolved,update,update,update,investigating" {
		t.Errorf("statuses %v", statuses)
	}
	if !inc.Updates[0].At.Equal(time.Date(2026, 9, 3, 17, 11, 0, 0, time.UTC)) || inc.ResolvedAt == nil ||
		!inc.UpdatedAt.Equal(inc.Updates[0].At) {
		t.Errorf("newest update at %v, resolved %v", inc.Updates[0].At, inc.ResolvedAt)
	}
	if inc.Updates[1].Body != "The issues with our upstream model provider have been resolved, and Grok models are once again available in Copilot products and IDE surfaces.\nWe will continue monitoring to ensure stability, but mitigation is complete." {
		t.Errorf("body %q", inc.Updates[1].Body)
	}
	// The RSS sibling says the same, its &apos; decoded.
	rss := parse(t, "rss-atom/githubstatus-history-2026-09-03.rss")
	for i := range rep.Incidents {
		a, r := rep.Incidents[i], rss.Incidents[i]
		if a.ID != r.ID || len(a.Updates) != len(r.Updates) || !a.StartedAt.Equal(r.StartedAt) {
			t.Errorf("atom %s/%d/%v, rss %s/%d/%v", a.ID, len(a.Updates), a.StartedAt, r.ID, len(r.Updates), r.StartedAt)
			continue
		}
		for j := range a.Updates {
			if a.Updates[j] != r.Updates[j] {
				t.Errorf("update %d of %s differs:\n%+v\n%+v", j, a.ID, a.Updates[j], r.Updates[j])
			}
		}
	}
	for _, inc := range rss.Incidents {
		for _, u := range inc.Updates {
			if strings.Contains(u.Body, "We've applied a mitigation") {
				return
			}
		}
	}
	t.Error("no update with the &apos; decoded")
}

// A feed's update dates have no year: it comes from the entry, and an
// update in December of an entry published in January is last year's.
func TestFeedYearAndZones(t *testing.T) {
	entry := func(published, content string) []byte {
		return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<feed xml:lang="en-US" xmlns="http://www.w3.org/2005/Atom">
  <id>tag:status.example.com,2005:/history</id>
  <link rel="alternate" type="text/html" href="https://status.example.com"/>
  <title>Example - Incident History</title>
  <updated>` + published + `</updated>
  <entry>
    <id>tag:status.example.com,2005:Incident/1</id>
    <published>` + published + `</published>
    <updated>` + published + `</updated>
    <link rel="alternate" type="text/html" href="https://status.example.com/incidents/abc123"/>
    <title>Something</title>
    <content type="html">` + content + `</content>
  </entry>
</feed>`)
	}
	block := func(date, word, body string) string {
		return "&lt;p&gt;&lt;small&gt;" + date + "&lt;/small&gt;&lt;br&gt;&lt;strong&gt;" + word + "&lt;/strong&gt; - " + body + "&lt;/p&gt;"
	}
	body := entry("2027-01-01T01:30:00Z",
		block("Dec &lt;var data-var='date'&gt;31&lt;/var&gt;, &lt;var data-var='time'&gt;17:30&lt;/var&gt; PST", "Monitoring", "Better.")+
			block("Dec &lt;var data-var='date'&gt;31&lt;/var&gt;, &lt;var data-var='time'&gt;23:00&lt;/var&gt; UTC", "Identified", "Found it.")+
			block("Dec &lt;var data-var='date'&gt;31&lt;/var&gt;, 2026 - 20:00 +05:30", "Investigating", "Looking."))
	rep, err := atlassian.New().Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	inc := rep.Incidents[0]
	if inc.Status != watchfire.IncidentMonitoring || inc.ResolvedAt != nil {
		t.Errorf("status %s", inc.Status)
	}
	want := []time.Time{
		time.Date(2027, 1, 1, 1, 30, 0, 0, time.UTC), // 17:30 PST
		time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 31, 14, 30, 0, 0, time.UTC), // 20:00 +05:30
	}
	for i, u := range inc.Updates {
		if !u.At.Equal(want[i]) {
			t.Errorf("update %d at %v, want %v", i, u.At, want[i])
		}
	}
	if !inc.StartedAt.Equal(want[2]) {
		t.Errorf("started %v", inc.StartedAt)
	}

	// A maintenance: its window comes from the "THIS IS A SCHEDULED
	// EVENT" line, in the zone it names.
	body = entry("2026-08-29T13:05:00Z",
		"&lt;p&gt;&lt;strong&gt;THIS IS A SCHEDULED EVENT Aug &lt;var data-var='date'&gt;29&lt;/var&gt;, &lt;var data-var='time'&gt;06:00&lt;/var&gt; - &lt;var data-var='time'&gt;08:00&lt;/var&gt; PDT&lt;/strong&gt;&lt;/p&gt;"+
			block("Aug 29, 06:05 PDT", "In progress", "Scheduled maintenance is currently in progress.")+
			block("Aug 20, 10:00 PDT", "Scheduled", "We will be upgrading."))
	rep, err = atlassian.New().Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Incidents) != 0 || len(rep.Maintenances) != 1 {
		t.Fatalf("%d incidents, %d maintenances", len(rep.Incidents), len(rep.Maintenances))
	}
	m := rep.Maintenances[0]
	if m.Status != watchfire.MaintenanceInProgress || !m.ScheduledFor.Equal(time.Date(2026, 8, 29, 13, 0, 0, 0, time.UTC)) ||
		!m.ScheduledUntil.Equal(time.Date(2026, 8, 29, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("maintenance %s %v – %v", m.Status, m.ScheduledFor, m.ScheduledUntil)
	}
	if m.Updates[0].Status != "in_progress" || m.Updates[1].Status != "scheduled" {
		t.Errorf("updates %+v", m.Updates)
	}
}

// Documents of incident.io's native API, webhooks, and other feeds are
// not Statuspage API documents.
func TestParseRefuses(t *testing.T) {
	// incident.io's compatible summaries are Statuspage documents too (see
	// the incidentio package's TestSharedWithAtlassian), and so are the
	// feeds of a Statuspage page.
	providertest.RejectsOthers(t, atlassian.New(), "atlassian/",
		"incidentio/cohere-incidentio-v2-summary-", "incidentio/openai-incidentio-v2-summary-",
		"rss-atom/githubstatus-history-")
}

func TestParseBadInput(t *testing.T) {
	summary := providertest.Fixture(t, "atlassian/claude-summary-2026-07-29-major-critical-incident.json")
	for name, body := range map[string][]byte{
		"html":       []byte(`<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>`),
		"truncated":  summary[:len(summary)/2],
		"non-utf8":   append([]byte(`{"page":{"id":"x","name":"`), 0xff, 0xfe, '"', '}', '}'),
		"empty":      nil,
		"spaces":     []byte("  \n"),
		"text":       []byte("Service Unavailable"),
		"array":      []byte(`[{"page":{}}]`),
		"null":       []byte(`null`),
		"bad time":   []byte(`{"page":{"id":"p","updated_at":"yesterday"},"status":{"indicator":"none"}}`),
		"wrong type": []byte(`{"page":{"id":"p"},"components":[{"id":"a","name":"A","status":3}]}`),
	} {
		rep, err := atlassian.New().Parse(body)
		if err == nil {
			t.Errorf("%s: no error, report %+v", name, rep)
		}
	}
}

// summaryDocs serves a summary and incidents list like a Statuspage site.
func serve(t *testing.T, docs map[string]providertest.Doc) *url.URL {
	return providertest.Server(t, docs)
}

func TestCurrentAndHistory(t *testing.T) {
	page := serve(t, map[string]providertest.Doc{
		"/api/v2/summary.json":   {Body: providertest.Fixture(t, "atlassian/twilio-summary-2020-06-16-minor-2-incidents-9-maintenances.json")},
		"/api/v2/incidents.json": {Body: providertest.Fixture(t, "atlassian/githubstatus-incidents-2026-08-18-5-resolved.json")},
		"/history.atom":          {ContentType: "application/atom+xml", Body: providertest.Fixture(t, "rss-atom/githubstatus-history-2026-09-03.atom")},
	})
	p := atlassian.New()
	ctx := context.Background()
	rep, err := p.Current(ctx, providertest.Client(), page)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if rep.Indicator != watchfire.IndicatorMinor || len(rep.Components) != 65 || len(rep.Incidents) != 2 || len(rep.Maintenances) != 9 {
		t.Errorf("current: %s %d %d %d", rep.Indicator, len(rep.Components), len(rep.Incidents), len(rep.Maintenances))
	}
	hist, err := p.History(ctx, providertest.Client(), page)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 5 || hist[2].ID != "zkxwbgr0cnmx" || len(hist[2].Updates) != 36 {
		t.Errorf("history: %d incidents", len(hist))
	}
}

// Without the JSON API (404, or an HTML page at its address), both read
// the history feed.
func TestFeedFallback(t *testing.T) {
	feed := providertest.Doc{ContentType: "application/atom+xml", Body: providertest.Fixture(t, "rss-atom/githubstatus-history-2026-09-03.atom")}
	html := providertest.Doc{ContentType: "text/html; charset=utf-8", Body: []byte("<!DOCTYPE html><html><body>Status</body></html>")}
	for name, docs := range map[string]map[string]providertest.Doc{
		"404":  {"/history.atom": feed},
		"html": {"/history.atom": feed, "/api/v2/summary.json": html, "/api/v2/incidents.json": html},
	} {
		t.Run(name, func(t *testing.T) {
			page := serve(t, docs)
			p := atlassian.New()
			rep, err := p.Current(context.Background(), providertest.Client(), page)
			if err != nil {
				t.Fatal(err)
			}
			providertest.Check(t, rep)
			// All four are resolved: nothing is open.
			if rep.Indicator != "" || len(rep.Incidents) != 0 {
				t.Errorf("current from the feed: %q %d incidents", rep.Indicator, len(rep.Incidents))
			}
			hist, err := p.History(context.Background(), providertest.Client(), page)
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != 4 || hist[0].ID != "ktdr5t0xwnhp" {
				t.Errorf("history from the feed: %d", len(hist))
			}
		})
	}
}

// An open incident in the feed is what Current reports from it.
func TestFeedFallbackOpen(t *testing.T) {
	body := strings.Replace(string(providertest.Fixture(t, "rss-atom/githubstatus-history-2026-09-03.atom")),
		"&lt;strong&gt;Resolved&lt;/strong&gt; - This incident has been resolved. Thank you for your patience and understanding as we addressed this issue. A detailed root cause analysis will be shared as soon as it is available. &lt;/p&gt; &lt;p&gt; &lt;small&gt;Sep &lt;var data-var='date'&gt; 3&lt;/var&gt;, &lt;var data-var='time'&gt;17:11",
		"&lt;strong&gt;Monitoring&lt;/strong&gt; - Watching. &lt;/p&gt; &lt;p&gt; &lt;small&gt;Sep &lt;var data-var='date'&gt; 3&lt;/var&gt;, &lt;var data-var='time'&gt;17:11", 1)
	page := serve(t, map[string]providertest.Doc{"/history.atom": {ContentType: "application/atom+xml", Body: []byte(body)}})
	rep, err := atlassian.New().Current(context.Background(), providertest.Client(), page)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Incidents) != 1 || rep.Incidents[0].Status != watchfire.IncidentMonitoring || rep.Incidents[0].ResolvedAt != nil {
		t.Fatalf("incidents %+v", rep.Incidents)
	}
	// A feed has no page indicator and no impact: an incident only being
	// monitored degrades nothing (one still investigated would).
	if rep.Overall() != watchfire.StatusOperational {
		t.Errorf("overall %s: a monitored incident of unknown impact degrades nothing", rep.Overall())
	}
	rep.Incidents[0].Status = watchfire.IncidentInvestigating
	if rep.Overall() != watchfire.StatusDegradedPerformance {
		t.Errorf("overall %s: an investigated incident of unknown impact counts as degraded", rep.Overall())
	}
}

func TestCurrentErrors(t *testing.T) {
	summary := providertest.Fixture(t, "atlassian/claude-summary-2026-07-29-major-critical-incident.json")
	for name, doc := range map[string]providertest.Doc{
		"truncated":    {Body: summary[:1000]},
		"content type": {ContentType: "image/png", Body: []byte{0x89, 'P', 'N', 'G'}},
		"non-utf8":     {Body: append(append([]byte{}, summary[:40]...), 0xff, 0xfe, 0xfd)},
		"server error": {Status: 503, Body: []byte("down")},
		"json not api": {Body: []byte(`{"status":"ok"}`)},
	} {
		t.Run(name, func(t *testing.T) {
			page := serve(t, map[string]providertest.Doc{"/api/v2/summary.json": doc})
			rep, err := atlassian.New().Current(context.Background(), providertest.Client(), page)
			if err == nil {
				t.Fatalf("no error: %+v", rep)
			}
		})
	}
	// Nothing at all: the error names both documents.
	page := serve(t, nil)
	_, err := atlassian.New().Current(context.Background(), providertest.Client(), page)
	if err == nil || !strings.Contains(err.Error(), "summary.json") || !strings.Contains(err.Error(), "history.atom") {
		t.Errorf("error %v", err)
	}
	var fe *provider.FetchError
	if !errors.As(err, &fe) || fe.Status != 404 {
		t.Errorf("error %v does not keep the 404", err)
	}
	// Both missing: not a Statuspage page, which re-detection looks for.
	if !errors.Is(err, provider.ErrFormat) {
		t.Errorf("error %v does not wrap ErrFormat", err)
	}
	// A struggling server is no verdict on the format.
	page = serve(t, map[string]providertest.Doc{"/api/v2/summary.json": {Status: 404}, "/history.atom": {Status: 502}})
	if _, err = atlassian.New().Current(context.Background(), providertest.Client(), page); err == nil || errors.Is(err, provider.ErrFormat) {
		t.Errorf("404 then 502: %v", err)
	}
}

func TestDetect(t *testing.T) {
	for addr, want := range map[string]bool{
		"https://acme.statuspage.io/":             true,
		"https://stspg.io/p7pqqb00414c":           true,
		"https://bitbucket.status.atlassian.com/": true,
		"https://status.atlassian.com":            true,
		"https://www.githubstatus.com/":           false, // a custom domain: the cascade finds it
		"https://statuspage.io.evil.test/":        false,
		"https://status.openai.com/":              false,
	} {
		u, _ := url.Parse(addr)
		if got := atlassian.New().Detect(u); got != want {
			t.Errorf("Detect(%s) = %v", addr, got)
		}
	}
	if atlassian.New().Name() != "atlassian" {
		t.Error("name")
	}
}

func TestPlain(t *testing.T) {
	for in, want := range map[string]string{
		"We are investigating.":                        "We are investigating.",
		"AT&amp;T is degraded":                         "AT&T is degraded",
		"latency < 100 ms and a <https://x.test> link": "latency < 100 ms and a <https://x.test> link",
		"<p>One</p><p>Two &amp; three</p>":             "One\n\nTwo & three",
		"a<br />b<br><br>c":                            "a\nb\n\nc",
		"<ul><li>x</li><li>y</li></ul>":                "- x\n- y",
		"<p>x<script>alert(1)</script></p>":            "x",
		"<a href='https://x.test'>link</a> text":       "link text",
		"  spaced   <b>out</b>  ":                      "spaced out",
	} {
		if got := atlassian.Plain(in); got != want {
			t.Errorf("Plain(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	var seeds [][]byte
	for _, dir := range []string{"atlassian", "incidentio"} {
		for _, b := range providertest.Fixtures(f, dir) {
			// Cloudflare's 212 KB summary slows every mutation down;
			// Twilio's covers the same group shapes.
			if len(b) <= 70<<10 {
				seeds = append(seeds, b)
			}
		}
	}
	seeds = append(seeds,
		providertest.Fixture(f, "rss-atom/githubstatus-history-2026-09-03.atom"),
		providertest.Fixture(f, "rss-atom/githubstatus-history-2026-09-03.rss"))
	providertest.Fuzz(f, atlassian.New(), seeds...)
}
