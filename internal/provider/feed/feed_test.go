package feed

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
	awsRSS     = "rss-atom/aws-status-all-2026-08-18.rss"
	azureOne   = "rss-atom/azure-status-rss-2026-07-23-one-item.xml"
	azureLive  = "rss-atom/azure-status-rss-2026-07-23-westus-live.xml"
	azureEmpty = "rss-atom/azure-status-rss-2026-08-01-empty.xml"
	ghAtom     = "rss-atom/githubstatus-history-2026-09-03.atom"
	ghRSS      = "rss-atom/githubstatus-history-2026-09-03.rss"
	ioAtom     = "incidentio/openai-incidentio-feed-2026-09-03.atom"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// clock returns a provider whose "now" is s.
func clock(s string) *Provider {
	t := at(s)
	return &Provider{Now: func() time.Time { return t }}
}

// readFixture parses a fixture at the given now: the report and History.
func readFixture(t *testing.T, rel, now string) (*watchfire.UpstreamReport, []watchfire.UpstreamIncident) {
	t.Helper()
	f, err := parse(providertest.Fixture(t, rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	rep, all := clock(now).read(f, at(now))
	providertest.Check(t, rep)
	providertest.Check(t, &watchfire.UpstreamReport{Incidents: all})
	return rep, all
}

func find(t *testing.T, incs []watchfire.UpstreamIncident, id string) watchfire.UpstreamIncident {
	t.Helper()
	for _, inc := range incs {
		if inc.ID == id {
			return inc
		}
	}
	t.Fatalf("no incident %q among %d", id, len(incs))
	return watchfire.UpstreamIncident{}
}

func TestEveryFixtureParses(t *testing.T) {
	for _, rel := range []string{awsRSS, azureOne, azureLive, azureEmpty, ghAtom, ghRSS, ioAtom} {
		rep, err := New().Parse(providertest.Fixture(t, rel))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		providertest.Check(t, rep)
		if rep.Provider != "feed" || rep.Page.Name == "" {
			t.Errorf("%s: provider %q, page %+v", rel, rep.Provider, rep.Page)
		}
	}
}

// AWS posts every update of an event as its own item; SOURCES.tsv: 50
// items, "Service impact:", "Informational message:" and "Service is
// operating normally: [RESOLVED] …" titles, pubDate in PDT and PST.
func TestAWSFeed(t *testing.T) {
	// Captured 2026-08-18 05:20:30 PDT (lastBuildDate).
	rep, all := readFixture(t, awsRSS, "2026-08-18T12:20:30Z")
	if len(all) != 3 {
		t.Fatalf("got %d incidents, want 3 (50 items in 3 threads)", len(all))
	}
	dx := find(t, all, "directconnect-eu-central-1")
	if dx.Status != watchfire.IncidentResolved || dx.Name != "Increased Packet loss" || len(dx.Updates) != 20 {
		t.Errorf("Direct Connect: status %s, name %q, %d updates", dx.Status, dx.Name, len(dx.Updates))
	}
	// "Mon, 17 Aug 2026 21:01:19 PDT" is 04:01:19 UTC the next day.
	if dx.ResolvedAt == nil || !dx.ResolvedAt.Equal(at("2026-08-18T04:01:19Z")) {
		t.Errorf("Direct Connect resolved at %v, want 2026-08-18T04:01:19Z", dx.ResolvedAt)
	}
	if !dx.StartedAt.Equal(at("2026-08-15T03:42:59Z")) {
		t.Errorf("Direct Connect started at %v, want Fri 14 Aug 20:42:59 PDT", dx.StartedAt)
	}
	if dx.Impact != watchfire.ImpactMinor { // "Service impact" is AWS's level 1
		t.Errorf("Direct Connect impact %s, want minor", dx.Impact)
	}
	if dx.Updates[0].Status != "resolved" || dx.Updates[1].Status != "investigating" {
		t.Errorf("update statuses %q, %q", dx.Updates[0].Status, dx.Updates[1].Status)
	}
	me := find(t, all, "multipleservices-me-central-1")
	// "Sun, 01 Mar 2026 12:14:03 PST" is 20:14:03 UTC.
	if me.Status != watchfire.IncidentInvestigating || me.Impact != watchfire.ImpactCritical ||
		!me.StartedAt.Equal(at("2026-03-01T20:14:03Z")) || me.Name != "Increased Error Rates" {
		t.Errorf("ME-CENTRAL-1: %s %s %v %q", me.Status, me.Impact, me.StartedAt, me.Name)
	}
	if got := me.Components; len(got) != 1 || got[0] != "multipleservices-me-central-1" {
		t.Errorf("ME-CENTRAL-1 components %v", got)
	}
	// At capture time nothing is open: Direct Connect was resolved and
	// the Middle East events had not been updated since April.
	if len(rep.Incidents) != 0 || rep.Indicator != watchfire.IndicatorNone {
		t.Errorf("at capture: %d open incidents, indicator %s", len(rep.Incidents), rep.Indicator)
	}
	if !rep.UpdatedAt.Equal(at("2026-08-18T12:20:30Z")) {
		t.Errorf("UpdatedAt %v", rep.UpdatedAt)
	}

	// Before its "[RESOLVED]" item, the Direct Connect event was under way.
	feed := string(providertest.Fixture(t, awsRSS))
	first := strings.Index(feed, "<item>")
	feed = feed[:first] + feed[first+strings.Index(feed[first:], "</item>")+len("</item>"):]
	rep, err := clock("2026-08-18T03:00:00Z").Parse([]byte(feed))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 1 || rep.Incidents[0].ID != "directconnect-eu-central-1" ||
		rep.Incidents[0].Status.Closed() {
		t.Fatalf("on Aug 17: open incidents %+v", rep.Incidents)
	}
	if rep.Indicator != watchfire.IndicatorMinor || len(rep.Components) != 1 ||
		rep.Components[0].Status != watchfire.StatusDegradedPerformance {
		t.Errorf("on Aug 17: indicator %s, components %+v", rep.Indicator, rep.Components)
	}
	if rep.Incidents[0].ResolvedAt != nil {
		t.Error("an open incident has a ResolvedAt")
	}
}

func TestAzureFeeds(t *testing.T) {
	rep, all := readFixture(t, azureOne, "2026-07-23T18:12:58Z")
	if len(all) != 1 || len(rep.Incidents) != 1 {
		t.Fatalf("one-item feed: %d incidents, %d open", len(all), len(rep.Incidents))
	}
	inc := rep.Incidents[0]
	if inc.ID != "issues-connecting-to-resources-in-west-us" || inc.Name != "Issues connecting to resources in West US" {
		t.Errorf("id %q name %q (the title's trailing space must go)", inc.ID, inc.Name)
	}
	if inc.Status != watchfire.IncidentInvestigating || !inc.StartedAt.Equal(at("2026-07-23T16:29:09Z")) {
		t.Errorf("status %s, started %v", inc.Status, inc.StartedAt)
	}
	if len(inc.Components) != 15 || inc.Components[14] != "West US" {
		t.Errorf("components %v", inc.Components)
	}
	if rep.Indicator != watchfire.IndicatorMinor || len(rep.Components) != 15 {
		t.Errorf("indicator %s, %d components", rep.Indicator, len(rep.Components))
	}
	body := inc.Updates[0].Body
	if strings.ContainsAny(body, "<>") || strings.Contains(body, "&nbsp;") || !strings.Contains(body, "Current Status:") {
		t.Errorf("body not plain text: %q", body)
	}

	rep, _ = readFixture(t, azureLive, "2026-07-23T17:00:00Z")
	if len(rep.Incidents) != 1 || len(rep.Incidents[0].Components) != 2 {
		t.Errorf("West US live: %+v", rep.Incidents)
	}

	rep, all = readFixture(t, azureEmpty, "2026-08-01T23:05:00Z")
	if len(all) != 0 || len(rep.Incidents) != 0 || rep.Indicator != watchfire.IndicatorNone ||
		rep.Overall() != watchfire.StatusOperational {
		t.Errorf("empty feed: %d incidents, indicator %s, overall %s", len(all), rep.Indicator, rep.Overall())
	}
	if !rep.UpdatedAt.Equal(at("2026-08-01T23:02:00Z")) {
		t.Errorf("empty feed UpdatedAt %v (lastBuildDate with a bare Z)", rep.UpdatedAt)
	}
}

// Statuspage's history.atom and history.rss hold the same four incidents,
// each item with every update as "<small>When</small> <strong>Status</strong> - body".
func TestStatuspageHistoryFeeds(t *testing.T) {
	_, fromAtom := readFixture(t, ghAtom, "2026-09-03T19:28:46Z")
	_, fromRSS := readFixture(t, ghRSS, "2026-09-03T19:28:46Z")
	if len(fromAtom) != 4 || len(fromRSS) != 4 {
		t.Fatalf("got %d (atom) and %d (rss) incidents, want 4", len(fromAtom), len(fromRSS))
	}
	names := map[string]bool{}
	for _, inc := range fromAtom {
		names[inc.Name] = true
		if inc.Status != watchfire.IncidentResolved || inc.ResolvedAt == nil {
			t.Errorf("%q: status %s", inc.Name, inc.Status)
		}
	}
	for _, inc := range fromRSS {
		if !names[inc.Name] {
			t.Errorf("the rss feed has %q, the atom feed does not", inc.Name)
		}
	}
	grok := find(t, fromAtom, "tag:www.githubstatus.com,2005:Incident/31343987")
	if len(grok.Updates) != 5 {
		t.Fatalf("Grok incident: %d updates, want 5", len(grok.Updates))
	}
	want := []struct {
		status string
		at     string
	}{
		{"resolved", "2026-09-03T17:11:00Z"},
		{"investigating", "2026-09-03T17:11:00Z"}, // "Update" continues Investigating
		{"investigating", "2026-09-03T14:22:00Z"},
		{"investigating", "2026-09-03T14:20:00Z"},
		{"investigating", "2026-09-03T14:17:00Z"},
	}
	for i, w := range want {
		u := grok.Updates[i]
		if u.Status != w.status || !u.At.Equal(at(w.at)) {
			t.Errorf("update %d: %s at %v, want %s at %s", i, u.Status, u.At, w.status, w.at)
		}
		if strings.ContainsAny(u.Body, "<>") || u.Body == "" {
			t.Errorf("update %d body %q", i, u.Body)
		}
	}
	if !grok.StartedAt.Equal(at("2026-09-03T14:17:00Z")) {
		t.Errorf("StartedAt %v, want the first update's time", grok.StartedAt)
	}
	openai := find(t, fromAtom, "tag:www.githubstatus.com,2005:Incident/31316411")
	if openai.Updates[1].Status != "monitoring" {
		t.Errorf("an Update after Monitoring has status %q", openai.Updates[1].Status)
	}
	rssGrok := find(t, fromRSS, "https://www.githubstatus.com/incidents/ktdr5t0xwnhp")
	if !rssGrok.UpdatedAt.Equal(at("2026-09-03T17:11:47Z")) || rssGrok.Updates[0].Body != grok.Updates[0].Body {
		t.Errorf("rss item: updated %v, body %q", rssGrok.UpdatedAt, rssGrok.Updates[0].Body)
	}
}

func TestIncidentIOFeed(t *testing.T) {
	rep, all := readFixture(t, ioAtom, "2026-09-03T20:51:59Z")
	if len(all) != 4 || len(rep.Incidents) != 0 {
		t.Fatalf("%d incidents, %d open; want 4 resolved", len(all), len(rep.Incidents))
	}
	first := find(t, all, "https://status.openai.com//incidents/01M1KWEDH417T2CF44YYHZDFCR")
	if first.Status != watchfire.IncidentResolved || len(first.Components) != 19 || first.Components[0] != "File uploads" {
		t.Errorf("status %s, components %v", first.Status, first.Components)
	}
	if !first.UpdatedAt.Equal(at("2026-09-03T16:55:49.046Z")) {
		t.Errorf("UpdatedAt %v", first.UpdatedAt)
	}
	if b := first.Updates[0].Body; strings.HasPrefix(b, "Status:") || !strings.HasPrefix(b, "The issue causing elevated errors") {
		t.Errorf("body %q", b)
	}
}

// The same incident.io item, still open: its component list gives both
// the components' statuses and the impact.
func TestIncidentIOOpen(t *testing.T) {
	body := string(providertest.Fixture(t, ioAtom))
	// The first entry's summary and content.
	body = strings.Replace(body, "Status: Resolved", "Status: Identified", 2)
	body = strings.Replace(body, "<li>File uploads (Operational)</li>", "<li>File uploads (Partial outage)</li>", 2)
	body = strings.Replace(body, "<li>CLI (Operational)</li>", "<li>CLI (Degraded performance)</li>", 2)
	rep, err := clock("2026-09-03T18:00:00Z").Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 1 || rep.Incidents[0].Status != watchfire.IncidentIdentified ||
		rep.Incidents[0].Impact != watchfire.ImpactMajor || rep.Indicator != watchfire.IndicatorMajor {
		t.Fatalf("open incidents %+v, indicator %s", rep.Incidents, rep.Indicator)
	}
	got := map[string]watchfire.ComponentStatus{}
	for _, c := range rep.Components {
		got[c.Name] = c.Status
	}
	if got["File uploads"] != watchfire.StatusPartialOutage || got["CLI"] != watchfire.StatusDegradedPerformance ||
		got["Login"] != watchfire.StatusOperational {
		t.Errorf("components %v", got)
	}
}

func TestStatuspageMaintenance(t *testing.T) {
	feed := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example Status - Incident History</title><link>https://status.example.com</link>
<item><title>Database upgrade</title>
<description>&lt;p&gt;&lt;small&gt;Sep &lt;var data-var='date'&gt; 3&lt;/var&gt;, &lt;var data-var='time'&gt;10:00&lt;/var&gt; PDT&lt;/small&gt;&lt;br&gt;&lt;strong&gt;In progress&lt;/strong&gt; - Scheduled maintenance is currently in progress.&lt;/p&gt;&lt;p&gt;&lt;small&gt;Sep &lt;var data-var='date'&gt; 1&lt;/var&gt;, &lt;var data-var='time'&gt;09:00&lt;/var&gt; PDT&lt;/small&gt;&lt;br&gt;&lt;strong&gt;Scheduled&lt;/strong&gt; - We will upgrade the database.&lt;/p&gt;</description>
<pubDate>Thu, 03 Sep 2026 17:00:00 +0000</pubDate><link>https://status.example.com/incidents/abc</link><guid>https://status.example.com/incidents/abc</guid></item>
</channel></rss>`
	rep, err := clock("2026-09-03T18:00:00Z").Parse([]byte(feed))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 0 || len(rep.Maintenances) != 1 || rep.Indicator != watchfire.IndicatorMaintenance {
		t.Fatalf("incidents %d, maintenances %+v, indicator %s", len(rep.Incidents), rep.Maintenances, rep.Indicator)
	}
	m := rep.Maintenances[0]
	// "Sep 1, 09:00 PDT" is 16:00 UTC.
	if m.Status != watchfire.MaintenanceInProgress || !m.ScheduledFor.Equal(at("2026-09-01T16:00:00Z")) ||
		m.Updates[1].Status != "scheduled" {
		t.Errorf("maintenance %+v", m)
	}
}

func TestCurrentFindsTheFeed(t *testing.T) {
	atomDoc := providertest.Doc{ContentType: "application/atom+xml", Body: providertest.Fixture(t, ghAtom)}
	htmlPage := providertest.Doc{ContentType: "text/html", Body: []byte(`<html><head><title>Status</title></head><body>up</body></html>`)}
	ctx := context.Background()
	p := clock("2026-09-03T19:28:46Z")

	// The page is HTML; Statuspage keeps its feed at /history.atom.
	page := providertest.Server(t, map[string]providertest.Doc{"/": htmlPage, "/history.atom": atomDoc})
	rep, err := p.Current(ctx, providertest.Client(), page)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if rep.Page.Name != "GitHub Status - Incident History" || rep.Indicator != watchfire.IndicatorNone {
		t.Errorf("page %+v, indicator %s", rep.Page, rep.Indicator)
	}
	hist, err := p.History(ctx, providertest.Client(), page)
	if err != nil || len(hist) != 4 {
		t.Fatalf("History: %d incidents, %v", len(hist), err)
	}
	if !hist[0].UpdatedAt.After(hist[1].UpdatedAt) {
		t.Error("History is not newest first")
	}

	// The page announces its feed in its head.
	linked := providertest.Doc{ContentType: "text/html", Body: []byte(`<html><head>
<link rel="alternate" type="application/rss+xml" title="Status" href="/status/feed.xml">
</head><body></body></html>`)}
	page = providertest.Server(t, map[string]providertest.Doc{"/": linked,
		"/status/feed.xml": {ContentType: "application/rss+xml", Body: providertest.Fixture(t, azureEmpty)}})
	if rep, err = p.Current(ctx, providertest.Client(), page); err != nil || rep.Page.Name != "Azure Status" {
		t.Fatalf("linked feed: %+v, %v", rep, err)
	}

	// The address is the feed itself, served as text/xml.
	page = providertest.Server(t, map[string]providertest.Doc{"/rss/all.rss": {ContentType: "text/xml", Body: providertest.Fixture(t, awsRSS)}})
	feedURL, _ := url.Parse(page.String() + "rss/all.rss")
	if rep, err = p.Current(ctx, providertest.Client(), feedURL); err != nil || rep.Page.Name != "Amazon Web Services Service Status" {
		t.Fatalf("feed address: %+v, %v", rep, err)
	}

	// Azure's feed is under the page's own path.
	page = providertest.Server(t, map[string]providertest.Doc{"/en-us/status/feed/": {ContentType: "application/rss+xml", Body: providertest.Fixture(t, azureOne)}})
	azure, _ := url.Parse(page.String() + "en-us/status")
	if rep, err = clock("2026-07-23T18:00:00Z").Current(ctx, providertest.Client(), azure); err != nil || len(rep.Incidents) != 1 {
		t.Fatalf("Azure page: %+v, %v", rep, err)
	}
}

func TestCurrentWithoutFeed(t *testing.T) {
	page := providertest.Server(t, map[string]providertest.Doc{
		"/":                  {ContentType: "text/html", Body: []byte(`<html><body>Status page</body></html>`)},
		"/history.atom":      {ContentType: "application/json", Body: providertest.Fixture(t, "atlassian/claude-summary-2026-07-29-major-critical-incident.json")},
		"/api/v2/summary.js": {Body: []byte(`{}`)},
	})
	_, err := New().Current(context.Background(), providertest.Client(), page)
	if !errors.Is(err, provider.ErrFormat) {
		t.Fatalf("got %v, want ErrFormat", err)
	}
}

// A host that asks us to wait is not asked for its other addresses.
func TestCurrentStopsOnRetryAfter(t *testing.T) {
	page := providertest.Server(t, map[string]providertest.Doc{"/": {Status: 429, Body: []byte("slow down")}})
	_, err := New().Current(context.Background(), providertest.Client(), page)
	var fe *provider.FetchError
	if !errors.As(err, &fe) || fe.Status != 429 {
		t.Fatalf("got %v, want the 429", err)
	}
}

// ParseAny tries every provider on an unknown payload: the feed provider
// must turn down everything that is not an RSS or Atom feed.
func TestRejectsOtherFormats(t *testing.T) {
	providertest.RejectsOthers(t, New(), "rss-atom/", "incidentio/openai-incidentio-feed-")
	providertest.RejectsBodies(t, New(),
		`<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>`,
		`{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[]}`, // a JSON Feed
		`<svg xmlns="http://www.w3.org/2000/svg"></svg>`,
		``)
}

func TestBadInput(t *testing.T) {
	good := providertest.Fixture(t, ghAtom)
	for name, body := range map[string][]byte{
		"truncated":   good[:len(good)/2],
		"not utf-8":   append([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>`), 0xff, 0xfe, 0xfd),
		"half a tag":  []byte(`<rss`),
		"nested junk": []byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title><![CDATA[x`),
	} {
		rep, err := New().Parse(body)
		if err == nil {
			// gofeed forgives some damage; whatever it accepts must be valid.
			providertest.Check(t, rep)
			continue
		}
		if strings.TrimSpace(err.Error()) == "" {
			t.Errorf("%s: empty error", name)
		}
	}
	if _, err := New().Parse(good[:len(good)/3]); err == nil {
		t.Error("a feed cut in the middle of an entry parsed")
	}
}

func TestDetect(t *testing.T) {
	for addr, want := range map[string]bool{
		"https://azure.status.microsoft/en-us/status":           true,
		"https://status.aws.amazon.com/rss/ec2-us-east-1.rss":   true,
		"https://status.aws.amazon.com/":                        false,
		"https://status.aws.amazon.com/data.json":               false,
		"https://www.githubstatus.com/history.atom":             false,
		"https://status.openai.com/feed.atom":                   false,
		"https://azure.status.microsoft.evil.example.com/feed/": false,
	} {
		u, _ := url.Parse(addr)
		if got := New().Detect(u); got != want {
			t.Errorf("Detect(%s) = %v, want %v", addr, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	small := []string{azureOne, azureLive, azureEmpty, ghRSS, ioAtom}
	var seeds [][]byte
	for _, rel := range small {
		seeds = append(seeds, providertest.Fixture(f, rel))
	}
	// The AWS feed is 72 KB: its first two items are enough.
	aws := string(providertest.Fixture(f, awsRSS))
	if i := strings.Index(aws, "<item>"); i > 0 {
		if j := strings.Index(aws[i+6:], "<item>"); j > 0 {
			if k := strings.Index(aws[i+6+j:], "</item>"); k > 0 {
				seeds = append(seeds, []byte(aws[:i+6+j+k+len("</item>")]+"</channel></rss>"))
			}
		}
	}
	providertest.Fuzz(f, clock("2026-09-03T19:28:46Z"), seeds...)
}
