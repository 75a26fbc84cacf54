package salesforce

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const fixture = "other/salesforce-trust-instances-2020-incident.json"

// sample is the fixture trimmed by hand to two instances: NA137 with its
// incident (Tags and most Products dropped) and a retired POD5.
const sample = `[{"key":"POD5","location":"NA","environment":"production","releaseVersion":"","releaseNumber":"","status":"OK","isActive":false,"Products":[{"key":"B2C_Commerce_Cloud","order":14,"isActive":true}],"Incidents":[],"Maintenances":[],"Tags":[]},
{"key":"NA137","location":"NA","environment":"production","releaseVersion":"Summer '20 Patch 14.5","releaseNumber":"226.14.5","status":"MINOR_INCIDENT_CORE","isActive":true,"maintenanceWindow":"","Products":[{"key":"Sales_Cloud","order":1,"isActive":true}],
"Incidents":[{"id":5968,"externalId":"08593854","message":{"pathToResolution":null,"actionPlan":null,"rootCause":null},"additionalInformation":"","isCore":true,"affectsAll":true,"createdAt":"2020-07-29T19:04:35.523Z","updatedAt":"2020-07-29T19:04:35.523Z",
"IncidentImpacts":[{"id":6428,"startTime":"2020-07-29T16:08:00.000Z","endTime":null,"type":"performanceDegradationAsynchronousProcessingSubset","severity":"minor","createdAt":"2020-07-29T19:04:35.600Z","updatedAt":"2020-07-29T19:04:35.600Z"}],
"IncidentEvents":[],"instanceKeys":["NA137"],"serviceKeys":["coreService"]}],"Maintenances":[],"Tags":[]}]`

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The full list (1,528 instances, 2020): one MINOR_INCIDENT_CORE (NA137)
// with incident 5968, everything else OK; 65 retired instances.
func TestParseFixture(t *testing.T) {
	rep, err := New().Parse(providertest.Fixture(t, fixture))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if rep.Provider != Name || rep.Indicator != "" {
		t.Errorf("provider %q indicator %q", rep.Provider, rep.Indicator)
	}
	if len(rep.Components) != 1463 {
		t.Errorf("%d components, want the 1463 active instances", len(rep.Components))
	}
	groups := map[string]int{}
	bad := 0
	for _, c := range rep.Components {
		groups[c.Group]++
		if c.Status != watchfire.StatusOperational {
			bad++
			if c.Name != "NA137" || c.Status != watchfire.StatusDegradedPerformance || c.VendorStatus != "MINOR_INCIDENT_CORE" || c.Group != "NA" {
				t.Errorf("component %+v", c)
			}
		}
	}
	if bad != 1 {
		t.Errorf("%d instances not operational, want 1", bad)
	}
	// The 8 EU instances are all retired (isActive false).
	if groups["NA"] != 1124 || groups["EMEA"] != 284 || groups["APAC"] != 55 || len(groups) != 3 {
		t.Errorf("groups %v", groups)
	}
	if len(rep.Incidents) != 1 || len(rep.Maintenances) != 0 {
		t.Fatalf("%d incidents, %d maintenances", len(rep.Incidents), len(rep.Maintenances))
	}
	inc := rep.Incidents[0]
	if inc.ID != "5968" || inc.Status != watchfire.IncidentInvestigating || inc.Impact != watchfire.ImpactMinor {
		t.Errorf("incident %s %s %s", inc.ID, inc.Status, inc.Impact)
	}
	if inc.Name != "Performance degradation asynchronous processing subset on NA137" {
		t.Errorf("name %q", inc.Name)
	}
	if inc.URL != "https://status.salesforce.com/incidents/5968" || len(inc.Components) != 1 || inc.Components[0] != "NA137" {
		t.Errorf("url %q components %v", inc.URL, inc.Components)
	}
	if !inc.StartedAt.Equal(ts("2020-07-29T16:08:00Z")) || !inc.UpdatedAt.Equal(ts("2020-07-29T19:04:35.523Z")) || inc.ResolvedAt != nil {
		t.Errorf("started %v updated %v resolved %v", inc.StartedAt, inc.UpdatedAt, inc.ResolvedAt)
	}
	if len(inc.Updates) != 0 {
		t.Errorf("updates %+v: the fixture has no events or prose", inc.Updates)
	}
	if rep.Overall() != watchfire.StatusDegradedPerformance {
		t.Errorf("overall %s", rep.Overall())
	}
}

// Decoding only the fields used keeps the 1.5 MB list cheap.
func TestParseFixtureFast(t *testing.T) {
	body := providertest.Fixture(t, fixture)
	start := time.Now()
	for range 5 {
		if _, err := New().Parse(body); err != nil {
			t.Fatal(err)
		}
	}
	// Around 15 ms each on a laptop; the bound only catches a blow-up.
	if d := time.Since(start) / 5; d > 500*time.Millisecond {
		t.Errorf("Parse takes %s", d)
	}
}

func BenchmarkParseFixture(b *testing.B) {
	body := providertest.Fixture(b, fixture)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := New().Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

// An incident on several instances is one incident; a maintenance in
// progress on an instance in maintenance is in progress. The maintenance
// shape here is Trust's as documented by others, not a capture.
func TestDeduplicateAndMaintenance(t *testing.T) {
	inc := `{"id":77,"message":{"rootCause":"A storage array failed.","actionPlan":null},"createdAt":"2026-01-02T10:00:00Z","updatedAt":"2026-01-02T12:00:00Z",
	"IncidentImpacts":[{"startTime":"2026-01-02T09:50:00Z","endTime":"2026-01-02T11:00:00Z","type":"serviceDisruption","severity":"major"},
	                   {"startTime":"2026-01-02T09:55:00Z","endTime":null,"type":"performanceDegradation","severity":"minor"}],
	"IncidentEvents":[{"type":"update","message":"Failover started.","createdAt":"2026-01-02T10:30:00Z"}],"instanceKeys":["NA1","NA2"]}`
	maint := `{"id":900,"name":"NA2 Major Release","message":{"eventStatus":"confirmed","maintenanceType":"release"},
	"plannedStartTime":"2026-01-03T02:00:00Z","plannedEndTime":"2026-01-03T06:00:00Z","MaintenanceImpacts":[],"instanceKeys":["NA2"]}`
	cancelled := `{"id":901,"name":"Cancelled one","message":{"eventStatus":"cancelled"},"instanceKeys":["NA1"]}`
	body := `[{"key":"NA1","location":"NA","environment":"production","status":"MAJOR_INCIDENT_CORE","isActive":true,"Incidents":[` + inc + `],"Maintenances":[` + cancelled + `]},
	{"key":"NA2","location":"NA","environment":"production","status":"MAINTENANCE_CORE","isActive":true,"Incidents":[` + inc + `],"Maintenances":[` + maint + `]},
	{"key":"CS9","location":"","environment":"sandbox","status":"SOMETHING_NEW","Incidents":null,"Maintenances":{"odd":1}}]`
	rep, err := New().Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Components) != 3 || rep.Components[2].Group != "sandbox" || rep.Components[2].Status != watchfire.StatusDegradedPerformance {
		t.Errorf("components %+v", rep.Components)
	}
	if rep.Components[0].Status != watchfire.StatusMajorOutage || rep.Components[1].Status != watchfire.StatusUnderMaintenance {
		t.Errorf("components %+v", rep.Components)
	}
	if len(rep.Incidents) != 1 {
		t.Fatalf("%d incidents, want the one on both instances", len(rep.Incidents))
	}
	i := rep.Incidents[0]
	if i.Status != watchfire.IncidentIdentified || i.Impact != watchfire.ImpactMajor || !i.StartedAt.Equal(ts("2026-01-02T09:50:00Z")) {
		t.Errorf("incident %s %s %v", i.Status, i.Impact, i.StartedAt)
	}
	if strings.Join(i.Components, ",") != "NA1,NA2" || i.Name != "Service disruption on NA1, NA2" {
		t.Errorf("components %v name %q", i.Components, i.Name)
	}
	if len(i.Updates) != 2 || i.Updates[0].Body != "Root cause: A storage array failed." || i.Updates[1].Body != "Failover started." {
		t.Errorf("updates %+v", i.Updates)
	}
	if len(rep.Maintenances) != 1 {
		t.Fatalf("maintenances %+v: the cancelled one is dropped", rep.Maintenances)
	}
	m := rep.Maintenances[0]
	if m.ID != "900" || m.Name != "NA2 Major Release" || m.Status != watchfire.MaintenanceInProgress ||
		!m.ScheduledFor.Equal(ts("2026-01-03T02:00:00Z")) || !m.ScheduledUntil.Equal(ts("2026-01-03T06:00:00Z")) {
		t.Errorf("maintenance %+v", m)
	}

	// All impacts ended: resolved, at the last end.
	resolved := strings.Replace(body, `"endTime":null`, `"endTime":"2026-01-02T11:30:00Z"`, 2)
	rep, err = New().Parse([]byte(resolved))
	if err != nil {
		t.Fatal(err)
	}
	if i := rep.Incidents[0]; i.Status != watchfire.IncidentResolved || i.ResolvedAt == nil || !i.ResolvedAt.Equal(ts("2026-01-02T11:30:00Z")) {
		t.Errorf("resolved incident %s %v", i.Status, i.ResolvedAt)
	}
}

func TestMapping(t *testing.T) {
	for status, want := range map[string]watchfire.ComponentStatus{
		"OK":                     watchfire.StatusOperational,
		"MINOR_INCIDENT_CORE":    watchfire.StatusDegradedPerformance,
		"MINOR_INCIDENT_NONCORE": watchfire.StatusDegradedPerformance,
		"MAJOR_INCIDENT_CORE":    watchfire.StatusMajorOutage,
		"MAJOR_INCIDENT_NONCORE": watchfire.StatusPartialOutage,
		"MAINTENANCE_CORE":       watchfire.StatusUnderMaintenance,
		"MAINTENANCE_NONCORE":    watchfire.StatusUnderMaintenance,
		"INFORMATIONAL_CORE":     watchfire.StatusOperational,
		"MAJOR_INCIDENT_GLOBAL":  watchfire.StatusPartialOutage,
		"MAINTENANCE_EXTENDED":   watchfire.StatusUnderMaintenance,
		"ok":                     watchfire.StatusOperational,
		"":                       watchfire.StatusOperational,
		"WHATEVER":               watchfire.StatusDegradedPerformance,
	} {
		if got := InstanceStatus(status); got != want {
			t.Errorf("InstanceStatus(%q) = %s, want %s", status, got, want)
		}
	}
	for sev, want := range map[string]watchfire.Impact{
		"minor": watchfire.ImpactMinor, "major": watchfire.ImpactMajor, "Major": watchfire.ImpactMajor,
		"critical": watchfire.ImpactCritical, "informational": watchfire.ImpactNone, "odd": watchfire.ImpactMinor,
	} {
		if got := SeverityImpact(sev); got != want {
			t.Errorf("SeverityImpact(%q) = %s, want %s", sev, got, want)
		}
	}
	if got := ImpactTitle("serviceDisruptionAllUsers"); got != "Service disruption all users" {
		t.Errorf("ImpactTitle = %q", got)
	}
}

func TestCurrent(t *testing.T) {
	page := providertest.Server(t, map[string]providertest.Doc{"/v1/instances": {Body: providertest.Fixture(t, fixture)}})
	rep, err := New().Current(context.Background(), providertest.Client(), page)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Components) != 1463 || len(rep.Incidents) != 1 || rep.Page.URL != page.String() {
		t.Errorf("%d components, %d incidents, page %q", len(rep.Components), len(rep.Incidents), rep.Page.URL)
	}
	if _, err := New().History(context.Background(), providertest.Client(), page); !errors.Is(err, provider.ErrNoHistory) {
		t.Errorf("History = %v", err)
	}
}

func TestEndpoint(t *testing.T) {
	for page, want := range map[string]string{
		"https://status.salesforce.com/":                                    "https://api.status.salesforce.com/v1/instances?childProducts=false",
		"https://status.salesforce.com/instances/NA137":                     "https://api.status.salesforce.com/v1/instances?childProducts=false",
		"https://api.status.salesforce.com/":                                "https://api.status.salesforce.com/v1/instances?childProducts=false",
		"https://api.status.salesforce.com/v1/instances?childProducts=true": "https://api.status.salesforce.com/v1/instances?childProducts=true",
		"http://127.0.0.1:8080/":                                            "http://127.0.0.1:8080/v1/instances?childProducts=false",
	} {
		u, _ := url.Parse(page)
		if got := endpoint(u); got != want {
			t.Errorf("endpoint(%s) = %s, want %s", page, got, want)
		}
	}
	for addr, want := range map[string]bool{
		"https://status.salesforce.com/": true, "https://api.status.salesforce.com/v1/instances": true,
		"https://trust.salesforce.com/": true, "https://www.salesforce.com/": false,
	} {
		u, _ := url.Parse(addr)
		if New().Detect(u) != want {
			t.Errorf("Detect(%s) = %v", addr, !want)
		}
	}
}

func TestRejectsOtherFormats(t *testing.T) {
	providertest.RejectsOthers(t, New(), "other/salesforce-")
	providertest.RejectsBodies(t, New(), `[]`, `{}`, `[{"key":"NA1"}]`, `[1,2]`, `"OK"`)
}

func TestBadInput(t *testing.T) {
	providertest.BadInput(t, New(), []byte(sample), "/v1/instances")
	// Salesforce's own ways of being wrong: a maintenance page labelled
	// JSON, and a broken UTF-8 sequence inside an instance key.
	for name, doc := range map[string]providertest.Doc{
		"html as json":  {Body: []byte("<html><body>maintenance</body></html>")},
		"not utf-8 key": {Body: []byte(strings.Replace(sample, "NA137", "NA\xc3\x28", 1))},
	} {
		t.Run(name, func(t *testing.T) {
			page := providertest.Server(t, map[string]providertest.Doc{"/v1/instances": doc})
			if _, err := New().Current(context.Background(), providertest.Client(), page); err == nil {
				t.Error("Current succeeded")
			}
			if _, err := New().Parse(doc.Body); err == nil {
				t.Error("Parse succeeded")
			}
		})
	}
}

func TestSample(t *testing.T) {
	rep, err := New().Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Components) != 1 || len(rep.Incidents) != 1 {
		t.Errorf("%d components %d incidents", len(rep.Components), len(rep.Incidents))
	}
	// One instance's status, /v1/instances/{key}/status, is an object.
	one := strings.TrimSuffix(sample[strings.Index(sample, "\n")+1:], "]")
	rep, err = New().Parse([]byte(one))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Components) != 1 || rep.Components[0].Name != "NA137" {
		t.Errorf("components %+v", rep.Components)
	}
}

func FuzzParse(f *testing.F) {
	providertest.Fuzz(f, New(), []byte(sample),
		[]byte(`[{"key":"NA1","environment":"production","status":"MAINTENANCE_CORE","Maintenances":[{"id":1,"MaintenanceImpacts":[{"startTime":"2026-01-01T00:00:00Z"}]}]}]`))
}
