package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/watchfire-status/watchfire/internal/config"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/gateway"
	"github.com/watchfire-status/watchfire/internal/metrics"
	"github.com/watchfire-status/watchfire/internal/monitor"
	"github.com/watchfire-status/watchfire/internal/site"
)

// configPollInterval is how often serve looks at the config file for a
// change. Polling the modification time and size costs one stat call and
// works on every file system, where change notifications do not.
const configPollInterval = 2 * time.Second

// live is what a config reload updates in a running server.
type live struct {
	eng        *engine.Engine
	runner     *monitor.Runner
	heartbeats *monitor.Heartbeats
	metrics    *metrics.Service
	site       *site.Builder // nil until the first snapshot
	poller     *poller
	gateway    *gateway.Gateway // nil outside serve

	retention atomic.Pointer[config.Retention]
	cfg       atomic.Pointer[config.Config]
}

// config returns the config applied last.
func (l *live) config() *config.Config { return l.cfg.Load() }

// days reads the retention of the current config.
func (l *live) days() config.Retention { return *l.retention.Load() }

// apply makes a config current: topology, pages and components, monitors.
func (l *live) apply(ctx context.Context, cfg *config.Config) error {
	retention := cfg.Retention
	l.retention.Store(&retention)
	l.cfg.Store(cfg)
	l.eng.SetTopology(monitor.Topology(cfg))
	pages, groups, components := cfg.Domain()
	if err := l.eng.Apply(ctx, engine.Desired{Pages: pages, Groups: groups, Components: components}); err != nil {
		return err
	}
	if err := l.eng.ApplyDependencies(ctx, cfg.DependencyList()); err != nil {
		return err
	}
	if l.gateway != nil {
		l.gateway.SetSources(gatewaySources(cfg.Webhooks))
	}
	if l.poller != nil {
		if err := l.poller.Reload(ctx); err != nil {
			return err
		}
	}
	defs, tokens := monitor.FromConfig(cfg)
	if err := l.runner.Update(defs); err != nil {
		return err
	}
	l.heartbeats.Register(tokens)
	l.metrics.Update(cfg)
	if err := l.metrics.JudgeLatest(ctx); err != nil {
		return err
	}
	if err := clearUnmonitored(ctx, l.eng, cfg, defs); err != nil {
		return err
	}
	if l.site != nil {
		// Blocks, metrics and monitors may have changed without any state
		// change: gather again.
		return l.site.Refresh(ctx)
	}
	return nil
}

// watchConfig reloads the config file on SIGHUP and when the file changes.
// A config with errors is reported and ignored: the server keeps running
// on the last good one.
//
// last is the file's stamp from before it was loaded: a change made
// between the load and the start of the watch is still seen.
func (c *serveCmd) watchConfig(ctx context.Context, e *env, path, last string, l *live) {
	if path == "" {
		return // the built-in demo: nothing to watch
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	tick := time.NewTicker(configPollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			e.log.Info("reloading the config on SIGHUP", "config", path)
		case <-tick.C:
			stamp := fileStamp(path)
			if stamp == last {
				continue
			}
			last = stamp
			e.log.Info("reloading the config: the file changed", "config", path)
		}
		cfg, err := config.LoadFile(path)
		if err == nil {
			err = l.apply(ctx, cfg)
		}
		if err != nil {
			e.log.Error("config reload failed; still running on the previous config", "config", path, "err", err)
			continue
		}
		e.log.Info("config reloaded", "config", path, "monitors", len(cfg.Monitors), "components", len(cfg.Components))
	}
}

// fileStamp identifies a version of a file by its modification time and
// size; "" when it cannot be read.
func fileStamp(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%d/%d", fi.ModTime().UnixNano(), fi.Size())
}

// gatewaySources turns the config's webhook sources into the gateway's.
func gatewaySources(w config.Webhooks) *gateway.Sources {
	list := make([]gateway.Source, 0, len(w.Sources))
	for _, s := range w.Sources {
		list = append(list, gateway.Source{ID: s.ID, Provider: s.Provider, Token: s.Token, Secret: s.Secret,
			Dependency: s.Dependency})
	}
	return gateway.NewSources(w.Open, list)
}
