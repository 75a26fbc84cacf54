package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/hub"
	"github.com/watchfire-status/watchfire/internal/snapshot"
	"github.com/watchfire-status/watchfire/internal/store/sqlite"
)

// discardWriter is a ResponseWriter that keeps nothing, so the benchmark
// measures the handler, not a recorder.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

// BenchmarkSummaryHandler measures the whole handler stack for
// summary.json (routing, page resolution, access log, validators), with
// allocations, to keep the hot path lean.
func BenchmarkSummaryHandler(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	h := hub.New()
	eng := engine.New(db, h, time.Now, nil)
	snaps := snapshot.NewBuilder(db, nil, time.Now)
	h.OnCommit(snaps.OnCommit)
	var comps []watchfire.Component
	for i := 0; i < 100; i++ {
		comps = append(comps, watchfire.Component{ID: "c" + string(rune('a'+i/10)) + string(rune('a'+i%10)), Name: "Component", GroupID: "g" + string(rune('a'+i/10))})
	}
	var groups []watchfire.Group
	for i := 0; i < 10; i++ {
		groups = append(groups, watchfire.Group{ID: "g" + string(rune('a'+i)), Name: "Group", Position: i})
	}
	if err := eng.Apply(ctx, engine.Desired{Pages: []watchfire.Page{{ID: "p", Name: "P", TimeZone: "UTC"}}, Groups: groups, Components: comps}); err != nil {
		b.Fatal(err)
	}
	if err := snaps.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	s := New(Deps{Snapshots: snaps, Store: db, AccessLog: slog.New(slog.NewTextHandler(io.Discard, nil))})
	handler := s.Handler()
	for _, gz := range []bool{false, true} {
		name := "plain"
		if gz {
			name = "gzip"
		}
		b.Run(name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/api/v2/summary.json", nil)
			if gz {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				handler.ServeHTTP(w, req)
			}
		})
	}
}
