package server

import (
	"context"
	"math"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/metrics"
	"github.com/watchfire-status/watchfire/internal/store"
)

// MetricService records and reads metrics.
type MetricService interface {
	Metric(id string) (*metrics.Def, bool)
	List() []*metrics.Def
	Record(ctx context.Context, points []store.MetricPoint) error
	Latest(ctx context.Context, id string) (*store.MetricPoint, error)
}

// Statuspage accepts points up to 28 days old and rejects future ones; so
// do we, with five minutes for clock skew.
const (
	maxPointAge  = 28 * 24 * time.Hour
	maxPointSkew = 5 * time.Minute
)

// metricPointJSON is Statuspage's point: unix seconds and a value.
type metricPointJSON struct {
	Timestamp *float64 `json:"timestamp"`
	Value     *float64 `json:"value"`
}

func (s *Server) metricOnPage(pageID, metricID string) (*metrics.Def, error) {
	snap := s.snaps.Current()
	if snap == nil || snap.Page(pageID) == nil {
		return nil, watchfire.Errorf(watchfire.ENOTFOUND, "page %q not found", pageID)
	}
	if s.metrics == nil {
		return nil, watchfire.Errorf(watchfire.ENOTFOUND, "metric %q not found; metrics are defined under metrics: in the config", metricID)
	}
	d, ok := s.metrics.Metric(metricID)
	if !ok {
		return nil, watchfire.Errorf(watchfire.ENOTFOUND, "metric %q not found; metrics are defined under metrics: in the config", metricID)
	}
	if d.PageID != pageID {
		return nil, watchfire.Errorf(watchfire.ENOTFOUND, "metric %q is on page %q, not %q", metricID, d.PageID, pageID)
	}
	return d, nil
}

func (s *Server) toPoint(metricID string, p metricPointJSON, field string) (store.MetricPoint, error) {
	if p.Timestamp == nil || p.Value == nil {
		return store.MetricPoint{}, watchfire.Errorf(watchfire.EINVALID, "%s: give both timestamp (unix seconds) and value", field)
	}
	ts, v := *p.Timestamp, *p.Value
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return store.MetricPoint{}, watchfire.Errorf(watchfire.EINVALID, "%s.value: not a finite number", field)
	}
	sec, frac := math.Modf(ts)
	at := time.Unix(int64(sec), int64(frac*1e9)).UTC()
	now := s.now()
	switch {
	case at.After(now.Add(maxPointSkew)):
		return store.MetricPoint{}, watchfire.Errorf(watchfire.EINVALID, "%s.timestamp: %s is in the future; send unix seconds, e.g. %d", field, at.Format(time.RFC3339), now.Unix())
	case at.Before(now.Add(-maxPointAge)):
		return store.MetricPoint{}, watchfire.Errorf(watchfire.EINVALID, "%s.timestamp: %s is more than 28 days old; send unix seconds, e.g. %d", field, at.Format(time.RFC3339), now.Unix())
	}
	return store.MetricPoint{MetricID: metricID, At: at, Value: v}, nil
}

// pushMetricPoint answers POST /api/v1/pages/{page}/metrics/{metric}/data
// with Statuspage's body: {"data": {"timestamp": 1700000000, "value": 42}}.
func (s *Server) pushMetricPoint(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Data metricPointJSON `json:"data"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	id := r.PathValue("metric")
	if _, err := s.metricOnPage(r.PathValue("page"), id); err != nil {
		return err
	}
	p, err := s.toPoint(id, req.Data, "data")
	if err != nil {
		return err
	}
	if err := s.metrics.Record(r.Context(), []store.MetricPoint{p}); err != nil {
		return err
	}
	writeJSON(w, r, http.StatusCreated, map[string]any{"data": map[string][]metricPointOut{id: {pointOut(p)}}})
	return nil
}

// pushMetricPoints answers POST /api/v1/pages/{page}/metrics/data with
// Statuspage's batch: {"data": {"metric-id": [{"timestamp", "value"}, …]}}.
// The whole batch is checked first and stored in one transaction.
func (s *Server) pushMetricPoints(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Data map[string][]metricPointJSON `json:"data"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if len(req.Data) == 0 {
		return watchfire.Errorf(watchfire.EINVALID, `data: empty; send {"data": {"metric-id": [{"timestamp": ..., "value": ...}]}}`)
	}
	ids := make([]string, 0, len(req.Data))
	for id := range req.Data {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var points []store.MetricPoint
	out := map[string][]metricPointOut{}
	for _, id := range ids {
		if _, err := s.metricOnPage(r.PathValue("page"), id); err != nil {
			return err
		}
		for i, raw := range req.Data[id] {
			p, err := s.toPoint(id, raw, "data."+id+"["+itoa(i)+"]")
			if err != nil {
				return err
			}
			points = append(points, p)
			out[id] = append(out[id], pointOut(p))
		}
	}
	if err := s.metrics.Record(r.Context(), points); err != nil {
		return err
	}
	writeJSON(w, r, http.StatusCreated, map[string]any{"data": out})
	return nil
}

type metricPointOut struct {
	Timestamp int64   `json:"timestamp"`
	Value     float64 `json:"value"`
}

func pointOut(p store.MetricPoint) metricPointOut {
	return metricPointOut{Timestamp: p.At.Unix(), Value: p.Value}
}

type metricJSON struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	PageID    string          `json:"page_id"`
	Unit      string          `json:"unit"`
	Target    *string         `json:"target"`
	Capacity  *float64        `json:"capacity"`
	Component *string         `json:"component_id"`
	Source    string          `json:"source"` // push, prometheus, graphite or influxdb
	Latest    *metricPointOut `json:"latest"`
	TargetMet *bool           `json:"target_met"`
}

func (s *Server) metricJSON(ctx context.Context, d *metrics.Def) (metricJSON, error) {
	m := metricJSON{ID: d.ID, Name: d.Name, PageID: d.PageID, Unit: d.Unit, Target: optString(d.Target),
		Component: optString(d.Component), Source: "push"}
	if d.Capacity > 0 {
		c := d.Capacity
		m.Capacity = &c
	}
	if d.Source != nil {
		m.Source = d.Source.Type
	}
	latest, err := s.metrics.Latest(ctx, d.ID)
	if err != nil {
		return m, err
	}
	if latest != nil {
		p := pointOut(*latest)
		met := d.Met(latest.Value)
		m.Latest = &p
		if d.TargetOp != "" {
			m.TargetMet = &met
		}
	}
	return m, nil
}

// listMetrics answers GET /api/v1/metrics: every metric with its target,
// capacity and latest value.
func (s *Server) listMetrics(w http.ResponseWriter, r *http.Request) error {
	out := []metricJSON{}
	if s.metrics != nil {
		for _, d := range s.metrics.List() {
			m, err := s.metricJSON(r.Context(), d)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"metrics": out})
	return nil
}

// metricPoints answers GET /api/v1/pages/{page}/metrics/{metric}/data?window=24h.
func (s *Server) metricPoints(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("metric")
	d, err := s.metricOnPage(r.PathValue("page"), id)
	if err != nil {
		return err
	}
	window, err := parseWindow(r.URL.Query().Get("window"), 24*time.Hour)
	if err != nil {
		return err
	}
	limit, err := queryLimit(r.URL.Query().Get("limit"), 1000, 10000)
	if err != nil {
		return err
	}
	now := s.now()
	points, err := s.store.MetricPoints(r.Context(), id, now.Add(-window), now.Add(maxPointSkew), limit)
	if err != nil {
		return err
	}
	m, err := s.metricJSON(r.Context(), d)
	if err != nil {
		return err
	}
	out := make([]metricPointOut, 0, len(points))
	for _, p := range points {
		out = append(out, pointOut(p))
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"metric": m, "window": formatWindow(window), "points": out})
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }
