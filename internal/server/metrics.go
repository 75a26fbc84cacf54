package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/snapshot"
)

var descComponentStatus = prometheus.NewDesc("watchfire_component_status",
	"1 for each component's current status, 0 for the others (one series per status).",
	[]string{"component", "status"}, nil)

// ComponentStatusCollector exports each component's status from the
// snapshot when scraped.
type ComponentStatusCollector struct {
	Snapshots *snapshot.Builder
}

// Describe implements prometheus.Collector.
func (c ComponentStatusCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descComponentStatus }

// Collect implements prometheus.Collector.
func (c ComponentStatusCollector) Collect(ch chan<- prometheus.Metric) {
	snap := c.Snapshots.Current()
	if snap == nil {
		return
	}
	for _, comp := range snap.State.Components {
		for _, s := range watchfire.ComponentStatuses {
			v := 0.0
			if comp.Status == s {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(descComponentStatus, prometheus.GaugeValue, v, comp.ID, string(s))
		}
	}
}
