package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/hub"
	"github.com/watchfire-status/watchfire/internal/logbuf"
	"github.com/watchfire-status/watchfire/internal/server"
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

	pages, groups, components := cfg.Domain()
	if err := eng.Apply(ctx, engine.Desired{Pages: pages, Groups: groups, Components: components}); err != nil {
		return fmt.Errorf("applying %s: %w", source, err)
	}
	if err := snaps.Refresh(ctx); err != nil {
		return fmt.Errorf("loading the status snapshot: %w", err)
	}

	// The access log is batched: one write per 200 ms rather than one per
	// request. It is flushed on shutdown.
	accessOut := logbuf.New(e.stderr, 64<<10, 200*time.Millisecond)
	defer accessOut.Close()
	srv := server.New(server.Deps{
		Engine: eng, Snapshots: snaps, Store: db, Log: e.log,
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
	addr := firstNonEmpty(c.Listen, e.getenv("WATCHFIRE_LISTEN"), cfg.Listen, ":8080")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w (is another process using the port? pick another with --listen)", addr, err)
	}
	fmt.Fprintf(e.stdout, "Watchfire %s is serving %s on %s\n", versionString(), source, displayURL(ln.Addr()))
	e.log.Info("serving", "addr", ln.Addr().String(), "config", source, "database", redact(c.dsn(e, cfg)))

	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBackground()
	go snaps.Run(bgCtx, snapshotResync)

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
	_ = accessOut.Close() // the last requests' lines before the last word
	e.log.Info("stopped")
	return nil
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
