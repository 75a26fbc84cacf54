package metrics

import (
	"context"
	"reflect"
	"sync"
	"time"

	"github.com/watchfire-status/watchfire/internal/config"
	"github.com/watchfire-status/watchfire/internal/metricsource"
	"github.com/watchfire-status/watchfire/internal/store"
)

// SourceFactory builds a pull source from its spec (sources.New).
type SourceFactory func(spec metricsource.Spec) (metricsource.Source, error)

// RunSources pulls every metric that has a source, each on its interval,
// until ctx is done. After Update, pullers whose definition changed are
// restarted and the others keep their rhythm.
func (s *Service) RunSources(ctx context.Context, newSource SourceFactory) {
	type puller struct {
		def    config.MetricSource
		cancel context.CancelFunc
	}
	pullers := map[string]*puller{}
	var wg sync.WaitGroup
	sync := func() {
		want := map[string]config.MetricSource{}
		for _, d := range s.List() {
			if d.Source != nil {
				want[d.ID] = *d.Source
			}
		}
		for id, p := range pullers {
			if w, ok := want[id]; !ok || !reflect.DeepEqual(w, p.def) {
				p.cancel()
				delete(pullers, id)
			}
		}
		for id, src := range want {
			if _, running := pullers[id]; running {
				continue
			}
			pctx, cancel := context.WithCancel(ctx)
			pullers[id] = &puller{def: src, cancel: cancel}
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.pull(pctx, id, src, newSource)
			}()
		}
	}
	sync()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return
		case <-s.changed:
			sync()
		}
	}
}

// pull fetches one metric every interval. Errors are logged when they
// change, not on every tick, and never change a status: a broken source
// is not a broken service.
func (s *Service) pull(ctx context.Context, id string, src config.MetricSource, newSource SourceFactory) {
	source, err := newSource(metricsource.Spec{
		Type: src.Type, URL: src.URL, Query: src.Query, Language: src.Language, Database: src.Database,
		Org: src.Org, Token: src.Token, Headers: src.Headers, Timeout: src.Timeout.Std(),
	})
	if err != nil {
		s.log.Error("metric source cannot run", "metric", id, "err", err)
		return
	}
	t := time.NewTicker(src.Interval.Std())
	defer t.Stop()
	lastErr := ""
	for {
		p, err := source.Fetch(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			if err.Error() != lastErr {
				s.log.Warn("pulling a metric failed", "metric", id, "err", err)
				lastErr = err.Error()
			}
		case err == nil:
			if lastErr != "" {
				s.log.Info("pulling a metric works again", "metric", id)
				lastErr = ""
			}
			if p.At.IsZero() {
				p.At = s.now()
			}
			if rerr := s.Record(ctx, []store.MetricPoint{{MetricID: id, At: p.At, Value: p.Value}}); rerr != nil && ctx.Err() == nil {
				s.log.Warn("storing a pulled metric point failed", "metric", id, "err", rerr)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
