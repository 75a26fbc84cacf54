package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
)

var (
	t0    = time.Date(2025, 11, 3, 14, 0, 0, 0, time.UTC)
	paris = mustLoad("Europe/Paris")
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func at(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }

func update(id, status, body string, minutes int, affected ...string) watchfire.IncidentUpdate {
	u := watchfire.IncidentUpdate{ID: id, Status: status, Body: body, CreatedAt: at(minutes), UpdatedAt: at(minutes)}
	for _, c := range affected {
		u.AffectedComponents = append(u.AffectedComponents, watchfire.AffectedComponent{ComponentID: c, NewStatus: watchfire.StatusMajorOutage})
	}
	return u
}

// testState has a page showing api and web (not billing), two incidents
// on it, one on another page's component only, and a maintenance.
func testState() (*watchfire.State, *watchfire.Page) {
	st := &watchfire.State{
		Pages: []watchfire.Page{
			{ID: "main", Name: "Acme Cloud", Components: []string{"api", "web"}},
			{ID: "billing", Name: "Billing", Components: []string{"billing"}},
		},
		Components: []watchfire.Component{
			{ID: "api", Name: "API Gateway"}, {ID: "web", Name: "Website"}, {ID: "billing", Name: "Billing"},
		},
		Incidents: []watchfire.Incident{
			{
				ID: "inc2", PageID: "main", Name: "Website slow", Status: watchfire.IncidentMonitoring, Impact: watchfire.ImpactMinor,
				Components: []watchfire.AffectedComponent{{ComponentID: "web", NewStatus: watchfire.StatusDegradedPerformance}},
				Updates: []watchfire.IncidentUpdate{
					update("u22", "monitoring", "A fix is deployed. <script>alert(1)</script> [x](javascript:alert(2))", 200),
					update("u21", "investigating", "Pages load **slowly**.", 120, "web"),
				},
				CreatedAt: at(120), UpdatedAt: at(200),
			},
			{
				ID: "inc1", PageID: "main", Name: "API errors", Status: watchfire.IncidentResolved, Impact: watchfire.ImpactMajor,
				Components: []watchfire.AffectedComponent{{ComponentID: "api", NewStatus: watchfire.StatusOperational}},
				Postmortem: "A bad **deploy**.",
				Updates: []watchfire.IncidentUpdate{
					// Out of order on purpose: Items sorts them.
					update("u11", "investigating", "Elevated errors on the [API](https://api.acme.test/).", 0, "api"),
					update("u12", "resolved", "Fixed & verified.", 60),
				},
				CreatedAt: at(0), UpdatedAt: at(300), // edited later: updated stays at the latest update
			},
			{
				ID: "inc3", PageID: "billing", Name: "Billing down", Status: watchfire.IncidentInvestigating,
				Components: []watchfire.AffectedComponent{{ComponentID: "billing", NewStatus: watchfire.StatusMajorOutage}},
				Updates:    []watchfire.IncidentUpdate{update("u31", "investigating", "Down.", 10, "billing")},
				CreatedAt:  at(10), UpdatedAt: at(10),
			},
		},
		Maintenances: []watchfire.Maintenance{
			{
				ID: "m1", PageID: "main", Name: "Database upgrade", Status: watchfire.MaintenanceScheduled,
				Components:   []string{"api"},
				Updates:      []watchfire.IncidentUpdate{update("mu1", "scheduled", "We will upgrade the database.", 90)},
				ScheduledFor: at(24 * 60), ScheduledUntil: at(26 * 60),
				CreatedAt: at(90), UpdatedAt: at(90),
			},
		},
	}
	return st, &st.Pages[0]
}

func testOptions() Options {
	return Options{
		Title:       "Acme Cloud status",
		Description: "Incidents & maintenances",
		SiteURL:     "https://status.acme.test/",
		FeedURL:     "https://status.acme.test/history.atom",
		Location:    paris,
		StatusText: func(s string) string {
			return map[string]string{
				"investigating": "Identification en cours", "monitoring": "Surveillance",
				"resolved": "Résolu", "scheduled": "Planifiée", "postmortem": "Analyse",
			}[s]
		},
	}
}

func ids(items []Item) string {
	var s []string
	for _, it := range items {
		s = append(s, it.ID)
	}
	return strings.Join(s, ",")
}

func TestItems(t *testing.T) {
	st, page := testState()
	items := Items(st, page, "")
	if got := ids(items); got != "inc2,m1,inc1" {
		t.Fatalf("page items = %s, want inc2,m1,inc1 (newest activity first, other page's incident left out)", got)
	}
	inc1 := items[2]
	if !inc1.Created.Equal(at(0)) || !inc1.Updated.Equal(at(60)) {
		t.Errorf("inc1 created %v updated %v, want %v and %v", inc1.Created, inc1.Updated, at(0), at(60))
	}
	if inc1.Updates[0].ID != "u12" {
		t.Errorf("inc1 updates not newest first: %v", inc1.Updates[0].ID)
	}
	if inc1.Path() != "incidents/inc1/" || items[1].Path() != "maintenances/m1/" {
		t.Errorf("paths %q %q", inc1.Path(), items[1].Path())
	}

	if got := ids(Items(st, page, "api")); got != "m1,inc1" {
		t.Errorf("api items = %s, want m1,inc1", got)
	}
	if got := ids(Items(st, page, "web")); got != "inc2" {
		t.Errorf("web items = %s, want inc2", got)
	}
	if got := Items(st, page, "billing"); len(got) != 0 {
		t.Errorf("component not on the page has items: %s", ids(got))
	}
	if got := ids(Items(st, &st.Pages[1], "billing")); got != "inc3" {
		t.Errorf("billing page items = %s", got)
	}
	// An incident that affected a component only in an old update still
	// belongs to that component's feed.
	st.Incidents[0].Components = nil
	if got := ids(Items(st, page, "web")); got != "inc2" {
		t.Errorf("web items after components cleared = %s, want inc2", got)
	}
}

type atomDoc struct {
	XMLName  xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title    string   `xml:"title"`
	Subtitle string   `xml:"subtitle"`
	ID       string   `xml:"id"`
	Updated  string   `xml:"updated"`
	Author   string   `xml:"author>name"`
	Links    []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Entries []struct {
		Title     string `xml:"title"`
		ID        string `xml:"id"`
		Published string `xml:"published"`
		Updated   string `xml:"updated"`
		Author    *struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Link struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"link"`
		Summary struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"summary"`
		Content struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

func TestAtom(t *testing.T) {
	st, page := testState()
	items := Items(st, page, "")
	out, err := Atom(items, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("no XML declaration: %.60s", out)
	}
	var doc atomDoc
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("parse: %v\n%s", err, out)
	}
	if doc.Title != "Acme Cloud status" || doc.Subtitle != "Incidents & maintenances" || doc.Author != "Acme Cloud status" {
		t.Errorf("feed title %q subtitle %q author %q", doc.Title, doc.Subtitle, doc.Author)
	}
	if doc.ID != "https://status.acme.test/history.atom" {
		t.Errorf("feed id %q", doc.ID)
	}
	if doc.Updated != "2025-11-03T17:20:00Z" {
		t.Errorf("feed updated %q, want the newest item's update", doc.Updated)
	}
	links := map[string]string{}
	for _, l := range doc.Links {
		links[l.Rel] = l.Href
	}
	if links["alternate"] != "https://status.acme.test/" || links["self"] != "https://status.acme.test/history.atom" {
		t.Errorf("feed links %v", links)
	}
	if len(doc.Entries) != 3 {
		t.Fatalf("%d entries, want 3", len(doc.Entries))
	}
	e := doc.Entries[2] // inc1
	if e.Title != "API errors" || e.ID != "https://status.acme.test/incidents/inc1/" ||
		e.Link.Href != e.ID || e.Link.Rel != "alternate" {
		t.Errorf("entry %q id %q link %+v", e.Title, e.ID, e.Link)
	}
	if e.Published != "2025-11-03T14:00:00Z" || e.Updated != "2025-11-03T15:00:00Z" {
		t.Errorf("entry published %q updated %q", e.Published, e.Updated)
	}
	if e.Author != nil {
		t.Errorf("entry has an author: %+v", e.Author)
	}
	if e.Summary.Type != "text" || e.Summary.Text != "Fixed & verified." {
		t.Errorf("entry summary %+v", e.Summary)
	}
	if e.Content.Type != "html" {
		t.Errorf("content type %q", e.Content.Type)
	}
	c := e.Content.Text
	for _, want := range []string{
		"<h3>Analyse</h3>", "<strong>deploy</strong>",
		"<strong>Résolu</strong>", `<time datetime="2025-11-03T15:00:00Z">2025-11-03 16:00 CET</time>`,
		"<p>Fixed &amp; verified.</p>",
		"<strong>Identification en cours</strong>",
		`<a href="https://api.acme.test/" rel="nofollow noopener noreferrer">API</a>`,
	} {
		if !strings.Contains(c, want) {
			t.Errorf("content lacks %q:\n%s", want, c)
		}
	}
	if strings.Index(c, "Résolu") > strings.Index(c, "Identification") {
		t.Errorf("timeline not newest first:\n%s", c)
	}
	if m := doc.Entries[1]; m.ID != "https://status.acme.test/maintenances/m1/" ||
		!strings.Contains(m.Content.Text, "2025-11-04 15:00 CET</time> – <time") ||
		!strings.Contains(m.Content.Text, "<strong>Planifiée</strong>") {
		t.Errorf("maintenance entry %q:\n%s", m.ID, m.Content.Text)
	}
}

func TestSanitizedInFeeds(t *testing.T) {
	st, page := testState()
	items := Items(st, page, "web")
	o := testOptions()
	for name, write := range map[string]func([]Item, Options) ([]byte, error){"atom": Atom, "rss": RSS, "json": JSON} {
		out, err := write(items, o)
		if err != nil {
			t.Fatal(err)
		}
		// Decode the documents, then look at the HTML they carry (RSS
		// descriptions are HTML too).
		var html string
		switch name {
		case "atom":
			var doc atomDoc
			if err := xml.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			// The summary is type="text": readers show it literally.
			html = doc.Entries[0].Content.Text
		case "rss":
			var doc rssDoc
			if err := xml.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			html = doc.Channel.Items[0].Content + doc.Channel.Items[0].Description
		case "json":
			var doc jsonDoc
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			html = doc.Items[0].ContentHTML
		}
		if strings.Contains(html, "<script") || strings.Contains(html, "javascript:") || strings.Contains(html, "<a") {
			t.Errorf("%s: unsanitized markdown in feed:\n%s", name, html)
		}
		if !strings.Contains(html, "&lt;script&gt;") {
			t.Errorf("%s: script tag not shown as text:\n%s", name, html)
		}
	}
}

type rssDoc struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		Title         string `xml:"title"`
		Link          string `xml:"link"`
		Description   string `xml:"description"`
		LastBuildDate string `xml:"lastBuildDate"`
		Items         []struct {
			Title       string `xml:"title"`
			Link        string `xml:"link"`
			Description string `xml:"description"`
			Content     string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
			Author      string `xml:"author"`
			GUID        struct {
				ID          string `xml:",chardata"`
				IsPermaLink string `xml:"isPermaLink,attr"`
			} `xml:"guid"`
			PubDate string `xml:"pubDate"`
		} `xml:"item"`
	} `xml:"channel"`
}

func TestRSS(t *testing.T) {
	st, page := testState()
	// An update whose text looks like HTML: the plain summary must stay
	// text in the (HTML) description.
	st.Incidents[1].Updates[1].Body = "Use `<b>` now"
	out, err := RSS(Items(st, page, "api"), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	var doc rssDoc
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("parse: %v\n%s", err, out)
	}
	ch := doc.Channel
	if doc.Version != "2.0" || ch.Title != "Acme Cloud status" || ch.Link != "https://status.acme.test/" ||
		ch.Description != "Incidents & maintenances" {
		t.Errorf("channel %+v", ch)
	}
	if ch.LastBuildDate != "Mon, 03 Nov 2025 15:30:00 +0000" {
		t.Errorf("lastBuildDate %q", ch.LastBuildDate)
	}
	if len(ch.Items) != 2 {
		t.Fatalf("%d items, want 2", len(ch.Items))
	}
	it := ch.Items[1]
	if it.Title != "API errors" || it.Link != "https://status.acme.test/incidents/inc1/" ||
		it.GUID.ID != it.Link || it.GUID.IsPermaLink != "true" || it.Author != "" {
		t.Errorf("item %+v", it)
	}
	if it.PubDate != "Mon, 03 Nov 2025 14:00:00 +0000" {
		t.Errorf("pubDate %q", it.PubDate)
	}
	if it.Description != "Use &lt;b&gt; now" {
		t.Errorf("description %q, want the summary escaped", it.Description)
	}
	if !strings.Contains(it.Content, "<code>&lt;b&gt;</code>") || !strings.Contains(it.Content, "<strong>Résolu</strong>") {
		t.Errorf("content:\n%s", it.Content)
	}
}

type jsonDoc struct {
	Version     string `json:"version"`
	Title       string `json:"title"`
	HomePageURL string `json:"home_page_url"`
	FeedURL     string `json:"feed_url"`
	Description string `json:"description"`
	Items       []struct {
		ID            string          `json:"id"`
		URL           string          `json:"url"`
		Title         string          `json:"title"`
		ContentHTML   string          `json:"content_html"`
		Summary       string          `json:"summary"`
		DatePublished time.Time       `json:"date_published"`
		DateModified  time.Time       `json:"date_modified"`
		Authors       json.RawMessage `json:"authors"`
	} `json:"items"`
}

func TestJSON(t *testing.T) {
	st, page := testState()
	o := testOptions()
	o.FeedURL = "https://status.acme.test/history.json"
	out, err := JSON(Items(st, page, ""), o)
	if err != nil {
		t.Fatal(err)
	}
	var doc jsonDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("parse: %v\n%s", err, out)
	}
	if doc.Version != "https://jsonfeed.org/version/1.1" || doc.Title != "Acme Cloud status" ||
		doc.HomePageURL != "https://status.acme.test/" || doc.FeedURL != o.FeedURL {
		t.Errorf("feed %+v", doc)
	}
	if len(doc.Items) != 3 {
		t.Fatalf("%d items", len(doc.Items))
	}
	it := doc.Items[0]
	if it.ID != "https://status.acme.test/incidents/inc2/" || it.URL != it.ID || it.Title != "Website slow" {
		t.Errorf("item %+v", it)
	}
	if !it.DatePublished.Equal(at(120)) || !it.DateModified.Equal(at(200)) {
		t.Errorf("dates %v %v", it.DatePublished, it.DateModified)
	}
	if it.Summary != "A fix is deployed. <script>alert(1)</script> x" {
		t.Errorf("summary %q", it.Summary)
	}
	if it.Authors != nil {
		t.Errorf("authors %s", it.Authors)
	}
}

func TestDeterministicAndLimit(t *testing.T) {
	st, page := testState()
	o := testOptions()
	for name, write := range map[string]func([]Item, Options) ([]byte, error){"atom": Atom, "rss": RSS, "json": JSON} {
		a, err := write(Items(st, page, ""), o)
		if err != nil {
			t.Fatal(err)
		}
		// Same input, items in another order: same bytes.
		items := Items(st, page, "")
		items[0], items[2] = items[2], items[0]
		b, err := write(items, o)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: output differs between calls:\n%s\n---\n%s", name, a, b)
		}
	}

	var many []Item
	for i := range 80 {
		many = append(many, Item{Kind: KindIncident, ID: fmt.Sprintf("i%02d", i), Name: "x", Created: at(i), Updated: at(i)})
	}
	out, err := Atom(many, o)
	if err != nil {
		t.Fatal(err)
	}
	var doc atomDoc
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Entries) != DefaultLimit || doc.Entries[0].ID != "https://status.acme.test/incidents/i79/" {
		t.Errorf("%d entries, first %q", len(doc.Entries), doc.Entries[0].ID)
	}
	o.Limit = 5
	out, _ = JSON(many, o)
	var jd jsonDoc
	if err := json.Unmarshal(out, &jd); err != nil {
		t.Fatal(err)
	}
	if len(jd.Items) != 5 {
		t.Errorf("limit 5: %d items", len(jd.Items))
	}
}

func TestEmptyFeed(t *testing.T) {
	o := Options{Title: "Empty", SiteURL: "https://status.acme.test"} // no trailing slash, no StatusText
	out, err := Atom(nil, o)
	if err != nil {
		t.Fatal(err)
	}
	var doc atomDoc
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Updated != "1970-01-01T00:00:00Z" || doc.ID != "https://status.acme.test/" || len(doc.Entries) != 0 {
		t.Errorf("empty feed: updated %q id %q, %d entries", doc.Updated, doc.ID, len(doc.Entries))
	}
	o.Updated = time.Date(2025, 1, 2, 3, 4, 5, 0, paris)
	out, _ = Atom(nil, o)
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Updated != "2025-01-02T02:04:05Z" {
		t.Errorf("fallback updated %q", doc.Updated)
	}
	for _, write := range []func([]Item, Options) ([]byte, error){RSS, JSON} {
		if _, err := write(nil, o); err != nil {
			t.Error(err)
		}
	}

	// Default status text and link joining without a trailing slash.
	it := Item{Kind: KindMaintenance, ID: "m9", Name: "Work", Created: at(0), Updated: at(0),
		Updates: []watchfire.IncidentUpdate{update("u", "in_progress", "", 0)}}
	out, _ = Atom([]Item{it}, o)
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if e := doc.Entries[0]; e.ID != "https://status.acme.test/maintenances/m9/" ||
		!strings.Contains(e.Content.Text, "<strong>In progress</strong>") {
		t.Errorf("entry %q:\n%s", e.ID, e.Content.Text)
	}
}
