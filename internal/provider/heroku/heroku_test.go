package heroku

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const (
	fixtureIncident    = "other/heroku-current-status-2019-10-24-incident-yellow.json"
	fixtureMaintenance = "other/heroku-current-status-2020-11-09-maintenance-blue.json"
)

func parse(t *testing.T, rel string) *watchfire.UpstreamReport {
	t.Helper()
	rep, err := New().Parse(providertest.Fixture(t, rel))
	if err != nil {
		t.Fatalf("Parse(%s): %v", rel, err)
	}
	providertest.Check(t, rep)
	return rep
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Every Heroku fixture parses.
func TestParseEveryFixture(t *testing.T) {
	for rel := range providertest.Fixtures(t, "other") {
		if strings.HasPrefix(rel, "other/heroku-") {
			parse(t, rel)
		}
	}
}

// 2019-10-24: Apps, Data and Tools yellow, one open incident with two
// updates (investigating, then issue), nothing scheduled.
func TestParseIncidentYellow(t *testing.T) {
	rep := parse(t, fixtureIncident)
	if rep.Provider != Name || rep.Indicator != "" {
		t.Errorf("provider %q indicator %q", rep.Provider, rep.Indicator)
	}
	if len(rep.Components) != 3 {
		t.Fatalf("%d components, want 3", len(rep.Components))
	}
	for i, name := range []string{"Apps", "Data", "Tools"} {
		c := rep.Components[i]
		if c.Name != name || c.Status != watchfire.StatusDegradedPerformance || c.VendorStatus != "yellow" {
			t.Errorf("component %d = %+v, want %s degraded (yellow)", i, c, name)
		}
	}
	if len(rep.Incidents) != 1 || len(rep.Maintenances) != 0 {
		t.Fatalf("%d incidents, %d maintenances", len(rep.Incidents), len(rep.Maintenances))
	}
	inc := rep.Incidents[0]
	if inc.ID != "1918" || inc.Name != "Connection timeouts to applications and Heroku Postgres" ||
		inc.URL != "https://status.heroku.com/incidents/1918" {
		t.Errorf("incident = %q %q %q", inc.ID, inc.Name, inc.URL)
	}
	// The newest update is an "issue": Heroku has confirmed the problem.
	if inc.Status != watchfire.IncidentIdentified || inc.Impact != watchfire.ImpactMinor {
		t.Errorf("status %s impact %s, want identified minor", inc.Status, inc.Impact)
	}
	if !inc.StartedAt.Equal(ts("2019-10-24T18:39:30.231Z")) || !inc.UpdatedAt.Equal(ts("2019-10-24T18:39:30.721Z")) {
		t.Errorf("started %v updated %v", inc.StartedAt, inc.UpdatedAt)
	}
	if inc.ResolvedAt != nil {
		t.Errorf("open incident resolved at %v", inc.ResolvedAt)
	}
	if len(inc.Updates) != 2 {
		t.Fatalf("%d updates", len(inc.Updates))
	}
	if u := inc.Updates[0]; u.Status != "identified" || !u.At.Equal(ts("2019-10-24T18:49:47.743Z")) ||
		!strings.HasPrefix(u.Body, "Due to connection timeouts") || strings.Contains(u.Body, "\r") {
		t.Errorf("newest update = %+v", u)
	}
	if u := inc.Updates[1]; u.Status != "investigating" || strings.HasSuffix(u.Body, "\n") {
		t.Errorf("oldest update = %+v", u)
	}
	if rep.Overall() != watchfire.StatusDegradedPerformance {
		t.Errorf("overall %s", rep.Overall())
	}
}

// 2020-11-09: Data blue (maintenance), one scheduled item resolved and no
// longer upcoming, four updates.
func TestParseMaintenanceBlue(t *testing.T) {
	rep := parse(t, fixtureMaintenance)
	want := map[string]watchfire.ComponentStatus{
		"Apps": watchfire.StatusOperational, "Data": watchfire.StatusUnderMaintenance, "Tools": watchfire.StatusOperational,
	}
	for _, c := range rep.Components {
		if want[c.Name] != c.Status {
			t.Errorf("%s = %s, want %s", c.Name, c.Status, want[c.Name])
		}
	}
	if len(rep.Incidents) != 0 || len(rep.Maintenances) != 1 {
		t.Fatalf("%d incidents, %d maintenances", len(rep.Incidents), len(rep.Maintenances))
	}
	m := rep.Maintenances[0]
	if m.ID != "2120" || !strings.HasPrefix(m.Name, "Data Service Update on Monday") || m.URL != "https://status.heroku.com/incidents/2120" {
		t.Errorf("maintenance = %q %q %q", m.ID, m.Name, m.URL)
	}
	if m.Status != watchfire.MaintenanceCompleted || m.Impact != watchfire.ImpactMaintenance {
		t.Errorf("status %s impact %s, want completed maintenance", m.Status, m.Impact)
	}
	wantUpdates := []string{"completed", "in_progress", "in_progress", "scheduled"}
	if len(m.Updates) != len(wantUpdates) {
		t.Fatalf("%d updates", len(m.Updates))
	}
	for i, s := range wantUpdates {
		if m.Updates[i].Status != s {
			t.Errorf("update %d status %q, want %q", i, m.Updates[i].Status, s)
		}
	}
	if !rep.UpdatedAt.Equal(ts("2020-11-09T19:47:23.669Z")) {
		t.Errorf("updated at %v", rep.UpdatedAt)
	}
	// The component still says maintenance though the item is resolved:
	// components and items are read independently.
	if rep.Overall() != watchfire.StatusUnderMaintenance {
		t.Errorf("overall %s", rep.Overall())
	}
}

func TestMapping(t *testing.T) {
	for color, want := range map[string]watchfire.ComponentStatus{
		"green": watchfire.StatusOperational, "yellow": watchfire.StatusDegradedPerformance,
		"red": watchfire.StatusMajorOutage, "blue": watchfire.StatusUnderMaintenance, " Red ": watchfire.StatusMajorOutage,
		"": watchfire.StatusOperational, "purple": watchfire.StatusDegradedPerformance,
	} {
		if got := ColorStatus(color); got != want {
			t.Errorf("ColorStatus(%q) = %s, want %s", color, got, want)
		}
	}
	for color, want := range map[string]watchfire.Impact{
		"green": watchfire.ImpactNone, "yellow": watchfire.ImpactMinor, "red": watchfire.ImpactCritical, "blue": watchfire.ImpactNone,
	} {
		if got := ColorImpact(color); got != want {
			t.Errorf("ColorImpact(%q) = %s, want %s", color, got, want)
		}
	}
	for typ, want := range map[string]string{
		"investigating": "investigating", "issue": "identified", "monitoring": "monitoring", "resolved": "resolved", "update": "update",
	} {
		if got := IncidentUpdateStatus(typ); got != want {
			t.Errorf("IncidentUpdateStatus(%q) = %q, want %q", typ, got, want)
		}
	}
	for typ, want := range map[string]string{
		"scheduled": "scheduled", "maintenance": "in_progress", "resolved": "completed", "update": "update",
	} {
		if got := MaintenanceUpdateStatus(typ); got != want {
			t.Errorf("MaintenanceUpdateStatus(%q) = %q, want %q", typ, got, want)
		}
	}
}

// An incident whose state says resolved is closed even when the resolved
// flag disagrees, as seen on Heroku's v4 API; a scheduled item whose
// latest update reports work under way is in progress.
func TestStateWinsOverFlags(t *testing.T) {
	body := `{"status":[{"system":"Apps","status":"green"}],
	"incidents":[{"id":2963,"title":"Slow builds","state":"resolved","resolved":false,"created_at":"2026-07-01T10:00:00Z",
	  "systems":[{"name":"Apps","status":"red"}],
	  "updates":[{"update_type":"resolved","contents":"Fixed.","created_at":"2026-07-01T11:00:00Z","status_dev":"green","status_prod":"green"},
	             {"update_type":"update","contents":"Still on it.","created_at":"2026-07-01T10:30:00Z"}]}],
	"scheduled":[{"id":2959,"title":"Platform Maintenance","state":"upcoming","resolved":false,"upcoming":true,"created_at":"2026-07-15T17:00:00Z",
	  "updates":[{"update_type":"maintenance","contents":"Under way","created_at":"2026-07-15T17:01:00Z"}]}]}`
	rep, err := New().Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	inc := rep.Incidents[0]
	if inc.Status != watchfire.IncidentResolved || inc.ResolvedAt == nil || !inc.ResolvedAt.Equal(ts("2026-07-01T11:00:00Z")) {
		t.Errorf("incident %s resolved at %v", inc.Status, inc.ResolvedAt)
	}
	if inc.Impact != watchfire.ImpactCritical || len(inc.Components) != 1 || inc.Components[0] != "Apps" {
		t.Errorf("impact %s components %v: the systems[] colors and names count", inc.Impact, inc.Components)
	}
	if m := rep.Maintenances[0]; m.Status != watchfire.MaintenanceInProgress {
		t.Errorf("maintenance %s, want in_progress", m.Status)
	}
}

// historyDoc builds an /api/v4/incidents answer from the fixtures'
// incident and scheduled items: the same item shape in a bare array.
func historyDoc(t *testing.T) []byte {
	t.Helper()
	var items []json.RawMessage
	for _, rel := range []string{fixtureIncident, fixtureMaintenance} {
		var doc struct {
			Incidents, Scheduled []json.RawMessage
		}
		if err := json.Unmarshal(providertest.Fixture(t, rel), &doc); err != nil {
			t.Fatal(err)
		}
		items = append(append(items, doc.Incidents...), doc.Scheduled...)
	}
	b, err := json.Marshal(items)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCurrentAndHistory(t *testing.T) {
	page := providertest.Server(t, map[string]providertest.Doc{
		currentPath: {Body: providertest.Fixture(t, fixtureIncident)},
		historyPath: {Body: historyDoc(t)},
	})
	p, c := New(), providertest.Client()
	rep, err := p.Current(context.Background(), c, page)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Components) != 3 || len(rep.Incidents) != 1 || rep.Page.URL != page.String() {
		t.Errorf("report = %+v", rep)
	}
	hist, err := p.History(context.Background(), c, page)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 {
		t.Fatalf("%d incidents in history", len(hist))
	}
	// Newest first: the 2020 item before the 2019 incident.
	if hist[0].ID != "2120" || hist[1].ID != "1918" || hist[0].Status != watchfire.IncidentResolved {
		t.Errorf("history = %s (%s), %s", hist[0].ID, hist[0].Status, hist[1].ID)
	}

	// The API address itself works as the page.
	api, _ := url.Parse(page.String() + "api/v4/current-status")
	if _, err := p.Current(context.Background(), c, api); err != nil {
		t.Errorf("Current(API address): %v", err)
	}
	if _, err := New().Parse(historyDoc(t)); err != nil {
		t.Errorf("Parse(history): %v", err)
	}
}

func TestDetect(t *testing.T) {
	for addr, want := range map[string]bool{
		"https://status.heroku.com/":                      true,
		"https://status.heroku.com/api/v4/current-status": true,
		"https://www.heroku.com/":                         false,
		"https://status.example.com/":                     false,
	} {
		u, _ := url.Parse(addr)
		if got := New().Detect(u); got != want {
			t.Errorf("Detect(%s) = %v", addr, got)
		}
	}
}

// Other providers' payloads are not Heroku's: ParseAny must move on.
func TestRejectsOtherFormats(t *testing.T) {
	providertest.RejectsOthers(t, New(), "other/heroku-")
}

func TestBadInput(t *testing.T) {
	providertest.BadInput(t, New(), providertest.Fixture(t, fixtureIncident), currentPath, historyPath)
	// Heroku's own way of being wrong: JSON of another shape.
	doc := providertest.Doc{Body: []byte(`{"status":"green","incidents":[]}`)}
	page := providertest.Server(t, map[string]providertest.Doc{currentPath: doc, historyPath: doc})
	if _, err := New().Current(context.Background(), providertest.Client(), page); err == nil {
		t.Error("wrong shape: Current succeeded")
	}
	if _, err := New().History(context.Background(), providertest.Client(), page); err == nil {
		t.Error("wrong shape: History succeeded")
	}
	if _, err := New().Parse(doc.Body); err == nil {
		t.Error("wrong shape: Parse succeeded")
	}
}

func FuzzParse(f *testing.F) {
	providertest.Fuzz(f, New(),
		providertest.Fixture(f, fixtureIncident),
		providertest.Fixture(f, fixtureMaintenance),
		[]byte(`[{"id":1,"title":"t","created_at":"2020-01-01T00:00:00Z","state":"resolved","updates":[{"update_type":"issue","status_prod":"red"}]}]`),
	)
}
