// Package feed writes a page's incident history and scheduled
// maintenances as Atom, RSS 2.0 and JSON Feed 1.1 documents, through
// gorilla/feeds.
//
// Items picks the incidents and maintenances of a page (or of one of its
// components); Atom, RSS and JSON write them. Every entry has the item's
// URL as its stable id, is published when the incident or maintenance was
// created and updated at its latest update, carries the whole timeline as
// HTML (newest first, bodies rendered and sanitized by package markdown)
// and the latest update as a plain-text summary.
//
// Output depends only on the arguments: the same items and options give
// the same bytes. Machine-readable times are written in UTC; the times in
// the HTML timeline are in Options.Location.
package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/markdown"
)

// DefaultLimit is the number of items a feed holds when Options.Limit is
// not set.
const DefaultLimit = 50

// Options describe one feed document.
type Options struct {
	Title, Description string // already localized by the caller
	// SiteURL is the absolute URL of the page, e.g.
	// https://status.acme.test/ ; items link to SiteURL + "incidents/{id}/"
	// and SiteURL + "maintenances/{id}/".
	SiteURL string
	FeedURL string // absolute URL of this feed (self link)
	// Location is the page's time zone for the times in the HTML
	// timeline; nil means UTC.
	Location *time.Location
	// StatusText returns the localized name of an incident, maintenance
	// or component status, e.g. "investigating" -> "Investigating"; nil
	// capitalizes the status and replaces underscores with spaces.
	StatusText func(status string) string
	Limit      int // most recent items; 0 means DefaultLimit
	// Updated is the feed's updated time when it has no items (the
	// state's UpdatedAt, say); with no items and no Updated, the feed
	// says the Unix epoch, so that output never depends on the clock.
	Updated time.Time
}

// Kind says whether an Item is an incident or a maintenance.
type Kind string

const (
	KindIncident    Kind = "incident"
	KindMaintenance Kind = "maintenance"
)

// Item is one feed entry: an incident or a scheduled maintenance.
type Item struct {
	Kind   Kind
	ID     string
	Name   string
	Status string           // watchfire.IncidentStatus or watchfire.MaintenanceStatus
	Impact watchfire.Impact // incidents; ImpactMaintenance for maintenances
	// Created is when the incident or maintenance was created (published);
	// Updated the time of its latest update (or Created when it has none).
	Created, Updated time.Time
	// ScheduledFor and ScheduledUntil are the maintenance window; zero for
	// incidents.
	ScheduledFor, ScheduledUntil time.Time
	Postmortem                   string                     // markdown; incidents only
	Updates                      []watchfire.IncidentUpdate // newest first
}

// Path returns the item's URL path relative to the page:
// "incidents/{id}/" or "maintenances/{id}/".
func (it *Item) Path() string {
	if it.Kind == KindMaintenance {
		return "maintenances/" + url.PathEscape(it.ID) + "/"
	}
	return "incidents/" + url.PathEscape(it.ID) + "/"
}

// Items returns the incidents and maintenances of the page, or of one
// component of it when componentID is not "", newest activity first: an
// incident belongs when State.IncidentOnPage says so and, for a
// component, when it affects (or affected, in any update) the component;
// a maintenance likewise with State.MaintenanceOnPage and its components.
// A component the page does not show has no items.
func Items(st *watchfire.State, page *watchfire.Page, componentID string) []Item {
	if st == nil || page == nil {
		return nil
	}
	if componentID != "" && !page.Shows(componentID) {
		return nil
	}
	var items []Item
	for i := range st.Incidents {
		inc := &st.Incidents[i]
		if !st.IncidentOnPage(page, inc) {
			continue
		}
		if componentID != "" && !incidentAffects(inc, componentID) {
			continue
		}
		it := Item{
			Kind: KindIncident, ID: inc.ID, Name: inc.Name, Status: string(inc.Status),
			Impact: inc.Impact, Created: inc.CreatedAt, Postmortem: inc.Postmortem,
			Updates: sortedUpdates(inc.Updates),
		}
		if it.Created.IsZero() {
			it.Created = inc.StartedAt
		}
		it.Updated = latest(it.Updates, it.Created, inc.UpdatedAt)
		items = append(items, it)
	}
	for i := range st.Maintenances {
		m := &st.Maintenances[i]
		if !st.MaintenanceOnPage(page, m) {
			continue
		}
		if componentID != "" && !maintenanceAffects(m, componentID) {
			continue
		}
		it := Item{
			Kind: KindMaintenance, ID: m.ID, Name: m.Name, Status: string(m.Status),
			Impact: watchfire.ImpactMaintenance, Created: m.CreatedAt,
			ScheduledFor: m.ScheduledFor, ScheduledUntil: m.ScheduledUntil,
			Updates: sortedUpdates(m.Updates),
		}
		it.Updated = latest(it.Updates, it.Created, m.UpdatedAt)
		items = append(items, it)
	}
	sortItems(items)
	return items
}

func incidentAffects(inc *watchfire.Incident, componentID string) bool {
	if inc.AutoComponent == componentID {
		return true
	}
	for _, ac := range inc.Components {
		if ac.ComponentID == componentID {
			return true
		}
	}
	for _, u := range inc.Updates {
		for _, ac := range u.AffectedComponents {
			if ac.ComponentID == componentID {
				return true
			}
		}
	}
	return false
}

func maintenanceAffects(m *watchfire.Maintenance, componentID string) bool {
	for _, id := range m.Components {
		if id == componentID {
			return true
		}
	}
	return false
}

// updateTime is when an update is shown as posted.
func updateTime(u *watchfire.IncidentUpdate) time.Time {
	if !u.DisplayAt.IsZero() {
		return u.DisplayAt
	}
	return u.CreatedAt
}

// sortedUpdates returns a copy of updates, newest first.
func sortedUpdates(updates []watchfire.IncidentUpdate) []watchfire.IncidentUpdate {
	out := append([]watchfire.IncidentUpdate(nil), updates...)
	sort.SliceStable(out, func(i, j int) bool {
		return updateTime(&out[i]).After(updateTime(&out[j]))
	})
	return out
}

// latest is the time of the newest update; without updates, the object's
// own updated time, and never before created.
func latest(updates []watchfire.IncidentUpdate, created, updatedAt time.Time) time.Time {
	t := updatedAt
	if len(updates) > 0 {
		t = updateTime(&updates[0])
	}
	if t.Before(created) || t.IsZero() {
		t = created
	}
	return t
}

func sortItems(items []Item) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := &items[i], &items[j]
		if !a.Updated.Equal(b.Updated) {
			return a.Updated.After(b.Updated)
		}
		if !a.Created.Equal(b.Created) {
			return a.Created.After(b.Created)
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.ID < b.ID
	})
}

// build turns items into a gorilla/feeds Feed, newest o.Limit first.
func build(items []Item, o Options) *feeds.Feed {
	o = o.withDefaults()
	sorted := append([]Item(nil), items...)
	sortItems(sorted)
	if len(sorted) > o.Limit {
		sorted = sorted[:o.Limit]
	}
	f := &feeds.Feed{
		Title:       o.Title,
		Description: o.Description,
		Link:        &feeds.Link{Href: o.SiteURL},
		Id:          o.FeedURL,
		Updated:     o.Updated.UTC(),
	}
	if len(sorted) > 0 {
		f.Updated = sorted[0].Updated.UTC()
	}
	if f.Updated.IsZero() {
		f.Updated = time.Unix(0, 0).UTC()
	}
	for i := range sorted {
		it := &sorted[i]
		link := o.SiteURL + it.Path()
		f.Items = append(f.Items, &feeds.Item{
			Title:       it.Name,
			Link:        &feeds.Link{Href: link},
			Id:          link,
			IsPermaLink: "true",
			Created:     it.Created.UTC(),
			Updated:     it.Updated.UTC(),
			Description: summary(it),
			Content:     content(it, o),
		})
	}
	return f
}

func (o Options) withDefaults() Options {
	if o.Limit <= 0 {
		o.Limit = DefaultLimit
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.StatusText == nil {
		o.StatusText = defaultStatusText
	}
	if o.SiteURL != "" && !strings.HasSuffix(o.SiteURL, "/") {
		o.SiteURL += "/"
	}
	return o
}

func defaultStatusText(status string) string {
	s := strings.ReplaceAll(status, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// summary is the plain text of the latest update with a body.
func summary(it *Item) string {
	for _, u := range it.Updates {
		if s := markdown.Plain(u.Body); s != "" {
			return s
		}
	}
	return ""
}

// humanTime is how the timeline shows a time: numeric, so that it reads
// the same in every language, in the page's zone.
const humanTime = "2006-01-02 15:04 MST"

// content is the HTML of the item: the maintenance window, the
// postmortem, then every update, newest first, with its status and time.
func content(it *Item, o Options) string {
	var b strings.Builder
	if it.Kind == KindMaintenance && !it.ScheduledFor.IsZero() {
		b.WriteString("<p>")
		writeTime(&b, it.ScheduledFor, o.Location)
		if !it.ScheduledUntil.IsZero() {
			b.WriteString(" – ")
			writeTime(&b, it.ScheduledUntil, o.Location)
		}
		b.WriteString("</p>\n")
	}
	if strings.TrimSpace(it.Postmortem) != "" {
		b.WriteString("<h3>")
		b.WriteString(html.EscapeString(o.StatusText(string(watchfire.IncidentPostmortem))))
		b.WriteString("</h3>\n")
		b.WriteString(string(markdown.Render(it.Postmortem)))
		b.WriteString("\n")
	}
	for i := range it.Updates {
		u := &it.Updates[i]
		b.WriteString("<p><strong>")
		b.WriteString(html.EscapeString(o.StatusText(u.Status)))
		b.WriteString("</strong> – <small>")
		writeTime(&b, updateTime(u), o.Location)
		b.WriteString("</small></p>\n")
		if body := markdown.Render(u.Body); body != "" {
			b.WriteString(string(body))
			b.WriteString("\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func writeTime(b *strings.Builder, t time.Time, loc *time.Location) {
	b.WriteString(`<time datetime="`)
	b.WriteString(t.UTC().Format(time.RFC3339))
	b.WriteString(`">`)
	b.WriteString(html.EscapeString(t.In(loc).Format(humanTime)))
	b.WriteString("</time>")
}

// atomFeed is gorilla/feeds' AtomFeed with room for both the alternate
// and the self link, and a feed-level author (Atom requires one when
// entries have none).
type atomFeed struct {
	XMLName  xml.Name `xml:"feed"`
	Xmlns    string   `xml:"xmlns,attr"`
	Title    string   `xml:"title"`
	ID       string   `xml:"id"`
	Updated  string   `xml:"updated"`
	Subtitle string   `xml:"subtitle,omitempty"`
	Links    []feeds.AtomLink
	Author   *feeds.AtomAuthor
	Entries  []*feeds.AtomEntry `xml:"entry"`
}

// Atom returns the items as an Atom 1.0 document.
func Atom(items []Item, o Options) ([]byte, error) {
	f := build(items, o)
	af := (&feeds.Atom{Feed: f}).AtomFeed()
	out := atomFeed{
		Xmlns:    af.Xmlns,
		Title:    af.Title,
		ID:       o.FeedURL,
		Updated:  af.Updated,
		Subtitle: af.Subtitle,
		Author:   &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: o.Title}},
		Entries:  af.Entries,
	}
	if out.ID == "" {
		out.ID = f.Link.Href
	}
	if f.Link.Href != "" {
		out.Links = append(out.Links, feeds.AtomLink{Href: f.Link.Href, Rel: "alternate", Type: "text/html"})
	}
	if o.FeedURL != "" {
		out.Links = append(out.Links, feeds.AtomLink{Href: o.FeedURL, Rel: "self", Type: "application/atom+xml"})
	}
	for i, e := range out.Entries {
		it := f.Items[i]
		e.Published = it.Created.Format(time.RFC3339)
		e.Updated = it.Updated.Format(time.RFC3339)
		e.Links[0].Type = "text/html"
		if e.Summary != nil {
			e.Summary.Type = "text" // markdown.Plain is text, not HTML
		}
	}
	return marshalXML(out)
}

// RSS returns the items as an RSS 2.0 document, the timeline in
// content:encoded and the summary, escaped, in description.
func RSS(items []Item, o Options) ([]byte, error) {
	f := build(items, o)
	for _, it := range f.Items {
		// RSS descriptions are HTML: keep the plain summary literal.
		it.Description = html.EscapeString(it.Description)
	}
	return marshalXML((&feeds.Rss{Feed: f}).FeedXml())
}

// JSON returns the items as a JSON Feed 1.1 document.
func JSON(items []Item, o Options) ([]byte, error) {
	f := build(items, o)
	jf := (&feeds.JSON{Feed: f}).JSONFeed()
	jf.FeedUrl = o.FeedURL
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(jf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
