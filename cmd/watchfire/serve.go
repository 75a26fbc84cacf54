package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/watchfire-status/watchfire/internal/aggregator"
	"github.com/watchfire-status/watchfire/internal/config"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/eventlog"
	"github.com/watchfire-status/watchfire/internal/gateway"
	"github.com/watchfire-status/watchfire/internal/hub"
	liveupdates "github.com/watchfire-status/watchfire/internal/live"
	"github.com/watchfire-status/watchfire/internal/logbuf"
	"github.com/watchfire-status/watchfire/internal/metrics"
	"github.com/watchfire-status/watchfire/internal/metricsource"
	"github.com/watchfire-status/watchfire/internal/metricsource/sources"
	"github.com/watchfire-status/watchfire/internal/monitor"
	"github.com/watchfire-status/watchfire/internal/probe"
	"github.com/watchfire-status/watchfire/internal/probe/kinds"
	"github.com/watchfire-status/watchfire/internal/provider/providers"
	"github.com/watchfire-status/watchfire/internal/server"
	"github.com/watchfire-status/watchfire/internal/site"
	"github.com/watchfire-status/watchfire/internal/snapshot"
)

type serveCmd struct {
	dataFlags
	Listen string `help:"Address to listen on (env WATCHFIRE_LISTEN). Default: from the config, else :8080." placeholder:"ADDR"`
}

// Server timeouts: every one is set, so a slow or stalled client cannot
// hold a connection or a goroutine forever.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
	shutdownTimeout   = 15 * time.Second
	snapshotResync    = 15 * time.Second
)

func (c *serveCmd) Run(e *env) error {
	ctx := e.ctx
	loadedStamp := fileStamp(c.configPath(e))
	cfg, source, err := c.loadConfig(e)
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, c.dsn(e, cfg), true)
	if err != nil {
		return err
	}
	defer db.Close()

	h := hub.New()
	eng := engine.New(db, h, time.Now, e.log)
	snaps := snapshot.NewBuilder(db, e.log, time.Now)
	h.OnCommit(snaps.OnCommit)
	// SSE and WebSocket streams. After the snapshot, so that a client told
	// of an event reads a state that already has it.
	streams := liveupdates.New(liveupdates.Options{Store: db, Log: e.log})
	h.OnCommit(streams.OnCommit)
	// The standard event log line, one per event (config event_log). Held
	// until the serving line is printed: applying the config commits events.
	evlog, err := openEventLog(e, cfg.EventLog)
	if err != nil {
		return err
	}
	if evlog != nil {
		defer evlog.Close()
		h.OnCommit(evlog.OnCommit)
	}

	heartbeats := monitor.NewHeartbeats(time.Now)
	self := &monitor.Self{Store: db, Hub: h}
	runner := monitor.NewRunner(monitor.Options{
		Factories: kinds.Table,
		Deps:      probe.Deps{Self: self, Heartbeats: heartbeats, Now: time.Now},
		Status:    eng,
		Results:   monitor.StoreResults(db),
		Log:       e.log,
	})
	metricService := metrics.New(db, runner, e.log, time.Now)
	// The event gateway: webhooks and the pollers' reports are stored, then
	// applied in order by its processor. It runs first and stops last, so
	// that nothing handed to it waits on a stopped committer.
	gw := gateway.New(gateway.Options{Store: db, Recorder: eng, Adapters: providers.Webhooks(),
		Log: e.log.With("subsystem", "gateway")})
	upstream := &poller{eng: eng, agg: aggregator.New(aggregator.Options{
		Registry: providers.Registry(), Client: newUpstreamClient(), Recorder: gw, Health: db,
		Log: e.log.With("subsystem", "dependencies"),
	})}
	current := &live{eng: eng, runner: runner, heartbeats: heartbeats, metrics: metricService, poller: upstream, gateway: gw}
	gwCtx, stopGateway := context.WithCancel(context.WithoutCancel(ctx))
	defer stopGateway()
	gatewayDone := make(chan struct{})
	go func() {
		defer close(gatewayDone)
		gw.Run(gwCtx, func() time.Duration {
			if r := current.retention.Load(); r != nil {
				return time.Duration(r.Payloads) * 24 * time.Hour
			}
			return 0 // not applied yet: the default
		})
	}()
	if err := current.apply(ctx, cfg); err != nil {
		return fmt.Errorf("applying %s: %w", source, err)
	}
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		server.ComponentStatusCollector{Snapshots: snaps})
	if _, err := runner.NewMetrics(registry); err != nil {
		return err
	}
	registerGatewayMetrics(registry, gw)
	if err := snaps.Refresh(ctx); err != nil {
		return fmt.Errorf("loading the status snapshot: %w", err)
	}
	pages := site.NewBuilder(snaps, site.Sources{
		Reader:     db,
		MonitorsOf: runner.MonitorsOf,
		Latest: func(id string) (time.Time, time.Duration, bool) {
			res, _, ok := runner.Latest(id)
			return res.At, res.Latency, ok
		},
		Metrics: func() []site.MetricDef { return siteMetrics(metricService.List()) },
		Blocks:  func() []site.Block { return siteBlocks(current.config()) },
	}, site.Options{Version: versionString()}, e.log, time.Now)
	h.OnCommit(pages.OnCommit) // after the snapshot's: it shows the snapshot's state
	current.site = pages
	if err := pages.Refresh(ctx); err != nil {
		return fmt.Errorf("rendering the status page: %w", err)
	}

	// The access log is batched: one write per 200 ms rather than one per
	// request. It is flushed on shutdown.
	accessOut := logbuf.New(e.stderr, 64<<10, 200*time.Millisecond)
	defer accessOut.Close()
	srv := server.New(server.Deps{
		Engine: eng, Snapshots: snaps, Store: db, Log: e.log, Heartbeats: heartbeats, Monitors: runner,
		MetricService: metricService, Site: pages, Upstream: upstream, Providers: config.Providers, Gateway: gw,
		Live:      streams,
		Metrics:   promhttp.HandlerFor(registry, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(e.log.Handler(), slog.LevelWarn)}),
		AccessLog: e.newLog(accessOut).With("log", "access"), Version: versionString(),
	})
	httpServer := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(e.log.Handler(), slog.LevelWarn),
		// Requests get their own context, not the signal's: a write still in
		// flight when SIGTERM arrives finishes during the drain.
	}
	// Shutdown waits for active connections, and a stream never goes idle
	// by itself: end the streams as soon as the drain begins.
	httpServer.RegisterOnShutdown(streams.Close)
	addr := firstNonEmpty(c.Listen, e.getenv("WATCHFIRE_LISTEN"), cfg.Listen, ":8080")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w (is another process using the port? pick another with --listen)", addr, err)
	}
	self.APIURL = "http://" + ln.Addr().String()
	fmt.Fprintf(e.stdout, "Watchfire %s is serving %s on %s\n", versionString(), source, displayURL(ln.Addr()))
	e.log.Info("serving", "addr", ln.Addr().String(), "config", source, "database", redact(c.dsn(e, cfg)))
	if evlog != nil {
		evlog.Start()
	}

	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBackground()
	go snaps.Run(bgCtx, snapshotResync)
	go pages.Run(bgCtx, siteRefresh)
	runnerDone := make(chan struct{})
	go func() {
		defer close(runnerDone)
		runner.Run(bgCtx)
	}()
	go resolveQuietIncidents(bgCtx, eng, e.log)
	pollerDone := make(chan struct{})
	go func() {
		defer close(pollerDone)
		upstream.agg.Run(bgCtx)
	}()
	go monitor.Prune(bgCtx, db, time.Hour, func() (int, int) {
		r := current.days()
		return r.Results, r.Rollups
	}, e.log)
	go metricService.Prune(bgCtx, time.Hour, func() int { return current.days().Metrics })
	go metricService.RunSources(bgCtx, func(spec metricsource.Spec) (metricsource.Source, error) {
		return sources.New(spec, nil)
	})
	go c.watchConfig(bgCtx, e, c.configPath(e), loadedStamp, current)

	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving HTTP: %w", err)
	case <-ctx.Done():
	}
	e.log.Info("shutting down: finishing requests in flight", "timeout", shutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	stopBackground() // monitors finish their checks and write what is pending
	<-runnerDone
	<-pollerDone // fetch health written
	stopGateway()
	<-gatewayDone         // what was handed to it is stored
	_ = accessOut.Close() // the last requests' lines before the last word
	if evlog != nil {
		if err := evlog.Close(); err != nil {
			e.log.Warn("event log", "err", err)
		}
	}
	e.log.Info("stopped")
	return nil
}

// openEventLog returns the sink of the standard event log lines, held
// until Start, or nil when the output is off.
func openEventLog(e *env, c config.EventLog) (*eventlog.Writer, error) {
	out, closer, err := eventlog.Open(c.OutputOrDefault(), e.stdout, e.stderr)
	if err != nil || out == nil {
		return nil, err
	}
	loc, err := c.Location()
	if err != nil {
		return nil, fmt.Errorf("event_log.time_zone: %w", err)
	}
	return eventlog.New(eventlog.Options{Out: out, Closer: closer, Location: loc, JSON: c.JSON(), Held: true}), nil
}

// displayURL turns a listen address into a URL a person can open.
func displayURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// quietPeriod is how long a recovered component must stay out of an
// outage before its automatic incident is resolved.
const quietPeriod = 5 * time.Minute

// resolveQuietIncidents closes automatic incidents whose component has
// stayed healthy for the quiet period.
func resolveQuietIncidents(ctx context.Context, eng *engine.Engine, log *slog.Logger) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := eng.ResolveQuietAutoIncidents(ctx, quietPeriod); err != nil && ctx.Err() == nil {
				log.Warn("resolving quiet automatic incidents", "err", err)
			} else if n > 0 {
				log.Info("resolved automatic incidents after the quiet period", "count", n)
			}
		}
	}
}

// clearUnmonitored forgets a monitor verdict left from an earlier run for
// components that no longer have monitors.
func clearUnmonitored(ctx context.Context, eng *engine.Engine, cfg *config.Config, defs []monitor.Def) error {
	monitored := map[string]bool{}
	for _, d := range defs {
		monitored[d.ComponentID] = true
	}
	for _, m := range cfg.Metrics {
		if m.Component != "" && len(m.Thresholds) > 0 {
			monitored[m.Component] = true // judged by the metric's thresholds
		}
	}
	var clear []engine.MonitorVerdict
	for _, c := range cfg.Components {
		if !monitored[c.ID] {
			clear = append(clear, engine.MonitorVerdict{ComponentID: c.ID})
		}
	}
	return eng.SetMonitorStatus(ctx, clear)
}

// registerGatewayMetrics exposes the event gateway's counters on /metrics.
func registerGatewayMetrics(r prometheus.Registerer, gw *gateway.Gateway) {
	r.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "watchfire_gateway_payloads_stored_total",
			Help: "Raw payloads (webhook deliveries, poller reports) durably stored."},
			func() float64 { return float64(gw.Stats().Committed) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "watchfire_gateway_commits_total",
			Help: "Transactions that stored them (group commit: many payloads per commit)."},
			func() float64 { return float64(gw.Stats().Commits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "watchfire_gateway_payloads_applied_total",
			Help: "Payloads normalized and applied by the processor."},
			func() float64 { return float64(gw.Stats().Applied) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "watchfire_gateway_queue_length",
			Help: "Stored payloads waiting in the processor's queue."},
			func() float64 { return float64(gw.Stats().Queued) }),
	)
}
