package statuspage

import (
	"fmt"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
)

// benchState is a large page: 100 components in 10 groups and 50
// incidents with 3 updates each, touching 2 components apiece.
func benchState() *watchfire.State {
	st := &watchfire.State{
		Pages:     []watchfire.Page{{ID: "p", Name: "Bench", URL: "https://status.example.com", TimeZone: "America/Los_Angeles"}},
		UpdatedAt: t0,
	}
	for g := 0; g < 10; g++ {
		st.Groups = append(st.Groups, watchfire.Group{ID: fmt.Sprintf("g%02d", g), Name: fmt.Sprint("Group ", g), Position: g, CreatedAt: t0, UpdatedAt: t0})
	}
	for c := 0; c < 100; c++ {
		st.Components = append(st.Components, watchfire.Component{
			ID: fmt.Sprintf("c%03d", c), GroupID: fmt.Sprintf("g%02d", c%10), Name: fmt.Sprint("Component ", c),
			Position: c / 10, Status: watchfire.ComponentStatuses[c%len(watchfire.ComponentStatuses)],
			Description: "Something we run", CreatedAt: t0, UpdatedAt: t0,
		})
	}
	for i := 0; i < 50; i++ {
		id := fmt.Sprintf("i%02d", i)
		acs := []watchfire.AffectedComponent{
			{ComponentID: fmt.Sprintf("c%03d", i), Name: "A", OldStatus: watchfire.StatusOperational, NewStatus: watchfire.StatusPartialOutage},
			{ComponentID: fmt.Sprintf("c%03d", i+50), Name: "B", OldStatus: watchfire.StatusOperational, NewStatus: watchfire.StatusDegradedPerformance},
		}
		inc := watchfire.Incident{ID: id, PageID: "p", Name: "Incident " + id, Status: watchfire.IncidentResolved,
			Impact: watchfire.ImpactMajor, Components: acs, CreatedAt: at(time.Duration(-i) * time.Hour), UpdatedAt: t0}
		if i < 5 {
			inc.Status = watchfire.IncidentInvestigating
		}
		for u := 2; u >= 0; u-- {
			inc.Updates = append(inc.Updates, watchfire.IncidentUpdate{
				ID: fmt.Sprintf("%s-u%d", id, u), IncidentID: id, Status: "investigating",
				Body: "We are looking into elevated error rates affecting a subset of requests.", AffectedComponents: acs,
				CreatedAt: at(time.Duration(u-i) * time.Minute), DisplayAt: at(time.Duration(u-i) * time.Minute),
				UpdatedAt: at(time.Duration(u-i) * time.Minute),
			})
		}
		st.Incidents = append(st.Incidents, inc)
	}
	return st
}

func BenchmarkRender100Components50Incidents(b *testing.B) {
	st := benchState()
	p := &st.Pages[0]
	var size int
	b.ReportAllocs()
	for b.Loop() {
		docs, err := Render(st, p)
		if err != nil {
			b.Fatal(err)
		}
		size = 0
		for _, d := range docs {
			size += len(d)
		}
	}
	b.ReportMetric(float64(size), "bytes/render")
}
