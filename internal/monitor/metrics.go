package monitor

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the runner's Prometheus metrics. Histograms are observed on
// each check; counters and gauges are read from the runner when scraped,
// so a check costs two histogram observations and nothing else.
type Metrics struct {
	lag     prometheus.Histogram
	latency *prometheus.HistogramVec
	runner  *Runner
}

var (
	descUp       = prometheus.NewDesc("watchfire_monitor_up", "1 when the monitor's verdict is up or degraded, 0 when down; absent before its first verdict.", []string{"monitor", "component"}, nil)
	descMonitors = prometheus.NewDesc("watchfire_monitors", "Monitors scheduled.", nil, nil)
	descChecks   = prometheus.NewDesc("watchfire_scheduler_checks_total", "Checks started.", nil, nil)
	descLate     = prometheus.NewDesc("watchfire_scheduler_late_checks_total", "Checks that started more than 1 s after they were due.", nil, nil)
	descSkipped  = prometheus.NewDesc("watchfire_scheduler_skipped_checks_total", "Turns skipped because the monitor's previous check was still running.", nil, nil)
)

// NewMetrics registers the runner's metrics with reg. Call it before Run.
func (r *Runner) NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		runner: r,
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "watchfire_scheduler_lag_seconds",
			Help:    "How long after its due time each check started.",
			Buckets: []float64{.001, .005, .01, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "watchfire_monitor_latency_seconds",
			Help:    "Response time measured by each monitor's probe.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"monitor"}),
	}
	for _, c := range []prometheus.Collector{m.lag, m.latency, m} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	r.metrics = m
	return m, nil
}

func (m *Metrics) observe(res CheckResult) {
	m.lag.Observe(res.At.Sub(res.Due).Seconds())
	if res.Latency > 0 {
		m.latency.WithLabelValues(res.MonitorID).Observe(res.Latency.Seconds())
	}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descUp, descMonitors, descChecks, descLate, descSkipped} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	st := m.runner.Stats()
	ch <- prometheus.MustNewConstMetric(descMonitors, prometheus.GaugeValue, float64(st.Monitors))
	ch <- prometheus.MustNewConstMetric(descChecks, prometheus.CounterValue, float64(st.Checks))
	ch <- prometheus.MustNewConstMetric(descLate, prometheus.CounterValue, float64(st.Late))
	ch <- prometheus.MustNewConstMetric(descSkipped, prometheus.CounterValue, float64(st.Skipped))

	m.runner.mu.Lock()
	component := make(map[string]string, len(m.runner.entries))
	for id, e := range m.runner.entries {
		component[id] = e.def.ComponentID
	}
	m.runner.mu.Unlock()
	m.runner.lastMu.Lock()
	defer m.runner.lastMu.Unlock()
	for id, v := range m.runner.state {
		comp, ok := component[id]
		if !ok || v == VerdictUnknown {
			continue
		}
		up := 1.0
		if v == VerdictDown {
			up = 0
		}
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, up, id, comp)
	}
}
