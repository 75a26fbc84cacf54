package yandexcloud

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const (
	fixtureServices  = "other/yandex-cloud-status-services.json"
	fixtureIncidents = "other/yandex-cloud-status-incidents-2024-12.json"
	fixtureDetail    = "other/yandex-cloud-status-incident-detail.json"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func parse(t *testing.T, rel string) *watchfire.UpstreamReport {
	t.Helper()
	rep, err := New().Parse(providertest.Fixture(t, rel))
	if err != nil {
		t.Fatalf("Parse(%s): %v", rel, err)
	}
	providertest.Check(t, rep)
	if rep.Provider != Name || rep.Indicator != "" {
		t.Errorf("provider %q indicator %q", rep.Provider, rep.Indicator)
	}
	return rep
}

// The services list: 104 services, 74 in the ru installation and 30 in
// kz (the same ids in both), one with a resolved incident embedded.
func TestParseServices(t *testing.T) {
	rep := parse(t, fixtureServices)
	if len(rep.Components) != 104 {
		t.Fatalf("%d components", len(rep.Components))
	}
	groups := map[string]int{}
	ids := map[string]bool{}
	for _, c := range rep.Components {
		groups[c.Group]++
		if ids[c.ID] {
			t.Errorf("duplicate component id %s", c.ID)
		}
		ids[c.ID] = true
		if c.Status != watchfire.StatusOperational {
			t.Errorf("%s is %s", c.FullName(), c.Status)
		}
	}
	if groups["Russia"] != 74 || groups["Kazakhstan"] != 30 {
		t.Errorf("groups %v", groups)
	}
	if c := rep.Components[0]; c.ID != "ru:74" || c.Name != "API Gateway" || c.FullName() != "Russia / API Gateway" {
		t.Errorf("first component %+v", c)
	}
	if rep.Component("Kazakhstan / Compute Cloud") == nil || rep.Component("kz:2") == nil {
		t.Error("the kz copy of Compute Cloud is missing")
	}
	if len(rep.Incidents) != 1 {
		t.Fatalf("incidents %+v", rep.Incidents)
	}
	inc := rep.Incidents[0]
	if inc.ID != "1092" || inc.Name != "Проблемы со связностью в Cloud Interconnect - Nord." || inc.Status != watchfire.IncidentResolved ||
		inc.Impact != watchfire.ImpactMajor || len(inc.Components) != 1 || inc.Components[0] != "Cloud Interconnect" {
		t.Errorf("embedded incident %s %q %s %s %v", inc.ID, inc.Name, inc.Status, inc.Impact, inc.Components)
	}
	if inc.ResolvedAt == nil || !inc.ResolvedAt.Equal(ts("2025-03-11T10:27:00Z")) {
		t.Errorf("resolved at %v", inc.ResolvedAt)
	}
}

// The December 2024 list: 20 of 81 incidents, one "open" (1014) whose
// last comment resolved it, the rest resolved; levels 1 and 2; four with
// a published report; Russian titles.
func TestParseIncidentList(t *testing.T) {
	rep := parse(t, fixtureIncidents)
	if len(rep.Components) != 0 || len(rep.Incidents) != 20 {
		t.Fatalf("%d components, %d incidents", len(rep.Components), len(rep.Incidents))
	}
	impacts := map[watchfire.Impact]int{}
	statuses := map[watchfire.IncidentStatus]int{}
	for i, inc := range rep.Incidents {
		impacts[inc.Impact]++
		statuses[inc.Status]++
		if i > 0 && inc.StartedAt.After(rep.Incidents[i-1].StartedAt) {
			t.Errorf("incident %s is out of order", inc.ID)
		}
		if inc.ResolvedAt == nil {
			t.Errorf("incident %s has no resolution time", inc.ID)
		}
		for _, u := range inc.Updates {
			if strings.Contains(u.Body, "<p>") || strings.Contains(u.Body, "</") {
				t.Errorf("incident %s update is HTML: %q", inc.ID, u.Body)
			}
		}
	}
	if impacts[watchfire.ImpactMinor] != 14 || impacts[watchfire.ImpactMajor] != 6 {
		t.Errorf("impacts %v, want 14 minor (level 1) and 6 major (level 2)", impacts)
	}
	if statuses[watchfire.IncidentPostmortem] != 4 || statuses[watchfire.IncidentResolved] != 16 {
		t.Errorf("statuses %v", statuses)
	}
	inc := rep.Incidents[0]
	if inc.ID != "1014" || inc.Name != "Проблема с сетью у новых виртуальных машин" || inc.Status != watchfire.IncidentResolved {
		t.Errorf("first incident %s %q %s", inc.ID, inc.Name, inc.Status)
	}
	if inc.URL != "https://status.yandex.cloud/ru/incidents/1014" || strings.Join(inc.Components, ", ") != "Compute Cloud, Virtual Private Cloud" {
		t.Errorf("url %q components %v", inc.URL, inc.Components)
	}
	if len(inc.Updates) != 3 || inc.Updates[0].Status != "resolved" || inc.Updates[1].Status != "update" || inc.Updates[2].Status != "investigating" {
		t.Errorf("updates %+v", inc.Updates)
	}
	if want := "Проблема с сетью у новых виртуальных машин решена. Все сервисы работают штатно."; !strings.HasPrefix(inc.Updates[0].Body, want) {
		t.Errorf("update body %q", inc.Updates[0].Body)
	}
	if !inc.StartedAt.Equal(ts("2024-12-23T03:50:00Z")) || !inc.ResolvedAt.Equal(ts("2024-12-23T06:15:00Z")) {
		t.Errorf("started %v resolved %v", inc.StartedAt, inc.ResolvedAt)
	}
}

// The detail of incident 972 (English): level 2, resolved, with a
// published postmortem report in HTML.
func TestParseDetail(t *testing.T) {
	rep := parse(t, fixtureDetail)
	if len(rep.Incidents) != 1 {
		t.Fatalf("incidents %+v", rep.Incidents)
	}
	inc := rep.Incidents[0]
	if inc.ID != "972" || inc.Name != "Partial network unavailability" || inc.Status != watchfire.IncidentPostmortem || inc.Impact != watchfire.ImpactMajor {
		t.Errorf("incident %s %q %s %s", inc.ID, inc.Name, inc.Status, inc.Impact)
	}
	if len(inc.Updates) != 6 {
		t.Fatalf("%d updates, want 5 comments and the report", len(inc.Updates))
	}
	r := inc.Updates[0]
	if r.Status != "postmortem" || !r.At.Equal(ts("2024-11-05T12:39:29.624Z")) || !strings.HasPrefix(r.Body, "Short description.\n\nOn 16th of October") {
		t.Errorf("report update %q at %v: %.80q", r.Status, r.At, r.Body)
	}
	if strings.ContainsAny(r.Body, "<>") || strings.Contains(r.Body, "&amp;") || !strings.Contains(r.Body, "\n\n• Compute Cloud: A temporary increase") {
		t.Errorf("report is not plain text: %.400q", r.Body)
	}
	if inc.ResolvedAt == nil || !inc.ResolvedAt.Equal(ts("2024-10-16T18:42:00Z")) || len(inc.Components) < 30 || inc.Components[0] != "Compute Cloud" {
		t.Errorf("resolved %v components %v", inc.ResolvedAt, inc.Components)
	}
}

func TestMapping(t *testing.T) {
	for _, c := range []struct {
		level int
		label string
		want  watchfire.Impact
	}{
		{0, "", watchfire.ImpactNone}, {1, "Minor", watchfire.ImpactMinor}, {2, "Unavailable", watchfire.ImpactMajor},
		{3, "", watchfire.ImpactCritical}, {-1, "unavailable", watchfire.ImpactMajor}, {-1, "", watchfire.ImpactMinor},
	} {
		if got := LevelImpact(c.level, c.label); got != c.want {
			t.Errorf("LevelImpact(%d, %q) = %s, want %s", c.level, c.label, got, c.want)
		}
	}
	for i, want := range map[watchfire.Impact]watchfire.ComponentStatus{
		watchfire.ImpactNone: watchfire.StatusDegradedPerformance, watchfire.ImpactMinor: watchfire.StatusDegradedPerformance,
		watchfire.ImpactMajor: watchfire.StatusPartialOutage, watchfire.ImpactCritical: watchfire.StatusMajorOutage,
	} {
		if got := ImpactStatus(i); got != want {
			t.Errorf("ImpactStatus(%s) = %s", i, got)
		}
	}
	for typ, want := range map[string]string{"investigation": "investigating", "resolved": "resolved", "update": "update", "Resolved": "resolved"} {
		if got := CommentStatus(typ); got != want {
			t.Errorf("CommentStatus(%q) = %q", typ, got)
		}
	}
	if InstallationName("ru") != "Russia" || InstallationName("kz") != "Kazakhstan" || InstallationName("uz") != "UZ" {
		t.Error("InstallationName")
	}
	for s, want := range map[string]watchfire.IncidentStatus{"open": watchfire.IncidentInvestigating, "resolved": watchfire.IncidentResolved, "closed": watchfire.IncidentResolved} {
		if got := status(s, nil); got != want {
			t.Errorf("status(%q) = %s", s, got)
		}
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"<p>Один &amp; два</p>\n<p>три</p>":                           "Один & два\n\nтри",
		"<ul>\n<li>\n<p>a</p>\n</li>\n<li>b</li></ul>":                "• a\n\n• b",
		`<p>See <a href="https://cloud.yandex.ru/docs">docs</a>.</p>`: "See docs (https://cloud.yandex.ru/docs).",
		"line<br>break<script>alert(1)</script>":                      "line\nbreak",
		"plain\r\n  text  ":                                           "plain\ntext",
		"<p>unclosed <strong>bold":                                    "unclosed bold",
	} {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}

// openList is the December list with incident 1014 as it stood before
// its "resolved" comment: open, on Compute Cloud and VPC in ru.
func openList(t *testing.T) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(providertest.Fixture(t, fixtureIncidents), &doc); err != nil {
		t.Fatal(err)
	}
	first := doc["items"].([]any)[0].(map[string]any)
	first["comments"] = first["comments"].([]any)[1:]
	first["endDate"] = nil
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCurrentAndHistory(t *testing.T) {
	page := providertest.Server(t, map[string]providertest.Doc{
		servicesPath:  {Body: providertest.Fixture(t, fixtureServices)},
		incidentsPath: {Body: openList(t)},
	})
	p, c := New(), providertest.Client()
	rep, err := p.Current(context.Background(), c, page)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Components) != 104 || len(rep.Incidents) != 1 || rep.Page.URL != page.String() {
		t.Fatalf("%d components, %d incidents, page %q", len(rep.Components), len(rep.Incidents), rep.Page.URL)
	}
	inc := rep.Incidents[0]
	if inc.ID != "1014" || inc.Status != watchfire.IncidentInvestigating || inc.Impact != watchfire.ImpactMinor || inc.ResolvedAt != nil {
		t.Errorf("open incident %s %s %s %v", inc.ID, inc.Status, inc.Impact, inc.ResolvedAt)
	}
	// Level 1 on Compute Cloud and VPC in the ru installation only.
	for _, c := range rep.Components {
		want := watchfire.StatusOperational
		if c.Group == "Russia" && (c.Name == "Compute Cloud" || c.Name == "Virtual Private Cloud") {
			want = watchfire.StatusDegradedPerformance
		}
		if c.Status != want {
			t.Errorf("%s = %s, want %s", c.FullName(), c.Status, want)
		}
	}
	if rep.Overall() != watchfire.StatusDegradedPerformance {
		t.Errorf("overall %s", rep.Overall())
	}

	hist, err := p.History(context.Background(), c, page)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 20 || hist[0].ID != "1014" || hist[19].ID != "930" && hist[19].ID != "929" {
		t.Errorf("history: %d incidents, first %s", len(hist), hist[0].ID)
	}
}

// The language in the page's address is the one asked of the API.
func TestLanguage(t *testing.T) {
	page := providertest.Server(t, map[string]providertest.Doc{
		"/api/services?incidents=all&lang=en":     {Body: providertest.Fixture(t, fixtureServices)},
		"/api/incidents?lang=en&installation=all": {Body: providertest.Fixture(t, fixtureIncidents)},
		"/api/services?incidents=all&lang=ru":     {Status: 500},
		"/api/incidents?lang=ru&installation=all": {Status: 500},
	})
	en, _ := url.Parse(page.String() + "en/")
	rep, err := New().Current(context.Background(), providertest.Client(), en)
	if err != nil {
		t.Fatal(err)
	}
	// All closed: nothing open, everything operational.
	if len(rep.Incidents) != 0 || rep.Overall() != watchfire.StatusOperational {
		t.Errorf("incidents %+v", rep.Incidents)
	}
	if _, err := New().Current(context.Background(), providertest.Client(), page); err == nil {
		t.Error("the root asked in English")
	}
	for addr, want := range map[string]string{
		"https://status.yandex.cloud/": "ru", "https://status.yandex.cloud/en/incidents/972": "en",
		"https://status.yandex.cloud/ru": "ru", "https://status.yandex.cloud/de/": "ru",
	} {
		u, _ := url.Parse(addr)
		if got := lang(u); got != want {
			t.Errorf("lang(%s) = %s", addr, got)
		}
	}
	for addr, want := range map[string]bool{
		"https://status.yandex.cloud/": true, "https://status.yandex.cloud/en": true,
		"https://yandex.cloud/": false, "https://status.yandex.ru/": false,
	} {
		u, _ := url.Parse(addr)
		if New().Detect(u) != want {
			t.Errorf("Detect(%s) = %v", addr, !want)
		}
	}
}

func TestRejectsOtherFormats(t *testing.T) {
	providertest.RejectsOthers(t, New(), "other/yandex-cloud-")
	providertest.RejectsBodies(t, New(), `{}`, `[]`, `{"items":[{"id":1}]}`, `[{"id":1,"name":"x"}]`, `{"id":1,"title":"t"}`)
}

func TestBadInput(t *testing.T) {
	good := providertest.Fixture(t, fixtureIncidents)
	cases := map[string]providertest.Doc{
		"html error page":    {ContentType: "text/html; charset=utf-8", Body: []byte("<html><body><h1>504 Gateway Time-out</h1></body></html>")},
		"truncated json":     {Body: good[:len(good)/3]},
		"wrong content type": {ContentType: "image/svg+xml", Body: good},
		// Russian in Windows-1251, not UTF-8.
		"not utf-8":    {Body: []byte("{\"items\":[{\"id\":1,\"title\":\"\xcf\xf0\xee\xe1\xeb\xe5\xec\xe0\",\"levelId\":1}]}")},
		"server error": {Status: 502},
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			page := providertest.Server(t, map[string]providertest.Doc{
				servicesPath: {Body: providertest.Fixture(t, fixtureServices)}, incidentsPath: doc,
			})
			if _, err := New().Current(context.Background(), providertest.Client(), page); err == nil {
				t.Error("Current succeeded")
			}
			if _, err := New().History(context.Background(), providertest.Client(), page); err == nil {
				t.Error("History succeeded")
			}
			if doc.Status == 0 && doc.ContentType != "image/svg+xml" {
				if _, err := New().Parse(doc.Body); err == nil {
					t.Error("Parse succeeded")
				}
			}
		})
	}
}

// seedList is one incident of the December list, trimmed by hand (fewer
// services and comments, no icons).
const seedList = `{"items":[{"title":"Частичная недоступность сети","report":"<p><strong>Что произошло</strong></p>\n<ul><li><p>VPC</p></li></ul>","isReportPublished":true,"reportPublishedTime":"2024-10-25T10:00:00.000Z","id":972,"status":"resolved","startDate":"2024-10-16T11:40:00.000Z","endDate":"2024-10-16T18:42:00.000Z","createdAt":"2024-10-16T12:58:46.868Z","updatedAt":"2024-11-05T12:39:30.312Z","levelId":2,
"services":[{"id":2,"name":"Compute Cloud","slug":"compute"}],"comments":[{"content":"<p>Проблема решена.</p>\n","id":1421,"type":"resolved","createdAt":"2024-10-16T18:49:45.844Z","incidentId":972}],
"level":{"level":2,"label":"Unavailable","theme":"danger"},"installations":[{"code":"ru","zones":[{"id":"ru-central1-a","installation":{"code":"ru"}}]}]}],"count":81}`

// seedServices is two entries of the services list, trimmed by hand.
const seedServices = `[{"id":2,"name":"Compute Cloud","slug":"compute","fullName":"Yandex Compute Cloud","status":"public","installationCode":"ru","zones":[],"incidents":[{"title":"Сбой","id":5,"status":"open","startDate":"2025-03-10T23:38:00.000Z","endDate":null,"levelId":1,"zones":[{"id":"ru-central1-a","installation":{"code":"ru"}}],"level":{"level":1,"label":"Minor"}}]},
{"id":2,"name":"Compute Cloud","slug":"compute","installationCode":"kz","incidents":[]}]`

func FuzzParse(f *testing.F) {
	providertest.Fuzz(f, New(), []byte(seedList), []byte(seedServices))
}
