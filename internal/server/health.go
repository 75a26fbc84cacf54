package server

import (
	"context"
	"net/http"
	"time"

	"github.com/watchfire-status/watchfire"
)

// healthz answers while the process serves HTTP at all.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// readyz answers 200 when the store is reachable and a snapshot is loaded,
// so a load balancer sends traffic only to replicas that can serve it.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return &watchfire.Error{Code: watchfire.EUNAVAILABLE, Message: "the database is not reachable", Err: err}
	}
	if s.snaps.Current() == nil {
		return watchfire.Errorf(watchfire.EUNAVAILABLE, "the status snapshot is not loaded yet")
	}
	writeJSON(w, r, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

// index tells a visitor where the APIs are.
func (s *Server) index(w http.ResponseWriter, r *http.Request) error {
	_, pv := s.page(r)
	body := map[string]any{
		"name":    "Watchfire",
		"version": s.ver,
		"api": map[string]string{
			"summary":    "/api/v2/summary.json",
			"status":     "/api/v2/status.json",
			"components": "/api/v2/components.json",
			"incidents":  "/api/v2/incidents.json",
			"events":     "/api/v1/events",
		},
	}
	if pv != nil {
		body["page"] = map[string]string{"id": pv.Page.ID, "name": pv.Page.Name}
	}
	writeJSON(w, r, http.StatusOK, body)
	return nil
}

// fallback answers requests no route took: 405 with Allow when the path
// exists for other methods, else 404, both as JSON.
func (s *Server) fallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, p := mux.Handler(probe); p != "" && p != "/" {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			w.Header().Set("Allow", joinComma(allowed))
			writeError(w, r, s.log, watchfire.Errorf(codeMethodNotAllowed, "%s is not allowed on %s; use %s", r.Method, r.URL.Path, joinComma(allowed)))
			return
		}
		writeError(w, r, s.log, watchfire.Errorf(watchfire.ENOTFOUND, "no route for %s %s; see docs/API.md", r.Method, r.URL.Path))
	})
}

func joinComma(list []string) string {
	out := ""
	for i, v := range list {
		if i > 0 {
			out += ", "
		}
		out += v
	}
	return out
}

// heartbeat records a push from a heartbeat monitor's job.
func (s *Server) heartbeat(w http.ResponseWriter, r *http.Request) error {
	if s.beats == nil {
		return watchfire.Errorf(watchfire.ENOTFOUND, "heartbeats are not enabled on this server")
	}
	id, ok := s.beats.Beat(r.PathValue("token"))
	if !ok {
		return watchfire.Errorf(watchfire.ENOTFOUND, "no heartbeat monitor has this token; check the URL against the monitor's token in the config")
	}
	writeJSON(w, r, http.StatusOK, map[string]string{"monitor": id, "received_at": s.now().UTC().Format(time.RFC3339)})
	return nil
}
