// Package yandexcloud reads Yandex Cloud's status page,
// status.yandex.cloud, through the JSON API its web app uses:
//
//   - /api/services?incidents=all&lang={lang}: every service of every
//     installation (ru, kz), each with its recent incidents embedded;
//   - /api/incidents?lang={lang}&installation=all: the latest incidents
//     ({"items":[…],"count":N}, 20 a page, newest first), with the
//     services they affect and their comments;
//   - /api/incidents/{id}?lang={lang}: one incident, with the postmortem
//     report when one is published.
//
// Components are the services, one per installation ("Russia / Compute
// Cloud"), with the status of their worst open incident: the API has no
// per-service status of its own. The language is the page's first path
// segment (status.yandex.cloud/en/…) or Russian, the site's default; titles
// and texts pass through as written. Comments and reports are HTML, turned
// into plain text.
package yandexcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Name is the provider's name in the config.
const Name = "yandexcloud"

const (
	servicesPath  = "/api/services"
	incidentsPath = "/api/incidents"
	pageURL       = "https://status.yandex.cloud"
	defaultLang   = "ru"
)

type yandexCloud struct{}

// New returns the Yandex Cloud provider.
func New() provider.Provider { return yandexCloud{} }

func (yandexCloud) Name() string { return Name }

// Detect claims status.yandex.cloud.
func (yandexCloud) Detect(page *url.URL) bool { return provider.HostIs(page, "status.yandex.cloud") }

// lang is the page's language: its first path segment when it is one the
// site serves, Russian otherwise.
func lang(page *url.URL) string {
	first, _, _ := strings.Cut(strings.TrimPrefix(page.Path, "/"), "/")
	switch first = strings.ToLower(first); first {
	case "ru", "en":
		return first
	}
	return defaultLang
}

// Current reads the services and the latest incidents, and keeps the
// open ones.
func (yandexCloud) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	l := lang(page)
	var services []serviceDoc
	if err := get(ctx, c, provider.Resolve(page, servicesPath+"?incidents=all&lang="+l), &services); err != nil {
		return nil, err
	}
	var list listDoc
	if err := get(ctx, c, provider.Resolve(page, incidentsPath+"?lang="+l+"&installation=all"), &list); err != nil {
		return nil, err
	}
	if list.Items == nil {
		return nil, provider.Formatf("the incident list has no items[]: not Yandex Cloud's")
	}
	rep, err := report(services, *list.Items, l, true)
	if err != nil {
		return nil, err
	}
	rep.Page.URL = page.String()
	return rep, nil
}

// History reads the latest incidents, open and closed: the first page of
// the list, the 20 newest.
func (yandexCloud) History(ctx context.Context, c provider.Client, page *url.URL) ([]watchfire.UpstreamIncident, error) {
	l := lang(page)
	var list listDoc
	if err := get(ctx, c, provider.Resolve(page, incidentsPath+"?lang="+l+"&installation=all"), &list); err != nil {
		return nil, err
	}
	if list.Items == nil {
		return nil, provider.Formatf("the incident list has no items[]: not Yandex Cloud's")
	}
	rep, err := report(nil, *list.Items, l, false)
	if err != nil {
		return nil, err
	}
	return rep.Incidents, nil
}

func get(ctx context.Context, c provider.Client, addr string, v any) error {
	resp, err := c.Get(ctx, addr)
	if err != nil {
		return err
	}
	return provider.DecodeJSON(resp, v)
}

// Parse normalizes any of the three documents: the services (an array),
// the incident list (an object with items) or one incident.
func (yandexCloud) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	text, err := provider.Text(body)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(bytes.TrimLeft(text, " \t\r\n"), []byte("[")) {
		var services []serviceDoc
		if err := provider.UnmarshalJSON(text, &services); err != nil {
			return nil, err
		}
		if len(services) == 0 {
			return nil, provider.Formatf("an empty JSON array could be any provider's list")
		}
		return report(services, nil, defaultLang, false)
	}
	var doc objectDoc
	if err := provider.UnmarshalJSON(text, &doc); err != nil {
		return nil, err
	}
	if doc.Items != nil {
		return report(nil, *doc.Items, defaultLang, false)
	}
	return report(nil, []incidentDoc{doc.incidentDoc}, defaultLang, false)
}

// objectDoc is the incident list or one incident: Parse tells them apart
// by items.
type objectDoc struct {
	Items *[]incidentDoc `json:"items"`
	incidentDoc
}

type listDoc struct {
	Items *[]incidentDoc `json:"items"`
}

// serviceDoc is one service of the services list. Pointers tell a missing
// key from an empty one: name and slug are what make an entry Yandex's.
// The embedded SVG icons are left out so that the decoder skips them.
type serviceDoc struct {
	ID               flexString    `json:"id"`
	Name             *string       `json:"name"`
	Slug             *string       `json:"slug"`
	InstallationCode string        `json:"installationCode"`
	Incidents        []incidentDoc `json:"incidents"`
}

// incidentDoc is an incident, in the list, alone, or embedded in a
// service (then without services and comments, with zones instead of
// installations).
type incidentDoc struct {
	ID                  flexString   `json:"id"`
	Title               *string      `json:"title"`
	Status              string       `json:"status"`
	LevelID             *flexString  `json:"levelId"`
	Level               level        `json:"level"`
	StartDate           flexString   `json:"startDate"`
	EndDate             flexString   `json:"endDate"`
	CreatedAt           flexString   `json:"createdAt"`
	UpdatedAt           flexString   `json:"updatedAt"`
	Report              flexString   `json:"report"`
	IsReportPublished   bool         `json:"isReportPublished"`
	ReportPublishedTime flexString   `json:"reportPublishedTime"`
	Services            []serviceRef `json:"services"`
	Comments            []commentDoc `json:"comments"`
	Installations       []installRef `json:"installations"`
	Zones               []zoneRef    `json:"zones"`
	service             *serviceDoc  // the service it is embedded in, if any
}

type serviceRef struct {
	ID   flexString `json:"id"`
	Name string     `json:"name"`
}

type commentDoc struct {
	Content   string     `json:"content"`
	Type      string     `json:"type"`
	CreatedAt flexString `json:"createdAt"`
}

type installRef struct {
	Code string `json:"code"`
}

type zoneRef struct {
	Installation struct {
		Code string `json:"code"`
	} `json:"installation"`
}

// level is the incident's level object; anything but an object is
// ignored.
type level struct {
	Level int    `json:"level"`
	Label string `json:"label"`
}

func (l *level) UnmarshalJSON(b []byte) error {
	type plain level
	var p plain
	if json.Unmarshal(b, &p) == nil {
		*l = level(p)
	}
	return nil
}

// flexString takes a JSON string or number as a string and ignores
// anything else (null above all: endDate, report).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*f = flexString(n.String())
	}
	return nil
}

// report builds a report from the services and the listed incidents.
// With openOnly (Current) only open incidents are kept; Parse and History
// keep all, as the documents have them.
func report(services []serviceDoc, listed []incidentDoc, l string, openOnly bool) (*watchfire.UpstreamReport, error) {
	rep := &watchfire.UpstreamReport{Provider: Name, Page: watchfire.UpstreamPage{Name: "Yandex Cloud", URL: pageURL}}
	all := make([]*incidentDoc, 0, len(listed))
	for i := range listed {
		all = append(all, &listed[i])
	}
	byID := map[string]int{}
	for i := range all {
		byID[string(all[i].ID)] = i
	}
	type key struct{ code, id string }
	comps := map[key]int{}
	for i := range services {
		s := &services[i]
		if s.Name == nil || s.Slug == nil || strings.TrimSpace(*s.Name) == "" {
			return nil, provider.Formatf("a service lacks name or slug: not Yandex Cloud's services list")
		}
		code := strings.ToLower(strings.TrimSpace(s.InstallationCode))
		id := string(s.ID)
		if id == "" {
			id = *s.Slug
		}
		compID := id
		if code != "" {
			compID = code + ":" + id
		}
		comps[key{code, string(s.ID)}] = len(rep.Components)
		rep.Components = append(rep.Components, watchfire.UpstreamComponent{
			ID: compID, Name: strings.TrimSpace(*s.Name), Group: InstallationName(code), Status: watchfire.StatusOperational,
		})
		// Embedded incidents name no services: they are this one's. The
		// list's copy of an incident, with comments, wins.
		for j := range s.Incidents {
			in := &s.Incidents[j]
			in.service = s
			if k, ok := byID[string(in.ID)]; ok && in.ID != "" {
				if all[k].service == nil && len(all[k].Services) == 0 {
					all[k].Services = append(all[k].Services, serviceRef{ID: s.ID, Name: *s.Name})
				}
				continue
			}
			byID[string(in.ID)] = len(all)
			all = append(all, in)
		}
	}
	for _, in := range all {
		inc, err := mapIncident(in, l)
		if err != nil {
			return nil, err
		}
		if openOnly && inc.Status.Closed() {
			continue
		}
		rep.UpdatedAt = provider.Later(rep.UpdatedAt, inc.UpdatedAt)
		if !inc.Status.Closed() {
			// An open incident marks its services in its installations
			// (all of them when it names none).
			st := ImpactStatus(inc.Impact)
			codes := in.codes()
			refs := in.Services
			if in.service != nil {
				refs = []serviceRef{{ID: in.service.ID, Name: *in.service.Name}}
				if len(codes) == 0 && in.service.InstallationCode != "" {
					codes = []string{strings.ToLower(in.service.InstallationCode)}
				}
			}
			for k, ci := range comps {
				if !slices.ContainsFunc(refs, func(r serviceRef) bool { return string(r.ID) == k.id }) ||
					(len(codes) > 0 && !slices.Contains(codes, k.code)) {
					continue
				}
				c := &rep.Components[ci]
				if c.Status.Severity() < st.Severity() {
					c.Status, c.VendorStatus = st, in.Level.Label
				}
			}
		}
		rep.Incidents = append(rep.Incidents, inc)
	}
	slices.SortStableFunc(rep.Incidents, func(a, b watchfire.UpstreamIncident) int { return b.StartedAt.Compare(a.StartedAt) })
	return rep, nil
}

// codes are the installations an incident names.
func (in *incidentDoc) codes() []string {
	var out []string
	add := func(c string) {
		if c = strings.ToLower(strings.TrimSpace(c)); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	for _, i := range in.Installations {
		add(i.Code)
	}
	for _, z := range in.Zones {
		add(z.Installation.Code)
	}
	return out
}

func mapIncident(in *incidentDoc, l string) (watchfire.UpstreamIncident, error) {
	if in.Title == nil || in.LevelID == nil {
		return watchfire.UpstreamIncident{}, provider.Formatf("an incident lacks title or levelId: not Yandex Cloud's")
	}
	lvl, ok := atoi(string(*in.LevelID))
	if !ok {
		lvl = in.Level.Level
	}
	inc := watchfire.UpstreamIncident{
		ID:        string(in.ID),
		Name:      strings.TrimSpace(*in.Title),
		URL:       pageURL + "/" + l + "/incidents/" + url.PathEscape(string(in.ID)),
		Impact:    LevelImpact(lvl, in.Level.Label),
		StartedAt: when(in.StartDate),
		UpdatedAt: when(in.UpdatedAt),
	}
	if inc.StartedAt.IsZero() {
		inc.StartedAt = when(in.CreatedAt)
	}
	if in.service != nil {
		inc.Components = []string{strings.TrimSpace(*in.service.Name)}
	}
	for _, s := range in.Services {
		if n := strings.TrimSpace(s.Name); n != "" && !slices.Contains(inc.Components, n) {
			inc.Components = append(inc.Components, n)
		}
	}
	for _, c := range in.Comments {
		inc.Updates = append(inc.Updates, watchfire.UpstreamUpdate{
			Status: CommentStatus(c.Type), Body: plainText(c.Content), At: when(c.CreatedAt),
		})
	}
	slices.SortStableFunc(inc.Updates, func(a, b watchfire.UpstreamUpdate) int { return b.At.Compare(a.At) })
	inc.Status = status(in.Status, inc.Updates)
	if report := plainText(string(in.Report)); report != "" {
		at := when(in.ReportPublishedTime)
		if at.IsZero() {
			at = inc.UpdatedAt
		}
		inc.Updates = append([]watchfire.UpstreamUpdate{{Status: string(watchfire.IncidentPostmortem), Body: report, At: at}}, inc.Updates...)
		slices.SortStableFunc(inc.Updates, func(a, b watchfire.UpstreamUpdate) int { return b.At.Compare(a.At) })
		if in.IsReportPublished && inc.Status.Closed() {
			inc.Status = watchfire.IncidentPostmortem
		}
	}
	if inc.Status.Closed() {
		end := when(in.EndDate)
		if end.IsZero() {
			for _, u := range inc.Updates {
				if u.Status == string(watchfire.IncidentResolved) {
					end = u.At
					break
				}
			}
		}
		if !end.IsZero() {
			inc.ResolvedAt = &end
		}
	}
	if inc.UpdatedAt.IsZero() {
		inc.UpdatedAt = provider.Later(inc.StartedAt, provider.LastUpdate(inc.Updates))
	}
	return inc, nil
}

// status is an incident's status from its status field and its comments
// (newest first). A closed status closes it. An open one takes the
// newest comment that changes the status ("update" comments do not): the
// list has an incident (1014) still "open" after its "resolved" comment
// said the incident was closed, with its endDate set.
func status(s string, updates []watchfire.UpstreamUpdate) watchfire.IncidentStatus {
	if closedStatuses[strings.ToLower(strings.TrimSpace(s))] {
		return watchfire.IncidentResolved
	}
	for _, u := range updates {
		if st := watchfire.IncidentStatus(u.Status); st.Valid() {
			return st
		}
	}
	return watchfire.IncidentInvestigating
}

// when parses a timestamp, zero when missing or malformed.
func when(s flexString) time.Time {
	t, err := provider.Time(string(s))
	if err != nil {
		return time.Time{}
	}
	return t
}
