// Package uptime computes a component's availability from the rollups of
// its monitors (store.Rollup): the uptime percentage of a window and the
// daily bars of a status page.
//
// A component may have several monitors. Within one bucket of rollups (an
// hour or a day) its status follows the same rule as a live component:
//
//   - every monitor passing (operational, or degraded: slow but
//     working) is up, weight 1;
//   - some monitors failing but not all is a partial outage, which counts
//     as half down: weight 0.5;
//   - every monitor failing is a major outage, down: weight 0.
//
// Rollups only say how many of each monitor's checks failed in a bucket,
// not when, so the time in each status is an estimate. It assumes that the
// monitors' failures overlap as much as their counts allow, as they do
// when one cause takes several checks down: the major outage lasts as long
// as the least-failing monitor's failures, and the partial outage the rest
// of the most-failing one's. The bucket's uptime is then
//
//	1 − (min downᵢ + max downᵢ) / 2,    downᵢ = 1 − okᵢ/countᵢ
//
// which is exact for one or two monitors, whatever the overlap, and for
// any number when the failures nest (one outage within another).
//
// Time no monitor was running is no data: a bucket without results counts
// neither as up nor as down and is left out of the percentages, and a day
// without any is a bar with NoData. A bucket weighs as much as the most
// results any of the component's monitors has in it, so a day on which the
// monitors ran for two hours weighs a twelfth of a full one. Buckets are
// UTC hours and days (see store.Resolution).
package uptime

import (
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// Bar is one UTC day of a component's uptime bars.
type Bar struct {
	Day time.Time // the start of the UTC day
	// Uptime is the percentage (0–100) of the day's measured time the
	// component was up, partial outages counting half; 0 when NoData.
	Uptime float64
	// NoData is true when no monitor of the component ran that day.
	NoData bool
	// Worst is the worst status the component had in the day by the
	// estimate above: major_outage, partial_outage, degraded_performance
	// or operational; "" when NoData.
	Worst watchfire.ComponentStatus
}

// Bars returns days bars, oldest first, the last one for the UTC day that
// holds end, from the rollups of one component's monitors. The rollups
// must be of one resolution: daily, or hourly for a closer estimate of
// how failures overlap; those of another resolution than the first are
// ignored, as are those outside the days.
func Bars(rollups []store.Rollup, days int, end time.Time) []Bar {
	if days <= 0 {
		return nil
	}
	first := store.Daily.Truncate(end).Add(-time.Duration(days-1) * store.Daily.Duration())
	res := store.Daily
	if len(rollups) > 0 && rollups[0].Resolution.Valid() {
		res = rollups[0].Resolution
	}
	perDay := int(store.Daily / res)
	buckets := make([]bucket, days*perDay)
	for i := range rollups {
		r := &rollups[i]
		if r.Resolution != res || r.Start.Before(first) {
			continue
		}
		if idx := int(r.Start.Sub(first) / res.Duration()); idx < len(buckets) {
			buckets[idx].add(r)
		}
	}
	bars := make([]Bar, days)
	for d := range bars {
		bars[d].Day = first.Add(time.Duration(d) * store.Daily.Duration())
		var sum sum
		for i := range buckets[d*perDay : (d+1)*perDay] {
			sum.add(&buckets[d*perDay+i])
		}
		if sum.weight == 0 {
			bars[d].NoData = true
			continue
		}
		bars[d].Uptime = 100 * sum.up / sum.weight
		bars[d].Worst = sum.worst
	}
	return bars
}

// Percent returns the percentage (0–100) of the measured time in [from,
// to) that the component was up, partial outages counting half, from the
// rollups of its monitors: those of one resolution (others are ignored,
// as for Bars) whose bucket overlaps the window. noData is true, and pct
// 0, when no monitor ran in the window: callers must show that as no
// data, not as 0 %.
func Percent(rollups []store.Rollup, from, to time.Time) (pct float64, noData bool) {
	if len(rollups) == 0 || !from.Before(to) {
		return 0, true
	}
	res := rollups[0].Resolution
	if !res.Valid() {
		return 0, true
	}
	lo := res.Truncate(from)
	// Index the buckets from the earliest rollup in the window, so that the
	// array spans the data, not the window.
	var first time.Time
	var last int
	in := func(r *store.Rollup) bool {
		return r.Resolution == res && !r.Start.Before(lo) && r.Start.Before(to)
	}
	for i := range rollups {
		if r := &rollups[i]; in(r) && (first.IsZero() || r.Start.Before(first)) {
			first = r.Start
		}
	}
	if first.IsZero() {
		return 0, true
	}
	for i := range rollups {
		if r := &rollups[i]; in(r) {
			last = max(last, int(r.Start.Sub(first)/res.Duration()))
		}
	}
	buckets := make([]bucket, last+1)
	for i := range rollups {
		if r := &rollups[i]; in(r) {
			buckets[int(r.Start.Sub(first)/res.Duration())].add(r)
		}
	}
	var sum sum
	for i := range buckets {
		sum.add(&buckets[i])
	}
	if sum.weight == 0 {
		return 0, true
	}
	return 100 * sum.up / sum.weight, false
}

// bucket gathers the rollups of one bucket of time, one per monitor.
type bucket struct {
	monitors         int
	minDown, maxDown float64 // fractions of checks failed, over the monitors
	weight           int64   // the most results a monitor has
	degraded         bool
}

func (b *bucket) add(r *store.Rollup) {
	if r.Count <= 0 {
		return // the monitor did not run: no data
	}
	down := 1 - float64(r.OK)/float64(r.Count)
	if b.monitors == 0 {
		b.minDown, b.maxDown = down, down
	} else {
		b.minDown, b.maxDown = min(b.minDown, down), max(b.maxDown, down)
	}
	b.monitors++
	b.weight = max(b.weight, r.Count)
	b.degraded = b.degraded || r.Degraded > 0
}

// uptime is the fraction of the bucket up: the major outage (minDown)
// counts whole, the partial one (maxDown − minDown) half.
func (b *bucket) uptime() float64 { return 1 - (b.minDown+b.maxDown)/2 }

func (b *bucket) worst() watchfire.ComponentStatus {
	switch {
	case b.minDown > 0:
		return watchfire.StatusMajorOutage
	case b.maxDown > 0:
		return watchfire.StatusPartialOutage
	case b.degraded:
		return watchfire.StatusDegradedPerformance
	}
	return watchfire.StatusOperational
}

// sum adds buckets up, weighted.
type sum struct {
	up, weight float64
	worst      watchfire.ComponentStatus
}

func (s *sum) add(b *bucket) {
	if b.monitors == 0 {
		return
	}
	s.up += b.uptime() * float64(b.weight)
	s.weight += float64(b.weight)
	s.worst = watchfire.Worse(s.worst, b.worst())
}
