package server

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/aggregator"
	"github.com/watchfire-status/watchfire/internal/catalog"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/store"
)

// Upstream is the running dependency poller, as the API sees it.
type Upstream interface {
	// Health returns a dependency's live fetch health and when it is
	// next read; false when it is not polled.
	Health(id string) (watchfire.FetchHealth, time.Time, bool)
	// Reload makes the poller read the list of dependencies again, after
	// the API added or removed one.
	Reload(ctx context.Context) error
}

// dependencyJSON is one dependency in Watchfire's own API: its live state
// per component and how reading it has been going.
type dependencyJSON struct {
	ID               string                       `json:"id"`
	Name             string                       `json:"name"`
	URL              string                       `json:"url"`
	Provider         string                       `json:"provider"`
	DetectedProvider string                       `json:"detected_provider,omitempty"`
	Category         string                       `json:"category,omitempty"`
	Source           string                       `json:"source"`
	IntervalSeconds  int                          `json:"interval_seconds"`
	Status           string                       `json:"status"` // one of our component statuses, or "unknown"
	Indicator        string                       `json:"indicator,omitempty"`
	Description      string                       `json:"description,omitempty"`
	Components       []aggregator.ComponentJSON   `json:"components"`
	Incidents        []aggregator.IncidentJSON    `json:"incidents"`
	Maintenances     []aggregator.MaintenanceJSON `json:"maintenances"`
	Affects          []affectJSON                 `json:"affects"`
	Fetch            fetchJSON                    `json:"fetch"`
}

type affectJSON struct {
	Component         string `json:"component"`
	UpstreamComponent string `json:"upstream_component,omitempty"`
}

// fetchJSON is a dependency's fetch health.
type fetchJSON struct {
	LastAttemptAt *time.Time `json:"last_attempt_at"`
	LastSuccessAt *time.Time `json:"last_success_at"`
	LastErrorAt   *time.Time `json:"last_error_at"`
	LastError     string     `json:"last_error"`
	Failures      int        `json:"failures"`
	NextPollAt    *time.Time `json:"next_poll_at"`
}

func (s *Server) dependencyView(d *watchfire.Dependency) dependencyJSON {
	out := dependencyJSON{ID: d.ID, Name: d.Name, URL: d.URL, Provider: d.Provider, DetectedProvider: d.Detected,
		Category: d.Category, Source: string(d.Source), IntervalSeconds: int(d.Interval / time.Second), Status: "unknown",
		Components: []aggregator.ComponentJSON{}, Incidents: []aggregator.IncidentJSON{},
		Maintenances: []aggregator.MaintenanceJSON{}, Affects: []affectJSON{}}
	if d.Report != nil {
		rep := aggregator.ToJSON(d.Report)
		out.Status, out.Indicator, out.Description = rep.Status, rep.Indicator, rep.Description
		out.Components, out.Incidents, out.Maintenances = rep.Components, rep.Incidents, rep.Maintenances
	}
	for _, a := range d.Affects {
		out.Affects = append(out.Affects, affectJSON{Component: a.ComponentID, UpstreamComponent: a.Upstream})
	}
	h := d.Health
	var next time.Time
	if s.upstream != nil {
		if live, at, ok := s.upstream.Health(d.ID); ok {
			h, next = live, at
		}
	}
	out.Fetch = fetchJSON{LastAttemptAt: utcPtr(h.LastAttemptAt), LastSuccessAt: utcPtr(h.LastSuccessAt),
		LastErrorAt: utcPtr(h.LastErrorAt), LastError: h.LastError, Failures: h.Failures}
	if !next.IsZero() {
		n := next.UTC().Truncate(time.Second)
		out.Fetch.NextPollAt = &n
	}
	return out
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// dependencies returns the committed dependencies sorted by id.
func (s *Server) dependencies(ctx context.Context) ([]*watchfire.Dependency, error) {
	all, err := s.engine.Dependencies(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*watchfire.Dependency, 0, len(all))
	for _, d := range all {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *watchfire.Dependency) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (s *Server) listDependencies(w http.ResponseWriter, r *http.Request) error {
	deps, err := s.dependencies(r.Context())
	if err != nil {
		return err
	}
	out := make([]dependencyJSON, 0, len(deps))
	for _, d := range deps {
		out = append(out, s.dependencyView(d))
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"dependencies": out})
	return nil
}

func (s *Server) dependency(ctx context.Context, id string) (*watchfire.Dependency, error) {
	all, err := s.engine.Dependencies(ctx)
	if err != nil {
		return nil, err
	}
	if d := all[id]; d != nil {
		return d, nil
	}
	return nil, watchfire.Errorf(watchfire.ENOTFOUND, "dependency %q not found; GET /api/v1/dependencies lists them", id)
}

func (s *Server) getDependency(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dependency(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, s.dependencyView(d))
	return nil
}

func (s *Server) dependencyIncidents(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dependency(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	f, err := incidentFilter(r.URL.Query())
	if err != nil {
		return err
	}
	f.OpenOnly = r.URL.Query().Get("open") == "true"
	incs, err := s.store.DependencyIncidents(r.Context(), d.ID, f)
	if err != nil {
		return err
	}
	out := make([]aggregator.IncidentJSON, 0, len(incs))
	for i := range incs {
		out = append(out, aggregator.IncidentToJSON(&incs[i]))
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"incidents": out})
	return nil
}

func incidentFilter(q url.Values) (store.DependencyIncidentFilter, error) {
	limit, err := queryLimit(q.Get("limit"), 50, store.HistoryLimit)
	if err != nil {
		return store.DependencyIncidentFilter{}, err
	}
	f := store.DependencyIncidentFilter{Limit: limit}
	if v := q.Get("impact"); v != "" {
		f.Impact = watchfire.Impact(strings.ToLower(v))
		if !f.Impact.Valid() {
			return f, watchfire.Errorf(watchfire.EINVALID, "impact %q: use none, minor, major or critical", v)
		}
	}
	return f, nil
}

type createDependencyRequest struct {
	ID       string       `json:"id"`
	Name     string       `json:"name"`
	URL      string       `json:"url"`
	Provider string       `json:"provider"`
	Category string       `json:"category"`
	Interval string       `json:"interval"` // Go duration, e.g. "60s"
	Affects  []affectJSON `json:"affects"`
}

// minDependencyInterval matches the config's floor: be polite to vendors.
const minDependencyInterval = 10 * time.Second

func (s *Server) createDependency(w http.ResponseWriter, r *http.Request) error {
	var req createDependencyRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in := engine.DependencyInput{ID: req.ID, Name: req.Name, URL: req.URL, Provider: req.Provider, Category: req.Category}
	if req.Interval != "" {
		d, err := time.ParseDuration(req.Interval)
		if err != nil {
			return watchfire.Errorf(watchfire.EINVALID, "interval %q: use a duration such as 60s or 5m", req.Interval)
		}
		in.Interval = d
	}
	for _, a := range req.Affects {
		in.Affects = append(in.Affects, watchfire.DependencyAffect{ComponentID: a.Component, Upstream: a.UpstreamComponent})
	}
	d, err := s.engine.CreateDependency(r.Context(), engine.API, in, s.providers, minDependencyInterval)
	if err != nil {
		return err
	}
	if s.upstream != nil {
		if err := s.upstream.Reload(r.Context()); err != nil {
			s.log.Warn("the poller did not pick up the new dependency; it will at the next reload", "dependency", d.ID, "err", err)
		}
	}
	w.Header().Set("Location", "/api/v1/dependencies/"+d.ID)
	writeJSON(w, r, http.StatusCreated, s.dependencyView(d))
	return nil
}

func (s *Server) deleteDependency(w http.ResponseWriter, r *http.Request) error {
	if err := s.engine.DeleteDependency(r.Context(), engine.API, r.PathValue("id")); err != nil {
		return err
	}
	if s.upstream != nil {
		if err := s.upstream.Reload(r.Context()); err != nil {
			s.log.Warn("the poller did not drop the dependency; it will at the next reload", "dependency", r.PathValue("id"), "err", err)
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Statusphere-compatible directory API. Statusphere's clients read these
// exact paths and camelCase shapes; Watchfire answers them from the
// built-in catalog plus the dependencies it follows, which are the pages
// it actually reads ("indexed").

// directoryPage is one page of the directory.
type directoryPage struct {
	name, url, provider, category string
	dep                           *watchfire.Dependency // nil for a catalog page Watchfire does not read
}

// directory merges the catalog and the followed dependencies; a
// dependency replaces the catalog entry with the same address.
func (s *Server) directory(ctx context.Context) ([]directoryPage, error) {
	deps, err := s.dependencies(ctx)
	if err != nil {
		return nil, err
	}
	followed := followedCatalogPages(deps)
	all := catalog.All()
	out := make([]directoryPage, 0, len(all)+len(deps))
	for _, p := range all {
		if followed[p.URL] == nil { // a followed one is listed below
			out = append(out, catalogPage(p))
		}
	}
	for _, d := range deps {
		out = append(out, followedPage(d))
	}
	slices.SortFunc(out, func(a, b directoryPage) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name)), strings.Compare(a.url, b.url))
	})
	return out, nil
}

// followedCatalogPages maps the catalog's address of each page a
// dependency follows to that dependency.
func followedCatalogPages(deps []*watchfire.Dependency) map[string]*watchfire.Dependency {
	out := map[string]*watchfire.Dependency{}
	for _, d := range deps {
		if p, ok := catalog.ByURL(d.URL); ok {
			out[p.URL] = d
		}
	}
	return out
}

func catalogPage(p catalog.Page) directoryPage {
	return directoryPage{name: p.Name, url: p.URL, provider: p.Provider, category: p.Category}
}

func followedPage(d *watchfire.Dependency) directoryPage {
	category := d.Category
	if category == "" {
		if p, ok := catalog.ByURL(d.URL); ok {
			category = p.Category
		}
	}
	return directoryPage{name: d.Name, url: d.URL, provider: cmp.Or(d.Detected, d.Provider), category: category, dep: d}
}

// statusPageJSON is Statusphere's StatusPage, plus Watchfire's fields.
type statusPageJSON struct {
	Name                    string    `json:"name"`
	URL                     string    `json:"url"`
	LastHistoricallyScraped time.Time `json:"lastHistoricallyScraped"`
	LastCurrentlyScraped    time.Time `json:"lastCurrentlyScraped"`
	IsIndexed               bool      `json:"isIndexed"`
	Status                  string    `json:"status"` // UP, DEGRADED, DOWN or UNKNOWN
	Provider                string    `json:"provider"`
	Category                string    `json:"category,omitempty"`
	DependencyID            string    `json:"dependencyId,omitempty"`
}

func (s *Server) statusPageView(p *directoryPage) statusPageJSON {
	out := statusPageJSON{Name: p.name, URL: p.url, Provider: p.provider, Category: p.category, Status: "UNKNOWN"}
	if p.dep == nil {
		return out
	}
	out.DependencyID = p.dep.ID
	out.IsIndexed = p.dep.Report != nil
	out.Status = s.currentStatus(p.dep)
	h := p.dep.Health
	if s.upstream != nil {
		if live, _, ok := s.upstream.Health(p.dep.ID); ok {
			h = live
		}
	}
	if h.LastSuccessAt != nil {
		out.LastCurrentlyScraped = h.LastSuccessAt.UTC()
	}
	return out
}

// currentStatus answers Statusphere's question "is it up?" from what was
// read, components and page indicator alike: operational or under
// maintenance is UP, a major outage DOWN, anything between DEGRADED.
// Never read, or not read successfully for five intervals: UNKNOWN.
func (s *Server) currentStatus(d *watchfire.Dependency) string {
	if d.Report == nil {
		return "UNKNOWN"
	}
	failures := d.Health.Failures
	if s.upstream != nil {
		if live, _, ok := s.upstream.Health(d.ID); ok {
			failures = live.Failures
		}
	}
	if failures >= 5 {
		return "UNKNOWN" // what was read is too old to vouch for
	}
	switch d.Report.Overall() {
	case watchfire.StatusOperational, watchfire.StatusUnderMaintenance:
		return "UP"
	case watchfire.StatusMajorOutage:
		return "DOWN"
	}
	return "DEGRADED"
}

func (s *Server) statusPages(w http.ResponseWriter, r *http.Request) error {
	dir, err := s.directory(r.Context())
	if err != nil {
		return err
	}
	out := make([]statusPageJSON, 0, len(dir))
	for i := range dir {
		out = append(out, s.statusPageView(&dir[i]))
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"statusPages": out})
	return nil
}

func (s *Server) statusPagesCount(w http.ResponseWriter, r *http.Request) error {
	dir, err := s.directory(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"statusPageCount": len(dir)})
	return nil
}

func (s *Server) statusPagesSearch(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("query"))
	if q == "" {
		return watchfire.Errorf(watchfire.EINVALID, "query is required, e.g. ?query=github")
	}
	limit, err := queryLimit(r.URL.Query().Get("limit"), 10, 100)
	if err != nil {
		return err
	}
	deps, err := s.dependencies(r.Context())
	if err != nil {
		return err
	}
	followed := followedCatalogPages(deps)
	out := []statusPageJSON{}
	seen := map[*watchfire.Dependency]bool{}
	// Followed pages first when they match: they are the ones with data.
	lq := strings.ToLower(q)
	for _, d := range deps {
		if strings.Contains(strings.ToLower(d.Name), lq) || strings.Contains(strings.ToLower(d.URL), lq) {
			p := followedPage(d)
			out = append(out, s.statusPageView(&p))
			seen[d] = true
		}
	}
	for _, hit := range catalog.Search(q, limit) {
		p := catalogPage(hit)
		if d := followed[hit.URL]; d != nil {
			if seen[d] {
				continue
			}
			p = followedPage(d)
			seen[d] = true
		}
		out = append(out, s.statusPageView(&p))
	}
	if len(out) > limit {
		out = out[:limit]
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"statusPages": out})
	return nil
}

// findPage looks a page up by statusPageUrl or statusPageName.
func (s *Server) findPage(ctx context.Context, q url.Values, allowName bool) (*directoryPage, error) {
	pageURL, name := strings.TrimSpace(q.Get("statusPageUrl")), strings.TrimSpace(q.Get("statusPageName"))
	switch {
	case pageURL == "" && (name == "" || !allowName):
		if allowName {
			return nil, watchfire.Errorf(watchfire.EINVALID, "statusPageUrl or statusPageName is required, e.g. ?statusPageUrl=https://www.githubstatus.com")
		}
		return nil, watchfire.Errorf(watchfire.EINVALID, "statusPageUrl is required, e.g. ?statusPageUrl=https://www.githubstatus.com")
	case pageURL != "" && name != "" && allowName:
		return nil, watchfire.Errorf(watchfire.EINVALID, "statusPageUrl and statusPageName are mutually exclusive; give one")
	}
	deps, err := s.dependencies(ctx)
	if err != nil {
		return nil, err
	}
	if pageURL != "" {
		key := catalog.Normalize(pageURL)
		for _, d := range deps {
			if catalog.Normalize(d.URL) == key {
				p := followedPage(d)
				return &p, nil
			}
		}
		if c, ok := catalog.ByURL(pageURL); ok {
			p := catalogPage(c)
			if d := followedCatalogPages(deps)[c.URL]; d != nil {
				p = followedPage(d)
			}
			return &p, nil
		}
		return nil, watchfire.Errorf(watchfire.ENOTFOUND, "status page %q is not known; search with /api/v1/statusPages/search?query=… or add it as a dependency", pageURL)
	}
	for _, d := range deps {
		if strings.EqualFold(d.Name, name) {
			p := followedPage(d)
			return &p, nil
		}
	}
	if c, ok := catalog.ByName(name); ok {
		p := catalogPage(c)
		if d := followedCatalogPages(deps)[c.URL]; d != nil {
			p = followedPage(d)
		}
		return &p, nil
	}
	return nil, watchfire.Errorf(watchfire.ENOTFOUND, "status page named %q is not known; search with /api/v1/statusPages/search?query=…", name)
}

func (s *Server) statusPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.findPage(r.Context(), r.URL.Query(), true)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"statusPage": s.statusPageView(p)})
	return nil
}

// currentStatusJSON is Statusphere's answer (status, and the older
// isOkay) with what Watchfire knows beyond it.
type currentStatusJSON struct {
	Status      string                     `json:"status"`
	IsOkay      bool                       `json:"isOkay"`
	IsIndexed   bool                       `json:"isIndexed"`
	Indicator   string                     `json:"indicator,omitempty"`
	Description string                     `json:"description,omitempty"`
	Components  []aggregator.ComponentJSON `json:"components"`
	Incidents   []aggregator.IncidentJSON  `json:"incidents"`
	Fetch       *fetchJSON                 `json:"fetch,omitempty"`
}

func (s *Server) getCurrentStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := s.findPage(r.Context(), r.URL.Query(), false)
	if err != nil {
		return err
	}
	out := currentStatusJSON{Status: "UNKNOWN", Components: []aggregator.ComponentJSON{}, Incidents: []aggregator.IncidentJSON{}}
	if p.dep != nil {
		v := s.dependencyView(p.dep)
		out.Status = s.currentStatus(p.dep)
		out.IsIndexed = p.dep.Report != nil
		out.Indicator, out.Description, out.Components, out.Incidents = v.Indicator, v.Description, v.Components, v.Incidents
		out.Fetch = &v.Fetch
	}
	out.IsOkay = out.Status == "UP"
	writeJSON(w, r, http.StatusOK, out)
	return nil
}

// statusphereIncident is Statusphere's Incident.
type statusphereIncident struct {
	Title         string             `json:"title"`
	Components    []string           `json:"components"`
	Events        []statusphereEvent `json:"events"`
	StartTime     time.Time          `json:"startTime"`
	EndTime       *time.Time         `json:"endTime"`
	Description   *string            `json:"description"`
	DeepLink      string             `json:"deepLink"`
	Impact        string             `json:"impact"`
	StatusPageURL string             `json:"statusPageUrl"`
	// Watchfire's additions.
	ID     string `json:"id"`
	Status string `json:"status"`
}

type statusphereEvent struct {
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Time        time.Time `json:"time"`
}

// statusphereOrOwnIncidents serves GET /api/v1/incidents: Statusphere's
// question about a third-party page when statusPageUrl is given, our own
// incidents otherwise. The two share a path, so one route answers both.
func (s *Server) statusphereOrOwnIncidents(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Query().Has("statusPageUrl") {
		return s.statusphereIncidents(w, r)
	}
	return s.listIncidents(w, r)
}

func (s *Server) statusphereIncidents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := s.findPage(r.Context(), q, false)
	if err != nil {
		return err
	}
	f, err := incidentFilter(q)
	if err != nil {
		return err
	}
	out := []statusphereIncident{}
	if p.dep == nil {
		writeJSON(w, r, http.StatusOK, map[string]any{"incidents": out, "isIndexed": false})
		return nil
	}
	incs, err := s.store.DependencyIncidents(r.Context(), p.dep.ID, f)
	if err != nil {
		return err
	}
	for _, inc := range incs {
		si := statusphereIncident{Title: inc.Name, Components: inc.Components, Events: []statusphereEvent{},
			StartTime: inc.StartedAt.UTC(), EndTime: utcPtr(inc.ResolvedAt), DeepLink: cmp.Or(inc.URL, p.url),
			Impact: string(inc.Impact), StatusPageURL: p.url, ID: inc.ID, Status: string(inc.Status)}
		if si.Components == nil {
			si.Components = []string{}
		}
		if inc.Status.Closed() && si.EndTime == nil && !inc.UpdatedAt.IsZero() {
			end := inc.UpdatedAt.UTC()
			si.EndTime = &end
		}
		for _, u := range inc.Updates {
			si.Events = append(si.Events, statusphereEvent{Title: u.Status, Description: u.Body, Time: u.At.UTC()})
		}
		if len(inc.Updates) > 0 {
			first := inc.Updates[len(inc.Updates)-1].Body
			si.Description = &first
		}
		out = append(out, si)
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"incidents": out, "isIndexed": p.dep.Report != nil})
	return nil
}
