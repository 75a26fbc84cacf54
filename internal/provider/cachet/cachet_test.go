package cachet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const (
	componentsDoc = "cachet/cachet-demo-v1-components.json"
	groupsDoc     = "cachet/cachet-demo-v1-component-groups.json"
	incidentsDoc  = "cachet/cachet-demo-v1-incidents.json"
	schedulesDoc  = "cachet/cachet-demo-v1-schedules.json"
)

// demoTime is the time the demo writes everywhere, read in UTC.
var demoTime = time.Date(2026, 9, 12, 13, 0, 3, 0, time.UTC)

func parse(t *testing.T, rel string) *watchfire.UpstreamReport {
	t.Helper()
	rep, err := New().Parse(providertest.Fixture(t, rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	providertest.Check(t, rep)
	if rep.Provider != Name || rep.Indicator != "" {
		t.Errorf("%s: provider %q, indicator %q (Cachet has no page status)", rel, rep.Provider, rep.Indicator)
	}
	return rep
}

func TestEveryFixtureParses(t *testing.T) {
	for rel, body := range providertest.Fixtures(t, "cachet") {
		rep, err := New().Parse(body)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		providertest.Check(t, rep)
	}
}

// Components: six, all status 1 "Operational"; group 0 is no group, and
// group 1 is not listed by the groups endpoint (hidden from guests).
func TestComponents(t *testing.T) {
	rep := parse(t, componentsDoc)
	if len(rep.Components) != 6 {
		t.Fatalf("%d components", len(rep.Components))
	}
	for _, c := range rep.Components {
		if c.Status != watchfire.StatusOperational || c.VendorStatus != "Operational" || c.Group != "" {
			t.Errorf("%+v", c)
		}
	}
	if c := rep.Component("1"); c == nil || c.Name != "API" {
		t.Errorf("component 1: %+v", c)
	}
	if len(rep.Incidents) != 0 || len(rep.Maintenances) != 0 || !rep.UpdatedAt.Equal(demoTime) {
		t.Errorf("report %+v", rep)
	}
}

// Groups alone: one group "Services" with its two enabled components.
func TestGroups(t *testing.T) {
	rep := parse(t, groupsDoc)
	if len(rep.Components) != 2 {
		t.Fatalf("components %+v", rep.Components)
	}
	for _, ref := range []string{"Services / Laravel Artisan Cheatsheet", "Services / Checkmango"} {
		if c := rep.Component(ref); c == nil || c.Status != watchfire.StatusOperational {
			t.Errorf("%s: %+v", ref, c)
		}
	}
}

// Incidents: one resolved (updates Fixed, Watching, Identified), one
// unresolved, Watching. meta is {} on one and [] on the other.
func TestIncidents(t *testing.T) {
	rep := parse(t, incidentsDoc)
	if len(rep.Incidents) != 1 {
		t.Fatalf("%d open incidents", len(rep.Incidents))
	}
	inc := rep.Incidents[0]
	if inc.ID != "2" || inc.Name != "This is an unresolved incident" || inc.Status != watchfire.IncidentMonitoring ||
		inc.Impact != watchfire.ImpactNone || inc.URL != "https://demo.cachethq.io/incidents/2" || inc.ResolvedAt != nil ||
		!inc.StartedAt.Equal(demoTime) || !inc.UpdatedAt.Equal(demoTime) {
		t.Errorf("incident %+v", inc)
	}
	// The Watching update, then the incident's own first post.
	if len(inc.Updates) != 2 || inc.Updates[0].Status != "monitoring" || inc.Updates[1].Status != "investigating" ||
		!strings.Contains(inc.Updates[1].Body, "**Fixed**") {
		t.Errorf("updates %+v", inc.Updates)
	}

	x := New().(*cachet)
	s := newSet()
	if _, err := s.add(providertest.Fixture(t, incidentsDoc)); err != nil {
		t.Fatal(err)
	}
	resolved := x.incident(&s.incidents[0], s, nil, time.UTC)
	if resolved.Status != watchfire.IncidentResolved || resolved.ResolvedAt == nil || !resolved.ResolvedAt.Equal(demoTime) {
		t.Errorf("resolved %+v", resolved)
	}
	var statuses []string
	for _, u := range resolved.Updates {
		statuses = append(statuses, u.Status)
	}
	if strings.Join(statuses, ",") != "resolved,monitoring,identified,investigating" {
		t.Errorf("timeline %v", statuses)
	}
}

// Schedules: one upcoming; completed_at is before scheduled_at (a demo
// quirk), so no end.
func TestSchedules(t *testing.T) {
	rep := parse(t, schedulesDoc)
	if len(rep.Maintenances) != 1 {
		t.Fatalf("%d maintenances", len(rep.Maintenances))
	}
	m := rep.Maintenances[0]
	if m.ID != "1" || m.Name != "Demo resets every half hour!" || m.Status != watchfire.MaintenanceScheduled ||
		m.Impact != watchfire.ImpactMaintenance || !m.ScheduledFor.Equal(time.Date(2026, 9, 12, 15, 0, 3, 0, time.UTC)) ||
		!m.ScheduledUntil.IsZero() || len(m.Components) != 0 || len(m.Updates) != 1 {
		t.Errorf("maintenance %+v", m)
	}
}

// Current against a real server: the four lists at their real paths.
func demoServer(t *testing.T) *url.URL {
	return providertest.Server(t, map[string]providertest.Doc{
		ComponentsPath: {Body: providertest.Fixture(t, componentsDoc)},
		GroupsPath:     {Body: providertest.Fixture(t, groupsDoc)},
		IncidentsPath:  {Body: providertest.Fixture(t, incidentsDoc)},
		SchedulesPath:  {Body: providertest.Fixture(t, schedulesDoc)},
	})
}

func TestCurrent(t *testing.T) {
	srv := demoServer(t)
	rep, err := New().Current(context.Background(), providertest.Client(), srv)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Components) != 6 || len(rep.Incidents) != 1 || len(rep.Maintenances) != 1 || rep.Page.TimeZone != "UTC" {
		t.Fatalf("report %+v", rep)
	}
	if c := rep.Component("Services / Checkmango"); c == nil {
		t.Error("group names from the groups list")
	}
	if c := rep.Component("Documentation"); c == nil || c.Group != "" {
		t.Errorf("component of an unlisted group: %+v", c)
	}
	if m := rep.Maintenances[0]; m.URL != srv.String()+"schedules/1" {
		t.Errorf("schedule URL %q", m.URL)
	}
	if rep.Overall() != watchfire.StatusOperational {
		t.Errorf("overall %s", rep.Overall())
	}

	// The install's zone, from the address: 15:00:03 in Paris (CEST) is
	// 13:00:03 UTC.
	paris, _ := url.Parse(srv.String() + "?" + TimeZoneParam + "=Europe/Paris")
	rep, err = New().Current(context.Background(), providertest.Client(), paris)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Maintenances[0].ScheduledFor.Equal(time.Date(2026, 9, 12, 13, 0, 3, 0, time.UTC)) || rep.Page.TimeZone != "Europe/Paris" {
		t.Errorf("in Paris: %v %q", rep.Maintenances[0].ScheduledFor, rep.Page.TimeZone)
	}
	bad, _ := url.Parse(srv.String() + "?" + TimeZoneParam + "=Mars/Olympus")
	if _, err := New().Current(context.Background(), providertest.Client(), bad); err == nil {
		t.Error("unknown zone: no error")
	}
	// And from NewIn.
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	rep, err = NewIn(tokyo).Current(context.Background(), providertest.Client(), srv)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Incidents[0].StartedAt.Equal(demoTime.Add(-9 * time.Hour)) {
		t.Errorf("in Tokyo: %v", rep.Incidents[0].StartedAt)
	}
}

func TestHistory(t *testing.T) {
	hist, err := New().History(context.Background(), providertest.Client(), demoServer(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 {
		t.Fatalf("%d incidents", len(hist))
	}
	// Equal start times keep the API's order.
	if hist[0].ID != "1" || hist[0].Status != watchfire.IncidentResolved || len(hist[0].Updates) != 4 ||
		hist[1].ID != "2" || hist[1].Status != watchfire.IncidentMonitoring {
		t.Errorf("history %+v", hist)
	}
}

// A pre-2.4 install: no schedules endpoint (404), incidents without
// is_resolved or updates, status 0 for scheduled maintenance, strings for
// numbers, the component an incident names sets its impact.
func TestOldInstall(t *testing.T) {
	comps := `{"meta":{"pagination":{"total":1,"count":1,"per_page":100,"current_page":1,"total_pages":1}},
	"data":[{"id":"7","name":"Mail","status":"3","group_id":"0","enabled":"1","updated_at":"2017-03-01 10:00:00"}]}`
	incs := `{"meta":[],"data":[
	 {"id":3,"component_id":7,"name":"Mail delayed","status":2,"visible":1,"message":"Queues are backed up.","scheduled_at":"2017-03-01 09:00:00","created_at":"2017-03-01 09:00:00","updated_at":"2017-03-01 09:30:00"},
	 {"id":2,"component_id":0,"name":"Upgrade","status":0,"visible":1,"message":"","scheduled_at":"2099-01-01 00:00:00","created_at":"2017-02-01 09:00:00","updated_at":"2017-02-01 09:00:00"},
	 {"id":1,"component_id":0,"name":"Old upgrade","status":0,"visible":1,"message":"","scheduled_at":"2016-01-01 00:00:00","created_at":"2016-01-01 00:00:00","updated_at":"2016-01-01 00:00:00"},
	 {"id":4,"component_id":0,"name":"Hidden","status":1,"visible":0,"message":"x","scheduled_at":null,"created_at":"2017-03-01 09:00:00","updated_at":"2017-03-01 09:00:00"}]}`
	srv := providertest.Server(t, map[string]providertest.Doc{
		ComponentsPath: {Body: []byte(comps)},
		GroupsPath:     {Body: []byte(`{"meta":{"pagination":{"total_pages":1}},"data":[]}`)},
		IncidentsPath:  {Body: []byte(incs)},
	})
	rep, err := New().Current(context.Background(), providertest.Client(), srv)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if c := rep.Component("Mail"); c == nil || c.Status != watchfire.StatusPartialOutage || c.VendorStatus != "3" {
		t.Errorf("mail %+v", c)
	}
	if len(rep.Incidents) != 1 {
		t.Fatalf("incidents %+v", rep.Incidents)
	}
	inc := rep.Incidents[0]
	if inc.Status != watchfire.IncidentIdentified || inc.Impact != watchfire.ImpactMajor || strings.Join(inc.Components, ",") != "Mail" ||
		inc.URL != srv.String()+"incidents/3" || !inc.StartedAt.Equal(time.Date(2017, 3, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("incident %+v", inc)
	}
	if len(rep.Maintenances) != 1 || rep.Maintenances[0].Name != "Upgrade" || rep.Maintenances[0].Status != watchfire.MaintenanceScheduled {
		t.Errorf("maintenances %+v", rep.Maintenances)
	}
}

// Pagination: every page of a list is read; the incidents' newest page
// is read when the install ignores the sort.
func TestPagination(t *testing.T) {
	page := func(n, total int, items ...string) providertest.Doc {
		return providertest.Doc{Body: fmt.Appendf(nil, `{"meta":{"pagination":{"current_page":%d,"total_pages":%d}},"data":[%s]}`, n, total, strings.Join(items, ","))}
	}
	comp := func(id int) string {
		return fmt.Sprintf(`{"id":%d,"name":"C%d","status":1,"status_name":"Operational","group_id":0,"enabled":true}`, id, id)
	}
	inc := func(id int, fixed bool) string {
		return fmt.Sprintf(`{"id":%d,"name":"I%d","status":1,"visible":1,"message":"m","occurred_at":"2026-01-0%d 00:00:00","is_resolved":%v}`, id, id, id, fixed)
	}
	const q = "?per_page=100&sort=id&order=desc"
	srv := providertest.Server(t, map[string]providertest.Doc{
		ComponentsPath + "?per_page=100":        page(1, 3, comp(1), comp(2)),
		ComponentsPath + "?per_page=100&page=2": page(2, 3, comp(3)),
		ComponentsPath + "?per_page=100&page=3": page(3, 3, comp(4)),
		GroupsPath:                              page(1, 1),
		IncidentsPath + q:                       page(1, 3, inc(1, true), inc(2, true)), // oldest first: sort ignored
		IncidentsPath + q + "&page=3":           page(3, 3, inc(5, false)),
		SchedulesPath:                           {Status: 404},
	})
	rep, err := New().Current(context.Background(), providertest.Client(), srv)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Components) != 4 || len(rep.Incidents) != 1 || rep.Incidents[0].Name != "I5" {
		t.Errorf("components %d, incidents %+v", len(rep.Components), rep.Incidents)
	}
}

// Bad answers are errors, never panics.
func TestBadInput(t *testing.T) {
	good := providertest.Fixture(t, componentsDoc)
	for name, docs := range map[string]map[string]providertest.Doc{
		"html":           {ComponentsPath: {ContentType: "text/html", Body: []byte("<html><body>Whoops, looks like something went wrong.</body></html>")}},
		"truncated":      {ComponentsPath: {Body: good[:len(good)-30]}},
		"png":            {ComponentsPath: {ContentType: "image/png", Body: good}},
		"latin-1":        {ComponentsPath: {Body: []byte("{\"meta\":[],\"data\":[{\"id\":1,\"name\":\"Caf\xe9\",\"status\":1,\"group_id\":0}]}")}},
		"components 500": {ComponentsPath: {Status: 500}},
		"incidents html": {ComponentsPath: {Body: good}, IncidentsPath: {ContentType: "text/html", Body: []byte("<html></html>")}},
		"incidents 404":  {ComponentsPath: {Body: good}},
		"groups broken":  {ComponentsPath: {Body: good}, GroupsPath: {Body: []byte(`{"meta":{},"data":[{"id":2,"name":"G","collapsed":"often"}]}`)}},
	} {
		srv := providertest.Server(t, docs)
		if rep, err := New().Current(context.Background(), providertest.Client(), srv); err == nil {
			t.Errorf("Current %s: no error, report %+v", name, rep)
		}
	}
	for name, body := range map[string]string{
		"html":        "<html><body>502 Bad Gateway</body></html>",
		"truncated":   string(good[:len(good)/2]),
		"latin-1":     "{\"meta\":[],\"data\":[{\"id\":1,\"name\":\"Caf\xe9\",\"status\":1,\"group_id\":0}]}",
		"no meta":     `{"data":[]}`,
		"data object": `{"meta":{},"data":{"id":1,"name":"x","status":1,"group_id":0}}`,
		"unknown":     `{"meta":{},"data":[{"id":1,"name":"x","colour":"red"}]}`,
		"no name":     `{"meta":{},"data":[{"id":1,"status":1,"group_id":0}]}`,
		"bad status":  `{"meta":{},"data":[{"id":1,"name":"x","status":"broken","group_id":0}]}`,
		"items":       `{"meta":{},"data":[1,2]}`,
	} {
		if _, err := New().Parse([]byte(body)); err == nil {
			t.Errorf("Parse(%s): no error", name)
		}
	}
}

// ParseAny tries every provider on an unknown payload; Better Stack's
// index.json has data too.
func TestRejectsOtherFormats(t *testing.T) {
	providertest.RejectsOthers(t, New(), "cachet/")
}

// FuzzParse is seeded with the fixtures, compacted: the fuzzer minimizes
// each input it finds interesting, and the indentation would only make
// that slower.
func FuzzParse(f *testing.F) {
	var seeds [][]byte
	for _, rel := range []string{componentsDoc, groupsDoc, incidentsDoc, schedulesDoc} {
		var b bytes.Buffer
		if err := json.Compact(&b, providertest.Fixture(f, rel)); err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b.Bytes())
	}
	providertest.Fuzz(f, New(), seeds...)
}
