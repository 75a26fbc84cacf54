package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/watchfire-status/watchfire/internal/monitor"
	"github.com/watchfire-status/watchfire/internal/probe"
	"github.com/watchfire-status/watchfire/internal/probe/kinds"
)

type checkCmd struct {
	Config  string   `help:"Config file (env WATCHFIRE_CONFIG). Default: the built-in demo." placeholder:"FILE" type:"path"`
	Monitor []string `help:"Check only these monitors (repeatable)." placeholder:"ID"`
}

// Run checks each monitor once, in parallel, and prints a table. It fails
// when any check fails, so a CI pipeline can gate on it.
func (c *checkCmd) Run(e *env) error {
	cfg, _, err := (&dataFlags{Config: c.Config}).loadConfig(e)
	if err != nil {
		return err
	}
	defs, _ := monitor.FromConfig(cfg)
	if len(c.Monitor) > 0 {
		want := map[string]bool{}
		for _, id := range c.Monitor {
			want[id] = true
		}
		var picked []monitor.Def
		for _, d := range defs {
			if want[d.ID] {
				picked = append(picked, d)
				delete(want, d.ID)
			}
		}
		if len(want) > 0 {
			var missing []string
			for id := range want {
				missing = append(missing, id)
			}
			sort.Strings(missing)
			return fmt.Errorf("no monitor %s in the config", strings.Join(missing, ", "))
		}
		defs = picked
	}

	type row struct {
		def     monitor.Def
		verdict string
		res     monitor.CheckResult
	}
	rows := make([]row, len(defs))
	var wg sync.WaitGroup
	for i, d := range defs {
		rows[i].def = d
		if d.Spec.Type == "self" || d.Spec.Type == "heartbeat" {
			rows[i].verdict = "skipped"
			rows[i].res.Reason = d.Spec.Type + " monitors run only inside 'watchfire serve'"
			continue
		}
		factory, ok := kinds.Table[d.Spec.Type]
		if !ok {
			rows[i].verdict = "error"
			rows[i].res.Reason = "no probe for type " + d.Spec.Type
			continue
		}
		p, err := factory(d.Spec, probe.Deps{Now: time.Now})
		if err != nil {
			rows[i].verdict = "error"
			rows[i].res.Reason = err.Error()
			continue
		}
		wg.Add(1)
		go func(i int, p probe.Prober) {
			defer wg.Done()
			res := monitor.RunCheck(e.ctx, p, rows[i].def)
			rows[i].res = res
			switch {
			case !res.OK:
				rows[i].verdict = "down"
			case res.Slow:
				rows[i].verdict = "degraded"
			default:
				rows[i].verdict = "up"
			}
			closeIfCloser(p)
		}(i, p)
	}
	wg.Wait()

	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MONITOR\tCOMPONENT\tTYPE\tVERDICT\tLATENCY\tREASON")
	failed := 0
	for _, r := range rows {
		latency := "-"
		if r.res.Latency > 0 {
			latency = r.res.Latency.Round(100 * time.Microsecond).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.def.ID, r.def.ComponentID, r.def.Spec.Type, r.verdict, latency, r.res.Reason)
		if r.verdict == "down" || r.verdict == "error" {
			failed++
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d monitors failed", failed, len(rows))
	}
	return nil
}

func closeIfCloser(p probe.Prober) {
	if c, ok := p.(interface{ Close() error }); ok {
		_ = c.Close()
	}
}
