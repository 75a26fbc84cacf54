package server

import (
	"net/http"
	"strings"

	"github.com/watchfire-status/watchfire"
)

// events answers GET /api/v1/events: a server-sent-events stream for
// clients that accept text/event-stream, else the JSON list (list). The
// stream must not go through the gzip wrapper, which would buffer it.
func (s *Server) events(list http.Handler) http.Handler {
	if s.live == nil {
		return list
	}
	stream := s.api(s.live.ServeSSE)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept")
		if r.Method == http.MethodGet && wantsEventStream(r) {
			stream.ServeHTTP(w, r)
			return
		}
		list.ServeHTTP(w, r)
	})
}

// websocket answers GET /api/v1/ws with the live stream over WebSocket.
func (s *Server) websocket() http.Handler {
	if s.live == nil {
		return s.api(func(http.ResponseWriter, *http.Request) error {
			return watchfire.Errorf(watchfire.ENOTFOUND, "live updates are not enabled on this server")
		})
	}
	return s.api(s.live.ServeWS)
}

// wantsEventStream reports whether the Accept header names
// text/event-stream, as EventSource sends it.
func wantsEventStream(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		if strings.Contains(strings.ToLower(v), "text/event-stream") {
			return true
		}
	}
	return false
}
