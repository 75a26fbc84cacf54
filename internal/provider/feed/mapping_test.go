package feed

import (
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
)

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                        "plain",
		"  a \r\n\r\n\r\n\r\nb  ":      "a\n\nb",
		"<p>one</p><p>two</p>":         "one\n\ntwo",
		"a<br>b<br/>c":                 "a\nb\nc",
		"<b>x</b> &amp; y&nbsp;&nbsp;": "x & y",
		"<ul>\n<li>A (Operational)</li>\n<li>B</li>\n</ul>":                     "- A (Operational)\n- B",
		"<script>alert(1)</script>visible<style>p{}</style>":                    "visible",
		"latency < 5ms & rising":                                                "latency < 5ms & rising",
		"&lt;p&gt;escaped twice&lt;/p&gt;":                                      "<p>escaped twice</p>",
		"We\u2019re <a href=\"https://x\">looking</a>\u00a0into it.":            "We\u2019re looking into it.",
		"<div><span class=\"yellowfg\">12:53 PM PDT</span>&nbsp;Between…</div>": "12:53 PM PDT Between…",
		"<p>unclosed": "unclosed",
		"":            "",
	} {
		if got := PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestZoneOffset(t *testing.T) {
	for abbr, want := range map[string]int{"PDT": -7 * 3600, "pst": -8 * 3600, " UTC ": 0, "GMT": 0, "CEST": 2 * 3600} {
		if got, ok := ZoneOffset(abbr); !ok || got != want {
			t.Errorf("ZoneOffset(%q) = %d, %v; want %d", abbr, got, ok, want)
		}
	}
	if _, ok := ZoneOffset("XYZ"); ok {
		t.Error("an unknown abbreviation has an offset")
	}
}

func TestStatusWords(t *testing.T) {
	for w, want := range map[string]string{
		"Investigating": "investigating", "Identified": "identified", "Monitoring": "monitoring",
		"Resolved": "resolved", "Postmortem": "postmortem", "Scheduled": "scheduled",
		"In  progress": "in_progress", "Verifying": "verifying", "Completed": "completed",
	} {
		l, ok := statusWord(w)
		if !ok || l.word() != want {
			t.Errorf("statusWord(%q) = %q, %v; want %q", w, l.word(), ok, want)
		}
	}
	if _, ok := statusWord("Update"); ok {
		t.Error(`"Update" is a status word; it must keep the status before it`)
	}
	for _, l := range statusWords {
		if l.incident != "" && !l.incident.Valid() || l.maintenance != "" && !l.maintenance.Valid() {
			t.Errorf("invalid status in the table: %+v", l)
		}
	}
}

func TestIncidentName(t *testing.T) {
	for in, want := range map[string]string{
		"Service is operating normally: [RESOLVED] Increased Packet loss": "Increased Packet loss",
		"Service impact: Increased Packet loss":                           "Increased Packet loss",
		"Service disruption: Increased Error Rates":                       "Increased Error Rates",
		"Informational message: Elevated API latency":                     "Elevated API latency",
		"[RESOLVED] Delayed CloudWatch Metrics":                           "Delayed CloudWatch Metrics",
		"Issues connecting to resources in West US ":                      "Issues connecting to resources in West US",
		"Resolved: ":            "Resolved:",
		"Incident with Actions": "Incident with Actions",
	} {
		if got := incidentName(in); got != want {
			t.Errorf("incidentName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHeuristics(t *testing.T) {
	for _, c := range []struct {
		title, html string
		status      watchfire.IncidentStatus // "" when nothing is said
		impact      watchfire.Impact         // "" when nothing matched
	}{
		{"Service is operating normally: [RESOLVED] Increased Packet loss", "", watchfire.IncidentResolved, ""},
		{"Service impact: Increased Packet loss", "We are investigating.", "", watchfire.ImpactMinor},
		{"Informational message: Increased API latency", "", "", watchfire.ImpactMinor},
		{"Service degradation: Elevated errors", "", "", watchfire.ImpactMajor},
		{"Service disruption: Increased Error Rates", "", "", watchfire.ImpactCritical},
		{"RESOLVED - Login failures", "", watchfire.IncidentResolved, ""},
		{"Unresolved tickets in the queue", "", "", ""},
		{"Issues in West US", "<p>This issue is now mitigated.</p>", watchfire.IncidentResolved, ""},
		{"Issues in West US", "<p>We expect this to be resolved soon.</p>", "", ""},
		{"Outage", "<b>Status: Monitoring</b><br/>Fixed.<b>Affected components</b><ul><li>API (Full outage)</li></ul>",
			watchfire.IncidentMonitoring, watchfire.ImpactCritical},
		{"Slow", "<p><small>Sep <var data-var='date'>3</var>, <var data-var='time'>17:11</var> UTC</small><br><strong>Identified</strong> - partial outage of X</p>",
			watchfire.IncidentIdentified, watchfire.ImpactMajor},
	} {
		e := entry{title: c.title, html: c.html}
		l, ok := entryStatus(e)
		if got := l.incident; !ok && c.status != "" || ok && got != c.status {
			t.Errorf("%q: status %q (%v), want %q", c.title, got, ok, c.status)
		}
		i, ok := entryImpact(e)
		if !ok && c.impact != "" || ok && i != c.impact {
			t.Errorf("%q: impact %q (%v), want %q", c.title, i, ok, c.impact)
		}
	}
	for _, p := range impactPhrases {
		if !p.impact.Valid() {
			t.Errorf("impact table: %q maps to %q", p.phrase, p.impact)
		}
	}
	for w, s := range componentStatusWords {
		if !s.Valid() {
			t.Errorf("component table: %q maps to %q", w, s)
		}
	}
}

func TestStatuspageTime(t *testing.T) {
	ref := time.Date(2026, 9, 3, 19, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"Sep 3, 17:11 UTC":         "2026-09-03T17:11:00Z",
		"Sep  3 , 17:11 UTC":       "2026-09-03T17:11:00Z",
		"Sep 1, 09:00 PDT":         "2026-09-01T16:00:00Z",
		"Dec 31, 23:00 UTC":        "2025-12-31T23:00:00Z", // no year: last year's December
		"Dec 14, 2023 - 10:00 UTC": "2023-12-14T10:00:00Z",
		"Sep 3, 17:11":             "2026-09-03T17:11:00Z",
	} {
		got, ok := statuspageTime(in, ref)
		if !ok || !got.Equal(at(want)) {
			t.Errorf("statuspageTime(%q) = %v, %v; want %s", in, got, ok, want)
		}
	}
	for _, bad := range []string{"Sep 3, 17:11 XYZ", "Foo 3, 17:11 UTC", "Sep 40, 17:11 UTC", "Sep 3, 25:00 UTC", "soon"} {
		if _, ok := statuspageTime(bad, ref); ok {
			t.Errorf("statuspageTime(%q) parsed", bad)
		}
	}
}
