package server

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// Handler returns the whole HTTP surface. Every route is listed here.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	gz := func(h http.Handler) http.Handler { return gzipHandler(h) }
	auth := s.requireToken

	// Health.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /readyz", s.api(s.readyz))

	// Statuspage-compatible public API, per page, from the snapshot. It
	// negotiates gzip itself: its bodies are compressed once per change.
	mux.HandleFunc("GET /api/v2/{doc...}", s.apiV2)

	// Native API: reads are public, like the page they describe.
	mux.Handle("GET /api/v1/pages", gz(s.api(s.listPages)))
	mux.Handle("GET /api/v1/components", gz(s.api(s.listComponents)))
	mux.Handle("GET /api/v1/components/{id}", gz(s.api(s.getComponent)))
	mux.Handle("GET /api/v1/incidents/{id}", gz(s.api(s.getIncident)))
	mux.Handle("GET /api/v1/maintenances", gz(s.api(s.listMaintenances)))
	mux.Handle("GET /api/v1/maintenances/{id}", gz(s.api(s.getMaintenance)))
	// The list, or a live SSE stream for Accept: text/event-stream; and
	// the same stream over WebSocket. Streams bypass gzip (live.go).
	mux.Handle("GET /api/v1/events", s.events(gz(s.api(s.listEvents))))
	mux.Handle("GET /api/v1/ws", s.websocket())
	mux.Handle("GET /api/v1/components/{id}/uptime", gz(s.api(s.componentUptime)))
	mux.Handle("GET /api/v1/monitors/{id}/results", gz(s.api(s.monitorResults)))
	mux.Handle("GET /api/v1/monitors/{id}/latency", gz(s.api(s.monitorLatency)))
	mux.Handle("GET /api/v1/metrics", gz(s.api(s.listMetrics)))
	mux.Handle("GET /api/v1/dependencies", gz(s.api(s.listDependencies)))
	mux.Handle("GET /api/v1/dependencies/{id}", gz(s.api(s.getDependency)))
	mux.Handle("GET /api/v1/dependencies/{id}/incidents", gz(s.api(s.dependencyIncidents)))
	// Statusphere's directory API, same paths and shapes.
	mux.Handle("GET /api/v1/statusPages", gz(s.api(s.statusPages)))
	mux.Handle("GET /api/v1/statusPages/count", gz(s.api(s.statusPagesCount)))
	mux.Handle("GET /api/v1/statusPages/search", gz(s.api(s.statusPagesSearch)))
	mux.Handle("GET /api/v1/statusPage", gz(s.api(s.statusPage)))
	mux.Handle("GET /api/v1/currentStatus", gz(s.api(s.getCurrentStatus)))
	mux.Handle("GET /api/v1/incidents", gz(s.api(s.statusphereOrOwnIncidents)))
	mux.Handle("GET /api/v1/pages/{page}/metrics/{metric}/data", gz(s.api(s.metricPoints)))

	// Admin writes: a bearer token, then one engine command each.
	mux.Handle("POST /api/v1/components", auth(s.createComponent))
	mux.Handle("PATCH /api/v1/components/{id}", auth(s.patchComponent))
	mux.Handle("DELETE /api/v1/components/{id}", auth(s.deleteComponent))
	mux.Handle("POST /api/v1/dependencies", auth(s.createDependency))
	mux.Handle("DELETE /api/v1/dependencies/{id}", auth(s.deleteDependency))
	mux.Handle("POST /api/v1/incidents", auth(s.createIncident))
	mux.Handle("PATCH /api/v1/incidents/{id}", auth(s.patchIncident))
	mux.Handle("POST /api/v1/incidents/{id}/updates", auth(s.postIncidentUpdate))
	mux.Handle("POST /api/v1/incidents/{id}/resolve", auth(s.resolveIncident))
	mux.Handle("POST /api/v1/maintenances", auth(s.createMaintenance))
	mux.Handle("PATCH /api/v1/maintenances/{id}", auth(s.patchMaintenance))
	mux.Handle("POST /api/v1/maintenances/{id}/updates", auth(s.postMaintenanceUpdate))
	// Metric points, Statuspage-compatible: one metric, or a batch.
	mux.Handle("POST /api/v1/pages/{page}/metrics/{metric}/data", auth(s.pushMetricPoint))
	mux.Handle("POST /api/v1/pages/{page}/metrics/data", auth(s.pushMetricPoints))

	// Heartbeat pushes from cron jobs: the token in the path is the secret.
	// GET and HEAD too, because that is what many schedulers can send.
	for _, m := range []string{"POST", "GET", "HEAD"} {
		mux.Handle(m+" /api/v1/heartbeat/{token}", s.api(s.heartbeat))
	}

	// The event gateway: vendors' webhooks in, acknowledged once stored.
	// Raw payloads are read with a token: they may hold a vendor's
	// unsubscribe links or a sender's internal details.
	if s.gateway != nil {
		mux.Handle("POST /webhooks/{provider}", s.api(s.webhook))
	}
	mux.Handle("GET /api/v1/payloads", auth(s.listPayloads))
	mux.Handle("GET /api/v1/payloads/{id}", auth(s.getPayload))

	// Prometheus: monitors, scheduler, component statuses, the process.
	if s.prom != nil {
		mux.Handle("GET /metrics", s.prom)
	}

	// The HTML status page, its feeds, badges and assets, rendered once
	// per change and served with their precompressed form.
	mux.HandleFunc("GET /{$}", s.home)
	s.siteRoutes(mux)
	// Everything else: a JSON 404, or 405 with Allow. It runs only when no
	// route matched, so the hot paths are routed once.
	mux.Handle("/", s.fallback(mux))

	return s.observe(s.pagePrefix(mux))
}

// gzipHandler compresses responses for clients that accept it. The gzip
// form gets its own ETag, as a different representation must.
func gzipHandler(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(512), gzhttp.SuffixETag("-gzip"))
	if err != nil {
		panic(err) // the options are constants
	}
	return wrap(h)
}
