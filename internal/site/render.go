package site

import (
	"context"
	"html"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/snapshot"
	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/uptime"
)

// renderer renders the documents of one page in one language.
type renderer struct {
	s    *Site
	page *watchfire.Page
	loc  *time.Location
	v    *view
}

var zones sync.Map // IANA name → *time.Location

func location(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = time.UTC
	}
	zones.Store(name, l)
	return l
}

func (s *Site) renderer(page *watchfire.Page, locale, path string) *renderer {
	loc := location(page.TimeZone)
	c := CatalogFor(locale)
	ind, desc := s.State.PageIndicator(page)
	v := &view{
		L: c, Page: page, Loc: loc, Now: s.Data.Now, Path: path,
		Root: relRoot(path), Base: relRoot(path),
		Indicator: ind, Banner: c.T(bannerKey(ind, desc)),
		Export: s.opts.Export, Version: s.opts.Version, LiveStrings: liveStringsFor(c),
		Title: c.T("site.title", "page", page.Name), EventID: s.State.LastEventID,
	}
	def := Negotiate("", "", page.Locale)
	if s.opts.Export {
		// The default language at the root, the others in a directory each.
		if locale != def {
			v.Base += "../"
		}
	} else {
		v.Query = queryFor(locale, page)
	}
	for _, tag := range catalogOrder {
		l := langLink{Tag: tag, Name: catalogs[tag].Name, Current: tag == locale}
		rest := strings.TrimPrefix(path, "/")
		switch {
		case s.opts.Export && tag == def:
			l.Href = v.Base + rest
		case s.opts.Export:
			l.Href = v.Base + tag + "/" + rest
		default:
			l.Href = v.Root + rest + "?locale=" + tag
		}
		v.Languages = append(v.Languages, l)
	}
	return &renderer{s: s, page: page, loc: loc, v: v}
}

func (r *renderer) html(name string, body any) (*snapshot.Doc, error) {
	r.v.Body = body
	out, err := r.s.execute(name, r.v)
	if err != nil {
		return nil, err
	}
	return snapshot.NewDoc(out, TypeHTML), nil
}

func (r *renderer) thisMonth() time.Time {
	now := r.s.Data.Now.In(r.loc)
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, r.loc)
}

// --- view models ---

type updateView struct {
	Status, StatusText string
	Body               template.HTML
	At                 time.Time
	AtText, AtISO      string
}

type incidentCard struct {
	ID, Name, Href     string
	Impact, ImpactText string
	Status, StatusText string
	Open               bool
	Components         []string
	Latest             *updateView
	Started            time.Time
	Resolved           *time.Time
	Duration           string
	Maintenance        bool
	From, To           time.Time
	Window             string
}

func (r *renderer) incidentCard(inc *watchfire.Incident) incidentCard {
	v := r.v
	c := incidentCard{ID: inc.ID, Name: inc.Name, Href: v.Link("incidents/" + inc.ID + "/"),
		Impact: string(inc.Impact), ImpactText: v.Impact(inc.Impact),
		Status: string(inc.Status), StatusText: v.IncidentStatus(string(inc.Status)), Open: inc.Open(),
		Started: inc.StartedAt, Resolved: inc.ResolvedAt}
	if c.Started.IsZero() {
		c.Started = inc.CreatedAt
	}
	for _, ac := range inc.Components {
		c.Components = append(c.Components, r.componentName(ac.ComponentID, ac.Name))
	}
	if len(inc.Updates) > 0 {
		u := r.update(&inc.Updates[0], false)
		c.Latest = &u
	}
	if inc.ResolvedAt != nil {
		c.Duration = v.L.Duration(inc.ResolvedAt.Sub(c.Started))
	}
	return c
}

func (r *renderer) maintenanceCard(m *watchfire.Maintenance) incidentCard {
	v := r.v
	c := incidentCard{ID: m.ID, Name: m.Name, Href: v.Link("maintenances/" + m.ID + "/"),
		Impact: "maintenance", ImpactText: v.Impact(watchfire.ImpactMaintenance),
		Status: string(m.Status), StatusText: v.MaintenanceStatus(string(m.Status)),
		Open: m.Status != watchfire.MaintenanceCompleted, Maintenance: true,
		Started: m.ScheduledFor, From: m.ScheduledFor, To: m.ScheduledUntil, Resolved: m.CompletedAt,
		Window: v.T("maintenance.window", "from", v.DateTime(m.ScheduledFor), "to", v.DateTime(m.ScheduledUntil))}
	for _, id := range m.Components {
		c.Components = append(c.Components, r.componentName(id, id))
	}
	if len(m.Updates) > 0 {
		u := r.update(&m.Updates[0], true)
		c.Latest = &u
	}
	return c
}

func (r *renderer) update(u *watchfire.IncidentUpdate, maintenance bool) updateView {
	text := r.v.IncidentStatus(u.Status)
	if maintenance {
		text = r.v.MaintenanceStatus(u.Status)
	}
	at := u.DisplayAt
	if at.IsZero() {
		at = u.CreatedAt
	}
	return updateView{Status: u.Status, StatusText: text, Body: r.v.MD(u.Body), At: at,
		AtText: r.v.DateTime(at), AtISO: r.v.ISO(at)}
}

func (r *renderer) componentName(id, fallback string) string {
	if c := r.s.State.Component(id); c != nil {
		return c.Name
	}
	if fallback != "" {
		return fallback
	}
	return id
}

type componentRow struct {
	ID, Name, Description string
	Status                watchfire.ComponentStatus
	StatusText            string
	Monitored             bool
	LastChecked           time.Time
	Latency               string
	Uptime30              string
	Bars                  template.HTML // the 90-day SVG, built in Go: it is most of the page
	BarsLabel             string
	Upstream              string
	FeedHref              string
}

type groupView struct {
	ID, Name, Description string
	Status                watchfire.ComponentStatus
	StatusText            string
	Components            []componentRow
}

type metricView struct {
	ID, Name, Unit, Target string
	Value, Capacity        string
	HasValue, HasTarget    bool
	Met                    bool
	At                     time.Time
	Chart                  *chart
	Summary                string
}

type blockView struct {
	Title string
	Body  template.HTML
}

type dayView struct {
	Day   time.Time
	Label string
	Items []incidentCard
}

type homeBody struct {
	Active        []incidentCard
	MaintNow      []incidentCard
	MaintNext     []incidentCard
	Groups        []groupView
	Metrics       []metricView
	Blocks        []blockView
	Past          []dayView
	UpdatedAt     time.Time
	HasComponents bool
}

// pastDays is how many days of past incidents the home page lists.
const pastDays = 14

func (r *renderer) home() *homeBody {
	st, p, v := r.s.State, r.page, r.v
	b := &homeBody{UpdatedAt: st.UpdatedAt}
	if b.UpdatedAt.IsZero() {
		b.UpdatedAt = st.LoadedAt
	}
	for i := range st.Incidents {
		inc := &st.Incidents[i]
		if inc.Open() && st.IncidentOnPage(p, inc) {
			b.Active = append(b.Active, r.incidentCard(inc))
		}
	}
	now := r.s.Data.Now
	for i := range st.Maintenances {
		m := &st.Maintenances[i]
		if !st.MaintenanceOnPage(p, m) || m.Status == watchfire.MaintenanceCompleted {
			continue
		}
		if m.Status.Active() {
			b.MaintNow = append(b.MaintNow, r.maintenanceCard(m))
		} else {
			b.MaintNext = append(b.MaintNext, r.maintenanceCard(m))
		}
	}
	sort.SliceStable(b.MaintNext, func(i, j int) bool { return b.MaintNext[i].From.Before(b.MaintNext[j].From) })

	b.Groups = r.groups()
	b.HasComponents = len(b.Groups) > 0
	for i := range r.s.Data.Metrics {
		m := &r.s.Data.Metrics[i]
		if m.PageID == "" || m.PageID == p.ID {
			b.Metrics = append(b.Metrics, r.metric(m))
		}
	}
	for _, bl := range r.s.Data.Blocks {
		if bl.PageID == "" || bl.PageID == p.ID {
			b.Blocks = append(b.Blocks, blockView{Title: bl.Title, Body: v.MD(bl.Body)})
		}
	}

	// Past incidents by day in the page's zone, today first; a quiet day
	// says so.
	today := now.In(r.loc)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, r.loc)
	byDay := map[time.Time][]incidentCard{}
	for i := range st.Incidents {
		inc := &st.Incidents[i]
		if !st.IncidentOnPage(p, inc) {
			continue
		}
		d := r.day(r.incidentCard(inc).Started)
		byDay[d] = append(byDay[d], r.incidentCard(inc))
	}
	for i := range st.Maintenances {
		m := &st.Maintenances[i]
		if m.Status == watchfire.MaintenanceCompleted && st.MaintenanceOnPage(p, m) {
			d := r.day(m.ScheduledFor)
			byDay[d] = append(byDay[d], r.maintenanceCard(m))
		}
	}
	for i := 0; i < pastDays; i++ {
		d := today.AddDate(0, 0, -i)
		b.Past = append(b.Past, dayView{Day: d, Label: v.L.Date(d), Items: byDay[d]})
	}
	return b
}

func (r *renderer) day(t time.Time) time.Time {
	t = t.In(r.loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, r.loc)
}

func (r *renderer) groups() []groupView {
	st, p, v := r.s.State, r.page, r.v
	var out []groupView
	index := map[string]int{}
	for _, c := range st.PageComponents(p) {
		if c.OnlyShowIfDegraded && c.Status == watchfire.StatusOperational {
			continue
		}
		gi, ok := index[c.GroupID]
		if !ok {
			g := groupView{ID: c.GroupID}
			if grp := st.Group(c.GroupID); grp != nil {
				g.Name, g.Description = grp.Name, grp.Description
			} else {
				g.ID = ""
			}
			g.Status = st.GroupStatus(p, c.GroupID)
			g.StatusText = v.Status(g.Status)
			gi = len(out)
			index[c.GroupID] = gi
			out = append(out, g)
		}
		out[gi].Components = append(out[gi].Components, r.row(&c))
	}
	return out
}

func (r *renderer) row(c *watchfire.Component) componentRow {
	v := r.v
	row := componentRow{ID: c.ID, Name: c.Name, Description: c.Description, Status: c.Status,
		StatusText: v.Status(c.Status), FeedHref: v.File("components/" + c.ID + "/history.atom")}
	if up := r.s.State.DependencyDown(c.ID); up != nil && c.Status != watchfire.StatusOperational {
		row.Upstream = v.T("component.upstream", "name", up.Name, "status", strings.ToLower(v.Status(up.Status)))
	} else if what, st, ok := watchfire.ParseUpstreamReason(c.UpstreamReason); ok && c.Status != watchfire.StatusOperational {
		row.Upstream = v.T("component.upstream", "name", what, "status", strings.ToLower(v.Status(st)))
	} else if c.GroupID == watchfire.ThirdPartyGroup && c.UpstreamReason != "" && c.Status != watchfire.StatusOperational {
		row.Upstream = c.UpstreamReason // the vendor's own words
	}
	cd := r.s.Data.Components[c.ID]
	if cd == nil {
		return row
	}
	row.Monitored = true
	row.LastChecked = cd.LastChecked
	if !cd.LastChecked.IsZero() {
		row.Latency = v.L.Latency(cd.Latency)
	}
	if pct, ok := cd.Uptime["30d"]; ok {
		row.Uptime30 = v.L.Percent(pct)
	}
	row.BarsLabel = v.T("bars.label", "name", c.Name)
	incidents := r.incidentsByDay(c.ID)
	var svg strings.Builder
	svg.Grow(len(cd.Bars) * 90)
	svg.WriteString(`<svg class="bars" viewBox="0 0 449 30" preserveAspectRatio="none" role="img" aria-label="`)
	svg.WriteString(html.EscapeString(row.BarsLabel))
	svg.WriteString(`">`)
	for i, bar := range cd.Bars {
		var class, title string
		date := v.L.Date(bar.Day)
		if bar.NoData {
			class, title = "nd", v.T("bars.day_none", "date", date)
		} else {
			class = statusClass(bar.Worst)
			title = v.T("bars.day", "date", date, "pct", v.L.Percent(bar.Uptime))
		}
		if names := incidents[bar.Day]; len(names) > 0 {
			title += " — " + v.T("bars.incidents", "list", strings.Join(names, ", "))
			if bar.NoData {
				class = "ni" // no measurement, but an incident: not grey
			}
		}
		svg.WriteString(`<rect x="`)
		svg.WriteString(strconv.Itoa(i * 5))
		svg.WriteString(`" width="4" height="30" class="`)
		svg.WriteString(class)
		svg.WriteString(`"><title>`)
		svg.WriteString(html.EscapeString(title))
		svg.WriteString(`</title></rect>`)
	}
	svg.WriteString(`</svg>`)
	row.Bars = template.HTML(svg.String()) // every text in it is escaped above
	return row
}

// incidentsByDay names the incidents that touched a component on each
// UTC day (the days of the bars).
func (r *renderer) incidentsByDay(componentID string) map[time.Time][]string {
	out := map[time.Time][]string{}
	st := r.s.State
	for i := range st.Incidents {
		inc := &st.Incidents[i]
		affected := false
		for _, ac := range inc.Components {
			affected = affected || ac.ComponentID == componentID
		}
		if !affected {
			continue
		}
		start := inc.StartedAt
		if start.IsZero() {
			start = inc.CreatedAt
		}
		end := r.s.Data.Now
		if inc.ResolvedAt != nil {
			end = *inc.ResolvedAt
		}
		for d := store.Daily.Truncate(start); !d.After(end) && len(out) < 400; d = d.Add(24 * time.Hour) {
			out[d] = append(out[d], inc.Name)
		}
	}
	return out
}

func indicatorClass(ind watchfire.Indicator) string {
	switch ind {
	case watchfire.IndicatorMinor:
		return "dg"
	case watchfire.IndicatorMajor:
		return "po"
	case watchfire.IndicatorCritical:
		return "mo"
	case watchfire.IndicatorMaintenance:
		return "um"
	}
	return "op"
}

func statusClass(s watchfire.ComponentStatus) string {
	switch s {
	case watchfire.StatusOperational:
		return "op"
	case watchfire.StatusDegradedPerformance:
		return "dg"
	case watchfire.StatusPartialOutage:
		return "po"
	case watchfire.StatusMajorOutage:
		return "mo"
	case watchfire.StatusUnderMaintenance:
		return "um"
	}
	return "nd"
}

func (r *renderer) metric(m *Metric) metricView {
	v := r.v
	mv := metricView{ID: m.ID, Name: m.Name, Unit: m.Unit, Target: m.Target, HasTarget: m.Target != ""}
	if m.Capacity > 0 {
		mv.Capacity = v.L.Value(m.Capacity) + unitSuffix(m.Unit)
	}
	last, ok := m.Latest()
	if !ok {
		return mv
	}
	mv.HasValue, mv.At = true, last.At
	mv.Value = v.L.Value(last.Value) + unitSuffix(m.Unit)
	mv.Met = m.Met == nil || m.Met(last.Value)
	mv.Chart = newChart(m.Points, r.s.Data.Now)
	if mv.Chart != nil {
		mv.Summary = v.T("metric.chart", "name", m.Name, "min", v.L.Value(mv.Chart.Min)+unitSuffix(m.Unit),
			"max", v.L.Value(mv.Chart.Max)+unitSuffix(m.Unit), "value", mv.Value)
	}
	return mv
}

func unitSuffix(unit string) string {
	switch unit {
	case "":
		return ""
	case "%":
		return " %"
	}
	return " " + unit
}

// --- incident, maintenance, history, uptime pages ---

type incidentBody struct {
	Card       incidentCard
	Updates    []updateView
	Postmortem template.HTML
	Affected   []affectedView
}

type affectedView struct {
	Name       string
	Status     watchfire.ComponentStatus
	StatusText string
}

func (r *renderer) incidentPage(ctx context.Context, id string) (*snapshot.Doc, error) {
	inc := r.s.State.Incident(id)
	if inc == nil && r.s.reader != nil {
		got, err := r.s.reader.Incident(ctx, id)
		if watchfire.ErrorCode(err) == watchfire.ENOTFOUND {
			return nil, missing("no incident %s", id)
		}
		if err != nil {
			return nil, err
		}
		inc = got
	}
	if inc == nil || !r.s.State.IncidentOnPage(r.page, inc) {
		return nil, missing("no incident %s on this page", id)
	}
	b := &incidentBody{Card: r.incidentCard(inc)}
	for i := range inc.Updates {
		b.Updates = append(b.Updates, r.update(&inc.Updates[i], false))
	}
	if inc.Postmortem != "" {
		b.Postmortem = r.v.MD(inc.Postmortem)
	}
	for _, ac := range inc.Components {
		b.Affected = append(b.Affected, affectedView{Name: r.componentName(ac.ComponentID, ac.Name),
			Status: ac.NewStatus, StatusText: r.v.Status(ac.NewStatus)})
	}
	r.v.Title = inc.Name + " · " + r.v.Title
	return r.html("incident", b)
}

func (r *renderer) maintenancePage(ctx context.Context, id string) (*snapshot.Doc, error) {
	m := r.s.State.Maintenance(id)
	if m == nil && r.s.reader != nil {
		got, err := r.s.reader.Maintenance(ctx, id)
		if watchfire.ErrorCode(err) == watchfire.ENOTFOUND {
			return nil, missing("no maintenance %s", id)
		}
		if err != nil {
			return nil, err
		}
		m = got
	}
	if m == nil || !r.s.State.MaintenanceOnPage(r.page, m) {
		return nil, missing("no maintenance %s on this page", id)
	}
	b := &incidentBody{Card: r.maintenanceCard(m)}
	for i := range m.Updates {
		b.Updates = append(b.Updates, r.update(&m.Updates[i], true))
	}
	for _, id := range m.Components {
		b.Affected = append(b.Affected, affectedView{Name: r.componentName(id, id),
			Status: watchfire.StatusUnderMaintenance, StatusText: r.v.Status(watchfire.StatusUnderMaintenance)})
	}
	r.v.Title = m.Name + " · " + r.v.Title
	return r.html("incident", b)
}

type monthNav struct {
	Label                string
	Earlier, Later       string // hrefs, "" when there is none
	EarlierText, LaterTx string
}

type historyBody struct {
	Nav   monthNav
	Days  []dayView
	Empty string
}

// historyStart is the first month the history reaches back to.
func (r *renderer) historyStart(ctx context.Context) time.Time {
	first := r.s.Data.Now
	if r.s.reader != nil {
		if t, err := r.s.reader.FirstIncidentAt(ctx, r.page.ID); err == nil && !t.IsZero() && t.Before(first) {
			first = t
		}
	}
	for i := range r.s.State.Incidents {
		if t := r.s.State.Incidents[i].CreatedAt; t.Before(first) {
			first = t
		}
	}
	f := first.In(r.loc)
	return time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, r.loc)
}

func (r *renderer) nav(kind string, month, first time.Time) monthNav {
	v := r.v
	n := monthNav{Label: v.L.MonthYear(month), EarlierText: v.T("history.earlier"), LaterTx: v.T("history.later")}
	if month.After(first) {
		n.Earlier = v.Link(kind + "/" + month.AddDate(0, -1, 0).Format("2006-01") + "/")
	}
	if month.Before(r.thisMonth()) {
		n.Later = v.Link(kind + "/" + month.AddDate(0, 1, 0).Format("2006-01") + "/")
	}
	return n
}

func (r *renderer) historyPage(ctx context.Context, month time.Time) (*snapshot.Doc, error) {
	first := r.historyStart(ctx)
	if month.After(r.thisMonth()) || month.Before(first) {
		return nil, missing("no history for %s", month.Format("2006-01"))
	}
	end := month.AddDate(0, 1, 0)
	var cards []incidentCard
	if r.s.reader != nil {
		incs, err := r.s.reader.IncidentsBetween(ctx, r.page.ID, month, end, 1000)
		if err != nil {
			return nil, err
		}
		for i := range incs {
			cards = append(cards, r.incidentCard(&incs[i]))
		}
		ms, err := r.s.reader.MaintenancesBetween(ctx, r.page.ID, month, end, 1000)
		if err != nil {
			return nil, err
		}
		for i := range ms {
			cards = append(cards, r.maintenanceCard(&ms[i]))
		}
	}
	sort.SliceStable(cards, func(i, j int) bool { return cards[i].Started.After(cards[j].Started) })
	b := &historyBody{Nav: r.nav("history", month, first)}
	for _, c := range cards {
		d := r.day(c.Started)
		if n := len(b.Days); n == 0 || !b.Days[n-1].Day.Equal(d) {
			b.Days = append(b.Days, dayView{Day: d, Label: r.v.L.Date(d)})
		}
		b.Days[len(b.Days)-1].Items = append(b.Days[len(b.Days)-1].Items, c)
	}
	if len(b.Days) == 0 {
		b.Empty = r.v.T("history.none", "month", r.v.L.MonthYear(month))
	}
	r.v.Title = r.v.T("history.month", "month", b.Nav.Label) + " · " + r.v.Title
	return r.html("history", b)
}

type calendarCell struct {
	Day   int
	Class string
	Title string
	Blank bool
}

type calendarView struct {
	Name, Summary string
	Weekdays      []string
	Weeks         [][]calendarCell
}

type uptimeBody struct {
	Nav        monthNav
	Components []calendarView
	Empty      string
}

// uptimePage shows, per monitored component, a calendar of the month with
// each UTC day's uptime, as the bars count it.
func (r *renderer) uptimePage(ctx context.Context, month time.Time) (*snapshot.Doc, error) {
	v := r.v
	// Days are UTC days, like the rollups they come from.
	start := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	first := r.historyStart(ctx)
	if oldest := r.s.Data.Now.AddDate(0, 0, -BarDays); oldest.Before(first) {
		first = time.Date(oldest.Year(), oldest.Month(), 1, 0, 0, 0, 0, r.loc)
	}
	if month.After(r.thisMonth()) || month.Before(first) {
		return nil, missing("no uptime for %s", month.Format("2006-01"))
	}
	b := &uptimeBody{Nav: r.nav("uptime", month, first)}
	days := int(end.Sub(start) / (24 * time.Hour))
	label := v.L.MonthYear(month)
	for _, c := range r.s.State.PageComponents(r.page) {
		cd := r.s.Data.Components[c.ID]
		if cd == nil {
			continue
		}
		var rollups []store.Rollup
		if r.s.reader != nil {
			var err error
			rollups, err = r.s.reader.Rollups(ctx, cd.Monitors, store.Daily, start, end)
			if err != nil {
				return nil, err
			}
		}
		bars := uptime.Bars(rollups, days, end.Add(-time.Nanosecond))
		cal := calendarView{Name: c.Name}
		upTo := end
		if now := r.s.Data.Now; now.Before(upTo) {
			upTo = now
		}
		if pct, noData := uptime.Percent(rollups, start, upTo); noData {
			cal.Summary = v.T("uptime.component_none", "name", c.Name, "month", label)
		} else {
			cal.Summary = v.T("uptime.component", "name", c.Name, "pct", v.L.Percent(pct), "month", label)
		}
		for i := 0; i < 7; i++ {
			cal.Weekdays = append(cal.Weekdays, v.L.WeekdaysShort[(i+v.L.WeekStart)%7])
		}
		lead := (int(start.Weekday()) - v.L.WeekStart + 7) % 7
		week := make([]calendarCell, lead)
		for i := range week {
			week[i].Blank = true
		}
		for i, bar := range bars {
			cell := calendarCell{Day: i + 1, Class: "nd", Title: v.T("bars.day_none", "date", v.L.Date(bar.Day))}
			if !bar.NoData {
				cell.Class = statusClass(bar.Worst)
				cell.Title = v.T("bars.day", "date", v.L.Date(bar.Day), "pct", v.L.Percent(bar.Uptime))
			}
			week = append(week, cell)
			if len(week) == 7 {
				cal.Weeks = append(cal.Weeks, week)
				week = nil
			}
		}
		if len(week) > 0 {
			for len(week) < 7 {
				week = append(week, calendarCell{Blank: true})
			}
			cal.Weeks = append(cal.Weeks, week)
		}
		b.Components = append(b.Components, cal)
	}
	if len(b.Components) == 0 {
		b.Empty = v.T("uptime.none")
	}
	r.v.Title = v.T("uptime.month", "month", label) + " · " + r.v.Title
	return r.html("uptime", b)
}
