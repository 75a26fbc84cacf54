package uptime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

var day0 = time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)

// day returns a daily rollup of a monitor on day d after day0.
func day(monitor string, d int, count, ok, degraded int64) store.Rollup {
	return store.Rollup{MonitorID: monitor, Resolution: store.Daily, Start: day0.AddDate(0, 0, d),
		Count: count, OK: ok, Degraded: degraded}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestBucketWeights(t *testing.T) {
	tests := []struct {
		name    string
		rollups []store.Rollup
		uptime  float64
		worst   watchfire.ComponentStatus
	}{
		{"one monitor, 10% failed", []store.Rollup{day("a", 0, 100, 90, 0)}, 90, watchfire.StatusMajorOutage},
		{"degraded is up", []store.Rollup{day("a", 0, 100, 100, 40)}, 100, watchfire.StatusDegradedPerformance},
		{"all up", []store.Rollup{day("a", 0, 100, 100, 0), day("b", 0, 50, 50, 0)}, 100, watchfire.StatusOperational},
		{"one of two down all day: partial, half down",
			[]store.Rollup{day("a", 0, 100, 0, 0), day("b", 0, 100, 100, 0)}, 50, watchfire.StatusPartialOutage},
		{"one of three down all day: partial, half down",
			[]store.Rollup{day("a", 0, 100, 100, 0), day("b", 0, 100, 0, 0), day("c", 0, 100, 100, 0)}, 50, watchfire.StatusPartialOutage},
		{"two of two down all day: major",
			[]store.Rollup{day("a", 0, 100, 0, 0), day("b", 0, 100, 0, 0)}, 0, watchfire.StatusMajorOutage},
		// 20% down and 10% down: 10% major, 10% more partial → 85%.
		{"overlapping failures", []store.Rollup{day("a", 0, 100, 80, 0), day("b", 0, 100, 90, 0)}, 85, watchfire.StatusMajorOutage},
		{"a monitor that did not run is left out",
			[]store.Rollup{day("a", 0, 100, 90, 0), day("b", 0, 0, 0, 0)}, 90, watchfire.StatusMajorOutage},
	}
	for _, tt := range tests {
		bars := Bars(tt.rollups, 1, day0.Add(time.Hour))
		if len(bars) != 1 || bars[0].NoData || !near(bars[0].Uptime, tt.uptime) || bars[0].Worst != tt.worst {
			t.Errorf("%s: Bars = %+v, want uptime %v, worst %s", tt.name, bars, tt.uptime, tt.worst)
		}
		pct, noData := Percent(tt.rollups, day0, day0.AddDate(0, 0, 1))
		if noData || !near(pct, tt.uptime) {
			t.Errorf("%s: Percent = %v, %v; want %v", tt.name, pct, noData, tt.uptime)
		}
	}
}

func TestNoDataIsNotUp(t *testing.T) {
	rollups := []store.Rollup{
		day("a", 0, 2880, 2880, 0),
		// day 1: the monitor was not running
		day("a", 2, 0, 0, 0),   // a rollup without results is no data too
		day("a", 3, 288, 0, 0), // ran two hours, failing
	}
	zone := time.FixedZone("UTC-3", -3*60*60)
	end := day0.AddDate(0, 0, 4).Add(2 * time.Hour).In(zone) // day 3 locally, day 4 in UTC
	bars := Bars(rollups, 5, end)
	if len(bars) != 5 {
		t.Fatalf("Bars returned %d bars, want 5", len(bars))
	}
	for i, want := range []Bar{
		{Day: day0, Uptime: 100, Worst: watchfire.StatusOperational},
		{Day: day0.AddDate(0, 0, 1), NoData: true},
		{Day: day0.AddDate(0, 0, 2), NoData: true},
		{Day: day0.AddDate(0, 0, 3), Uptime: 0, Worst: watchfire.StatusMajorOutage},
		{Day: day0.AddDate(0, 0, 4), NoData: true},
	} {
		if bars[i] != want {
			t.Errorf("bar %d = %+v, want %+v", i, bars[i], want)
		}
	}
	// The two failing hours weigh a twelfth of the full day.
	pct, noData := Percent(rollups, day0, day0.AddDate(0, 0, 5))
	if want := 100 * 2880.0 / (2880 + 288); noData || !near(pct, want) {
		t.Errorf("Percent = %v, %v; want %v", pct, noData, want)
	}
	if pct, noData := Percent(rollups, day0.AddDate(0, 0, 1), day0.AddDate(0, 0, 3)); !noData || pct != 0 {
		t.Errorf("Percent of days without data = %v, %v; want 0, no data", pct, noData)
	}
	if _, noData := Percent(nil, day0, day0.AddDate(0, 0, 1)); !noData {
		t.Error("Percent of no rollups has data")
	}
	if bars := Bars(nil, 3, end); len(bars) != 3 || !bars[0].NoData || !bars[2].NoData {
		t.Errorf("Bars of no rollups = %+v, want 3 without data", bars)
	}
}

func TestPercentWindow(t *testing.T) {
	var rollups []store.Rollup
	for d := range 10 {
		rollups = append(rollups, day("a", d, 100, int64(100-d), 0)) // day d: d% down
	}
	// A window from the middle of day 2 to the start of day 5 overlaps days
	// 2, 3 and 4.
	pct, noData := Percent(rollups, day0.AddDate(0, 0, 2).Add(12*time.Hour), day0.AddDate(0, 0, 5))
	if noData || !near(pct, 97) {
		t.Errorf("Percent = %v, %v; want 97", pct, noData)
	}
}

func TestBarsFromHourlyRollups(t *testing.T) {
	// Two monitors, each down for a different hour of day 0: two hours of
	// partial outage, which daily rollups cannot tell from one hour of
	// major outage and one of partial.
	var rollups []store.Rollup
	for _, m := range []string{"a", "b"} {
		for h := range 24 {
			ok := int64(120)
			if (m == "a" && h == 3) || (m == "b" && h == 7) {
				ok = 0
			}
			rollups = append(rollups, store.Rollup{MonitorID: m, Resolution: store.Hourly,
				Start: day0.Add(time.Duration(h) * time.Hour), Count: 120, OK: ok})
		}
	}
	bars := Bars(rollups, 2, day0.Add(30*time.Hour))
	if want := 100 * (1 - 2*0.5/24); !near(bars[0].Uptime, want) || bars[0].Worst != watchfire.StatusPartialOutage {
		t.Errorf("bar of day 0 = %+v, want %v partial", bars[0], want)
	}
	if !bars[1].NoData {
		t.Errorf("bar of day 1 = %+v, want no data", bars[1])
	}
}

// fixture returns 90 days of daily rollups for components of two monitors
// each, ordered by monitor as Store.Rollups returns them, and each
// monitor's component.
func fixture(components int) ([]store.Rollup, map[string]int, time.Time) {
	rng := rand.New(rand.NewPCG(7, 7))
	end := day0.AddDate(0, 0, 89).Add(15 * time.Hour)
	var rollups []store.Rollup
	component := map[string]int{}
	for c := range components {
		for m := range 2 {
			id := fmt.Sprintf("c%03d-m%d", c, m)
			component[id] = c
			for d := range 90 {
				count := int64(2880)
				ok := count - int64(rng.IntN(3))*int64(rng.IntN(60))
				rollups = append(rollups, day(id, d, count, ok, int64(rng.IntN(5))))
			}
		}
	}
	return rollups, component, end
}

// BenchmarkBars100Components computes the 90 daily bars of 100 components
// of two monitors each from 18,000 rollups already read, including
// grouping them by component.
func BenchmarkBars100Components(b *testing.B) {
	rollups, component, end := fixture(100)
	b.ReportAllocs()
	for b.Loop() {
		byComponent := make([][]store.Rollup, 100)
		for c := range byComponent {
			byComponent[c] = make([]store.Rollup, 0, 2*90)
		}
		start := 0
		for i := 1; i <= len(rollups); i++ {
			if i == len(rollups) || rollups[i].MonitorID != rollups[start].MonitorID {
				c := component[rollups[start].MonitorID]
				byComponent[c] = append(byComponent[c], rollups[start:i]...)
				start = i
			}
		}
		for _, rs := range byComponent {
			if bars := Bars(rs, 90, end); len(bars) != 90 {
				b.Fatal(len(bars))
			}
		}
	}
}

// BenchmarkPercent100Components computes the 7, 30 and 90 day uptime of
// 100 components from the same rollups.
func BenchmarkPercent100Components(b *testing.B) {
	rollups, component, end := fixture(100)
	byComponent := make([][]store.Rollup, 100)
	for _, r := range rollups {
		c := component[r.MonitorID]
		byComponent[c] = append(byComponent[c], r)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, rs := range byComponent {
			for _, days := range []int{7, 30, 90} {
				if _, noData := Percent(rs, end.AddDate(0, 0, -days), end); noData {
					b.Fatal("no data")
				}
			}
		}
	}
}
