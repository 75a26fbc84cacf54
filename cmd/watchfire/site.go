package main

import (
	"time"

	"github.com/watchfire-status/watchfire/internal/config"
	"github.com/watchfire-status/watchfire/internal/metrics"
	"github.com/watchfire-status/watchfire/internal/monitor"
	"github.com/watchfire-status/watchfire/internal/site"
	"github.com/watchfire-status/watchfire/internal/store"
)

// siteRefresh is how often the status page gathers uptime and response
// times again; status changes show at once, through the hub.
const siteRefresh = 30 * time.Second

// siteMetrics describes the configured metrics to the status page.
func siteMetrics(defs []*metrics.Def) []site.MetricDef {
	out := make([]site.MetricDef, 0, len(defs))
	for _, d := range defs {
		out = append(out, site.MetricDef{ID: d.ID, PageID: d.PageID, Name: d.Name, Unit: d.Unit,
			Target: d.Target, Capacity: d.Capacity, Met: d.Met})
	}
	return out
}

// siteBlocks returns the operator's markdown blocks.
func siteBlocks(cfg *config.Config) []site.Block {
	if cfg == nil {
		return nil
	}
	out := make([]site.Block, 0, len(cfg.Blocks))
	for _, b := range cfg.Blocks {
		out = append(out, site.Block{Title: b.Title, Body: b.Body, PageID: b.Page})
	}
	return out
}

// configSources are the status page's sources when no monitors run (the
// export): the config says which monitors a component has, the store
// what they measured.
func configSources(db store.Store, cfg *config.Config, ms *metrics.Service) site.Sources {
	defs, _ := monitor.FromConfig(cfg)
	byComponent := map[string][]string{}
	for _, d := range defs {
		byComponent[d.ComponentID] = append(byComponent[d.ComponentID], d.ID)
	}
	return site.Sources{
		Reader:     db,
		MonitorsOf: func(id string) []string { return byComponent[id] },
		Metrics:    func() []site.MetricDef { return siteMetrics(ms.List()) },
		Blocks:     func() []site.Block { return siteBlocks(cfg) },
	}
}
