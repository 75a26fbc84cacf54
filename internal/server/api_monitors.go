package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/uptime"
)

type resultJSON struct {
	At        time.Time `json:"at"`
	OK        bool      `json:"ok"`
	LatencyMS float64   `json:"latency_ms"`
	Status    string    `json:"status"` // up, degraded or down
	Reason    string    `json:"reason,omitempty"`
}

func (s *Server) knownMonitor(id string) error {
	if s.mons == nil || !s.mons.HasMonitor(id) {
		return watchfire.Errorf(watchfire.ENOTFOUND, "monitor %q not found; monitors are defined under monitors: in the config", id)
	}
	return nil
}

// monitorResults answers GET /api/v1/monitors/{id}/results?limit=N with the
// newest raw results.
func (s *Server) monitorResults(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.knownMonitor(id); err != nil {
		return err
	}
	limit, err := queryLimit(r.URL.Query().Get("limit"), 100, 1000)
	if err != nil {
		return err
	}
	results, err := s.store.Results(r.Context(), id, limit)
	if err != nil {
		return err
	}
	out := make([]resultJSON, 0, len(results))
	for _, res := range results {
		status := "up"
		switch {
		case !res.OK:
			status = "down"
		case res.Degraded:
			status = "degraded"
		}
		out = append(out, resultJSON{At: res.At.UTC(), OK: res.OK, LatencyMS: ms(res.Latency), Status: status, Reason: res.Reason})
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"monitor": id, "results": out})
	return nil
}

type latencyPointJSON struct {
	At    time.Time `json:"at"`
	Count int64     `json:"count"`
	AvgMS *float64  `json:"avg_ms"`
	P50MS *float64  `json:"p50_ms"`
	P95MS *float64  `json:"p95_ms"`
	P99MS *float64  `json:"p99_ms"`
	MinMS *float64  `json:"min_ms"`
	MaxMS *float64  `json:"max_ms"`
}

// monitorLatency answers GET /api/v1/monitors/{id}/latency?window=24h|7d|30d|90d
// with a response-time series: hourly points up to 7 days, daily beyond.
func (s *Server) monitorLatency(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.knownMonitor(id); err != nil {
		return err
	}
	window, err := parseWindow(r.URL.Query().Get("window"), 24*time.Hour)
	if err != nil {
		return err
	}
	res := store.Hourly
	if window > 7*24*time.Hour {
		res = store.Daily
	}
	now := s.now()
	rollups, err := s.store.Rollups(r.Context(), []string{id}, res, now.Add(-window), now.Add(time.Nanosecond))
	if err != nil {
		return err
	}
	points := make([]latencyPointJSON, 0, len(rollups))
	for i := range rollups {
		ru := &rollups[i]
		p := latencyPointJSON{At: ru.Start.UTC(), Count: ru.Count}
		if ru.OK > 0 {
			p.AvgMS = ptrMS(ru.LatencySum / time.Duration(ru.OK))
			p.P50MS, p.P95MS, p.P99MS = ptrMS(ru.Percentile(0.5)), ptrMS(ru.Percentile(0.95)), ptrMS(ru.Percentile(0.99))
			p.MinMS, p.MaxMS = ptrMS(ru.LatencyMin), ptrMS(ru.LatencyMax)
		}
		points = append(points, p)
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"monitor": id, "window": formatWindow(window), "points": points})
	return nil
}

type barJSON struct {
	Date   string   `json:"date"`
	Uptime *float64 `json:"uptime"` // null when there is no data
	Worst  *string  `json:"worst"`
	NoData bool     `json:"no_data"`
}

// componentUptime answers GET /api/v1/components/{id}/uptime?window=90d:
// the uptime of the window, of each standard window, and one bar a day.
// Time no monitor ran is no data, never up.
func (s *Server) componentUptime(w http.ResponseWriter, r *http.Request) error {
	st, err := s.state()
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if st.Component(id) == nil {
		return watchfire.Errorf(watchfire.ENOTFOUND, "component %q not found", id)
	}
	window, err := parseWindow(r.URL.Query().Get("window"), 90*24*time.Hour)
	if err != nil {
		return err
	}
	var monitors []string
	if s.mons != nil {
		monitors = s.mons.MonitorsOf(id)
	}
	now := s.now()
	ctx := r.Context()
	hourly, daily := []store.Rollup{}, []store.Rollup{}
	if len(monitors) > 0 {
		if hourly, err = s.store.Rollups(ctx, monitors, store.Hourly, now.Add(-7*24*time.Hour), now.Add(time.Nanosecond)); err != nil {
			return err
		}
		if daily, err = s.store.Rollups(ctx, monitors, store.Daily, now.Add(-max(window, 90*24*time.Hour)), now.Add(time.Nanosecond)); err != nil {
			return err
		}
	}
	windows := map[string]*float64{}
	for _, win := range []time.Duration{24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour, 90 * 24 * time.Hour} {
		source := daily
		if win <= 7*24*time.Hour {
			source = hourly
		}
		if pct, noData := uptime.Percent(source, now.Add(-win), now); !noData {
			windows[formatWindow(win)] = &pct
		} else {
			windows[formatWindow(win)] = nil
		}
	}
	days := int(window / (24 * time.Hour))
	if days < 1 {
		days = 1
	}
	bars := make([]barJSON, 0, days)
	for _, b := range uptime.Bars(daily, days, now) {
		bar := barJSON{Date: b.Day.Format(time.DateOnly), NoData: b.NoData}
		if !b.NoData {
			u := b.Uptime
			worst := string(b.Worst)
			bar.Uptime, bar.Worst = &u, &worst
		}
		bars = append(bars, bar)
	}
	writeJSON(w, r, http.StatusOK, map[string]any{
		"component": id, "monitors": nonNil(monitors), "window": formatWindow(window),
		"uptime": windows[formatWindow(window)], "windows": windows, "bars": bars,
	})
	return nil
}

// parseWindow reads 24h, 7d, 30d or 90d.
func parseWindow(v string, def time.Duration) (time.Duration, error) {
	switch v {
	case "":
		return def, nil
	case "24h", "1d":
		return 24 * time.Hour, nil
	case "7d":
		return 7 * 24 * time.Hour, nil
	case "30d":
		return 30 * 24 * time.Hour, nil
	case "90d":
		return 90 * 24 * time.Hour, nil
	}
	return 0, watchfire.Errorf(watchfire.EINVALID, "window: %q is not a window; use 24h, 7d, 30d or 90d", v)
}

func formatWindow(d time.Duration) string {
	if d == 24*time.Hour {
		return "24h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func ptrMS(d time.Duration) *float64 {
	v := ms(d)
	return &v
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
