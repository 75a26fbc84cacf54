package monitor

import (
	"testing"

	"github.com/watchfire-status/watchfire"
)

func TestWindowVerdicts(t *testing.T) {
	// Each step: o = ok, s = ok but slow, x = failed. want is the verdict after it.
	tests := []struct {
		name  string
		steps string
		want  []Verdict
	}{
		{"one failure is not an outage", "ox", []Verdict{VerdictUp, VerdictUp}},
		{"2 of 3 failing is down", "oxox", []Verdict{VerdictUp, VerdictUp, VerdictUp, VerdictDown}},
		{"two in a row is down", "xx", []Verdict{VerdictUnknown, VerdictDown}},
		{"recovery needs 2 passes in a row", "xxoxoo", []Verdict{VerdictUnknown, VerdictDown, VerdictDown, VerdictDown, VerdictDown, VerdictUp}},
		{"slow twice is degraded", "oss", []Verdict{VerdictUp, VerdictUp, VerdictDegraded}},
		{"failures beat slowness", "ssx", []Verdict{VerdictUp, VerdictDegraded, VerdictDegraded}},
		{"failures beat slowness when both count", "sxx", []Verdict{VerdictUp, VerdictUp, VerdictDown}},
		{"degraded recovers when fast again", "ssoo", []Verdict{VerdictUp, VerdictDegraded, VerdictDegraded, VerdictUp}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &window{th: DefaultThresholds}
			for i, c := range tt.steps {
				w.add(outcome{ok: c != 'x', slow: c == 's', reason: "r"})
				if w.verdict != tt.want[i] {
					t.Fatalf("after %q: %s, want %s", tt.steps[:i+1], w.verdict, tt.want[i])
				}
			}
		})
	}
}

func TestWindowReasons(t *testing.T) {
	w := &window{th: DefaultThresholds}
	w.add(outcome{ok: false, reason: "connection refused"})
	if !w.add(outcome{ok: false, reason: "timed out after 5s"}) || w.reason != "timed out after 5s" {
		t.Fatalf("verdict %s reason %q", w.verdict, w.reason)
	}
	w.add(outcome{ok: true})
	w.add(outcome{ok: true})
	if w.verdict != VerdictUp || w.reason != "" {
		t.Fatalf("after recovery: %s %q", w.verdict, w.reason)
	}
}

func TestComponentStatus(t *testing.T) {
	tests := []struct {
		verdicts []Verdict
		want     watchfire.ComponentStatus
	}{
		{nil, ""},
		{[]Verdict{VerdictUnknown}, ""},
		{[]Verdict{VerdictUp, VerdictUnknown}, watchfire.StatusOperational},
		{[]Verdict{VerdictDown}, watchfire.StatusMajorOutage},
		{[]Verdict{VerdictDown, VerdictDown}, watchfire.StatusMajorOutage},
		{[]Verdict{VerdictDown, VerdictUp}, watchfire.StatusPartialOutage},
		{[]Verdict{VerdictDegraded, VerdictUp}, watchfire.StatusDegradedPerformance},
		{[]Verdict{VerdictDegraded, VerdictDown, VerdictUp}, watchfire.StatusPartialOutage},
	}
	for _, tt := range tests {
		reasons := make([]string, len(tt.verdicts))
		for i := range reasons {
			reasons[i] = "because"
		}
		if got, _ := componentStatus(tt.verdicts, reasons); got != tt.want {
			t.Errorf("componentStatus(%v) = %q, want %q", tt.verdicts, got, tt.want)
		}
	}
}
