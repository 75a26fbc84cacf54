package site_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/site"
	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/uptime"
)

// BenchmarkRenderHome100 is the cost of one state change for the home
// page: 100 components in 10 groups with 90-day bars, rendered and
// gzipped. It is paid once per change, not per request.
func BenchmarkRenderHome100(b *testing.B) {
	st := testState()
	st.Components = nil
	st.Groups = nil
	data := testData()
	for g := 0; g < 10; g++ {
		st.Groups = append(st.Groups, watchfire.Group{ID: fmt.Sprintf("g%d", g), Name: fmt.Sprintf("Group %d", g), Position: g})
		for c := 0; c < 10; c++ {
			id := fmt.Sprintf("c%d-%d", g, c)
			st.Components = append(st.Components, watchfire.Component{ID: id, GroupID: fmt.Sprintf("g%d", g),
				Name: "Component " + id, Status: watchfire.StatusOperational, Position: c})
			var rollups []store.Rollup
			for d := 0; d < 90; d++ {
				rollups = append(rollups, store.Rollup{MonitorID: id, Resolution: store.Daily,
					Start: store.Daily.Truncate(now).AddDate(0, 0, -d), Count: 2880, OK: 2880 - int64(d%7)})
			}
			data.Components[id] = &site.ComponentData{Monitors: []string{id}, LastChecked: now.Add(-time.Second),
				Latency: 40 * time.Millisecond, Bars: uptime.Bars(rollups, site.BarDays, now), Uptime: map[string]float64{"30d": 99.9}}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		s := site.New(st, data, nil, site.Options{})
		doc, err := s.Doc(context.Background(), &st.Pages[0], "en", "/")
		if err != nil {
			b.Fatal(err)
		}
		doc.Gzip()
		b.SetBytes(int64(len(doc.Body)))
	}
}
