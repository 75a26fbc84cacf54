package site

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire/internal/store"
)

// chart is a metric's last 24 hours as an SVG polyline in a 300×60 box.
type chart struct {
	Points   string // "x,y x,y …"
	Min, Max float64
}

const (
	chartW, chartH = 300, 60
	chartMaxPoints = 150 // more would not show at this width
)

func newChart(points []store.MetricPoint, now time.Time) *chart {
	if len(points) < 2 {
		return nil
	}
	// Keep one point in each of chartMaxPoints time slots: the last.
	from := now.Add(-24 * time.Hour)
	slot := 24 * time.Hour / chartMaxPoints
	var kept []store.MetricPoint
	for _, p := range points {
		if p.At.Before(from) {
			continue
		}
		if n := len(kept); n > 0 && p.At.Sub(from)/slot == kept[n-1].At.Sub(from)/slot {
			kept[n-1] = p
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) < 2 {
		return nil
	}
	c := &chart{Min: math.Inf(1), Max: math.Inf(-1)}
	for _, p := range kept {
		c.Min, c.Max = math.Min(c.Min, p.Value), math.Max(c.Max, p.Value)
	}
	span := c.Max - c.Min
	if span == 0 {
		span = 1
	}
	var b strings.Builder
	for i, p := range kept {
		x := float64(p.At.Sub(from)) / float64(24*time.Hour) * chartW
		y := chartH - 2 - (p.Value-c.Min)/span*(chartH-4)
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(x, 'f', 1, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(y, 'f', 1, 64))
	}
	c.Points = b.String()
	return c
}
