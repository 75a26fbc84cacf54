package statuspage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // tests use named zones; do not depend on the host's zoneinfo

	"github.com/watchfire-status/watchfire"
)

// t0 is a summer instant with sub-millisecond noise, so tests see both
// the zone conversion and the truncation to milliseconds.
var t0 = time.Date(2026, 7, 1, 12, 0, 0, 123_456_789, time.UTC)

func at(d time.Duration) time.Time   { return t0.Add(d) }
func atp(d time.Duration) *time.Time { t := at(d); return &t }

const (
	pagePublic   = "pgpublic0001"
	pageInternal = "pginternal01"
	pagePartner  = "pgpartner001"
)

// richState exercises every shape Statuspage serves: two groups and
// ungrouped components, open and closed incidents with several updates and
// affected components, a postmortem, maintenances in every status, a
// public page with a URL and a non-UTC zone, a UTC page and a page that
// lists a subset of the components.
func richState() *watchfire.State {
	start := time.Date(2021, 3, 4, 0, 0, 0, 0, time.UTC)
	comp := func(id, group, name string, pos int, st watchfire.ComponentStatus) watchfire.Component {
		return watchfire.Component{ID: id, GroupID: group, Name: name, Position: pos, Status: st,
			CreatedAt: at(-400 * 24 * time.Hour), UpdatedAt: at(-time.Hour)}
	}
	website := comp("cwebsite0001", "", "Website", 1, watchfire.StatusOperational)
	website.Description = "The marketing site & docs <www>"
	website.StartDate = &start
	website.Showcase = true
	api := comp("capi00000001", "gcore0000001", "API", 1, watchfire.StatusDegradedPerformance)
	api.OnlyShowIfDegraded = true

	upd := func(id, incID, status, body string, d time.Duration, acs ...watchfire.AffectedComponent) watchfire.IncidentUpdate {
		return watchfire.IncidentUpdate{ID: id, IncidentID: incID, Status: status, Body: body,
			AffectedComponents: acs, DeliverNotifications: true,
			DisplayAt: at(d), CreatedAt: at(d), UpdatedAt: at(d + time.Second)}
	}
	ac := func(id, name string, from, to watchfire.ComponentStatus) watchfire.AffectedComponent {
		return watchfire.AffectedComponent{ComponentID: id, Name: name, OldStatus: from, NewStatus: to}
	}

	return &watchfire.State{
		Pages: []watchfire.Page{
			{ID: pagePublic, Name: "Example", URL: "https://status.example.com/", TimeZone: "America/Los_Angeles",
				CreatedAt: at(-500 * 24 * time.Hour), UpdatedAt: at(-48 * time.Hour)},
			{ID: pageInternal, Name: "Internal", TimeZone: "Etc/UTC"},
			{ID: pagePartner, Name: "Partner", URL: "https://partner.example.com", TimeZone: "Europe/Paris",
				Components: []string{"capi00000001", "cwebsite0001"}},
		},
		Groups: []watchfire.Group{
			{ID: "gcore0000001", Name: "Core", Description: "Request path", Position: 1, CreatedAt: at(-300 * 24 * time.Hour), UpdatedAt: at(-time.Hour)},
			{ID: "gedge0000001", Name: "Edge", Position: 2, CreatedAt: at(-300 * 24 * time.Hour), UpdatedAt: at(-time.Hour)},
			{ID: "gempty000001", Name: "Nothing here", Position: 3}, // no members: not listed
		},
		Components: []watchfire.Component{
			website,
			comp("cstatus00001", "", "Status emails", 2, watchfire.StatusOperational),
			api,
			comp("cdb000000001", "gcore0000001", "Database", 2, watchfire.StatusUnderMaintenance),
			comp("ccdneu000001", "gedge0000001", "CDN Europe", 1, watchfire.StatusPartialOutage),
			comp("ccdnus000001", "gedge0000001", "CDN America", 2, watchfire.StatusOperational),
		},
		Incidents: []watchfire.Incident{
			{
				ID: "iopen0000001", PageID: pagePublic, Name: "Slow API and CDN errors in Europe",
				Status: watchfire.IncidentIdentified, Impact: watchfire.ImpactMajor,
				Components: []watchfire.AffectedComponent{
					ac("capi00000001", "API", "", watchfire.StatusDegradedPerformance),
					ac("ccdneu000001", "CDN Europe", "", watchfire.StatusPartialOutage),
					ac("cdeleted0001", "Gone", "", watchfire.StatusMajorOutage), // deleted since: skipped
				},
				Updates: []watchfire.IncidentUpdate{
					upd("uopen0000003", "iopen0000001", "identified", "Cause found.", -10*time.Minute),
					upd("uopen0000002", "iopen0000001", "investigating", "CDN Europe too.", -20*time.Minute,
						ac("ccdneu000001", "CDN Europe", watchfire.StatusOperational, watchfire.StatusPartialOutage)),
					upd("uopen0000001", "iopen0000001", "investigating", "API is slow.", -30*time.Minute,
						ac("capi00000001", "API", watchfire.StatusOperational, watchfire.StatusDegradedPerformance)),
				},
				StartedAt: at(-35 * time.Minute), CreatedAt: at(-30 * time.Minute), UpdatedAt: at(-10 * time.Minute),
			},
			{
				ID: "imonitor0001", PageID: pagePublic, Name: "Delayed status emails",
				Status: watchfire.IncidentMonitoring, Impact: watchfire.ImpactMinor,
				Components: []watchfire.AffectedComponent{ac("cstatus00001", "Status emails", "", watchfire.StatusOperational)},
				Updates: []watchfire.IncidentUpdate{
					upd("umonitor0002", "imonitor0001", "monitoring", "Fix deployed.", -2*time.Hour,
						ac("cstatus00001", "Status emails", watchfire.StatusDegradedPerformance, watchfire.StatusOperational)),
					upd("umonitor0001", "imonitor0001", "investigating", "Emails are late.", -3*time.Hour),
				},
				MonitoringAt: atp(-2 * time.Hour), CreatedAt: at(-3 * time.Hour), UpdatedAt: at(-2 * time.Hour),
			},
			{
				ID: "iresolved001", PageID: pagePublic, Name: "Website outage",
				Status: watchfire.IncidentResolved, Impact: watchfire.ImpactCritical,
				Components: []watchfire.AffectedComponent{ac("cwebsite0001", "Website", "", watchfire.StatusOperational)},
				Updates: []watchfire.IncidentUpdate{
					upd("uresolved002", "iresolved001", "resolved", "Back up.", -47*time.Hour,
						ac("cwebsite0001", "Website", watchfire.StatusMajorOutage, watchfire.StatusOperational)),
					upd("uresolved001", "iresolved001", "investigating", "Website down.", -48*time.Hour,
						ac("cwebsite0001", "Website", watchfire.StatusOperational, watchfire.StatusMajorOutage)),
				},
				Postmortem: "# What happened\n\nA bad deploy.",
				ResolvedAt: atp(-47 * time.Hour), MonitoringAt: atp(-47*time.Hour - time.Minute),
				CreatedAt: at(-48 * time.Hour), UpdatedAt: at(-40 * time.Hour),
			},
			{
				ID: "ipostmortem1", PageID: pagePublic, Name: "Old database incident",
				Status: watchfire.IncidentPostmortem, Impact: watchfire.ImpactMinor,
				Components: []watchfire.AffectedComponent{ac("cdb000000001", "Database", "", watchfire.StatusOperational)},
				Updates: []watchfire.IncidentUpdate{
					upd("upostmortem2", "ipostmortem1", "postmortem", "Postmortem published.", -90*24*time.Hour),
					upd("upostmortem1", "ipostmortem1", "resolved", "Fixed.", -100*24*time.Hour),
				},
				Postmortem: "Disk full.",
				ResolvedAt: atp(-100 * 24 * time.Hour), CreatedAt: at(-101 * 24 * time.Hour), UpdatedAt: at(-90 * 24 * time.Hour),
			},
			{
				// Filed on the internal page about a component the partner
				// page hides: the partner page must not show it.
				ID: "iinternal001", PageID: pageInternal, Name: "Database failover",
				Status: watchfire.IncidentInvestigating, Impact: watchfire.ImpactNone,
				Components: []watchfire.AffectedComponent{ac("cdb000000001", "Database", "", watchfire.StatusUnderMaintenance)},
				Updates: []watchfire.IncidentUpdate{
					upd("uinternal001", "iinternal001", "investigating", "Failing over.", -5*time.Minute,
						ac("cdb000000001", "Database", watchfire.StatusOperational, watchfire.StatusUnderMaintenance)),
				},
				CreatedAt: at(-5 * time.Minute), UpdatedAt: at(-5 * time.Minute),
			},
		},
		Maintenances: []watchfire.Maintenance{
			{
				ID: "mlater000001", PageID: pagePublic, Name: "CDN America upgrade", Status: watchfire.MaintenanceScheduled,
				Components: []string{"ccdnus000001"},
				Updates: []watchfire.IncidentUpdate{
					upd("umlater00001", "mlater000001", "scheduled", "We will upgrade the CDN.", -24*time.Hour,
						ac("ccdnus000001", "CDN America", watchfire.StatusOperational, watchfire.StatusOperational)),
				},
				ScheduledFor: at(10 * 24 * time.Hour), ScheduledUntil: at(10*24*time.Hour + 2*time.Hour),
				CreatedAt: at(-24 * time.Hour), UpdatedAt: at(-24 * time.Hour),
			},
			{
				ID: "msoon0000001", PageID: pagePublic, Name: "Certificate rotation", Status: watchfire.MaintenanceScheduled,
				Components:   []string{"cwebsite0001"},
				Updates:      []watchfire.IncidentUpdate{upd("umsoon000001", "msoon0000001", "scheduled", "Rotating certificates.", -12*time.Hour)},
				ScheduledFor: at(24 * time.Hour), ScheduledUntil: at(25 * time.Hour),
				CreatedAt: at(-12 * time.Hour), UpdatedAt: at(-12 * time.Hour),
			},
			{
				ID: "mactive00001", PageID: pagePublic, Name: "Database upgrade", Status: watchfire.MaintenanceInProgress,
				Components: []string{"cdb000000001"},
				Updates: []watchfire.IncidentUpdate{
					upd("umactive0002", "mactive00001", "in_progress", "Started.", -time.Hour,
						ac("cdb000000001", "Database", watchfire.StatusOperational, watchfire.StatusUnderMaintenance)),
					upd("umactive0001", "mactive00001", "scheduled", "Planned.", -72*time.Hour),
				},
				ScheduledFor: at(-time.Hour), ScheduledUntil: at(time.Hour), StartedAt: atp(-time.Hour),
				CreatedAt: at(-72 * time.Hour), UpdatedAt: at(-time.Hour),
			},
			{
				ID: "mverify00001", PageID: pagePublic, Name: "Edge config change", Status: watchfire.MaintenanceVerifying,
				Components:   []string{"ccdneu000001"},
				Updates:      []watchfire.IncidentUpdate{upd("umverify0001", "mverify00001", "verifying", "Checking.", -30*time.Minute)},
				ScheduledFor: at(-2 * time.Hour), ScheduledUntil: at(-time.Hour), StartedAt: atp(-2 * time.Hour),
				CreatedAt: at(-96 * time.Hour), UpdatedAt: at(-30 * time.Minute),
			},
			{
				ID: "mdone0000001", PageID: pagePublic, Name: "Website migration", Status: watchfire.MaintenanceCompleted,
				Components:   []string{"cwebsite0001"},
				Updates:      []watchfire.IncidentUpdate{upd("umdone000001", "mdone0000001", "completed", "Done.", -200*time.Hour)},
				ScheduledFor: at(-210 * time.Hour), ScheduledUntil: at(-200 * time.Hour),
				StartedAt: atp(-210 * time.Hour), CompletedAt: atp(-200 * time.Hour),
				CreatedAt: at(-300 * time.Hour), UpdatedAt: at(-200 * time.Hour),
			},
		},
		LastEventID: 42,
		UpdatedAt:   at(-time.Minute),
	}
}

// render renders the page with the id or fails the test.
func render(t testing.TB, st *watchfire.State, pageID string) map[string][]byte {
	t.Helper()
	p := st.Page(pageID)
	if p == nil {
		t.Fatalf("no page %q", pageID)
	}
	docs, err := Render(st, p)
	if err != nil {
		t.Fatalf("Render(%s): %v", pageID, err)
	}
	return docs
}

// decode unmarshals one rendered document into generic JSON.
func decode(t testing.TB, docs map[string][]byte, path string) map[string]any {
	t.Helper()
	b, ok := docs[path]
	if !ok {
		t.Fatalf("no document %q; have %v", path, keys(docs))
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s is not JSON: %v\n%s", path, err, b)
	}
	return v
}

func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// list returns v[key] as a list of objects.
func list(t testing.TB, v map[string]any, key string) []map[string]any {
	t.Helper()
	raw, ok := v[key].([]any)
	if !ok {
		t.Fatalf("%s is %T, want a list", key, v[key])
	}
	out := make([]map[string]any, len(raw))
	for i, x := range raw {
		out[i] = x.(map[string]any)
	}
	return out
}

func ids(objs []map[string]any) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = fmt.Sprint(o["id"])
	}
	return out
}

func join(s []string) string { return strings.Join(s, ",") }

// mentions reports which documents contain s anywhere.
func mentions(docs map[string][]byte, s string) []string {
	var out []string
	for path, b := range docs {
		if bytes.Contains(b, []byte(s)) {
			out = append(out, path)
		}
	}
	slices.Sort(out)
	return out
}
