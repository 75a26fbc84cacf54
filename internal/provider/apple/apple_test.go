package apple

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

// The payloads in testdata are SYNTHETIC (each says so in a comment on
// its first line): there is no captured Apple payload among the fixtures,
// so they were written from the documented shape of Apple's script and
// the events seen in public clients of it (epoch milliseconds, null end
// dates while ongoing, "07/27/2022 10:48 PDT" dates, affectedServices
// with a trailing space, one event repeated under every service it
// affects).
func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	consumerJS  = "system_status_en_US.js"
	developerJS = "developer_system_status_en_US.js"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestConsumerStatus(t *testing.T) {
	rep, err := New().Parse(testdata(t, consumerJS))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Components) != 19 || rep.Indicator != watchfire.IndicatorCritical {
		t.Fatalf("%d components, indicator %s", len(rep.Components), rep.Indicator)
	}
	want := map[string]watchfire.ComponentStatus{
		"iCloud Mail":                  watchfire.StatusMajorOutage, // ongoing Outage
		"iCloud Drive":                 watchfire.StatusMajorOutage,
		"iCloud Web Apps (iCloud.com)": watchfire.StatusMajorOutage,
		"Siri":                         watchfire.StatusPartialOutage,    // ongoing Issue
		"Game Center":                  watchfire.StatusUnderMaintenance, // ongoing Maintenance
		"Apple Music":                  watchfire.StatusOperational,      // resolved Performance
		"Apple Pay & Wallet":           watchfire.StatusOperational,      // resolved Outage
		"Apple Business Manager":       watchfire.StatusOperational,      // upcoming Maintenance
		"iCloud Backup":                watchfire.StatusOperational,      // completed Maintenance
		"App Store":                    watchfire.StatusOperational,
	}
	for name, s := range want {
		c := rep.Component(name)
		if c == nil || c.Status != s {
			t.Errorf("%s: %+v, want %s", name, c, s)
		}
	}
	if c := rep.Component("iCloud Mail"); c.VendorStatus != "Outage" {
		t.Errorf("vendor status %q", c.VendorStatus)
	}

	// The iCloud outage is listed under three services: one incident.
	if len(rep.Incidents) != 2 {
		t.Fatalf("%d open incidents, want the iCloud outage and the Siri issue", len(rep.Incidents))
	}
	siri, icloud := rep.Incidents[0], rep.Incidents[1]
	if icloud.ID != "2000002101" || icloud.Name != "Outage: iCloud Mail, iCloud Web Apps (iCloud.com), iCloud Drive" ||
		icloud.Status != watchfire.IncidentInvestigating || icloud.Impact != watchfire.ImpactCritical || icloud.ResolvedAt != nil {
		t.Errorf("iCloud: %+v", icloud)
	}
	// epochStartDate 1785256800000 is "07/28/2026 09:40 PDT", 16:40 UTC;
	// datePosted "07/28/2026 10:48 PDT" is 17:48 UTC.
	if !icloud.StartedAt.Equal(at("2026-07-28T16:40:00Z")) || !icloud.UpdatedAt.Equal(at("2026-07-28T17:48:00Z")) {
		t.Errorf("iCloud times %v, %v", icloud.StartedAt, icloud.UpdatedAt)
	}
	if len(icloud.Components) != 3 || len(icloud.Updates) != 1 ||
		icloud.Updates[0].Body != "Users may be unable to access iCloud Mail, iCloud Drive and iCloud.com. We are investigating and will provide more information as soon as it is available.\n\nSome users are affected." {
		t.Errorf("iCloud components %v, updates %+v", icloud.Components, icloud.Updates)
	}
	if siri.ID != "2000002102" || siri.Impact != watchfire.ImpactMajor || siri.Name != "Issue: Siri" {
		t.Errorf("Siri: %+v", siri)
	}

	if len(rep.Maintenances) != 2 {
		t.Fatalf("maintenances %+v", rep.Maintenances)
	}
	gc, abm := rep.Maintenances[0], rep.Maintenances[1]
	if gc.Status != watchfire.MaintenanceInProgress || gc.Components[0] != "Game Center" ||
		!gc.ScheduledFor.Equal(at("2026-07-28T15:00:00Z")) || !gc.ScheduledUntil.Equal(at("2026-07-28T19:00:00Z")) {
		t.Errorf("Game Center: %+v", gc)
	}
	// "07/30/2026 22:00 PDT" to "07/31/2026 02:00 PDT".
	if abm.Status != watchfire.MaintenanceScheduled || abm.Impact != watchfire.ImpactMaintenance ||
		!abm.ScheduledFor.Equal(at("2026-07-31T05:00:00Z")) || !abm.ScheduledUntil.Equal(at("2026-07-31T09:00:00Z")) {
		t.Errorf("Business Manager: %+v", abm)
	}
	if !rep.UpdatedAt.Equal(at("2026-07-28T18:05:00Z")) {
		t.Errorf("UpdatedAt %v, want the Siri post at 11:05 PDT", rep.UpdatedAt)
	}
}

func TestDeveloperStatus(t *testing.T) {
	page := providertest.Server(t, map[string]providertest.Doc{developerPath: {ContentType: "application/x-javascript", Body: testdata(t, developerJS)}})
	dev, _ := url.Parse(page.String() + "support/systemstatus/developer/")
	rep, err := New().Current(context.Background(), providertest.Client(), dev)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if rep.Page.Name != "Apple Developer System Status" || len(rep.Components) != 8 {
		t.Errorf("page %q, %d components", rep.Page.Name, len(rep.Components))
	}
	// "App Store Connect - App Processing " in affectedServices, with the
	// trailing space Apple leaves there, is the same service.
	if len(rep.Incidents) != 1 || strings.Join(rep.Incidents[0].Components, "|") != "App Store Connect - App Processing|App Store Connect - App Upload" {
		t.Fatalf("incidents %+v", rep.Incidents)
	}
	if rep.Component("App Store Connect - App Processing").Status != watchfire.StatusPartialOutage ||
		rep.Component("TestFlight").Status != watchfire.StatusOperational {
		t.Errorf("components %+v", rep.Components)
	}

	all, err := New().History(context.Background(), providertest.Client(), dev)
	if err != nil || len(all) != 2 {
		t.Fatalf("History: %d, %v", len(all), err)
	}
	perf := all[1]
	if perf.Status != watchfire.IncidentResolved || perf.Impact != watchfire.ImpactMinor ||
		!perf.ResolvedAt.Equal(at("2026-07-28T00:27:00Z")) || !perf.StartedAt.Equal(at("2026-07-27T20:48:00Z")) {
		t.Errorf("resolved performance event %+v", perf)
	}
}

func TestConsumerAgainstServer(t *testing.T) {
	page := providertest.Server(t, map[string]providertest.Doc{statusPath: {ContentType: "text/javascript;charset=UTF-8", Body: testdata(t, consumerJS)}})
	support, _ := url.Parse(page.String() + "support/systemstatus/")
	rep, err := New().Current(context.Background(), providertest.Client(), support)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Page.Name != "Apple System Status" || len(rep.Incidents) != 2 {
		t.Errorf("%+v", rep.Page)
	}
	all, err := New().History(context.Background(), providertest.Client(), support)
	if err != nil || len(all) != 4 { // 2 ongoing, 2 resolved; maintenances stay out
		t.Fatalf("History: %d, %v", len(all), err)
	}
}

func TestUnwrap(t *testing.T) {
	for name, in := range map[string]string{
		"plain":           `jsonCallback({"a":1});`,
		"no semicolon":    `jsonCallback({"a":1})`,
		"other callback":  `jQuery33107_1690000000({"a":1});`,
		"dotted":          `window.cb.status ( {"a":1} ) ;  ` + "\n\n",
		"comment":         "/**/ jsonCallback({\"a\":1});",
		"line comment":    "// status\njsonCallback({\"a\":1});",
		"plain json":      `{"a":1}`,
		"crlf and spaces": "\r\n  jsonCallback(\r\n{\"a\":1}\r\n);\r\n",
	} {
		got, err := unwrap([]byte(in))
		if err != nil || string(got) != `{"a":1}` {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	for name, in := range map[string]string{
		"html":            `<html><body>Not Found</body></html>`,
		"empty":           ``,
		"number":          `42`,
		"not a call":      `jsonCallback = {"a":1};`,
		"cut short":       `jsonCallback({"a":1`,
		"open comment":    `/* jsonCallback({"a":1});`,
		"starts with dot": `.x({"a":1})`,
	} {
		if _, err := unwrap([]byte(in)); err == nil {
			t.Errorf("%s: unwrapped", name)
		}
	}
	if _, err := unwrap([]byte(`jsonCallback({"a":1`)); errors.Is(err, provider.ErrFormat) {
		t.Error("a script cut short is a broken fetch, not another format")
	}
}

func TestDatesAndDisasterMessage(t *testing.T) {
	body := `jsonCallback({"drpost":true,"drMessage":"<p>We are aware of an issue with this page.</p>","services":[{"redirectUrl":"https://developer.apple.com/system-status/","serviceName":"iCloud Mail","events":[
	{"usersAffected":"","epochStartDate":null,"epochEndDate":null,"messageId":"","statusType":"Outage","datePosted":"21.03.2022 17:58 GMT","startDate":"21.03.2022 16:27 GMT","endDate":null,"affectedServices":null,"eventStatus":"ongoing","message":"Mail is down."},
	{"usersAffected":"All users","epochStartDate":"1647880020000","epochEndDate":null,"messageId":"7","statusType":"Meltdown","datePosted":"soon","startDate":"","endDate":"","affectedServices":[],"eventStatus":"spiralling","message":""}]}]});`
	rep, err := New().Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if rep.Description != "We are aware of an issue with this page." {
		t.Errorf("description %q", rep.Description)
	}
	if len(rep.Incidents) != 2 {
		t.Fatalf("%+v", rep.Incidents)
	}
	for _, inc := range rep.Incidents {
		switch inc.ID {
		case "7": // unknown type and status: an open issue
			if inc.Impact != watchfire.ImpactMajor || inc.Status != watchfire.IncidentInvestigating || inc.Updates[0].Body != "All users." ||
				!inc.StartedAt.Equal(time.UnixMilli(1647880020000)) {
				t.Errorf("unknown words: %+v", inc)
			}
		default: // no messageId, localized dates in GMT
			if !inc.StartedAt.Equal(at("2022-03-21T16:27:00Z")) || !inc.UpdatedAt.Equal(at("2022-03-21T17:58:00Z")) {
				t.Errorf("localized dates: %v %v", inc.StartedAt, inc.UpdatedAt)
			}
		}
	}
	for in, want := range map[string]string{
		"07/27/2022 10:48 PDT": "2022-07-27T17:48:00Z",
		"01/15/2022 10:48 PST": "2022-01-15T18:48:00Z",
		"21.03.2022 17:58 GMT": "2022-03-21T17:58:00Z",
	} {
		if got := appleTime(in); !got.Equal(at(want)) {
			t.Errorf("appleTime(%q) = %v, want %s", in, got, want)
		}
	}
	for _, bad := range []string{"", "07/27/2022 10:48", "07/27/2022 10:48 XYZ", "27/07/2022 10:48 PDT"} {
		if got := appleTime(bad); !got.IsZero() {
			t.Errorf("appleTime(%q) = %v", bad, got)
		}
	}
}

func TestBadInput(t *testing.T) {
	good := testdata(t, consumerJS)
	providertest.BadInput(t, New(), good, statusPath)
	// Apple's own ways of being wrong.
	for name, doc := range map[string]providertest.Doc{
		"html as script": {ContentType: "application/x-javascript", Body: []byte("<html><body>Page Not Found</body></html>")},
		"no services":    {Body: []byte(`jsonCallback({"drpost":false});`)},
		"bad number":     {Body: []byte(`jsonCallback({"services":[{"serviceName":"x","events":[{"statusType":"Outage","epochStartDate":"soon"}]}]});`)},
		"not found":      {Status: 404, Body: []byte("nope")},
	} {
		page := providertest.Server(t, map[string]providertest.Doc{statusPath: doc})
		if _, err := New().Current(context.Background(), providertest.Client(), page); err == nil {
			t.Errorf("%s: no error", name)
		}
		if doc.Status == 0 {
			if _, err := New().Parse(doc.Body); err == nil {
				t.Errorf("%s: Parse accepted it", name)
			}
		}
	}
}

// ParseAny tries every provider on an unknown payload.
func TestRejectsOtherFormats(t *testing.T) {
	providertest.RejectsOthers(t, New())
	providertest.RejectsBodies(t, New(), `[]`, `{}`, `{"services":[{}]}`, `{"services":[{"serviceName":"x","events":[{}]}]}`, `cb([])`)
}

func TestDetect(t *testing.T) {
	for addr, want := range map[string]bool{
		"https://www.apple.com/support/systemstatus/":                                      true,
		"https://www.apple.com/uk/support/systemstatus/":                                   true,
		"https://www.apple.com/support/systemstatus/data/system_status_en_US.js":           true,
		"https://www.apple.com/support/systemstatus/data/developer/system_status_en_US.js": true,
		"https://developer.apple.com/system-status/":                                       true,
		"https://developer.apple.com/documentation/":                                       false,
		"https://www.apple.com/":                                                           false,
		"https://support.apple.com/":                                                       false,
	} {
		u, _ := url.Parse(addr)
		if got := New().Detect(u); got != want {
			t.Errorf("Detect(%s) = %v", addr, got)
		}
	}
	for page, doc := range map[string]string{
		"https://www.apple.com/support/systemstatus/":                "https://www.apple.com" + statusPath,
		"https://developer.apple.com/system-status/":                 "https://www.apple.com" + developerPath,
		"https://www.apple.com/support/systemstatus/data/x_en_US.js": "https://www.apple.com/support/systemstatus/data/x_en_US.js",
		"https://www.apple.com/support/systemstatus/developer/":      "https://www.apple.com" + developerPath,
	} {
		u, _ := url.Parse(page)
		if got := document(u); got != doc {
			t.Errorf("document(%s) = %s, want %s", page, got, doc)
		}
	}
}

func FuzzParse(f *testing.F) {
	providertest.Fuzz(f, New(), testdata(f, consumerJS), testdata(f, developerJS),
		[]byte(`jsonCallback({"drpost":false,"drMessage":null,"services":[]});`))
}
