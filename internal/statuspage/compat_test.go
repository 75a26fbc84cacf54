package statuspage

// Compatibility with real Statuspage payloads, captured from public pages
// (testdata/atlassian, provenance in testdata/SOURCES.tsv).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// fixture is one captured Statuspage document.
type fixture struct {
	name string
	data []byte
}

// fixtures returns the captures whose file name contains kind. It fails
// when there are none, so renaming the files cannot silently empty a test.
func fixtures(t testing.TB, kind string) []fixture {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "atlassian", "*"+kind+"*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures matching %q: %v", kind, err)
	}
	var out []fixture
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fixture{filepath.Base(f), b})
	}
	return out
}

// Fixture kinds, by file-name fragment. "githubstatus-incident-" (with the
// dash) selects single-incident documents and not incidents lists.
const (
	kindSummary    = "-summary-"
	kindIncidents  = "githubstatus-incidents-2"
	kindUnresolved = "githubstatus-incidents-unresolved-"
	kindIncident   = "githubstatus-incident-"
)

// walk calls fn for every value in a JSON tree with its key path; array
// elements share their array's path plus "[]".
func walk(v any, path string, fn func(path string, v any)) {
	fn(path, v)
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if path != "" {
				k = path + "." + k
			}
			walk(x, k, fn)
		}
	case []any:
		for _, x := range v {
			walk(x, path+"[]", fn)
		}
	}
}

// keyPaths collects the key paths of a JSON document, e.g.
// "incidents[].incident_updates[].affected_components[].code".
func keyPaths(t testing.TB, data []byte) map[string]bool {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	paths := map[string]bool{}
	walk(v, "", func(p string, _ any) {
		if p != "" && !strings.HasSuffix(p, "[]") {
			paths[p] = true
		}
	})
	return paths
}

// vendorOnly lists key paths that real payloads carry and we deliberately
// do not emit, each with the reason. Empty on purpose: every key
// Statuspage serves is emitted, with null where Watchfire has no value
// (custom_tweet, tweet_id, reminder_intervals), because clients that
// decode strictly expect the keys to exist.
var vendorOnly = map[string]string{}

// ourExtras lists key paths we emit that the captures do not show.
var ourExtras = map[string]string{
	// Statuspage's incident object (management API, webhooks) carries these;
	// we add them only once a postmortem is published.
	"incidents[].postmortem_body":         "postmortem",
	"incidents[].postmortem_published_at": "postmortem",
}

// TestKeyPathsCoverCaptures checks that for every capture, every key path
// it has is in the document we render for the same endpoint.
func TestKeyPathsCoverCaptures(t *testing.T) {
	docs := render(t, richState(), pagePublic)
	tests := []struct {
		kind, ours string
		prefix     string // only compare the capture's paths under this prefix
	}{
		{kindSummary, PathSummary, ""},
		{kindIncidents, PathIncidents, ""},
		{kindUnresolved, PathIncidentsUnresolved, ""},
		{kindIncident, IncidentPath("iopen0000001"), ""},
		// No maintenance-list captures exist; the summaries' maintenances
		// stand in for scheduled-maintenances.json.
		{kindSummary, PathMaintenances, "scheduled_maintenances"},
		{kindSummary, PathMaintenancesActive, "scheduled_maintenances"},
		{kindSummary, PathMaintenancesUpcoming, "scheduled_maintenances"},
	}
	for _, tt := range tests {
		ours := keyPaths(t, docs[tt.ours])
		for _, f := range fixtures(t, tt.kind) {
			t.Run(tt.ours+"/"+f.name, func(t *testing.T) {
				var missing []string
				for p := range keyPaths(t, f.data) {
					if tt.prefix != "" && p != tt.prefix && !strings.HasPrefix(p, tt.prefix+"[]") {
						continue
					}
					if !ours[p] && vendorOnly[p] == "" {
						missing = append(missing, p)
					}
				}
				if len(missing) > 0 {
					slices.Sort(missing)
					t.Errorf("%s lacks %d key paths that %s has:\n  %s",
						tt.ours, len(missing), f.name, strings.Join(missing, "\n  "))
				}
			})
		}
	}
}

// canonical maps a path in one of our documents to the path the same key
// has in a list document, so single-object documents compare with lists.
func canonical(p string) string {
	for _, s := range []string{"incident", "scheduled_maintenance"} {
		if p == s {
			return s + "s"
		}
		if strings.HasPrefix(p, s+".") {
			return s + "s[]" + p[len(s):]
		}
	}
	return p
}

// TestNoUnknownKeys is the converse: every key path we emit exists in some
// capture (or is a documented extra), which catches misspelt json tags.
func TestNoUnknownKeys(t *testing.T) {
	known := map[string]bool{}
	for _, kind := range []string{kindSummary, kindIncidents, kindUnresolved, kindIncident} {
		for _, f := range fixtures(t, kind) {
			for p := range keyPaths(t, f.data) {
				known[canonical(p)] = true
			}
		}
	}
	for _, pageID := range []string{pagePublic, pageInternal, pagePartner} {
		docs := render(t, richState(), pageID)
		for _, path := range keys(docs) {
			var unknown []string
			for p := range keyPaths(t, docs[path]) {
				if c := canonical(p); !known[c] && ourExtras[c] == "" {
					unknown = append(unknown, p)
				}
			}
			if len(unknown) > 0 {
				slices.Sort(unknown)
				t.Errorf("%s/%s has key paths no capture has:\n  %s", pageID, path, strings.Join(unknown, "\n  "))
			}
		}
	}
}

// keyOrders returns, per key path, the distinct key orders of the objects
// found there.
func keyOrders(t testing.TB, data []byte) map[string]map[string][]string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	out := map[string]map[string][]string{}
	var value func(path string)
	value = func(path string) {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("bad JSON: %v", err)
		}
		switch tok {
		case json.Delim('{'):
			var ks []string
			for dec.More() {
				k, _ := dec.Token()
				ks = append(ks, k.(string))
				sub := k.(string)
				if path != "" {
					sub = path + "." + sub
				}
				value(sub)
			}
			dec.Token()
			if out[path] == nil {
				out[path] = map[string][]string{}
			}
			out[path][strings.Join(ks, ",")] = ks
		case json.Delim('['):
			for dec.More() {
				value(path + "[]")
			}
			dec.Token()
		}
	}
	value("")
	return out
}

// TestKeyOrderMatchesCaptures checks that keys come in Statuspage's order.
// Keys only one side has are ignored here (the key-path tests cover them):
// the keys both have must be in the same relative order.
func TestKeyOrderMatchesCaptures(t *testing.T) {
	docs := render(t, richState(), pagePublic)
	for _, tt := range []struct{ kind, ours string }{
		{kindSummary, PathSummary},
		{kindIncidents, PathIncidents},
		{kindUnresolved, PathIncidentsUnresolved},
		{kindIncident, IncidentPath("iopen0000001")},
	} {
		ours := keyOrders(t, docs[tt.ours])
		for _, f := range fixtures(t, tt.kind) {
			for path, theirs := range keyOrders(t, f.data) {
			compare:
				for _, want := range theirs {
					for _, got := range ours[path] {
						g := slices.DeleteFunc(slices.Clone(got), func(k string) bool { return !slices.Contains(want, k) })
						w := slices.DeleteFunc(slices.Clone(want), func(k string) bool { return !slices.Contains(got, k) })
						if !slices.Equal(g, w) {
							t.Errorf("%s vs %s: keys of %q in order %v, want %v", tt.ours, f.name, path, g, w)
							break compare // once per path is enough
						}
					}
				}
			}
		}
	}
}

// Enums Statuspage documents for its public API; the captures' values are
// added to them, so a capture showing a value the docs forget widens the
// check rather than breaking it.
var documentedEnums = map[string][]string{
	"component":          {"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"},
	"incident":           {"investigating", "identified", "monitoring", "resolved", "postmortem"},
	"maintenance":        {"scheduled", "in_progress", "verifying", "completed"},
	"impact":             {"none", "minor", "major", "critical"},
	"maintenance impact": {"maintenance"},
	"indicator":          {"none", "minor", "major", "critical", "maintenance"},
}

// enumOf says which enum the value at a key path belongs to, or "".
func enumOf(path string) string {
	p := canonical(path)
	last := p[strings.LastIndex(p, ".")+1:]
	inMaintenance := strings.HasPrefix(p, "scheduled_maintenances[]")
	switch {
	case last == "indicator":
		return "indicator"
	case last == "old_status" || last == "new_status" || strings.HasSuffix(p, "components[].status"):
		return "component"
	case last == "status" && inMaintenance:
		return "maintenance"
	case last == "status" && strings.HasPrefix(p, "incidents[]"):
		return "incident"
	case last == "impact" && inMaintenance:
		return "maintenance impact"
	case last == "impact":
		return "impact"
	}
	return ""
}

var (
	// The captures' timestamp format: milliseconds and Z or a numeric offset.
	stampRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$`)
	dateRE  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// checkValues reports every value in doc outside the enums, every
// malformed timestamp and every id that is not a string.
func checkValues(t *testing.T, name string, data []byte, enums map[string]map[string]bool) {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	walk(v, "", func(p string, x any) {
		last := p[strings.LastIndex(p, ".")+1:]
		s, isString := x.(string)
		switch {
		case enumOf(p) != "":
			if !enums[enumOf(p)][s] {
				t.Errorf("%s: %s = %v, not a %s value", name, p, x, enumOf(p))
			}
		case last == "start_date":
			if x != nil && !(isString && dateRE.MatchString(s)) {
				t.Errorf("%s: %s = %v, want YYYY-MM-DD or null", name, p, x)
			}
		case strings.HasSuffix(last, "_at") || strings.HasSuffix(last, "_for") || strings.HasSuffix(last, "_until"):
			if x != nil && !(isString && stampRE.MatchString(s)) {
				t.Errorf("%s: %s = %v, want a timestamp like 2020-06-16T14:00:29.031-07:00", name, p, x)
			}
		case last == "tweet_id": // Twitter's numeric id, the one id that is not a string
			if _, isNumber := x.(float64); x != nil && !isNumber {
				t.Errorf("%s: %s = %v (%T), want a number or null", name, p, x, x)
			}
		case last == "id" || strings.HasSuffix(last, "_id") || last == "code" || strings.HasSuffix(p, "components[].components[]"):
			if !isString && !(x == nil && last == "group_id") {
				t.Errorf("%s: %s = %v (%T), want a string id", name, p, x, x)
			}
		}
	})
}

func TestValueDomains(t *testing.T) {
	enums := map[string]map[string]bool{}
	for name, vals := range documentedEnums {
		enums[name] = map[string]bool{}
		for _, v := range vals {
			enums[name][v] = true
		}
	}
	var all []fixture
	for _, kind := range []string{kindSummary, kindIncidents, kindUnresolved, kindIncident} {
		all = append(all, fixtures(t, kind)...)
	}
	for _, f := range all {
		var v any
		if err := json.Unmarshal(f.data, &v); err != nil {
			t.Fatal(err)
		}
		walk(v, "", func(p string, x any) {
			if e := enumOf(p); e != "" {
				if s, ok := x.(string); ok {
					enums[e][s] = true
				}
			}
		})
	}
	// The captures themselves must pass, or the rules describe nothing real.
	for _, f := range all {
		checkValues(t, f.name, f.data, enums)
	}
	for _, pageID := range []string{pagePublic, pageInternal, pagePartner} {
		docs := render(t, richState(), pageID)
		for _, path := range keys(docs) {
			checkValues(t, pageID+"/"+path, docs[path], enums)
		}
	}
}

// A typical Statuspage client's model, taken from the captures' fields:
// times as time.Time, nullable ones as pointers.
type clientComponent struct {
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	Status             string    `json:"status"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	Position           int       `json:"position"`
	Description        *string   `json:"description"`
	Showcase           bool      `json:"showcase"`
	StartDate          *string   `json:"start_date"`
	GroupID            *string   `json:"group_id"`
	PageID             string    `json:"page_id"`
	Group              bool      `json:"group"`
	OnlyShowIfDegraded bool      `json:"only_show_if_degraded"`
	Components         []string  `json:"components"`
}

type clientIncident struct {
	ID              string     `json:"id"`
	Name            string     `json:"name"`
	Status          string     `json:"status"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	MonitoringAt    *time.Time `json:"monitoring_at"`
	ResolvedAt      *time.Time `json:"resolved_at"`
	Impact          string     `json:"impact"`
	Shortlink       string     `json:"shortlink"`
	StartedAt       time.Time  `json:"started_at"`
	PageID          string     `json:"page_id"`
	IncidentUpdates []struct {
		ID                 string    `json:"id"`
		Status             string    `json:"status"`
		Body               string    `json:"body"`
		IncidentID         string    `json:"incident_id"`
		CreatedAt          time.Time `json:"created_at"`
		UpdatedAt          time.Time `json:"updated_at"`
		DisplayAt          time.Time `json:"display_at"`
		AffectedComponents []struct {
			Code      string `json:"code"`
			Name      string `json:"name"`
			OldStatus string `json:"old_status"`
			NewStatus string `json:"new_status"`
		} `json:"affected_components"`
		DeliverNotifications bool    `json:"deliver_notifications"`
		CustomTweet          *string `json:"custom_tweet"`
		TweetID              *int64  `json:"tweet_id"`
	} `json:"incident_updates"`
	Components        []clientComponent `json:"components"`
	ReminderIntervals *string           `json:"reminder_intervals"`
	ScheduledFor      *time.Time        `json:"scheduled_for"`
	ScheduledUntil    *time.Time        `json:"scheduled_until"`
}

type clientSummary struct {
	Page struct {
		ID        string    `json:"id"`
		Name      string    `json:"name"`
		URL       string    `json:"url"`
		TimeZone  string    `json:"time_zone"`
		UpdatedAt time.Time `json:"updated_at"`
	} `json:"page"`
	Components            []clientComponent `json:"components"`
	Incidents             []clientIncident  `json:"incidents"`
	ScheduledMaintenances []clientIncident  `json:"scheduled_maintenances"`
	Status                struct {
		Indicator   string `json:"indicator"`
		Description string `json:"description"`
	} `json:"status"`
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func TestSummaryDecodesLikeAClient(t *testing.T) {
	// The model must fit the real thing first.
	for _, f := range fixtures(t, kindSummary) {
		var s clientSummary
		if err := decodeStrict(f.data, &s); err != nil {
			t.Fatalf("client model does not fit %s: %v", f.name, err)
		}
	}
	st := richState()
	docs := render(t, st, pagePublic)
	var s clientSummary
	if err := decodeStrict(docs[PathSummary], &s); err != nil {
		t.Fatalf("summary.json does not decode: %v\n%s", err, docs[PathSummary])
	}
	if !s.Page.UpdatedAt.Equal(st.UpdatedAt.Truncate(time.Millisecond)) {
		t.Errorf("page.updated_at = %v, want %v", s.Page.UpdatedAt, st.UpdatedAt)
	}
	if s.Page.TimeZone != "America/Los_Angeles" || s.Page.URL != "https://status.example.com/" {
		t.Errorf("page = %+v", s.Page)
	}
	if got := fmt.Sprint(len(s.Components), len(s.Incidents), len(s.ScheduledMaintenances)); got != "8 3 4" {
		t.Errorf("components, incidents, maintenances = %s, want 8 3 4", got)
	}
	open := s.Incidents[1] // after the newer internal one
	if open.ID != "iopen0000001" || len(open.IncidentUpdates) != 3 || len(open.Components) != 2 ||
		open.IncidentUpdates[1].AffectedComponents[0].NewStatus != "partial_outage" ||
		open.Shortlink != "https://status.example.com/incidents/iopen0000001" ||
		!open.StartedAt.Equal(at(-35*time.Minute).Truncate(time.Millisecond)) {
		t.Errorf("open incident decoded as %+v", open)
	}
	if m := s.ScheduledMaintenances[0]; m.ScheduledFor == nil || !m.ScheduledFor.Equal(at(24*time.Hour).Truncate(time.Millisecond)) {
		t.Errorf("first maintenance %s scheduled_for = %v", m.ID, m.ScheduledFor)
	}
}
