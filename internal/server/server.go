// Package server is Watchfire's HTTP edge: the Statuspage-compatible
// public API served from the in-memory snapshot, the admin API that sends
// commands to the engine, and health checks. Every route is listed in
// routes.go.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/site"
	"github.com/watchfire-status/watchfire/internal/snapshot"
	"github.com/watchfire-status/watchfire/internal/store"
)

// Deps are what the server needs.
type Deps struct {
	Engine    *engine.Engine
	Snapshots *snapshot.Builder
	Store     store.Store
	Log       *slog.Logger // operational messages
	AccessLog *slog.Logger // one line per request; nil disables
	Now       func() time.Time
	Version   string
	// Heartbeats takes pushes from heartbeat monitors; nil disables the route.
	Heartbeats Heartbeats
	// Metrics serves GET /metrics (Prometheus); nil disables the route.
	Metrics http.Handler
	// Monitors says which monitors exist; nil when none run.
	Monitors Monitors
	// MetricService records and reads metrics; nil disables their routes.
	MetricService MetricService
	// Live serves event streams (SSE and WebSocket, internal/live); nil
	// disables them.
	Live LiveStreams
	// Site renders the HTML status page; nil serves only the APIs.
	Site *site.Builder
	// Upstream is the dependency poller; nil when none runs.
	Upstream Upstream
	// Providers lists the provider names a dependency may name.
	Providers []string
	// Gateway takes webhook deliveries (POST /webhooks/{provider}); nil
	// disables the route.
	Gateway Gateway
}

// Gateway is the event gateway's ingest path; *gateway.Gateway is one.
type Gateway interface {
	// Known reports whether a provider has a webhook adapter; Providers
	// lists those that do.
	Known(provider string) bool
	Providers() []string
	// Authorize checks a delivery against the configured sources and
	// returns its source's id.
	Authorize(provider string, r *http.Request, body []byte) (string, error)
	// Accept stores a payload durably, setting its ID.
	Accept(ctx context.Context, p *watchfire.Payload) error
}

// LiveStreams serves live event streams. Each returns an error, having
// written nothing, when it refuses a request; *live.Broadcaster is one.
type LiveStreams interface {
	ServeSSE(w http.ResponseWriter, r *http.Request) error
	ServeWS(w http.ResponseWriter, r *http.Request) error
}

// Monitors tells which monitors are scheduled, and for which component.
type Monitors interface {
	MonitorsOf(componentID string) []string
	HasMonitor(id string) bool
}

// Heartbeats records a push for the heartbeat monitor with a token.
type Heartbeats interface {
	Beat(token string) (monitorID string, ok bool)
}

// Server holds the handlers' dependencies.
type Server struct {
	engine  *engine.Engine
	snaps   *snapshot.Builder
	store   store.Store
	log     *slog.Logger
	access  *slog.Logger
	now     func() time.Time
	ver     string
	beats   Heartbeats
	prom    http.Handler
	mons    Monitors
	metrics MetricService
	site    *site.Builder
	live    LiveStreams

	upstream  Upstream
	providers []string
	gateway   Gateway

	tokens tokenCache
}

// New returns a server. Call Handler to serve it.
func New(d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Server{engine: d.Engine, site: d.Site, snaps: d.Snapshots, store: d.Store, log: d.Log, access: d.AccessLog,
		now: d.Now, ver: d.Version, beats: d.Heartbeats, prom: d.Metrics, mons: d.Monitors, metrics: d.MetricService, live: d.Live,
		upstream: d.Upstream, providers: d.Providers, gateway: d.Gateway, tokens: tokenCache{m: map[string]cachedToken{}}}
}

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// api adapts a handlerFunc, writing its error as JSON.
func (s *Server) api(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			writeError(w, r, s.log, err)
		}
	})
}

// recorder notes the status and size of a response for the access log.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer
// (flushes for streams, deadlines).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

var recorderPool = sync.Pool{New: func() any { return new(recorder) }}

// observe logs each request and turns a panic into a 500 with a logged
// stack, so one bad request never takes the process down.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := recorderPool.Get().(*recorder)
		*rec = recorder{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path,
					"panic", v, "stack", string(debug.Stack()))
				if rec.status == 0 {
					writeError(rec, r, s.log, watchfire.Errorf(watchfire.EINTERNAL, "internal error"))
				}
			}
			if s.access != nil {
				s.access.LogAttrs(r.Context(), slog.LevelInfo, "request",
					slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.Int("status", rec.status), slog.Int("bytes", rec.bytes),
					slog.Duration("duration", time.Since(start)), slog.String("remote", r.RemoteAddr))
			}
			*rec = recorder{}
			recorderPool.Put(rec)
		}()
		next.ServeHTTP(rec, r)
	})
}

// pagePrefix strips a page's path prefix, so "/internal/api/v2/…" is
// served by the same routes as "/api/v2/…" for the page "internal".
func (s *Server) pagePrefix(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		snap := s.snaps.Current()
		if snap == nil || !snap.HasPrefixes() {
			next.ServeHTTP(w, r)
			return
		}
		pv, rest := snap.Resolve(r.Host, r.URL.Path)
		if pv == nil || pv.Page.PathPrefix == "" || rest == r.URL.Path {
			next.ServeHTTP(w, r)
			return
		}
		r2 := r.Clone(context.WithValue(r.Context(), pageKey{}, pv.Page.ID))
		r2.URL.Path, r2.URL.RawPath = rest, ""
		next.ServeHTTP(w, r2)
	})
}

type pageKey struct{}

// page returns the page a request is for.
func (s *Server) page(r *http.Request) (*snapshot.Snapshot, *snapshot.PageView) {
	snap := s.snaps.Current()
	if snap == nil {
		return nil, nil
	}
	if id, ok := r.Context().Value(pageKey{}).(string); ok {
		return snap, snap.Page(id)
	}
	pv, _ := snap.Resolve(r.Host, r.URL.Path)
	return snap, pv
}
