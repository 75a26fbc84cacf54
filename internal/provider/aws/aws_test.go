package aws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const (
	currentEvents = "other/aws-health-currentevents-2026-08-01-utf16be.json"
	legacyData    = "other/aws-health-dashboard-data-2022-07.json"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// utf16be encodes text as AWS serves currentevents: UTF-16 BE with a
// byte-order mark.
func utf16be(s string) []byte {
	out := []byte{0xFE, 0xFF}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}

// SOURCES.tsv: UTF-16 BE with a BOM; an array of events with date (epoch
// string), arn, region_name, status "0"–"3" (a number in event_log),
// impacted_services {svc: {current, max}}.
func TestCurrentEvents(t *testing.T) {
	body := providertest.Fixture(t, currentEvents)
	if !bytes.HasPrefix(body, []byte{0xFE, 0xFF}) {
		t.Fatal("the fixture lost its byte-order mark")
	}
	rep, err := New().Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 2 || rep.Indicator != watchfire.IndicatorCritical || rep.Overall() != watchfire.StatusMajorOutage {
		t.Fatalf("%d incidents, indicator %s", len(rep.Incidents), rep.Indicator)
	}
	// Newest first: ME-SOUTH-1 began a day after ME-CENTRAL-1.
	bah, uae := rep.Incidents[0], rep.Incidents[1]
	if uae.Name != "Multiple services (UAE): Increased Error Rates" || uae.Status != watchfire.IncidentInvestigating ||
		uae.Impact != watchfire.ImpactCritical || uae.ResolvedAt != nil ||
		!strings.HasPrefix(uae.ID, "arn:aws:health:me-central-1::event/MULTIPLE_SERVICES/") {
		t.Errorf("UAE event %s %q %s %s", uae.ID, uae.Name, uae.Status, uae.Impact)
	}
	// date "1772369485"; the last log entry 1777533954.
	if !uae.StartedAt.Equal(time.Unix(1772369485, 0)) || !uae.UpdatedAt.Equal(time.Unix(1777533954, 0)) {
		t.Errorf("UAE times %v, %v", uae.StartedAt, uae.UpdatedAt)
	}
	if len(uae.Updates) != 23 || len(bah.Updates) != 13 {
		t.Errorf("%d and %d updates, want 23 and 13", len(uae.Updates), len(bah.Updates))
	}
	if !uae.Updates[0].At.Equal(time.Unix(1777533954, 0)) || !strings.HasPrefix(uae.Updates[len(uae.Updates)-1].Body, "We are investigating issues with AWS services in the ME-CENTRAL-1 Region.") {
		t.Errorf("updates not newest first: %v … %q", uae.Updates[0].At, uae.Updates[len(uae.Updates)-1].Body)
	}
	if len(uae.Components) != 140 || len(bah.Components) != 149 {
		t.Errorf("%d and %d impacted services, want 140 and 149", len(uae.Components), len(bah.Components))
	}

	byID := map[string]watchfire.UpstreamComponent{}
	for _, c := range rep.Components {
		if _, dup := byID[c.ID]; dup {
			t.Errorf("component id %s twice", c.ID)
		}
		byID[c.ID] = c
	}
	if len(byID) != 289 {
		t.Errorf("%d components, want 140 + 149", len(byID))
	}
	for id, want := range map[string]struct {
		name   string
		status watchfire.ComponentStatus
	}{
		"ec2-me-central-1":        {"Amazon Elastic Compute Cloud (me-central-1)", watchfire.StatusMajorOutage},
		"rds-me-central-1":        {"Amazon Relational Database Service (me-central-1)", watchfire.StatusMajorOutage},
		"cloudfront-me-central-1": {"Amazon CloudFront (me-central-1)", watchfire.StatusOperational}, // current "0", max "1"
		"cloudfront-me-south-1":   {"Amazon CloudFront (me-south-1)", watchfire.StatusOperational},
		"route53-me-central-1":    {"Amazon Route 53 (me-central-1)", watchfire.StatusOperational},
		"aps-me-central-1":        {"Amazon Managed Service for Prometheus (me-central-1)", watchfire.StatusMajorOutage},
	} {
		c, ok := byID[id]
		if !ok || c.Name != want.name || c.Status != want.status {
			t.Errorf("%s: %+v, want %+v", id, c, want)
		}
	}
	if rep.Component("Amazon Elastic Compute Cloud (me-south-1)") == nil {
		t.Error(`"service (region)" does not find a component`)
	}
}

// An event AWS has set to 0 is resolved, with the worst level it reached.
func TestResolvedEvent(t *testing.T) {
	body := []byte(`[{"date":"1772369485","arn":"arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/X","region_name":"N. Virginia","status":"0","service":"ec2-us-east-1","service_name":"Amazon Elastic Compute Cloud","summary":"Increased API Error Rates",
	 "event_log":[{"summary":"s","message":"We are investigating.","status":2,"timestamp":1772369485},{"summary":"s","message":"<p>Resolved.</p>","status":0,"timestamp":1772373085}],
	 "impacted_services":{"ec2-us-east-1":{"service_name":"Amazon Elastic Compute Cloud","current":"0","max":"2"}}}]`)
	rep, err := New().Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 0 || rep.Indicator != watchfire.IndicatorNone || len(rep.Components) != 0 {
		t.Fatalf("a resolved event is open: %+v", rep)
	}
	inc := eventIncident(&decodeOne(t, body)[0])
	if inc.Status != watchfire.IncidentResolved || inc.Impact != watchfire.ImpactMajor || inc.ResolvedAt == nil ||
		!inc.ResolvedAt.Equal(time.Unix(1772373085, 0)) || inc.Updates[0].Status != "resolved" || inc.Updates[0].Body != "Resolved." {
		t.Errorf("%+v", inc)
	}
}

func decodeOne(t *testing.T, body []byte) []event {
	events, _, err := decode(body)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// SOURCES.tsv: the legacy data.json 'archive', service_name, summary,
// date (epoch string), status '0'–'3' string, HTML description.
func TestLegacyData(t *testing.T) {
	body := providertest.Fixture(t, legacyData)
	rep, err := New().Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 0 || rep.Indicator != watchfire.IndicatorNone || rep.Page.Name != "AWS Service Health Dashboard" {
		t.Errorf("current is empty: %d incidents, indicator %s", len(rep.Incidents), rep.Indicator)
	}

	page := providertest.Server(t, map[string]providertest.Doc{"/data.json": {Body: body}})
	data, _ := url.Parse(page.String() + "data.json")
	all, err := New().History(context.Background(), providertest.Client(), data)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, &watchfire.UpstreamReport{Incidents: all})
	if len(all) != 86 {
		t.Fatalf("%d incidents, want 86", len(all))
	}
	impacts := map[watchfire.Impact]int{}
	updates := 0
	for _, inc := range all {
		impacts[inc.Impact]++
		updates += len(inc.Updates)
		if inc.Status != watchfire.IncidentResolved || strings.HasPrefix(inc.Name, "[") || len(inc.Components) != 1 {
			t.Errorf("%s: %s %q %v", inc.ID, inc.Status, inc.Name, inc.Components)
		}
		for i := 1; i < len(inc.Updates); i++ {
			if inc.Updates[i].At.After(inc.Updates[i-1].At) {
				t.Errorf("%s: update %d out of order (%v after %v)", inc.ID, i, inc.Updates[i].At, inc.Updates[i-1].At)
			}
		}
		for _, u := range inc.Updates {
			if strings.ContainsAny(u.Body, "<>") || strings.Contains(u.Body, "&nbsp;") {
				t.Errorf("%s: body %q", inc.ID, u.Body)
			}
		}
		// The date is the first update's time, to the minute.
		if first := inc.Updates[len(inc.Updates)-1].At; first.Sub(inc.StartedAt).Abs() > time.Minute {
			t.Errorf("%s: first update at %v, started %v", inc.ID, first, inc.StartedAt)
		}
	}
	// Status '1' ×72, '2' ×11, '3' ×3; 352 updates in all.
	if impacts[watchfire.ImpactMinor] != 72 || impacts[watchfire.ImpactMajor] != 11 || impacts[watchfire.ImpactCritical] != 3 {
		t.Errorf("impacts %v", impacts)
	}
	if updates != 352 {
		t.Errorf("%d updates, want 352", updates)
	}
	if all[0].ID != "billingconsole_1655342154" || all[len(all)-1].StartedAt.Unix() != 1624564393 {
		t.Errorf("not newest first: %s … %v", all[0].ID, all[len(all)-1].StartedAt)
	}

	find := func(id string) watchfire.UpstreamIncident {
		for _, inc := range all {
			if inc.ID == id {
				return inc
			}
		}
		t.Fatalf("no %s", id)
		return watchfire.UpstreamIncident{}
	}
	// "5:39 PM PDT" on Sep 1 to "Sep 6,  8:25 PM PDT": PDT is -07:00.
	dx := find("directconnect-ap-northeast-1_1630543140")
	if dx.Impact != watchfire.ImpactCritical || len(dx.Updates) != 8 ||
		!dx.Updates[7].At.Equal(at("2021-09-02T00:39:00Z")) || !dx.Updates[0].At.Equal(at("2021-09-07T03:25:00Z")) ||
		!dx.ResolvedAt.Equal(at("2021-09-07T03:25:00Z")) {
		t.Errorf("Direct Connect Tokyo: %s, %d updates, %v … %v", dx.Impact, len(dx.Updates), dx.Updates[len(dx.Updates)-1].At, dx.Updates[0].At)
	}
	// PST is -08:00; past midnight without a date the day turns.
	ecs := find("ecs-us-east-1_1638919976")
	if !ecs.Updates[1].At.Equal(at("2021-12-08T07:01:00Z")) || !ecs.Updates[0].At.Equal(at("2021-12-08T10:29:00Z")) {
		t.Errorf("ECS: %v, %v", ecs.Updates[1].At, ecs.Updates[0].At)
	}
	acm := find("certificatemanager-us-east-1_1624993969")
	if acm.Name != "Increased API Error Rates and Latency" || acm.Components[0] != "AWS Certificate Manager (N. Virginia)" ||
		!strings.HasPrefix(acm.Updates[len(acm.Updates)-1].Body, "We are investigating increased API latency") {
		t.Errorf("ACM: %q %v %q", acm.Name, acm.Components, acm.Updates[len(acm.Updates)-1].Body)
	}
	if acm.Updates[0].Status != "resolved" || acm.Updates[1].Status != "investigating" {
		t.Errorf("ACM update statuses %q %q", acm.Updates[0].Status, acm.Updates[1].Status)
	}
}

// A legacy entry still in "current" is open.
func TestLegacyCurrent(t *testing.T) {
	body := []byte(`{"archive":[],"current":[{"service_name":"Amazon Simple Storage Service (N. Virginia)","summary":"Increased Error Rates","date":"1488304401","status":"3","details":"","description":"<div><span class=\"yellowfg\">9:37 AM PST</span>&nbsp;We are investigating increased error rates for Amazon S3 requests in the US-EAST-1 Region.</div>","service":"s3-us-standard"}]}`)
	rep, err := New().Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 1 || rep.Indicator != watchfire.IndicatorCritical || len(rep.Components) != 1 ||
		rep.Components[0].Name != "Amazon Simple Storage Service (N. Virginia)" || rep.Components[0].Status != watchfire.StatusMajorOutage {
		t.Fatalf("%+v", rep)
	}
	// 2017-02-28 9:37 AM PST is 17:37 UTC.
	if u := rep.Incidents[0].Updates[0]; !u.At.Equal(at("2017-02-28T17:37:00Z")) || u.Status != "investigating" {
		t.Errorf("update %+v", u)
	}
}

func TestCurrentAgainstServer(t *testing.T) {
	body := providertest.Fixture(t, currentEvents)
	page := providertest.Server(t, map[string]providertest.Doc{"/public/currentevents": {ContentType: "application/json", Body: body}})
	rep, err := New().Current(context.Background(), providertest.Client(), page)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 2 {
		t.Errorf("%d incidents", len(rep.Incidents))
	}
	if _, err := New().History(context.Background(), providertest.Client(), page); !errors.Is(err, provider.ErrNoHistory) {
		t.Errorf("History of currentevents: %v, want ErrNoHistory", err)
	}

	// AWS's quiet day, UTF-16 like the rest, at the document's own address.
	page = providertest.Server(t, map[string]providertest.Doc{"/public/currentevents": {Body: utf16be("[]")}})
	doc, _ := url.Parse(page.String() + "public/currentevents")
	rep, err = New().Current(context.Background(), providertest.Client(), doc)
	if err != nil || rep.Indicator != watchfire.IndicatorNone || len(rep.Incidents) != 0 {
		t.Fatalf("quiet day: %+v, %v", rep, err)
	}
	// Guessed at another site's root, an empty list proves nothing.
	if _, err := New().Current(context.Background(), providertest.Client(), page); !errors.Is(err, provider.ErrFormat) {
		t.Errorf("empty list at an unknown root: %v", err)
	}
}

func TestDocumentAddress(t *testing.T) {
	for page, want := range map[string]string{
		"https://health.aws.amazon.com/health/status": CurrentEvents,
		"https://status.aws.amazon.com/":              CurrentEvents,
		"https://status.aws.amazon.com/data.json":     "https://status.aws.amazon.com/data.json",
		"https://mirror.example.com/":                 "https://mirror.example.com/public/currentevents",
		"https://mirror.example.com/aws/events.json":  "https://mirror.example.com/aws/events.json",
	} {
		u, _ := url.Parse(page)
		if got := document(u); got != want {
			t.Errorf("document(%s) = %s, want %s", page, got, want)
		}
	}
}

func TestBadInput(t *testing.T) {
	providertest.BadInput(t, New(), providertest.Fixture(t, currentEvents), "/public/currentevents")
	// AWS's own ways of being wrong: UTF-16 cut mid-character, the legacy
	// JSON cut in half, and (the fixture being UTF-16, which the shared
	// cases leave alone) bytes that are not UTF-8.
	legacyBody := providertest.Fixture(t, legacyData)
	good := providertest.Fixture(t, currentEvents)
	for name, doc := range map[string]providertest.Doc{
		"odd utf16":      {Body: good[:len(good)-1]},
		"truncated json": {Body: legacyBody[:len(legacyBody)/2]},
		"not utf-8":      {Body: []byte("[{\"arn\":\"arn:\xff\"}]")},
		"bad status":     {Body: []byte(`[{"arn":"arn:aws:health:x","date":"1","status":{}}]`)},
		"no date":        {Body: []byte(`[{"arn":"arn:aws:health:x","status":"1"}]`)},
	} {
		page := providertest.Server(t, map[string]providertest.Doc{"/public/currentevents": doc})
		if _, err := New().Current(context.Background(), providertest.Client(), page); err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, err := New().Parse(doc.Body); err == nil {
			t.Errorf("%s: Parse accepted it", name)
		}
	}
}

// ParseAny tries every provider on an unknown payload.
func TestRejectsOtherFormats(t *testing.T) {
	providertest.RejectsOthers(t, New(), "other/aws-")
	providertest.RejectsBodies(t, New(), `[]`, `{}`, `[{}]`, `{"archive":[{}]}`, `[{"arn":"x","date":"1","status":"1"}]`)
}

func TestDetect(t *testing.T) {
	for addr, want := range map[string]bool{
		"https://health.aws.amazon.com/health/status":         true,
		"https://status.aws.amazon.com/":                      true,
		"https://status.aws.amazon.com/data.json":             true,
		"https://status.aws.amazon.com/rss/ec2-us-east-1.rss": false, // the feed provider's
		"https://aws.amazon.com/":                             false,
	} {
		u, _ := url.Parse(addr)
		if got := New().Detect(u); got != want {
			t.Errorf("Detect(%s) = %v", addr, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	// The real documents cut down to a few KB: one event with two log
	// entries and three services, as UTF-16 and as UTF-8; three legacy
	// entries.
	text, err := provider.Text(providertest.Fixture(f, currentEvents))
	if err != nil {
		f.Fatal(err)
	}
	var events []map[string]any
	if err := json.Unmarshal(text, &events); err != nil {
		f.Fatal(err)
	}
	e := events[0]
	e["event_log"] = e["event_log"].([]any)[:2]
	svcs := map[string]any{}
	for _, k := range []string{"ec2-me-central-1", "cloudfront", "aps"} {
		svcs[k] = e["impacted_services"].(map[string]any)[k]
	}
	e["impacted_services"] = svcs
	delete(e, "impacted_service_status_changes")
	small, _ := json.Marshal(events[:1])

	var old map[string][]any
	if err := json.Unmarshal(providertest.Fixture(f, legacyData), &old); err != nil {
		f.Fatal(err)
	}
	old["archive"] = old["archive"][:3]
	smallLegacy, _ := json.Marshal(old)

	providertest.Fuzz(f, New(), small, utf16be(string(small)), smallLegacy)
}
