package site

import (
	"encoding/json"
	"html/template"
	"net/url"
	"sync"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/markdown"
)

// view is what every template gets: the language, where links lead, and
// the page-specific Body.
type view struct {
	L    *Catalog
	Page *watchfire.Page
	Loc  *time.Location
	Now  time.Time

	// Root leads from the document to its language's root, Base to the
	// site's root (assets, API, feeds); they differ only in an export,
	// where each language but the default has its own directory.
	Root, Base string
	// Query keeps a language chosen by ?locale= on links ("" or "?locale=fr").
	Query string
	Path  string // the document's path from the page root, e.g. "/history/"

	Title       string
	Indicator   watchfire.Indicator
	Banner      string
	Export      bool
	Version     string
	Languages   []langLink
	LiveStrings template.JS // JSON the script uses to relabel statuses
	EventID     int64       // the newest event the document reflects: where the live stream resumes

	Body any
}

type langLink struct {
	Tag, Name, Href string
	Current         bool
}

// Link returns the href of a page path ("history/", "incidents/x/").
func (v *view) Link(p string) string {
	if v.Query != "" && !v.Export {
		return v.Root + p + v.Query
	}
	return v.Root + p
}

// File returns the href of a language-independent file: an asset, a
// feed, a badge, the API.
func (v *view) File(p string) string { return v.Base + p }

// Asset returns the href of an asset, versioned for long caching.
func (v *view) Asset(name string) string {
	return v.Base + "assets/" + name + "?v=" + assetVersion(name)
}

// Status is the localized name of a component status.
func (v *view) Status(s watchfire.ComponentStatus) string { return v.L.T("status." + string(s)) }

// IncidentStatus is the localized name of an incident status.
func (v *view) IncidentStatus(s string) string { return v.L.T("incident.status." + s) }

// MaintenanceStatus is the localized name of a maintenance status.
func (v *view) MaintenanceStatus(s string) string { return v.L.T("maintenance.status." + s) }

// Impact is the localized name of an impact.
func (v *view) Impact(i watchfire.Impact) string { return v.L.T("impact." + string(i)) }

// DateTime formats a time in the page's zone.
func (v *view) DateTime(t time.Time) string { return v.L.DateTime(t.In(v.Loc)) }

// ISO is a machine-readable time for <time datetime>.
func (v *view) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// MD renders operator markdown safely.
func (v *view) MD(src string) template.HTML { return markdown.Render(src) }

// T translates.
func (v *view) T(key string, args ...any) string { return v.L.T(key, args...) }

// liveStrings is the JSON the page script reads to relabel statuses and
// the banner without a round trip; one per language.
var liveStrings sync.Map // tag → template.JS

func liveStringsFor(c *Catalog) template.JS {
	if v, ok := liveStrings.Load(c.Tag); ok {
		return v.(template.JS)
	}
	m := map[string]string{"locale": c.Tag}
	for _, prefix := range []string{"status.", "banner.", "incident.status.", "impact.", "live."} {
		for k := range catalogs["en"].Messages {
			if len(k) > len(prefix) && k[:len(prefix)] == prefix {
				m[k] = c.T(k)
			}
		}
	}
	m["incident.latest"] = c.T("incident.latest")
	m["home.active"] = c.T("home.active")
	data, _ := json.Marshal(m)
	js := template.JS(data)
	liveStrings.Store(c.Tag, js)
	return js
}

// bannerKey maps a page indicator and its English description to the
// catalog key of the banner.
func bannerKey(ind watchfire.Indicator, description string) string {
	if ind == watchfire.IndicatorMinor && description == "Partially Degraded Service" {
		return "banner.minor_degraded"
	}
	return "banner." + string(ind)
}

// queryFor is the query that keeps a language on links: none for the
// page's default language.
func queryFor(locale string, page *watchfire.Page) string {
	if locale == Negotiate("", "", page.Locale) {
		return ""
	}
	return "?locale=" + url.QueryEscape(locale)
}
