package server

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/live"
)

// state returns the committed state from the snapshot.
func (s *Server) state() (*watchfire.State, error) {
	snap := s.snaps.Current()
	if snap == nil {
		return nil, watchfire.Errorf(watchfire.EUNAVAILABLE, "the server is still starting; try again in a moment")
	}
	return snap.State, nil
}

func (s *Server) listPages(w http.ResponseWriter, r *http.Request) error {
	st, err := s.state()
	if err != nil {
		return err
	}
	out := make([]pageJSON, 0, len(st.Pages))
	for i := range st.Pages {
		p := &st.Pages[i]
		ind, desc := st.PageIndicator(p)
		comps := p.Components
		if comps == nil {
			comps = []string{}
		}
		out = append(out, pageJSON{ID: p.ID, Name: p.Name, URL: p.URL, TimeZone: p.TimeZone, Locale: p.Locale,
			Host: p.Host, PathPrefix: p.PathPrefix, Components: comps, Indicator: string(ind), Status: desc})
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"pages": out})
	return nil
}

func (s *Server) listComponents(w http.ResponseWriter, r *http.Request) error {
	st, err := s.state()
	if err != nil {
		return err
	}
	out := make([]componentJSON, 0, len(st.Components))
	for i := range st.Components {
		out = append(out, toComponentJSON(&st.Components[i]))
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"components": out})
	return nil
}

func (s *Server) getComponent(w http.ResponseWriter, r *http.Request) error {
	st, err := s.state()
	if err != nil {
		return err
	}
	c := st.Component(r.PathValue("id"))
	if c == nil {
		return watchfire.Errorf(watchfire.ENOTFOUND, "component %q not found", r.PathValue("id"))
	}
	writeJSON(w, r, http.StatusOK, toComponentJSON(c))
	return nil
}

type createComponentRequest struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Description        string `json:"description"`
	GroupID            string `json:"group_id"`
	Group              string `json:"group"`
	Position           int    `json:"position"`
	Status             string `json:"status"`
	Showcase           bool   `json:"showcase"`
	OnlyShowIfDegraded bool   `json:"only_show_if_degraded"`
	StartDate          string `json:"start_date"`
}

func (s *Server) createComponent(w http.ResponseWriter, r *http.Request) error {
	var req createComponentRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in := engine.ComponentInput{ID: req.ID, Name: req.Name, Description: req.Description, GroupID: req.GroupID,
		GroupName: req.Group, Position: req.Position, Status: req.Status, Showcase: req.Showcase,
		OnlyShowIfDegraded: req.OnlyShowIfDegraded}
	if req.StartDate != "" {
		d, err := time.Parse(time.DateOnly, req.StartDate)
		if err != nil {
			return watchfire.Errorf(watchfire.EINVALID, "start_date: %q is not a date; use YYYY-MM-DD", req.StartDate)
		}
		in.StartDate = &d
	}
	c, err := s.engine.CreateComponent(r.Context(), engine.API, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/components/"+c.ID)
	writeJSON(w, r, http.StatusCreated, toComponentJSON(c))
	return nil
}

type patchComponentRequest struct {
	Name               *string `json:"name"`
	Description        *string `json:"description"`
	GroupID            *string `json:"group_id"`
	Group              *string `json:"group"`
	Position           *int    `json:"position"`
	Status             *string `json:"status"`
	Showcase           *bool   `json:"showcase"`
	OnlyShowIfDegraded *bool   `json:"only_show_if_degraded"`
}

func (s *Server) patchComponent(w http.ResponseWriter, r *http.Request) error {
	var req patchComponentRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	c, err := s.engine.UpdateComponent(r.Context(), engine.API, r.PathValue("id"), engine.ComponentPatch{
		Name: req.Name, Description: req.Description, GroupID: req.GroupID, GroupName: req.Group,
		Position: req.Position, Status: req.Status, Showcase: req.Showcase, OnlyShowIfDegraded: req.OnlyShowIfDegraded,
	})
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, toComponentJSON(c))
	return nil
}

func (s *Server) deleteComponent(w http.ResponseWriter, r *http.Request) error {
	if err := s.engine.DeleteComponent(r.Context(), engine.API, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request) error {
	st, err := s.state()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := queryLimit(q.Get("limit"), 50, 250)
	if err != nil {
		return err
	}
	filter := q.Get("status")
	if filter != "" && filter != "open" && filter != "closed" {
		return watchfire.Errorf(watchfire.EINVALID, "status: %q is not a filter; use open or closed", filter)
	}
	out := []incidentJSON{}
	for i := range st.Incidents {
		inc := &st.Incidents[i]
		if (filter == "open" && !inc.Open()) || (filter == "closed" && inc.Open()) {
			continue
		}
		if pageID := q.Get("page_id"); pageID != "" && inc.PageID != pageID {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, toIncidentJSON(inc))
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"incidents": out})
	return nil
}

func (s *Server) getIncident(w http.ResponseWriter, r *http.Request) error {
	st, err := s.state()
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	inc := st.Incident(id)
	if inc == nil {
		// Older than the snapshot's history window: ask the store.
		if inc, err = s.store.Incident(r.Context(), id); err != nil {
			return err
		}
	}
	writeJSON(w, r, http.StatusOK, toIncidentJSON(inc))
	return nil
}

type createIncidentRequest struct {
	PageID               string            `json:"page_id"`
	Name                 string            `json:"name"`
	Status               string            `json:"status"`
	Impact               string            `json:"impact"`
	Body                 string            `json:"body"`
	Components           map[string]string `json:"components"`
	DeliverNotifications *bool             `json:"deliver_notifications"`
	StartedAt            *time.Time        `json:"started_at"`
}

func (s *Server) createIncident(w http.ResponseWriter, r *http.Request) error {
	var req createIncidentRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	inc, err := s.engine.CreateIncident(r.Context(), engine.API, engine.IncidentInput{
		PageID: req.PageID, Name: req.Name, Status: req.Status, Impact: req.Impact, Body: req.Body,
		Components: s.affected(req.Components), DeliverNotifications: req.DeliverNotifications, StartedAt: req.StartedAt,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/incidents/"+inc.ID)
	writeJSON(w, r, http.StatusCreated, toIncidentJSON(inc))
	return nil
}

type incidentUpdateRequest struct {
	Status               string            `json:"status"`
	Body                 string            `json:"body"`
	Impact               string            `json:"impact"`
	Components           map[string]string `json:"components"`
	DeliverNotifications *bool             `json:"deliver_notifications"`
}

func (s *Server) postIncidentUpdate(w http.ResponseWriter, r *http.Request) error {
	var req incidentUpdateRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	inc, err := s.engine.AddIncidentUpdate(r.Context(), engine.API, r.PathValue("id"), engine.IncidentUpdateInput{
		Status: req.Status, Body: req.Body, Impact: req.Impact, Components: s.affected(req.Components),
		DeliverNotifications: req.DeliverNotifications,
	})
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusCreated, toIncidentJSON(inc))
	return nil
}

type resolveRequest struct {
	Body string `json:"body"`
}

func (s *Server) resolveIncident(w http.ResponseWriter, r *http.Request) error {
	var req resolveRequest
	if r.ContentLength != 0 {
		if err := decode(w, r, &req); err != nil {
			return err
		}
	}
	inc, err := s.engine.ResolveIncident(r.Context(), engine.API, r.PathValue("id"), req.Body)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, toIncidentJSON(inc))
	return nil
}

type patchIncidentRequest struct {
	Name       *string `json:"name"`
	Impact     *string `json:"impact"`
	Postmortem *string `json:"postmortem"`
}

func (s *Server) patchIncident(w http.ResponseWriter, r *http.Request) error {
	var req patchIncidentRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	inc, err := s.engine.UpdateIncident(r.Context(), engine.API, r.PathValue("id"),
		engine.IncidentPatch{Name: req.Name, Impact: req.Impact, Postmortem: req.Postmortem})
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, toIncidentJSON(inc))
	return nil
}

// affected turns a {component: status} map into a list in the page's
// display order, so timelines read the same way as the page.
func (s *Server) affected(m map[string]string) []engine.AffectedInput {
	out := make([]engine.AffectedInput, 0, len(m))
	for id, status := range m {
		out = append(out, engine.AffectedInput{ComponentID: id, Status: status})
	}
	rank := map[string]int{}
	if snap := s.snaps.Current(); snap != nil && snap.Default != nil {
		for i, c := range snap.State.PageComponents(snap.Default.Page) {
			rank[c.ID] = i + 1
		}
	}
	sort.Slice(out, func(i, j int) bool {
		ri, rj := rank[out[i].ComponentID], rank[out[j].ComponentID]
		if ri != rj {
			return ri != 0 && (rj == 0 || ri < rj)
		}
		return out[i].ComponentID < out[j].ComponentID
	})
	return out
}

func (s *Server) listMaintenances(w http.ResponseWriter, r *http.Request) error {
	st, err := s.state()
	if err != nil {
		return err
	}
	limit, err := queryLimit(r.URL.Query().Get("limit"), 50, 250)
	if err != nil {
		return err
	}
	out := []maintenanceJSON{}
	for i := range st.Maintenances {
		if len(out) == limit {
			break
		}
		out = append(out, toMaintenanceJSON(&st.Maintenances[i]))
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"maintenances": out})
	return nil
}

func (s *Server) getMaintenance(w http.ResponseWriter, r *http.Request) error {
	st, err := s.state()
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	m := st.Maintenance(id)
	if m == nil {
		if m, err = s.store.Maintenance(r.Context(), id); err != nil {
			return err
		}
	}
	writeJSON(w, r, http.StatusOK, toMaintenanceJSON(m))
	return nil
}

type createMaintenanceRequest struct {
	PageID         string    `json:"page_id"`
	Name           string    `json:"name"`
	Status         string    `json:"status"`
	Body           string    `json:"body"`
	ScheduledFor   time.Time `json:"scheduled_for"`
	ScheduledUntil time.Time `json:"scheduled_until"`
	Components     []string  `json:"components"`
}

func (s *Server) createMaintenance(w http.ResponseWriter, r *http.Request) error {
	var req createMaintenanceRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, err := s.engine.CreateMaintenance(r.Context(), engine.API, engine.MaintenanceInput{
		PageID: req.PageID, Name: req.Name, Status: req.Status, Body: req.Body,
		ScheduledFor: req.ScheduledFor, ScheduledUntil: req.ScheduledUntil, Components: req.Components,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/maintenances/"+m.ID)
	writeJSON(w, r, http.StatusCreated, toMaintenanceJSON(m))
	return nil
}

type maintenanceUpdateRequest struct {
	Status string `json:"status"`
	Body   string `json:"body"`
}

func (s *Server) postMaintenanceUpdate(w http.ResponseWriter, r *http.Request) error {
	var req maintenanceUpdateRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, err := s.engine.AddMaintenanceUpdate(r.Context(), engine.API, r.PathValue("id"),
		engine.MaintenanceUpdateInput{Status: req.Status, Body: req.Body})
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusCreated, toMaintenanceJSON(m))
	return nil
}

type patchMaintenanceRequest struct {
	Name           *string    `json:"name"`
	ScheduledFor   *time.Time `json:"scheduled_for"`
	ScheduledUntil *time.Time `json:"scheduled_until"`
	Components     *[]string  `json:"components"`
}

func (s *Server) patchMaintenance(w http.ResponseWriter, r *http.Request) error {
	var req patchMaintenanceRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, err := s.engine.UpdateMaintenance(r.Context(), engine.API, r.PathValue("id"), engine.MaintenancePatch{
		Name: req.Name, ScheduledFor: req.ScheduledFor, ScheduledUntil: req.ScheduledUntil, Components: req.Components,
	})
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, toMaintenanceJSON(m))
	return nil
}

// listEvents answers GET /api/v1/events?source=&provider=&page_id=&since=&limit=,
// newest first, from the store's event log.
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := watchfire.EventFilter{Source: watchfire.EventSource(q.Get("source")), Provider: q.Get("provider"), PageID: q.Get("page_id")}
	var err error
	if f.Limit, err = queryLimit(q.Get("limit"), 100, 1000); err != nil {
		return err
	}
	if f.Since, err = querySince(q.Get("since")); err != nil {
		return err
	}
	switch f.Source {
	case "", watchfire.SourceAPI, watchfire.SourceConfig, watchfire.SourceProbe, watchfire.SourcePoller,
		watchfire.SourceWebhook, watchfire.SourceSystem:
	default:
		return watchfire.Errorf(watchfire.EINVALID, "source: %q is not an event source; use api, config, probe, poller, webhook or system", f.Source)
	}
	events, err := s.store.Events(r.Context(), f)
	if err != nil {
		return err
	}
	// The very objects the live streams send (internal/live).
	out := make([]live.EventJSON, 0, len(events))
	for i := range events {
		out = append(out, live.ToEventJSON(&events[i]))
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"events": out})
	return nil
}

// querySince reads a ?since= parameter: an RFC 3339 time, or none.
func querySince(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, watchfire.Errorf(watchfire.EINVALID, "since: %q is not an RFC 3339 time such as 2025-11-03T14:32:00Z", v)
	}
	return t, nil
}

func queryLimit(v string, def, max int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, watchfire.Errorf(watchfire.EINVALID, "limit: %q is not a positive whole number", v)
	}
	if n > max {
		n = max
	}
	return n, nil
}
