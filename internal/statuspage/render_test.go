package statuspage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
)

func TestDocumentSet(t *testing.T) {
	st := richState()
	docs := render(t, st, pagePublic)
	want := []string{
		PathComponents, PathIncidents, PathIncidentsUnresolved,
		IncidentPath("iinternal001"), IncidentPath("imonitor0001"), IncidentPath("iopen0000001"),
		IncidentPath("ipostmortem1"), IncidentPath("iresolved001"),
		PathMaintenances, PathMaintenancesActive,
		MaintenancePath("mactive00001"), MaintenancePath("mdone0000001"), MaintenancePath("mlater000001"),
		MaintenancePath("msoon0000001"), MaintenancePath("mverify00001"),
		PathMaintenancesUpcoming, PathStatus, PathSummary,
	}
	slices.Sort(want)
	if got := keys(docs); !slices.Equal(got, want) {
		t.Errorf("documents:\n got %v\nwant %v", got, want)
	}
	again := render(t, st, pagePublic)
	for path, b := range docs {
		var compact bytes.Buffer
		if err := json.Compact(&compact, b); err != nil {
			t.Errorf("%s: invalid JSON: %v", path, err)
		} else if !bytes.Equal(compact.Bytes(), b) {
			t.Errorf("%s is not compact", path)
		}
		if !bytes.Equal(b, again[path]) {
			t.Errorf("%s differs between two renders of the same state", path)
		}
	}
	// Top-level keys in Statuspage's order.
	for path, order := range map[string]string{
		PathSummary:    `{"page":{,"components":[,"incidents":[,"scheduled_maintenances":[,"status":{`,
		PathStatus:     `{"page":{,"status":{`,
		PathComponents: `{"page":{,"components":[`,
	} {
		at := 0
		for _, k := range strings.Split(order, ",") {
			i := bytes.Index(docs[path][at:], []byte(k))
			if i < 0 {
				t.Errorf("%s: %s missing or out of order", path, k)
				break
			}
			at += i
		}
	}
}

func TestGroupsAndMembers(t *testing.T) {
	comps := list(t, decode(t, render(t, richState(), pagePublic), PathComponents), "components")
	type row struct {
		id, status, groupID string
		position            int
		group               bool
		members             string
	}
	var got []row
	for _, c := range comps {
		var members []string
		if m, ok := c["components"].([]any); ok {
			for _, id := range m {
				members = append(members, id.(string))
			}
		}
		gid, _ := c["group_id"].(string)
		got = append(got, row{c["id"].(string), c["status"].(string), gid, int(c["position"].(float64)), c["group"].(bool), join(members)})
	}
	want := []row{
		{"cwebsite0001", "operational", "", 1, false, ""},
		{"cstatus00001", "operational", "", 2, false, ""},
		// A group is the worst of its members, listed with their ids
		// right before them; members count positions within it.
		{"gcore0000001", "degraded_performance", "", 3, true, "capi00000001,cdb000000001"},
		{"capi00000001", "degraded_performance", "gcore0000001", 1, false, ""},
		{"cdb000000001", "under_maintenance", "gcore0000001", 2, false, ""},
		{"gedge0000001", "partial_outage", "", 4, true, "ccdneu000001,ccdnus000001"},
		{"ccdneu000001", "partial_outage", "gedge0000001", 1, false, ""},
		{"ccdnus000001", "operational", "gedge0000001", 2, false, ""},
		// gempty000001 has no members and is not listed.
	}
	if !slices.Equal(got, want) {
		t.Errorf("components:\n got %+v\nwant %+v", got, want)
	}
	for _, c := range comps {
		if _, has := c["components"]; has != c["group"].(bool) {
			t.Errorf("%s: components key present = %v, group = %v", c["id"], has, c["group"])
		}
	}
}

func TestGroupOnSubsetPage(t *testing.T) {
	// The partner page lists API (in Core) but not Database: Core shows
	// only API and takes API's status, not the hidden Database's.
	st := richState()
	st.Components[2].Status = watchfire.StatusOperational // API
	comps := list(t, decode(t, render(t, st, pagePartner), PathComponents), "components")
	var got []string
	for _, c := range comps {
		got = append(got, fmt.Sprintf("%s:%s:%v", c["id"], c["status"], c["components"]))
	}
	// The page's explicit order puts API first, so Core leads.
	want := []string{"gcore0000001:operational:[capi00000001]", "capi00000001:operational:<nil>", "cwebsite0001:operational:<nil>"}
	if !slices.Equal(got, want) {
		t.Errorf("partner components:\n got %v\nwant %v", got, want)
	}
}

func TestIndicator(t *testing.T) {
	tests := []struct {
		name        string
		statuses    []watchfire.ComponentStatus
		openImpact  watchfire.Impact // "" for no open incident
		indicator   string
		description string
	}{
		{"all operational", nil, "", "none", "All Systems Operational"},
		{"degraded", []watchfire.ComponentStatus{watchfire.StatusDegradedPerformance}, "", "minor", "Partially Degraded Service"},
		{"partial outage", []watchfire.ComponentStatus{watchfire.StatusPartialOutage}, "", "major", "Partial System Outage"},
		{"major outage", []watchfire.ComponentStatus{watchfire.StatusDegradedPerformance, watchfire.StatusMajorOutage}, "", "critical", "Major System Outage"},
		{"maintenance", []watchfire.ComponentStatus{watchfire.StatusUnderMaintenance}, "", "maintenance", "Service Under Maintenance"},
		{"maintenance loses to an outage", []watchfire.ComponentStatus{watchfire.StatusUnderMaintenance, watchfire.StatusPartialOutage}, "", "major", "Partial System Outage"},
		{"minor incident, components fine", nil, watchfire.ImpactMinor, "minor", "Minor Service Outage"},
		{"critical incident beats degraded", []watchfire.ComponentStatus{watchfire.StatusDegradedPerformance}, watchfire.ImpactCritical, "critical", "Major System Outage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &watchfire.State{Pages: []watchfire.Page{{ID: "p"}}}
			for i := 0; i < 3; i++ {
				s := watchfire.StatusOperational
				if i < len(tt.statuses) {
					s = tt.statuses[i]
				}
				st.Components = append(st.Components, watchfire.Component{ID: fmt.Sprint("c", i), Name: fmt.Sprint("C", i), Status: s})
			}
			if tt.openImpact != "" {
				st.Incidents = []watchfire.Incident{{ID: "i", PageID: "p", Status: watchfire.IncidentInvestigating, Impact: tt.openImpact}}
			}
			docs := render(t, st, "p")
			for _, path := range []string{PathStatus, PathSummary} {
				status := decode(t, docs, path)["status"].(map[string]any)
				if status["indicator"] != tt.indicator || status["description"] != tt.description {
					t.Errorf("%s status = %v, want %s / %s", path, status, tt.indicator, tt.description)
				}
			}
		})
	}
}

func TestIncidentsListCappedNewestFirst(t *testing.T) {
	st := &watchfire.State{Pages: []watchfire.Page{{ID: "p"}}}
	const n = 60
	for i := 0; i < n; i++ {
		k := (i * 37) % n // shuffled creation times: the list must sort, not trust order
		status := watchfire.IncidentResolved
		if k == 3 { // an old open incident: beyond the 50 newest, still unresolved
			status = watchfire.IncidentMonitoring
		}
		st.Incidents = append(st.Incidents, watchfire.Incident{
			ID: fmt.Sprintf("i%02d", k), PageID: "p", Status: status, Impact: watchfire.ImpactMinor,
			CreatedAt: at(time.Duration(k) * time.Hour),
		})
	}
	docs := render(t, st, "p")
	var want []string
	for k := n - 1; k >= n-listLimit; k-- {
		want = append(want, fmt.Sprintf("i%02d", k))
	}
	if got := ids(list(t, decode(t, docs, PathIncidents), "incidents")); !slices.Equal(got, want) {
		t.Errorf("incidents.json ids:\n got %v\nwant %v", got, want)
	}
	if got := ids(list(t, decode(t, docs, PathIncidentsUnresolved), "incidents")); join(got) != "i03" {
		t.Errorf("unresolved = %v, want the old open incident i03", got)
	}
	// Every incident keeps its own document, listed or not.
	if _, ok := docs[IncidentPath("i00")]; !ok {
		t.Error("no document for the oldest incident")
	}
}

func TestUnresolvedExcludesClosed(t *testing.T) {
	docs := render(t, richState(), pagePublic)
	want := "iinternal001,iopen0000001,imonitor0001" // newest first
	for _, path := range []string{PathIncidentsUnresolved, PathSummary} {
		if got := join(ids(list(t, decode(t, docs, path), "incidents"))); got != want {
			t.Errorf("%s incidents = %s, want %s (no resolved, no postmortem)", path, got, want)
		}
	}
	all := join(ids(list(t, decode(t, docs, PathIncidents), "incidents")))
	if all != want+",iresolved001,ipostmortem1" {
		t.Errorf("incidents.json = %s", all)
	}
}

func TestMaintenanceSplit(t *testing.T) {
	docs := render(t, richState(), pagePublic)
	tests := []struct{ path, want string }{
		{PathMaintenancesUpcoming, "msoon0000001,mlater000001"}, // scheduled, soonest first
		{PathMaintenancesActive, "mactive00001,mverify00001"},   // in_progress and verifying
		{PathSummary, "msoon0000001,mlater000001,mactive00001,mverify00001"},
		{PathMaintenances, "mlater000001,msoon0000001,mactive00001,mverify00001,mdone0000001"}, // newest scheduled_for first
	}
	for _, tt := range tests {
		if got := join(ids(list(t, decode(t, docs, tt.path), "scheduled_maintenances"))); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.path, got, tt.want)
		}
	}
	m := decode(t, docs, MaintenancePath("mdone0000001"))["scheduled_maintenance"].(map[string]any)
	if m["impact"] != "maintenance" || m["status"] != "completed" || m["resolved_at"] != "2026-06-22T21:00:00.123-07:00" {
		t.Errorf("completed maintenance = %v", m)
	}
}

func TestMaintenancesListCapped(t *testing.T) {
	st := &watchfire.State{Pages: []watchfire.Page{{ID: "p"}}}
	for i := 0; i < 70; i++ {
		st.Maintenances = append(st.Maintenances, watchfire.Maintenance{
			ID: fmt.Sprintf("m%02d", i), PageID: "p", Status: watchfire.MaintenanceCompleted,
			ScheduledFor: at(time.Duration(i) * time.Hour),
		})
	}
	got := ids(list(t, decode(t, render(t, st, "p"), PathMaintenances), "scheduled_maintenances"))
	if len(got) != listLimit || got[0] != "m69" || got[listLimit-1] != "m20" {
		t.Errorf("scheduled-maintenances.json has %d, from %s to %s; want 50, m69 to m20", len(got), got[0], got[len(got)-1])
	}
}

func TestSubsetPageShowsOnlyItsComponents(t *testing.T) {
	st := richState()
	// An incident on the public page touching a shown and a hidden
	// component: the partner page shows it, but only the shown part.
	st.Incidents[0].Components = append(st.Incidents[0].Components,
		watchfire.AffectedComponent{ComponentID: "cdb000000001", Name: "Database", NewStatus: watchfire.StatusMajorOutage})
	st.Incidents[0].Updates[0].AffectedComponents = []watchfire.AffectedComponent{
		{ComponentID: "cdb000000001", Name: "Database", OldStatus: watchfire.StatusOperational, NewStatus: watchfire.StatusMajorOutage},
	}
	docs := render(t, st, pagePartner)

	if got := join(ids(list(t, decode(t, docs, PathComponents), "components"))); got != "gcore0000001,capi00000001,cwebsite0001" {
		t.Errorf("partner components = %s", got)
	}
	// iinternal001 was filed on the internal page about Database only.
	if got := join(ids(list(t, decode(t, docs, PathIncidents), "incidents"))); got != "iopen0000001,iresolved001" {
		t.Errorf("partner incidents = %s, want iopen0000001,iresolved001", got)
	}
	if _, ok := docs[IncidentPath("iinternal001")]; ok {
		t.Error("the internal incident has a document on the partner page")
	}
	inc := decode(t, docs, IncidentPath("iopen0000001"))["incident"].(map[string]any)
	if got := join(ids(list(t, inc, "components"))); got != "capi00000001" {
		t.Errorf("incident components = %s, want only the shown API", got)
	}
	// The update touched only Database: with it hidden, nothing is left.
	if u := list(t, inc, "incident_updates")[0]; u["affected_components"] != nil {
		t.Errorf("update affected_components = %v, want null", u["affected_components"])
	}
	for _, hidden := range []string{"cdb000000001", "ccdneu000001", "ccdnus000001", "gedge0000001", "Database", "iinternal001", "mactive00001"} {
		if where := mentions(docs, hidden); len(where) > 0 {
			t.Errorf("hidden %s appears in %v", hidden, where)
		}
	}
}

func TestTimestampsInPageZone(t *testing.T) {
	winter := time.Date(2026, 1, 15, 12, 0, 0, 987_000_000, time.UTC)
	summer := time.Date(2026, 7, 15, 12, 0, 0, 987_654_321, time.UTC)
	tests := []struct {
		zone           string
		winter, summer string
	}{
		{"", "2026-01-15T12:00:00.987Z", "2026-07-15T12:00:00.987Z"},
		{"UTC", "2026-01-15T12:00:00.987Z", "2026-07-15T12:00:00.987Z"},
		{"Etc/UTC", "2026-01-15T12:00:00.987Z", "2026-07-15T12:00:00.987Z"},
		{"America/Los_Angeles", "2026-01-15T04:00:00.987-08:00", "2026-07-15T05:00:00.987-07:00"},
		// GMT is not UTC: Statuspage (Rails) prints +00:00 for it.
		{"Europe/London", "2026-01-15T12:00:00.987+00:00", "2026-07-15T13:00:00.987+01:00"},
		{"Asia/Kolkata", "2026-01-15T17:30:00.987+05:30", "2026-07-15T17:30:00.987+05:30"},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			st := &watchfire.State{
				Pages:      []watchfire.Page{{ID: "p", TimeZone: tt.zone}},
				Components: []watchfire.Component{{ID: "c", Status: watchfire.StatusOperational, CreatedAt: winter.In(time.Local), UpdatedAt: summer}},
				UpdatedAt:  summer,
			}
			docs := render(t, st, "p")
			v := decode(t, docs, PathComponents)
			c := list(t, v, "components")[0]
			if c["created_at"] != tt.winter || c["updated_at"] != tt.summer {
				t.Errorf("created_at, updated_at = %v, %v; want %s, %s", c["created_at"], c["updated_at"], tt.winter, tt.summer)
			}
			page := v["page"].(map[string]any)
			wantZone := tt.zone
			if wantZone == "" {
				wantZone = "UTC"
			}
			if page["updated_at"] != tt.summer || page["time_zone"] != wantZone {
				t.Errorf("page = %v", page)
			}
		})
	}
}

func TestPageUpdatedAtFallsBackToPage(t *testing.T) {
	st := &watchfire.State{Pages: []watchfire.Page{{ID: "p", UpdatedAt: t0}}}
	page := decode(t, render(t, st, "p"), PathStatus)["page"].(map[string]any)
	if page["updated_at"] != "2026-07-01T12:00:00.123Z" {
		t.Errorf("page.updated_at = %v, want the page's own", page["updated_at"])
	}
}

func TestEmptyListsAreArrays(t *testing.T) {
	st := &watchfire.State{
		Pages:     []watchfire.Page{{ID: "p", Name: "Empty"}},
		Incidents: []watchfire.Incident{{ID: "bare", PageID: "p", Status: watchfire.IncidentResolved}},
	}
	docs := render(t, st, "p")
	for _, tt := range []struct{ path, want string }{
		{PathSummary, `"components":[],"incidents":[],"scheduled_maintenances":[]`},
		{PathComponents, `"components":[]`},
		{PathIncidentsUnresolved, `"incidents":[]`},
		{PathMaintenances, `"scheduled_maintenances":[]`},
		{PathMaintenancesUpcoming, `"scheduled_maintenances":[]`},
		{PathMaintenancesActive, `"scheduled_maintenances":[]`},
		{IncidentPath("bare"), `"incident_updates":[],"components":[]`},
	} {
		if !bytes.Contains(docs[tt.path], []byte(tt.want)) {
			t.Errorf("%s lacks %s:\n%s", tt.path, tt.want, docs[tt.path])
		}
	}
	// A bare incident still has Statuspage's defaults, and its shortlink
	// is relative when the page has no URL.
	inc := decode(t, docs, IncidentPath("bare"))["incident"].(map[string]any)
	if inc["impact"] != "none" || inc["shortlink"] != "/incidents/bare" || inc["created_at"] != nil {
		t.Errorf("bare incident = %v", inc)
	}
}

func TestIncidentDetails(t *testing.T) {
	st := richState()
	// Updates out of order in the state must still come newest first,
	// without reordering the shared state.
	u := st.Incidents[0].Updates
	u[0], u[2] = u[2], u[0]
	docs := render(t, st, pagePublic)

	open := decode(t, docs, IncidentPath("iopen0000001"))["incident"].(map[string]any)
	if got := join(ids(list(t, open, "incident_updates"))); got != "uopen0000003,uopen0000002,uopen0000001" {
		t.Errorf("updates = %s, want newest first", got)
	}
	if st.Incidents[0].Updates[0].ID != "uopen0000001" {
		t.Error("Render reordered the state's updates")
	}
	// The deleted component is skipped; the others are full objects with
	// their current status.
	comps := list(t, open, "components")
	if got := join(ids(comps)); got != "capi00000001,ccdneu000001" {
		t.Errorf("components = %s", got)
	}
	if comps[1]["status"] != "partial_outage" || comps[1]["group_id"] != "gedge0000001" {
		t.Errorf("component = %v", comps[1])
	}
	if _, ok := open["postmortem_body"]; ok {
		t.Error("postmortem_body on an incident without postmortem")
	}
	if open["reminder_intervals"] != nil || open["started_at"] != "2026-07-01T04:25:00.123-07:00" {
		t.Errorf("reminder_intervals, started_at = %v, %v", open["reminder_intervals"], open["started_at"])
	}
	if got := list(t, open, "incident_updates")[0]["affected_components"]; got != nil {
		t.Errorf("affected_components of an update that changed nothing = %v, want null", got)
	}

	pm := decode(t, docs, IncidentPath("ipostmortem1"))["incident"].(map[string]any)
	if pm["postmortem_body"] != "Disk full." || pm["postmortem_published_at"] != "2026-04-02T05:00:00.123-07:00" {
		t.Errorf("postmortem = %v / %v, want the body and the postmortem update's time", pm["postmortem_body"], pm["postmortem_published_at"])
	}
}

func TestUnknownTimeZone(t *testing.T) {
	st := &watchfire.State{Pages: []watchfire.Page{{ID: "p", TimeZone: "Mars/Olympus_Mons"}}}
	_, err := Render(st, &st.Pages[0])
	if watchfire.ErrorCode(err) != watchfire.EINVALID || !strings.Contains(watchfire.ErrorMessage(err), "Mars/Olympus_Mons") {
		t.Errorf("err = %v, want EINVALID naming the zone", err)
	}
	if _, err := Render(nil, nil); err == nil {
		t.Error("Render(nil, nil) succeeded")
	}
}

// Pages render concurrently (one per page on each change); the shared
// zone cache must be safe under -race.
func TestConcurrentRender(t *testing.T) {
	st := richState()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		p := &st.Pages[i%len(st.Pages)]
		wg.Go(func() {
			if _, err := Render(st, p); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestObjectIDsCannotShadowListDocuments(t *testing.T) {
	st := &watchfire.State{
		Pages:        []watchfire.Page{{ID: "p"}},
		Incidents:    []watchfire.Incident{{ID: "unresolved", PageID: "p", Status: watchfire.IncidentResolved}},
		Maintenances: []watchfire.Maintenance{{ID: "active", PageID: "p", Status: watchfire.MaintenanceCompleted}},
	}
	docs := render(t, st, "p")
	for path, key := range map[string]string{PathIncidentsUnresolved: "incidents", PathMaintenancesActive: "scheduled_maintenances"} {
		if got := list(t, decode(t, docs, path), key); len(got) != 0 {
			t.Errorf("%s = %s, want an empty list", path, docs[path])
		}
	}
}
