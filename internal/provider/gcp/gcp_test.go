package gcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/providertest"
)

const (
	history2022 = "gcp/gcp-status-incidents-2022-07-01.json"
	recent2026  = "gcp/gcp-incidents-2026-08-2-with-postmortem.json"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func history(t *testing.T, body []byte) []watchfire.UpstreamIncident {
	t.Helper()
	var incs []incident
	if err := provider.UnmarshalJSON(body, &incs); err != nil {
		t.Fatal(err)
	}
	_, all, err := read(incs, Home)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, &watchfire.UpstreamReport{Incidents: all})
	return all
}

// SOURCES.tsv: the full history as of 2022-07-01, 1.3 MB, all closed.
func TestFullHistory(t *testing.T) {
	body := providertest.Fixture(t, history2022)
	start := time.Now()
	rep, err := New().Parse(body)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("parsing 1.3 MB took %s", took)
	}
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 0 || len(rep.Components) != 0 || rep.Indicator != watchfire.IndicatorNone {
		t.Errorf("every incident has an end, yet: %d open, %d components, indicator %s",
			len(rep.Incidents), len(rep.Components), rep.Indicator)
	}
	if !rep.UpdatedAt.Equal(at("2022-07-01T19:25:45Z")) {
		t.Errorf("UpdatedAt %v, want the latest modified", rep.UpdatedAt)
	}

	all := history(t, body)
	if len(all) != 157 {
		t.Fatalf("%d incidents, want 157", len(all))
	}
	impacts := map[watchfire.Impact]int{}
	statuses := map[watchfire.IncidentStatus]int{}
	updates := 0
	for _, inc := range all {
		impacts[inc.Impact]++
		statuses[inc.Status]++
		updates += len(inc.Updates)
		if inc.ResolvedAt == nil || inc.Name == "" || !strings.HasPrefix(inc.URL, Home+"incidents/") {
			t.Errorf("%s: resolved %v, name %q, url %q", inc.ID, inc.ResolvedAt, inc.Name, inc.URL)
		}
	}
	// 118 SERVICE_DISRUPTION, 20 SERVICE_OUTAGE, 19 SERVICE_INFORMATION.
	if impacts[watchfire.ImpactMajor] != 118 || impacts[watchfire.ImpactCritical] != 20 || impacts[watchfire.ImpactMinor] != 19 {
		t.Errorf("impacts %v", impacts)
	}
	// 14 incidents end with Google's incident report.
	if statuses[watchfire.IncidentPostmortem] != 14 || statuses[watchfire.IncidentResolved] != 143 {
		t.Errorf("statuses %v", statuses)
	}
	if updates != 770 {
		t.Errorf("%d updates, want 770", updates)
	}
	if !all[0].StartedAt.Equal(at("2022-07-01T13:37:44Z")) || !all[len(all)-1].StartedAt.Equal(at("2021-07-07T21:25:00Z")) {
		t.Errorf("not newest first: %v … %v", all[0].StartedAt, all[len(all)-1].StartedAt)
	}

	var outage watchfire.UpstreamIncident
	for _, inc := range all {
		if inc.ID == "iAgVMxJUfE1J9et7j9KB" {
			outage = inc
		}
	}
	if outage.Name != "Google Cloud Networking packet loss issue" || outage.Impact != watchfire.ImpactCritical ||
		outage.Status != watchfire.IncidentPostmortem || len(outage.Components) != 4 || len(outage.Updates) != 3 ||
		!outage.StartedAt.Equal(at("2022-06-16T08:11:00Z")) || !outage.ResolvedAt.Equal(at("2022-06-16T09:44:00Z")) {
		t.Errorf("the June 2022 networking outage: %+v", outage)
	}
	if outage.Updates[0].Status != "postmortem" {
		t.Errorf("its report has status %q", outage.Updates[0].Status)
	}
}

// SOURCES.tsv: two incidents of July 2026, SERVICE_DISRUPTION/medium,
// closed, their latest updates the incident reports.
func TestRecentWithPostmortem(t *testing.T) {
	all := history(t, providertest.Fixture(t, recent2026))
	if len(all) != 2 {
		t.Fatalf("%d incidents", len(all))
	}
	gcve := all[0]
	if gcve.ID != "3BvH3LVGcupoYqV6F4Nw" || gcve.Status != watchfire.IncidentPostmortem || gcve.Impact != watchfire.ImpactMajor {
		t.Errorf("first: %s %s %s", gcve.ID, gcve.Status, gcve.Impact)
	}
	if !gcve.StartedAt.Equal(at("2026-07-15T23:57:00Z")) || !gcve.ResolvedAt.Equal(at("2026-07-16T12:25:00Z")) ||
		!gcve.UpdatedAt.Equal(at("2026-07-25T13:16:55Z")) {
		t.Errorf("times %v %v %v", gcve.StartedAt, gcve.ResolvedAt, gcve.UpdatedAt)
	}
	if gcve.URL != Home+"incidents/3BvH3LVGcupoYqV6F4Nw" {
		t.Errorf("url %q", gcve.URL)
	}
	if want := []string{"Bare Metal Solution", "Google Cloud NetApp Volumes", "VMWare engine"}; strings.Join(gcve.Components, "|") != strings.Join(want, "|") {
		t.Errorf("components %v", gcve.Components)
	}
	u := gcve.Updates
	if u[0].Status != "postmortem" || !strings.Contains(u[0].Body, "Incident Report") || u[len(u)-1].Status != "investigating" {
		t.Errorf("updates: first %q, last %q", u[0].Status, u[len(u)-1].Status)
	}
	for i := 1; i < len(u); i++ {
		if u[i].At.After(u[i-1].At) {
			t.Fatalf("updates not newest first at %d", i)
		}
	}
}

// openCopy returns the 2026 fixture with its first incident still open:
// no end, the latest update an outage.
func openCopy(t *testing.T) []byte {
	t.Helper()
	var docs []map[string]any
	if err := json.Unmarshal(providertest.Fixture(t, recent2026), &docs); err != nil {
		t.Fatal(err)
	}
	delete(docs[0], "end")
	docs[0]["status_impact"] = "SERVICE_OUTAGE"
	docs[0]["severity"] = "high"
	docs[0]["most_recent_update"].(map[string]any)["status"] = "SERVICE_OUTAGE"
	docs[0]["most_recent_update"].(map[string]any)["text"] = "We are investigating."
	b, err := json.Marshal(docs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCurrent(t *testing.T) {
	page := providertest.Server(t, map[string]providertest.Doc{"/incidents.json": {Body: openCopy(t)}})
	rep, err := New().Current(context.Background(), providertest.Client(), page)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Check(t, rep)
	if len(rep.Incidents) != 1 || rep.Incidents[0].Status != watchfire.IncidentInvestigating ||
		rep.Incidents[0].Impact != watchfire.ImpactCritical || rep.Incidents[0].ResolvedAt != nil {
		t.Fatalf("open incidents %+v", rep.Incidents)
	}
	if rep.Indicator != watchfire.IndicatorCritical || rep.Overall() != watchfire.StatusMajorOutage {
		t.Errorf("indicator %s, overall %s", rep.Indicator, rep.Overall())
	}
	if len(rep.Components) != 3 || rep.Components[0].Name != "Bare Metal Solution" ||
		rep.Components[0].Status != watchfire.StatusMajorOutage || rep.Components[0].ID != "5gQF7Qk9XfQ32pStX6Hb" {
		t.Errorf("components %+v", rep.Components)
	}
	if !strings.HasPrefix(rep.Incidents[0].URL, page.String()+"incidents/") || rep.Page.URL != page.String() {
		t.Errorf("links %q, page %q: a mirror links to itself", rep.Incidents[0].URL, rep.Page.URL)
	}

	hist, err := New().History(context.Background(), providertest.Client(), page)
	if err != nil || len(hist) != 2 {
		t.Fatalf("History: %d, %v", len(hist), err)
	}

	// The address of the document itself works too, and on it an empty
	// list is a quiet Google.
	page = providertest.Server(t, map[string]providertest.Doc{"/incidents.json": {Body: []byte("[]")}})
	doc, _ := url.Parse(page.String() + "incidents.json")
	rep, err = New().Current(context.Background(), providertest.Client(), doc)
	if err != nil || rep.Indicator != watchfire.IndicatorNone {
		t.Fatalf("empty list: %+v, %v", rep, err)
	}
	// At some other site's root, the same empty list tells nothing.
	if _, err := New().Current(context.Background(), providertest.Client(), page); !errors.Is(err, provider.ErrFormat) {
		t.Errorf("empty list at an unknown root: %v, want ErrFormat", err)
	}
}

// An incident whose products are back but which Google has not closed is
// monitoring.
func TestAvailableButOpen(t *testing.T) {
	body := bytes.Replace(openCopy(t), []byte(`"status":"SERVICE_OUTAGE","text":"We are investigating."`),
		[]byte(`"status":"AVAILABLE","text":"Mitigated."`), 1)
	rep, err := New().Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Incidents) != 1 || rep.Incidents[0].Status != watchfire.IncidentMonitoring {
		t.Fatalf("got %+v", rep.Incidents)
	}
}

func TestBadInput(t *testing.T) {
	providertest.BadInput(t, New(), providertest.Fixture(t, recent2026), "/incidents.json")
	// Google's own ways of being wrong.
	for name, body := range map[string]string{
		"object":    `{"incidents":[]}`,
		"bad begin": `[{"id":"x","begin":"yesterday","status_impact":"SERVICE_OUTAGE"}]`,
	} {
		page := providertest.Server(t, map[string]providertest.Doc{"/incidents.json": {Body: []byte(body)}})
		if _, err := New().Current(context.Background(), providertest.Client(), page); err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, err := New().Parse([]byte(body)); err == nil {
			t.Errorf("%s: Parse accepted it", name)
		}
	}
}

// ParseAny tries every provider on an unknown payload: Google's must
// turn down the other vendors' documents, arrays included.
func TestRejectsOtherFormats(t *testing.T) {
	providertest.RejectsOthers(t, New(), "gcp/")
	providertest.RejectsBodies(t, New(), `[]`, `{}`, `[{}]`, `[{"id":"a"}]`, `[1,2]`, `"x"`)
}

func TestDetect(t *testing.T) {
	for addr, want := range map[string]bool{
		"https://status.cloud.google.com/":               true,
		"https://status.cloud.google.com/incidents.json": true,
		"https://cloud.google.com/":                      false,
		"https://status.cloud.google.com.example.com/":   false,
	} {
		u, _ := url.Parse(addr)
		if got := New().Detect(u); got != want {
			t.Errorf("Detect(%s) = %v", addr, got)
		}
	}
}

func BenchmarkParseFullHistory(b *testing.B) {
	body := providertest.Fixture(b, history2022)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := New().Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	// Seeds are the real incidents cut down to a few KB, the size the
	// fuzzer mutates well: two updates, short texts, no location lists.
	var seeds [][]byte
	for _, rel := range []string{recent2026, history2022} {
		var docs []map[string]any
		if err := json.Unmarshal(providertest.Fixture(f, rel), &docs); err != nil {
			f.Fatal(err)
		}
		for _, n := range []int{1, 2} {
			var cut []map[string]any
			for _, d := range docs[:n] {
				cut = append(cut, trim(d))
			}
			b, _ := json.Marshal(cut)
			seeds = append(seeds, b)
		}
	}
	providertest.Fuzz(f, New(), seeds...)
}

func trim(d map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range d {
		switch k {
		case "currently_affected_locations", "previously_affected_locations":
		case "updates":
			ups := v.([]any)
			var cut []any
			for _, u := range ups[:min(2, len(ups))] {
				cut = append(cut, trim(u.(map[string]any)))
			}
			out[k] = cut
		case "most_recent_update":
			out[k] = trim(v.(map[string]any))
		case "text", "external_desc":
			s := v.(string)
			out[k] = s[:min(120, len(s))]
		default:
			out[k] = v
		}
	}
	return out
}
