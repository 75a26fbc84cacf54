package site

import (
	"context"
	"sort"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/uptime"
)

// BarDays is how many daily bars a component shows.
const BarDays = 90

// Data is everything the pages show besides the state: what the monitors
// measured, the metrics and the operator's blocks. It is gathered every
// refresh interval; state changes reuse the last gathered Data.
type Data struct {
	Now        time.Time
	Components map[string]*ComponentData // by component id; absent: not monitored
	Metrics    []Metric
	Blocks     []Block
}

// ComponentData is what the monitors of one component measured.
type ComponentData struct {
	Monitors    []string
	LastChecked time.Time     // zero before the first check
	Latency     time.Duration // of the newest check
	Bars        []uptime.Bar  // BarDays of them, oldest first
	// Uptime by window ("24h", "7d", "30d", "90d"); absent: no data.
	Uptime map[string]float64
}

// Metric is one metric with its recent points.
type Metric struct {
	ID, PageID, Name, Unit, Target string
	Capacity                       float64
	Met                            func(v float64) bool
	Points                         []store.MetricPoint // last 24 h, oldest first
}

// Latest returns the newest point, if any.
func (m *Metric) Latest() (store.MetricPoint, bool) {
	if len(m.Points) == 0 {
		return store.MetricPoint{}, false
	}
	return m.Points[len(m.Points)-1], true
}

// Block is an operator-written markdown block.
type Block struct {
	Title, Body string
	PageID      string // "" = every page
}

// Windows are the uptime windows of badges and the API.
var Windows = []struct {
	Name string
	Dur  time.Duration
}{{"24h", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour}, {"30d", 30 * 24 * time.Hour}, {"90d", 90 * 24 * time.Hour}}

// Reader is the store's read side the site needs: rollups for bars and
// calendars, and history beyond what the state holds.
type Reader interface {
	Rollups(ctx context.Context, monitorIDs []string, res store.Resolution, from, to time.Time) ([]store.Rollup, error)
	Results(ctx context.Context, monitorID string, limit int) ([]store.Result, error)
	MetricPoints(ctx context.Context, metricID string, from, to time.Time, limit int) ([]store.MetricPoint, error)
	Incident(ctx context.Context, id string) (*watchfire.Incident, error)
	Maintenance(ctx context.Context, id string) (*watchfire.Maintenance, error)
	IncidentsBetween(ctx context.Context, pageID string, from, to time.Time, limit int) ([]watchfire.Incident, error)
	MaintenancesBetween(ctx context.Context, pageID string, from, to time.Time, limit int) ([]watchfire.Maintenance, error)
	FirstIncidentAt(ctx context.Context, pageID string) (time.Time, error)
}

// MetricDef describes a configured metric.
type MetricDef struct {
	ID, PageID, Name, Unit, Target string
	Capacity                       float64
	Met                            func(v float64) bool
}

// Sources says where Gather finds what it shows.
type Sources struct {
	Reader Reader
	// MonitorsOf lists a component's monitors.
	MonitorsOf func(componentID string) []string
	// Latest returns a monitor's newest check from memory; nil reads the
	// store (the export command has no running monitors).
	Latest  func(monitorID string) (at time.Time, latency time.Duration, ok bool)
	Metrics func() []MetricDef
	Blocks  func() []Block
}

// Gather reads what the pages show beside the state. Two store queries
// cover every component's bars and windows, whatever their number.
func Gather(ctx context.Context, src Sources, st *watchfire.State, now time.Time) (*Data, error) {
	d := &Data{Now: now, Components: map[string]*ComponentData{}}
	var all []string
	owner := map[string]string{}
	if src.MonitorsOf != nil {
		for i := range st.Components {
			id := st.Components[i].ID
			mons := src.MonitorsOf(id)
			if len(mons) == 0 {
				continue
			}
			d.Components[id] = &ComponentData{Monitors: mons, Uptime: map[string]float64{}}
			for _, m := range mons {
				all = append(all, m)
				owner[m] = id
			}
		}
	}
	if len(all) > 0 {
		sort.Strings(all)
		end := now.Add(time.Nanosecond)
		daily, err := src.Reader.Rollups(ctx, all, store.Daily, now.Add(-BarDays*24*time.Hour), end)
		if err != nil {
			return nil, err
		}
		hourly, err := src.Reader.Rollups(ctx, all, store.Hourly, now.Add(-7*24*time.Hour), end)
		if err != nil {
			return nil, err
		}
		byComp := func(rs []store.Rollup) map[string][]store.Rollup {
			out := map[string][]store.Rollup{}
			for _, r := range rs {
				out[owner[r.MonitorID]] = append(out[owner[r.MonitorID]], r)
			}
			return out
		}
		dailyBy, hourlyBy := byComp(daily), byComp(hourly)
		for id, cd := range d.Components {
			cd.Bars = uptime.Bars(dailyBy[id], BarDays, now)
			for _, w := range Windows {
				source := dailyBy[id]
				if w.Dur <= 7*24*time.Hour {
					source = hourlyBy[id]
				}
				if pct, noData := uptime.Percent(source, now.Add(-w.Dur), now); !noData {
					cd.Uptime[w.Name] = pct
				}
			}
			for _, m := range cd.Monitors {
				at, lat, ok := latest(ctx, src, m)
				if ok && at.After(cd.LastChecked) {
					cd.LastChecked, cd.Latency = at, lat
				}
			}
		}
	}
	if src.Metrics != nil {
		for _, def := range src.Metrics() {
			pts, err := src.Reader.MetricPoints(ctx, def.ID, now.Add(-24*time.Hour), now.Add(time.Nanosecond), 2000)
			if err != nil {
				return nil, err
			}
			sort.Slice(pts, func(i, j int) bool { return pts[i].At.Before(pts[j].At) })
			d.Metrics = append(d.Metrics, Metric{ID: def.ID, PageID: def.PageID, Name: def.Name, Unit: def.Unit,
				Target: def.Target, Capacity: def.Capacity, Met: def.Met, Points: pts})
		}
	}
	if src.Blocks != nil {
		d.Blocks = src.Blocks()
	}
	return d, nil
}

func latest(ctx context.Context, src Sources, monitorID string) (time.Time, time.Duration, bool) {
	if src.Latest != nil {
		return src.Latest(monitorID)
	}
	rs, err := src.Reader.Results(ctx, monitorID, 1)
	if err != nil || len(rs) == 0 {
		return time.Time{}, 0, false
	}
	return rs[0].At, rs[0].Latency, true
}
