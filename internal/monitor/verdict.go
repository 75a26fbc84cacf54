package monitor

import (
	"fmt"
	"time"

	"github.com/watchfire-status/watchfire"
)

// Thresholds turn a run of check results into a verdict.
type Thresholds struct {
	// FailN of the last FailM checks failing makes the monitor down.
	FailN, FailM int
	// SlowN of the last FailM checks over the latency target makes it
	// degraded.
	SlowN int
	// RecoverN checks passing in a row bring a down monitor back up, so a
	// flapping target does not flap the page.
	RecoverN int
}

// DefaultThresholds: 2 of 3 to go down or degraded, 2 in a row to recover.
var DefaultThresholds = Thresholds{FailN: 2, FailM: 3, SlowN: 2, RecoverN: 2}

// Verdict is what a monitor concludes from its recent checks.
type Verdict int

const (
	VerdictUnknown Verdict = iota // not enough checks yet
	VerdictUp
	VerdictDegraded
	VerdictDown
)

func (v Verdict) String() string {
	return [...]string{"unknown", "up", "degraded", "down"}[v]
}

// outcome is one check, as the verdict needs it.
type outcome struct {
	at     time.Time
	ok     bool
	slow   bool
	reason string
}

// window keeps a monitor's last results and its verdict. It is owned by
// the evaluator goroutine; nothing else touches it.
type window struct {
	th      Thresholds
	recent  []outcome // newest last, at most th.FailM
	okRun   int       // passing checks in a row
	verdict Verdict
	reason  string
}

// add records one outcome and returns whether the verdict changed.
func (w *window) add(o outcome) bool {
	if len(w.recent) == w.th.FailM {
		copy(w.recent, w.recent[1:])
		w.recent = w.recent[:len(w.recent)-1]
	}
	w.recent = append(w.recent, o)
	if o.ok {
		w.okRun++
	} else {
		w.okRun = 0
	}
	var failed, slow int
	lastReason := ""
	for _, r := range w.recent {
		if !r.ok {
			failed++
			lastReason = r.reason
		} else if r.slow {
			slow++
			if lastReason == "" {
				lastReason = r.reason
			}
		}
	}
	next := w.verdict
	switch {
	case failed >= w.th.FailN:
		next = VerdictDown
	case w.verdict == VerdictDown && w.okRun < w.th.RecoverN:
		// Stay down until recovery is proven.
	case slow >= w.th.SlowN:
		next = VerdictDegraded
	case len(w.recent) >= min(w.th.FailN, w.th.RecoverN) || o.ok:
		next = VerdictUp
	}
	reason := w.reason
	switch next {
	case VerdictDown, VerdictDegraded:
		if lastReason != "" {
			reason = lastReason
		}
	default:
		reason = ""
	}
	changed := next != w.verdict
	w.verdict, w.reason = next, reason
	return changed
}

// componentStatus combines a component's monitors' verdicts: all down is a
// major outage, some down a partial one, any degraded is degraded
// performance. Unknown verdicts (no checks yet) count for nothing; with no
// verdict at all the component is unmonitored ("").
func componentStatus(verdicts []Verdict, reasons []string) (watchfire.ComponentStatus, string) {
	var known, down, degraded int
	reason := ""
	for i, v := range verdicts {
		switch v {
		case VerdictUnknown:
			continue
		case VerdictDown:
			down++
			if reason == "" {
				reason = reasons[i]
			}
		case VerdictDegraded:
			degraded++
			if reason == "" {
				reason = reasons[i]
			}
		}
		known++
	}
	switch {
	case known == 0:
		return "", ""
	case down == known:
		return watchfire.StatusMajorOutage, reason
	case down > 0:
		return watchfire.StatusPartialOutage, fmt.Sprintf("%d of %d monitors failing: %s", down, known, reason)
	case degraded > 0:
		return watchfire.StatusDegradedPerformance, reason
	}
	return watchfire.StatusOperational, ""
}
