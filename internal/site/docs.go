package site

import (
	"strings"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/badge"
	"github.com/watchfire-status/watchfire/internal/feed"
	"github.com/watchfire-status/watchfire/internal/snapshot"
)

// feed renders the page's Atom, RSS or JSON feed, or one component's.
func (r *renderer) feed(componentID, file string) (*snapshot.Doc, error) {
	v, p := r.v, r.page
	site := strings.TrimSuffix(p.URL, "/") + "/"
	if p.URL == "" {
		site = "/"
	}
	o := feed.Options{
		Title:       v.T("feed.title", "page", p.Name),
		Description: v.T("feed.description", "page", p.Name),
		SiteURL:     site,
		FeedURL:     site + file,
		Location:    r.loc,
		Updated:     r.s.State.UpdatedAt,
		StatusText: func(status string) string {
			for _, prefix := range []string{"incident.status.", "maintenance.status.", "status."} {
				if _, ok := catalogs["en"].Messages[prefix+status]; ok {
					return v.T(prefix + status)
				}
			}
			return status
		},
	}
	if componentID != "" {
		c := r.s.State.Component(componentID)
		if c == nil || !p.Shows(componentID) {
			return nil, missing("no component %s on this page", componentID)
		}
		o.Title = v.T("feed.component_title", "page", p.Name, "component", c.Name)
		o.FeedURL = site + "components/" + componentID + "/" + file
	}
	items := feed.Items(r.s.State, p, componentID)
	var (
		body []byte
		err  error
		ct   string
	)
	switch file {
	case "history.atom":
		body, err = feed.Atom(items, o)
		ct = TypeAtom
	case "history.rss":
		body, err = feed.RSS(items, o)
		ct = TypeRSS
	default:
		body, err = feed.JSON(items, o)
		ct = TypeJSON
	}
	if err != nil {
		return nil, err
	}
	return snapshot.NewDoc(body, ct), nil
}

// statusBadge is a component's status as an SVG badge.
func (r *renderer) statusBadge(componentID string) (*snapshot.Doc, error) {
	c := r.s.State.Component(componentID)
	if c == nil || !r.page.Shows(componentID) {
		return nil, missing("no component %s on this page", componentID)
	}
	return snapshot.NewDoc(badge.Status(c.Name, r.v.Status(c.Status), c.Status), TypeSVG), nil
}

// uptimeBadge is a component's uptime over a window as an SVG badge.
func (r *renderer) uptimeBadge(componentID, window string) (*snapshot.Doc, error) {
	c := r.s.State.Component(componentID)
	if c == nil || !r.page.Shows(componentID) {
		return nil, missing("no component %s on this page", componentID)
	}
	label := r.v.T("badge.uptime", "window", window)
	cd := r.s.Data.Components[componentID]
	var pct float64
	ok := false
	if cd != nil {
		pct, ok = cd.Uptime[window]
	}
	if !ok {
		return snapshot.NewDoc(badge.Uptime(label, r.v.T("badge.no_data"), 0, true), TypeSVG), nil
	}
	return snapshot.NewDoc(badge.Uptime(label, r.v.L.Percent(pct), pct, false), TypeSVG), nil
}

// NotFoundBadge is the badge answered, with a 404, for an unknown component.
func NotFoundBadge(locale string) *snapshot.Doc {
	c := CatalogFor(locale)
	return snapshot.NewDoc(badge.NotFound(c.T("badge.status"), c.T("badge.not_found")), TypeSVG)
}

// ComponentIDs lists the components a page shows, for the export.
func (s *Site) ComponentIDs(page *watchfire.Page) []string {
	var out []string
	for _, c := range s.State.PageComponents(page) {
		out = append(out, c.ID)
	}
	return out
}
