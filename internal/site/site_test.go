package site_test

import (
	"context"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/site"
	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/uptime"
)

var now = time.Date(2026, 11, 21, 14, 32, 0, 0, time.UTC)

const hostile = "Fixed <script>alert(1)</script> see [details](javascript:alert(2)) and <img src=x onerror=alert(3)>"

func testState() *watchfire.State {
	resolved := now.Add(-26 * time.Hour)
	return &watchfire.State{
		Pages:  []watchfire.Page{{ID: "acme", Name: "Acme Cloud", URL: "https://status.acme.test", TimeZone: "Europe/Paris", Locale: "en"}},
		Groups: []watchfire.Group{{ID: "core", Name: "Core Platform", Position: 1}},
		Components: []watchfire.Component{
			{ID: "api", GroupID: "core", Name: "API Gateway", Status: watchfire.StatusDegradedPerformance, Position: 1},
			{ID: "db", GroupID: "core", Name: "Database", Status: watchfire.StatusOperational, Position: 2},
			{ID: "docs", Name: "Docs", Status: watchfire.StatusOperational},
		},
		Incidents: []watchfire.Incident{
			{ID: "inc1", PageID: "acme", Name: "Slow API", Status: watchfire.IncidentInvestigating, Impact: watchfire.ImpactMinor,
				Components: []watchfire.AffectedComponent{{ComponentID: "api", NewStatus: watchfire.StatusDegradedPerformance}},
				Updates:    []watchfire.IncidentUpdate{{ID: "u1", Status: "investigating", Body: hostile, CreatedAt: now.Add(-10 * time.Minute)}},
				StartedAt:  now.Add(-10 * time.Minute), CreatedAt: now.Add(-10 * time.Minute)},
			{ID: "inc0", PageID: "acme", Name: "Database failover", Status: watchfire.IncidentResolved, Impact: watchfire.ImpactMajor,
				Components: []watchfire.AffectedComponent{{ComponentID: "db", NewStatus: watchfire.StatusOperational}},
				Updates: []watchfire.IncidentUpdate{
					{ID: "u3", Status: "resolved", Body: "All good **now**.", CreatedAt: resolved},
					{ID: "u2", Status: "identified", Body: "Primary lost.", CreatedAt: resolved.Add(-2*time.Hour - 15*time.Minute)},
				},
				Postmortem: "## What happened\nA disk filled up.",
				StartedAt:  resolved.Add(-2*time.Hour - 15*time.Minute), ResolvedAt: &resolved, CreatedAt: resolved.Add(-2*time.Hour - 15*time.Minute)},
		},
		Maintenances: []watchfire.Maintenance{{ID: "m1", PageID: "acme", Name: "Database upgrade", Status: watchfire.MaintenanceScheduled,
			Components: []string{"db"}, ScheduledFor: now.Add(48 * time.Hour), ScheduledUntil: now.Add(50 * time.Hour)}},
		LastEventID: 42, UpdatedAt: now.Add(-10 * time.Minute), LoadedAt: now,
	}
}

func testData() *site.Data {
	var rollups []store.Rollup
	for d := 0; d < 90; d++ {
		day := store.Daily.Truncate(now).AddDate(0, 0, -d)
		ok := int64(2880)
		if d == 1 {
			ok = 2000
		}
		rollups = append(rollups, store.Rollup{MonitorID: "api-http", Resolution: store.Daily, Start: day, Count: 2880, OK: ok})
	}
	return &site.Data{
		Now: now,
		Components: map[string]*site.ComponentData{
			"api": {Monitors: []string{"api-http"}, LastChecked: now.Add(-20 * time.Second), Latency: 45 * time.Millisecond,
				Bars: uptime.Bars(rollups, site.BarDays, now), Uptime: map[string]float64{"30d": 99.98, "24h": 100}},
		},
		Metrics: []site.Metric{{ID: "latency", Name: "API response time", Unit: "ms", Target: "< 100",
			Met:    func(v float64) bool { return v < 100 },
			Points: []store.MetricPoint{{At: now.Add(-time.Hour), Value: 52}, {At: now.Add(-time.Minute), Value: 45.5}}}},
		Blocks: []site.Block{{Title: "Getting help", Body: "Write to [support](mailto:support@acme.test)."}},
	}
}

func render(t *testing.T, s *site.Site, locale, path string) string {
	t.Helper()
	st := s.State
	doc, err := s.Doc(context.Background(), &st.Pages[0], locale, path)
	if err != nil {
		t.Fatalf("Doc(%s, %s): %v", locale, path, err)
	}
	return string(doc.Body)
}

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func TestHomeInEnglish(t *testing.T) {
	s := site.New(testState(), testData(), nil, site.Options{})
	body := render(t, s, "en", "/")
	mustContain(t, body,
		`<html lang="en">`, "Acme Cloud", "Partially Degraded Service", // banner
		"Active incidents", "Slow API", "Investigating",
		"Core Platform", "API Gateway", "Degraded performance", "Database", "Operational",
		"99.98% uptime, last 30 days", "45 ms", `data-fmt="relative"`,
		"Daily uptime of API Gateway over the last 90 days", "69.44% uptime", // yesterday's bar tooltip
		"API response time", "45.5 ms", "Target: &lt; 100 ms", "Within target",
		"Scheduled maintenance", "Database upgrade",
		"Getting help", `href="mailto:support@acme.test"`,
		"Past incidents", "Database failover", "No incidents reported.",
		`href="./history.atom"`, `data-event="42"`, `href="./incidents/inc1/"`,
	)
	// Colour never alone: every status carries an icon and its name.
	if n := strings.Count(body, `class="st-text"`); n < 4 {
		t.Errorf("%d status texts, want one per component and group", n)
	}
	// 90 bars for the monitored component only.
	if n := strings.Count(body, `height="30" class=`); n != site.BarDays {
		t.Errorf("%d bars, want %d", n, site.BarDays)
	}
}

func TestHomeInFrench(t *testing.T) {
	st := testState()
	st.Components[0].Status = watchfire.StatusOperational
	st.Incidents = st.Incidents[1:]
	s := site.New(st, testData(), nil, site.Options{})
	body := render(t, s, "fr", "/")
	mustContain(t, body, `<html lang="fr">`, "Tous les systèmes fonctionnent", "Fonctionnel",
		"Disponibilité : 99,98 % sur 30 jours", "45,5 ms", "Aucun incident signalé.", "Incidents récents",
		"novembre 2026", "Objectif atteint", "Maintenances programmées", "?locale=fr")
	for _, english := range []string{"All Systems Operational", "Operational<", "No incidents reported", "uptime, last"} {
		if strings.Contains(body, english) {
			t.Errorf("French page has English %q", english)
		}
	}
}

func TestMarkdownIsSafe(t *testing.T) {
	s := site.New(testState(), testData(), nil, site.Options{})
	for _, path := range []string{"/", "/incidents/inc1/"} {
		body := render(t, s, "en", path)
		for _, bad := range []string{"<script>alert", "javascript:", "<img"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s contains %q", path, bad)
			}
		}
		if regexp.MustCompile(`<[^>]*\son[a-z]+=`).MatchString(body) {
			t.Errorf("%s has an event handler attribute", path)
		}
		mustContain(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;") // shown as text, harmless
		// The page's own script is the only one, loaded from a file.
		if n := len(regexp.MustCompile(`<script[ >]`).FindAllString(body, -1)); n != 2 {
			t.Errorf("%s has %d script elements, want app.js and the JSON strings", path, n)
		}
	}
}

func TestIncidentPage(t *testing.T) {
	s := site.New(testState(), testData(), nil, site.Options{})
	body := render(t, s, "en", "/incidents/inc0/")
	mustContain(t, body, "Database failover", "Resolved", "Identified", "Primary lost.", "<strong>now</strong>",
		"Postmortem", "What happened", "Duration: 2 h 15 min", `href="../../"`, `href="../../assets/style.css?v=`)
	fr := render(t, s, "fr", "/incidents/inc0/")
	mustContain(t, fr, "Durée : 2 h 15 min", "Cause identifiée", "Résolu", "href=\"../../?locale=fr\"")
	if _, err := s.Doc(context.Background(), &s.State.Pages[0], "en", "/incidents/nope/"); watchfire.ErrorCode(err) != watchfire.ENOTFOUND {
		t.Errorf("unknown incident: %v, want not found", err)
	}
}

func TestDocsAreRenderedOnce(t *testing.T) {
	s := site.New(testState(), testData(), nil, site.Options{})
	p := &s.State.Pages[0]
	a, err := s.Doc(context.Background(), p, "en", "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Doc(context.Background(), p, "en", "/")
	if a != b {
		t.Error("the home page was rendered twice for one state")
	}
	c, _ := s.Doc(context.Background(), p, "fr", "/")
	if a == c || a.ETag == c.ETag {
		t.Error("English and French share a document")
	}
	// The same state renders the same bytes: validators survive a rebuild.
	again, _ := site.New(testState(), testData(), nil, site.Options{}).Doc(context.Background(), p, "en", "/")
	if again.ETag != a.ETag {
		t.Error("the same state rendered different bytes")
	}
}

func TestExportLinksStayInsideTheCopy(t *testing.T) {
	s := site.New(testState(), testData(), nil, site.Options{Export: true})
	en := render(t, s, "en", "/incidents/inc0/")
	mustContain(t, en, `data-live="poll"`, `href="../../fr/incidents/inc0/"`, `href="../../history/"`)
	fr := render(t, s, "fr", "/incidents/inc0/")
	mustContain(t, fr, `href="../../../incidents/inc0/"`, `href="../../history/"`, `href="../../../assets/style.css?v=`)
	if strings.Contains(fr, "?locale=") {
		t.Error("an export links with ?locale=, which a static host ignores")
	}
}

func TestNegotiate(t *testing.T) {
	for _, c := range []struct{ query, accept, def, want string }{
		{"fr", "en-US", "en", "fr"},
		{"", "fr-CA,fr;q=0.9,en;q=0.5", "en", "fr"},
		{"", "de-DE, en;q=0.3", "fr", "en"},
		{"", "de-DE", "fr", "fr"},
		{"xx", "", "", "en"},
		{"", "en;q=0.2, fr;q=0.8", "en", "fr"},
	} {
		if got := site.Negotiate(c.query, c.accept, c.def); got != c.want {
			t.Errorf("Negotiate(%q, %q, %q) = %q, want %q", c.query, c.accept, c.def, got, c.want)
		}
	}
}

func TestNumbers(t *testing.T) {
	en, fr := site.CatalogFor("en"), site.CatalogFor("fr")
	for _, c := range []struct {
		v      float64
		en, fr string
	}{{99.98, "99.98%", "99,98 %"}, {100, "100%", "100 %"}, {99.9999, "99.99%", "99,99 %"}, {0, "0.00%", "0,00 %"}, {0.001, "0.01%", "0,01 %"}} {
		if got := en.Percent(c.v); got != c.en {
			t.Errorf("en %v: %q, want %q", c.v, got, c.en)
		}
		if got := fr.Percent(c.v); got != c.fr {
			t.Errorf("fr %v: %q, want %q", c.v, got, c.fr)
		}
	}
	if got := fr.Int(10000); got != "10 000" {
		t.Errorf("fr 10000: %q", got)
	}
	if got := en.Int(1250); got != "1250" || en.Int(12500) != "12,500" {
		t.Errorf("en grouping: %q %q", got, en.Int(12500))
	}
	if got := fr.Latency(1200 * time.Millisecond); got != "1,2 s" {
		t.Errorf("fr latency: %q", got)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	if got := fr.DateTime(time.Date(2024, 1, 15, 10, 30, 0, 0, paris)); got != "15 janvier 2024 à 10h30 CET" {
		t.Errorf("fr date time: %q", got)
	}
}

// TestCatalogsAreComplete: every language has every message, with the
// same placeholders, so a page is never half translated.
func TestCatalogsAreComplete(t *testing.T) {
	en := site.CatalogFor("en")
	placeholders := regexp.MustCompile(`\{[a-z]+\}`)
	set := func(s string) string {
		p := placeholders.FindAllString(s, -1)
		sort.Strings(p)
		return strings.Join(p, "")
	}
	if len(site.Locales()) < 2 {
		t.Fatalf("locales: %v", site.Locales())
	}
	for _, tag := range site.Locales() {
		c := site.CatalogFor(tag)
		for k, v := range en.Messages {
			got, ok := c.Messages[k]
			if !ok {
				t.Errorf("%s lacks %q", tag, k)
				continue
			}
			if set(got) != set(v) {
				t.Errorf("%s %q has placeholders %s, English %s", tag, k, set(got), set(v))
			}
		}
		for k := range c.Messages {
			if _, ok := en.Messages[k]; !ok {
				t.Errorf("%s has %q, which English lacks", tag, k)
			}
		}
	}
}

func TestLiveStringsAreJSON(t *testing.T) {
	s := site.New(testState(), testData(), nil, site.Options{})
	body := render(t, s, "fr", "/")
	m := regexp.MustCompile(`(?s)<script type="application/json" id="wf-strings">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no strings for the script")
	}
	var strs map[string]string
	if err := json.Unmarshal([]byte(m[1]), &strs); err != nil {
		t.Fatalf("strings: %v in %s", err, m[1])
	}
	if strs["status.major_outage"] != "Panne majeure" || strs["banner.none"] != "Tous les systèmes fonctionnent" {
		t.Errorf("strings: %v", strs)
	}
}

func TestFavicon(t *testing.T) {
	st := testState()
	s := site.New(st, testData(), nil, site.Options{})
	body := render(t, s, "en", "/favicon.svg")
	if !strings.Contains(body, "#9a6700") {
		t.Errorf("degraded favicon: %s", body)
	}
}
