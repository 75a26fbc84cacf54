// Package cachet reads Cachet 2.x status pages through their public v1
// API: /api/v1/components, /api/v1/components/groups, /api/v1/incidents
// and /api/v1/schedules, each a paginated {meta, data[]} list.
//
// Cachet writes times without a zone ("2026-09-12 13:00:03"), in the
// install's own zone, which the API does not say. They are read in UTC
// unless the caller knows better: NewIn takes a zone, and a page address
// can carry one, https://status.example.com/?cachet_timezone=Europe/Paris.
package cachet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Name is the provider's name in the config.
const Name = "cachet"

// TimeZoneParam is the page-address query parameter that names the zone
// the install writes its times in (an IANA name).
const TimeZoneParam = "cachet_timezone"

// The API's lists, at the site's root.
const (
	ComponentsPath = "/api/v1/components"
	GroupsPath     = "/api/v1/components/groups"
	IncidentsPath  = "/api/v1/incidents"
	SchedulesPath  = "/api/v1/schedules"
)

const (
	perPage = 100
	// maxPages caps how many pages of one list a read follows (1,000
	// entries), so that a huge or looping pagination cannot run forever.
	maxPages = 10
)

type cachet struct {
	loc *time.Location   // the zone Cachet's zone-less times are in
	now func() time.Time // tells a pre-2.4 scheduled incident still to come from a past one
}

// New returns the Cachet provider, reading times in UTC.
func New() provider.Provider { return NewIn(time.UTC) }

// NewIn returns the Cachet provider for installs that write their times
// in loc.
func NewIn(loc *time.Location) provider.Provider {
	if loc == nil {
		loc = time.UTC
	}
	return &cachet{loc: loc, now: time.Now}
}

func (p *cachet) Name() string { return Name }

// Detect: Cachet is self-hosted, no domain says it.
func (p *cachet) Detect(*url.URL) bool { return false }

// location is the zone for a page: the address's cachet_timezone, else
// the provider's.
func (p *cachet) location(page *url.URL) (*time.Location, error) {
	name := strings.TrimSpace(page.Query().Get(TimeZoneParam))
	if name == "" {
		return p.loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%s=%q is not a time zone: %v", TimeZoneParam, name, err)
	}
	return loc, nil
}

// Current reads components (required), groups (for their names),
// incidents (for the unresolved ones) and schedules (Cachet 2.4+; a 404
// from an older install is no schedules).
func (p *cachet) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	loc, err := p.location(page)
	if err != nil {
		return nil, err
	}
	s := newSet()
	if err := p.readAll(ctx, c, page, ComponentsPath, "", s); err != nil {
		return nil, err
	}
	if err := p.readAll(ctx, c, page, GroupsPath, "", s); err != nil && !missing(err) {
		return nil, err
	}
	if err := p.readRecent(ctx, c, page, s); err != nil {
		return nil, err
	}
	if err := p.readAll(ctx, c, page, SchedulesPath, "", s); err != nil && !missing(err) {
		return nil, err
	}
	return p.report(s, page, loc), nil
}

// History reads every incident (up to maxPages pages), newest first, with
// the components for their names.
func (p *cachet) History(ctx context.Context, c provider.Client, page *url.URL) ([]watchfire.UpstreamIncident, error) {
	loc, err := p.location(page)
	if err != nil {
		return nil, err
	}
	s := newSet()
	if err := p.readAll(ctx, c, page, IncidentsPath, "&sort=id&order=desc", s); err != nil {
		return nil, err
	}
	if err := p.readAll(ctx, c, page, ComponentsPath, "", s); err != nil && !missing(err) {
		return nil, err
	}
	var out []watchfire.UpstreamIncident
	for i := range s.incidents {
		if in := &s.incidents[i]; !in.scheduled() {
			out = append(out, p.incident(in, s, page, loc))
		}
	}
	sortIncidents(out)
	return out, nil
}

// Parse normalizes any one of the four lists.
func (p *cachet) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	s := newSet()
	if _, err := s.add(body); err != nil {
		return nil, err
	}
	return p.report(s, nil, p.loc), nil
}

// missing reports whether an optional list is absent or closed on this
// install (older versions, or an API locked down).
func missing(err error) bool {
	var fe *provider.FetchError
	return errors.As(err, &fe) && (fe.Status == http.StatusNotFound || fe.Status == http.StatusUnauthorized || fe.Status == http.StatusForbidden)
}

func address(page *url.URL, path, query string, n int) string {
	a := provider.Resolve(page, path) + "?per_page=" + strconv.Itoa(perPage) + query
	if n > 1 {
		a += "&page=" + strconv.Itoa(n)
	}
	return a
}

// readPage fetches one page of a list into s and returns its pagination.
func (p *cachet) readPage(ctx context.Context, c provider.Client, addr string, s *set) (pagination, error) {
	resp, err := c.Get(ctx, addr)
	if err != nil {
		return pagination{}, err
	}
	var raw envelope
	if err := provider.DecodeJSON(resp, &raw); err != nil {
		return pagination{}, err
	}
	return s.addEnvelope(&raw)
}

// readAll reads every page of a list, up to maxPages.
func (p *cachet) readAll(ctx context.Context, c provider.Client, page *url.URL, path, query string, s *set) error {
	pg, err := p.readPage(ctx, c, address(page, path, query, 1), s)
	if err != nil {
		return err
	}
	for n := int64(2); n <= min(pg.TotalPages.v, maxPages); n++ {
		if _, err := p.readPage(ctx, c, address(page, path, query, int(n)), s); err != nil {
			return err
		}
	}
	return nil
}

// readRecent reads the newest incidents, where the unresolved ones are:
// the first page sorted by id, descending. Installs that ignore the sort
// answer oldest first; then the last page, which holds the newest, is
// read too.
func (p *cachet) readRecent(ctx context.Context, c provider.Client, page *url.URL, s *set) error {
	const query = "&sort=id&order=desc"
	pg, err := p.readPage(ctx, c, address(page, IncidentsPath, query, 1), s)
	if err != nil {
		return err
	}
	if last := pg.TotalPages.v; last > 1 && !descending(s.incidents) {
		_, err = p.readPage(ctx, c, address(page, IncidentsPath, query, int(min(last, 1<<20))), s)
	}
	return err
}

func descending(list []incident) bool {
	for i := 1; i < len(list); i++ {
		if list[i].ID.v > list[i-1].ID.v {
			return false
		}
	}
	return true
}

// report builds the report from what was read. page is nil for Parse.
func (p *cachet) report(s *set, page *url.URL, loc *time.Location) *watchfire.UpstreamReport {
	rep := &watchfire.UpstreamReport{Provider: Name, Page: watchfire.UpstreamPage{TimeZone: loc.String()}}
	if page != nil {
		rep.Page.URL = page.String()
	}
	for _, c := range s.componentList() {
		if c.Enabled.set && !c.Enabled.v {
			continue // disabled components are not on the page
		}
		name := strings.TrimSpace(c.Name)
		if name == "" {
			name = "Component " + strconv.FormatInt(c.ID.v, 10)
		}
		group := c.group
		if group == "" && c.GroupID.v > 0 {
			group = s.groups[c.GroupID.v] // "" when the group is not listed (hidden from guests)
		}
		vendor := strings.TrimSpace(c.StatusName)
		if vendor == "" && c.Status.ok {
			vendor = strconv.FormatInt(c.Status.v, 10)
		}
		rep.Components = append(rep.Components, watchfire.UpstreamComponent{
			ID: strconv.FormatInt(c.ID.v, 10), Name: name, Group: strings.TrimSpace(group),
			Status: ComponentStatus(c.Status.ptr(), c.StatusName), VendorStatus: vendor,
		})
		rep.UpdatedAt = provider.Later(rep.UpdatedAt, localTime(c.UpdatedAt, loc))
	}
	now := p.now()
	for i := range s.incidents {
		in := &s.incidents[i]
		if in.Visible.set && !in.Visible.v {
			continue
		}
		if in.scheduled() {
			// Cachet before 2.4: a scheduled maintenance, kept while it
			// is still to come (it never moves on by itself).
			if at := localTime(in.ScheduledAt, loc); at.After(now) && !in.resolved() {
				rep.Maintenances = append(rep.Maintenances, watchfire.UpstreamMaintenance{
					ID: strconv.FormatInt(in.ID.v, 10), Name: nameOr(in.Name, "Scheduled maintenance"),
					URL: p.link(in.Permalink, page, "/incidents/", in.ID.v), Status: watchfire.MaintenanceScheduled,
					Impact: watchfire.ImpactMaintenance, ScheduledFor: at, Components: s.componentNames(in.ComponentID.v),
					Updates: messageUpdate(in.Message, string(watchfire.MaintenanceScheduled), localTime(in.CreatedAt, loc)),
				})
			}
			continue
		}
		if in.resolved() {
			continue
		}
		inc := p.incident(in, s, page, loc)
		rep.Incidents = append(rep.Incidents, inc)
		rep.UpdatedAt = provider.Later(rep.UpdatedAt, inc.UpdatedAt)
	}
	sortIncidents(rep.Incidents)
	for i := range s.schedules {
		sc := &s.schedules[i]
		status := ScheduleStatus(sc.Status.v)
		if status == watchfire.MaintenanceCompleted {
			continue
		}
		m := watchfire.UpstreamMaintenance{
			ID: strconv.FormatInt(sc.ID.v, 10), Name: nameOr(sc.Name, "Maintenance"), Status: status,
			Impact: watchfire.ImpactMaintenance, ScheduledFor: localTime(sc.ScheduledAt, loc),
			Components: s.scheduleComponents(sc.Components),
			Updates:    messageUpdate(sc.Message, string(status), localTime(sc.CreatedAt, loc)),
		}
		if page != nil {
			m.URL = provider.Resolve(page, "/schedules/"+strconv.FormatInt(sc.ID.v, 10))
		}
		// completed_at is the planned end while the work is to come; the
		// demo writes one before the start, which is no end at all.
		if end := localTime(sc.CompletedAt, loc); end.After(m.ScheduledFor) {
			m.ScheduledUntil = end
		}
		rep.Maintenances = append(rep.Maintenances, m)
		rep.UpdatedAt = provider.Later(rep.UpdatedAt, localTime(sc.UpdatedAt, loc))
	}
	slices.SortStableFunc(rep.Maintenances, func(a, b watchfire.UpstreamMaintenance) int { return a.ScheduledFor.Compare(b.ScheduledFor) })
	return rep
}

// incident converts one incident. Its status is the latest update's, its
// impact that of the component it names, when it is open and that
// component is in trouble now: Cachet incidents carry no impact of their
// own.
func (p *cachet) incident(in *incident, s *set, page *url.URL, loc *time.Location) watchfire.UpstreamIncident {
	out := watchfire.UpstreamIncident{
		ID: strconv.FormatInt(in.ID.v, 10), Name: nameOr(in.Name, "Incident "+strconv.FormatInt(in.ID.v, 10)),
		URL: p.link(in.Permalink, page, "/incidents/", in.ID.v), Impact: watchfire.ImpactNone,
		StartedAt: localTime(in.OccurredAt, loc), UpdatedAt: localTime(in.UpdatedAt, loc),
		Components: s.componentNames(in.ComponentID.v),
	}
	if out.StartedAt.IsZero() {
		out.StartedAt = localTime(in.CreatedAt, loc)
	}
	// Updates come newest first; equal times keep the API's order.
	ups := slices.Clone(in.Updates)
	slices.SortStableFunc(ups, func(a, b incidentUpdate) int {
		return localTime(b.CreatedAt, loc).Compare(localTime(a.CreatedAt, loc))
	})
	for _, u := range ups {
		out.Updates = append(out.Updates, watchfire.UpstreamUpdate{
			Status: string(IncidentStatus(u.Status.v)), Body: u.Message, At: localTime(u.CreatedAt, loc),
		})
	}
	// The incident's own message is its first post.
	out.Updates = append(out.Updates, messageUpdate(in.Message, string(IncidentStatus(in.Status.v)), out.StartedAt)...)
	out.Status = IncidentStatus(in.latestStatus())
	resolved := in.resolved()
	switch {
	case resolved:
		out.Status = watchfire.IncidentResolved
		end := out.UpdatedAt
		for _, u := range ups {
			if u.Status.v == incidentFixed {
				end = localTime(u.CreatedAt, loc)
				break
			}
		}
		out.ResolvedAt = &end
	case out.Status.Closed():
		out.Status = watchfire.IncidentMonitoring // Fixed, yet not resolved: the two disagree
	default:
		if c := s.byID[in.ComponentID.v]; c != nil && in.ComponentID.v > 0 {
			out.Impact = watchfire.ImpactFor(ComponentStatus(c.Status.ptr(), c.StatusName))
		}
	}
	if len(out.Updates) > 0 {
		out.UpdatedAt = provider.Later(out.UpdatedAt, out.Updates[0].At)
	}
	return out
}

// link is an incident's address: its permalink (Cachet 2.4+), else the
// page's /incidents/{id}.
func (p *cachet) link(permalink string, page *url.URL, path string, id int64) string {
	if u, err := url.Parse(strings.TrimSpace(permalink)); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return u.String()
	}
	if page == nil {
		return ""
	}
	return provider.Resolve(page, path+strconv.FormatInt(id, 10))
}

func messageUpdate(msg, status string, at time.Time) []watchfire.UpstreamUpdate {
	if strings.TrimSpace(msg) == "" {
		return nil
	}
	return []watchfire.UpstreamUpdate{{Status: status, Body: msg, At: at}}
}

func sortIncidents(list []watchfire.UpstreamIncident) {
	slices.SortStableFunc(list, func(a, b watchfire.UpstreamIncident) int { return b.StartedAt.Compare(a.StartedAt) })
}

// localTime reads a Cachet time in loc; one it cannot read is left
// unknown rather than failing the page.
func localTime(s string, loc *time.Location) time.Time {
	t, err := provider.LocalTime(s, loc)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func nameOr(s, def string) string {
	if s = strings.TrimSpace(s); s != "" {
		return s
	}
	return def
}

// ---- the documents ----

// envelope is every list's shape. meta is {"pagination": …} on lists but
// has been seen as [] (PHP's empty array), so it is read only when it is
// an object.
type envelope struct {
	Meta json.RawMessage `json:"meta"`
	Data json.RawMessage `json:"data"`
}

type pagination struct {
	CurrentPage number `json:"current_page"`
	TotalPages  number `json:"total_pages"`
}

// number is an integer that Cachet may write as a number, a numeric
// string or a boolean (visible: 1 or true), depending on the version and
// the database driver; ok is false for null or a missing key.
type number struct {
	v  int64
	ok bool
}

func (n *number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		return nil
	case bytes.Equal(b, []byte("true")):
		*n = number{1, true}
		return nil
	case bytes.Equal(b, []byte("false")):
		*n = number{0, true}
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s = strings.TrimSpace(s); s == "" {
			return nil
		}
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = number{v, true}
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f > 1<<53 || f < -(1<<53) {
		return fmt.Errorf("%.40q is not a number", s)
	}
	*n = number{int64(f), true}
	return nil
}

func (n number) ptr() *int64 {
	if !n.ok {
		return nil
	}
	return &n.v
}

// flag is a boolean written as true/false, 1/0 or "1"/"0".
type flag struct{ v, set bool }

func (f *flag) UnmarshalJSON(b []byte) error {
	var n number
	if err := n.UnmarshalJSON(b); err != nil {
		return err
	}
	*f = flag{v: n.v != 0, set: n.ok}
	return nil
}

type component struct {
	ID         number `json:"id"`
	Name       string `json:"name"`
	Status     number `json:"status"`
	StatusName string `json:"status_name"`
	GroupID    number `json:"group_id"`
	Enabled    flag   `json:"enabled"`
	UpdatedAt  string `json:"updated_at"`
	group      string // the group's name, for members listed in a group
}

type group struct {
	ID                number      `json:"id"`
	Name              string      `json:"name"`
	EnabledComponents []component `json:"enabled_components"`
}

type incident struct {
	ID           number           `json:"id"`
	ComponentID  number           `json:"component_id"`
	Name         string           `json:"name"`
	Status       number           `json:"status"`
	Visible      flag             `json:"visible"`
	Message      string           `json:"message"`
	OccurredAt   string           `json:"occurred_at"`
	ScheduledAt  string           `json:"scheduled_at"`
	CreatedAt    string           `json:"created_at"`
	UpdatedAt    string           `json:"updated_at"`
	IsResolved   flag             `json:"is_resolved"`
	LatestStatus number           `json:"latest_status"`
	Permalink    string           `json:"permalink"`
	Updates      []incidentUpdate `json:"updates"`
}

type incidentUpdate struct {
	Status    number `json:"status"`
	Message   string `json:"message"`
	CreatedAt string `json:"created_at"`
}

// latestStatus is where the incident stands: latest_status (2.4+), else
// the newest update's, else its own status (which stays the first one
// once updates exist).
func (in *incident) latestStatus() int64 {
	if in.LatestStatus.ok {
		return in.LatestStatus.v
	}
	if len(in.Updates) > 0 {
		return in.Updates[0].Status.v
	}
	return in.Status.v
}

// resolved: is_resolved when the install says it (2.4+), else Fixed.
func (in *incident) resolved() bool {
	if in.IsResolved.set {
		return in.IsResolved.v
	}
	return in.latestStatus() == incidentFixed
}

func (in *incident) scheduled() bool { return in.Status.ok && in.Status.v == incidentScheduled }

type schedule struct {
	ID          number          `json:"id"`
	Name        string          `json:"name"`
	Message     string          `json:"message"`
	Status      number          `json:"status"`
	ScheduledAt string          `json:"scheduled_at"`
	CompletedAt string          `json:"completed_at"`
	CreatedAt   string          `json:"created_at"`
	UpdatedAt   string          `json:"updated_at"`
	Components  json.RawMessage `json:"components"`
}

// set gathers what the lists held.
type set struct {
	components []component
	members    []component // from groups' enabled_components, when no components list was read
	byID       map[int64]*component
	groups     map[int64]string
	incidents  []incident
	schedules  []schedule
}

func newSet() *set { return &set{groups: map[int64]string{}} }

// add reads one list document.
func (s *set) add(body []byte) (pagination, error) {
	var raw envelope
	if err := provider.UnmarshalJSON(body, &raw); err != nil {
		return pagination{}, err
	}
	return s.addEnvelope(&raw)
}

func (s *set) addEnvelope(raw *envelope) (pagination, error) {
	var pg pagination
	data := bytes.TrimSpace(raw.Data)
	switch {
	case len(data) == 0 || data[0] != '[':
		return pg, provider.Formatf("no data list: not a Cachet API list")
	case raw.Meta == nil:
		return pg, provider.Formatf("no meta: not a Cachet API list")
	}
	if meta := bytes.TrimSpace(raw.Meta); len(meta) > 0 && meta[0] == '{' {
		var m struct {
			Pagination *pagination `json:"pagination"`
		}
		if json.Unmarshal(meta, &m) == nil && m.Pagination != nil {
			pg = *m.Pagination
		}
	}
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return pg, provider.Formatf("data is not a list of objects: %v", err)
	}
	for i, item := range items {
		if err := s.addItem(item); err != nil {
			return pg, provider.Formatf("data[%d]: %v", i, err)
		}
	}
	s.index()
	return pg, nil
}

// addItem tells the four kinds of entry apart by their keys.
func (s *set) addItem(item json.RawMessage) error {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(item, &keys); err != nil || keys == nil {
		return errors.New("not an object")
	}
	has := func(k string) bool { _, ok := keys[k]; return ok }
	if !has("id") || !has("name") {
		return errors.New("no id or name")
	}
	switch {
	case has("enabled_components") || has("collapsed"):
		var g group
		if err := json.Unmarshal(item, &g); err != nil {
			return err
		}
		s.groups[g.ID.v] = strings.TrimSpace(g.Name)
		for _, c := range g.EnabledComponents {
			c.group = g.Name
			s.members = append(s.members, c)
		}
	case has("group_id") || has("status_name") || has("enabled"):
		var c component
		if err := json.Unmarshal(item, &c); err != nil {
			return err
		}
		s.components = append(s.components, c)
	case has("completed_at") || (has("scheduled_at") && !has("visible")):
		var sc schedule
		if err := json.Unmarshal(item, &sc); err != nil {
			return err
		}
		s.schedules = append(s.schedules, sc)
	case has("visible") && (has("occurred_at") || has("is_resolved") || has("scheduled_at") || has("message")):
		var in incident
		if err := json.Unmarshal(item, &in); err != nil {
			return err
		}
		s.incidents = append(s.incidents, in)
	default:
		return errors.New("not a Cachet component, group, incident or schedule")
	}
	return nil
}

// componentList is the components list, or the groups' members when only
// groups were read; each id once.
func (s *set) componentList() []component {
	list := s.components
	if len(list) == 0 {
		list = s.members
	}
	seen := map[int64]bool{}
	var out []component
	for _, c := range list {
		if !seen[c.ID.v] {
			seen[c.ID.v] = true
			out = append(out, c)
		}
	}
	return out
}

func (s *set) index() {
	s.byID = map[int64]*component{}
	for _, list := range [][]component{s.members, s.components} {
		for i := range list {
			s.byID[list[i].ID.v] = &list[i]
		}
	}
}

func (s *set) componentNames(id int64) []string {
	if c := s.byID[id]; c != nil && id > 0 && strings.TrimSpace(c.Name) != "" {
		return []string{strings.TrimSpace(c.Name)}
	}
	return nil
}

// scheduleComponents names a schedule's components: entries are ids, or
// objects with id/component_id and maybe a name, depending on the version.
func (s *set) scheduleComponents(raw json.RawMessage) []string {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	var out []string
	for _, it := range items {
		var id number
		var obj struct {
			ID          number `json:"id"`
			ComponentID number `json:"component_id"`
			Name        string `json:"name"`
		}
		name := ""
		if json.Unmarshal(it, &id) == nil && id.ok {
			name = strings.Join(s.componentNames(id.v), "")
		} else if json.Unmarshal(it, &obj) == nil {
			switch {
			case obj.ComponentID.ok:
				name = strings.Join(s.componentNames(obj.ComponentID.v), "")
			case strings.TrimSpace(obj.Name) != "":
				name = strings.TrimSpace(obj.Name)
			case obj.ID.ok:
				name = strings.Join(s.componentNames(obj.ID.v), "")
			}
		}
		if name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}
