// Package apple reads Apple's System Status (www.apple.com/support/systemstatus)
// and Developer System Status (developer.apple.com/system-status): both
// pages load a JSONP script, data/system_status_en_US.js and
// data/developer/system_status_en_US.js, listing every service with the
// events of the last days on it.
package apple

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/feed"
)

// Pages and documents.
const (
	Home          = "https://www.apple.com/support/systemstatus/"
	DeveloperHome = "https://developer.apple.com/system-status/"
	statusPath    = "/support/systemstatus/data/system_status_en_US.js"
	developerPath = "/support/systemstatus/data/developer/system_status_en_US.js"
)

// Provider reads Apple's system status.
type Provider struct{}

// New returns the Apple provider.
func New() provider.Provider { return Provider{} }

// Name implements provider.Provider.
func (Provider) Name() string { return "apple" }

// Detect implements provider.Provider: the system status pages and their
// data scripts; the rest of apple.com is not a status page.
func (Provider) Detect(page *url.URL) bool {
	p := strings.ToLower(page.Path)
	if provider.HostIs(page, "developer.apple.com") {
		return strings.Contains(p, "/system-status")
	}
	return provider.HostIs(page, "apple.com") && strings.Contains(p, "/support/systemstatus")
}

// status is the object inside the JSONP call.
type status struct {
	DRPost    bool       `json:"drpost"`
	DRMessage *string    `json:"drMessage"`
	Services  *[]service `json:"services"`
}

type service struct {
	ServiceName string  `json:"serviceName"`
	RedirectURL *string `json:"redirectUrl"`
	Events      []event `json:"events"`
}

type event struct {
	UsersAffected    string      `json:"usersAffected"`
	EpochStartDate   json.Number `json:"epochStartDate"` // milliseconds
	EpochEndDate     json.Number `json:"epochEndDate"`   // milliseconds, null while ongoing
	MessageID        string      `json:"messageId"`
	StatusType       string      `json:"statusType"`
	DatePosted       string      `json:"datePosted"` // "07/27/2022 10:48 PDT"
	StartDate        string      `json:"startDate"`
	EndDate          string      `json:"endDate"`
	AffectedServices []string    `json:"affectedServices"`
	EventStatus      string      `json:"eventStatus"`
	Message          string      `json:"message"`
}

// developer reports whether the page is the developer status.
func developer(page *url.URL) bool {
	return provider.HostIs(page, "developer.apple.com") || strings.Contains(strings.ToLower(page.Path), "/developer")
}

// document is the script Current reads for the page: the page itself when
// it names one, else the consumer or developer script. Only en_US is
// read: the other locales translate the service names, which config
// files would then have to match.
func document(page *url.URL) string {
	p := strings.ToLower(page.Path)
	switch {
	case strings.HasSuffix(p, ".js"), strings.HasSuffix(p, ".json"):
		return page.String()
	case provider.HostIs(page, "developer.apple.com"):
		return "https://www.apple.com" + developerPath
	case developer(page):
		return provider.Resolve(page, developerPath)
	}
	return provider.Resolve(page, statusPath)
}

// Current implements provider.Provider.
func (Provider) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	doc, err := fetch(ctx, c, page)
	if err != nil {
		return nil, err
	}
	rep, _ := read(doc, developer(page))
	return rep, nil
}

// History implements provider.Provider: the script keeps the last days'
// events, resolved ones included; maintenances are not incidents and stay
// out.
func (Provider) History(ctx context.Context, c provider.Client, page *url.URL) ([]watchfire.UpstreamIncident, error) {
	doc, err := fetch(ctx, c, page)
	if err != nil {
		return nil, err
	}
	_, all := read(doc, developer(page))
	return all, nil
}

// Parse implements provider.Provider: the JSONP script, or the JSON
// inside it.
func (Provider) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	doc, err := decode(body)
	if err != nil {
		return nil, err
	}
	rep, _ := read(doc, false)
	return rep, nil
}

func fetch(ctx context.Context, c provider.Client, page *url.URL) (*status, error) {
	resp, err := c.Get(ctx, document(page))
	if err != nil {
		return nil, err
	}
	// Apple serves the script as JavaScript; only an HTML page (an error
	// or a redirect to the store) is refused before reading.
	ct := strings.ToLower(resp.ContentType)
	if strings.Contains(ct, "html") {
		return nil, provider.Formatf("got an HTML page (%s) where Apple's status script was expected from %s", resp.ContentType, resp.URL)
	}
	// A script, JSON or text; anything else (an image, a PDF) is not it.
	if ct != "" && !strings.Contains(ct, "javascript") && !strings.Contains(ct, "json") && !strings.HasPrefix(ct, "text/") &&
		!strings.HasPrefix(ct, "application/octet-stream") {
		return nil, provider.Formatf("got content type %s where Apple's status script was expected from %s", resp.ContentType, resp.URL)
	}
	return decode(resp.Body)
}

// decode unwraps and decodes the script, and checks its shape.
func decode(body []byte) (*status, error) {
	text, err := provider.Text(body)
	if err != nil {
		return nil, err
	}
	inner, err := unwrap(text)
	if err != nil {
		return nil, err
	}
	var doc status
	if err := provider.UnmarshalJSON(inner, &doc); err != nil {
		return nil, err
	}
	if doc.Services == nil {
		return nil, provider.Formatf("no services list: not Apple's system status")
	}
	for i, s := range *doc.Services {
		if strings.TrimSpace(s.ServiceName) == "" {
			return nil, provider.Formatf("service %d has no serviceName: not Apple's system status", i)
		}
		for j, e := range s.Events {
			if e.StatusType == "" && e.EventStatus == "" {
				return nil, provider.Formatf("event %d of %s has no statusType or eventStatus", j, s.ServiceName)
			}
		}
	}
	return &doc, nil
}

// unwrap returns the JSON inside a JSONP call: callback({...}); with any
// callback name (jsonCallback, or whatever ?callback= asked for), leading
// comments (the /**/ some JSONP servers prepend), and a trailing ";" and
// whitespace. Plain JSON is returned as it is.
func unwrap(text []byte) ([]byte, error) {
	s := bytes.TrimSpace(text)
	for {
		switch {
		case bytes.HasPrefix(s, []byte("/*")):
			end := bytes.Index(s[2:], []byte("*/"))
			if end < 0 {
				return nil, provider.Formatf("the script opens a comment it never closes")
			}
			s = bytes.TrimSpace(s[2+end+2:])
			continue
		case bytes.HasPrefix(s, []byte("//")):
			_, rest, _ := bytes.Cut(s, []byte("\n"))
			s = bytes.TrimSpace(rest)
			continue
		}
		break
	}
	if len(s) > 0 && (s[0] == '{' || s[0] == '[') {
		return s, nil
	}
	i := 0
	for i < len(s) && (s[i] == '_' || s[i] == '$' || s[i] == '.' || isAlnum(s[i])) {
		i++
	}
	if len(s) == 0 {
		return nil, provider.Formatf("the body is empty where Apple's status script was expected")
	}
	if i == 0 || s[0] == '.' || (s[0] >= '0' && s[0] <= '9') {
		return nil, provider.Formatf("the body is neither JSON nor a JSONP call (it starts with %q)", s[0])
	}
	rest := bytes.TrimSpace(s[i:])
	if len(rest) == 0 || rest[0] != '(' {
		return nil, provider.Formatf("%s is not followed by a call", s[:i])
	}
	rest = bytes.TrimRight(rest, " \t\r\n;")
	if len(rest) < 2 || rest[len(rest)-1] != ')' {
		return nil, fmt.Errorf("the JSONP call to %s is not closed: the body was cut short", s[:i])
	}
	return bytes.TrimSpace(rest[1 : len(rest)-1]), nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// merged is one event with every service it is listed under.
type merged struct {
	e        event
	services []string
}

// read normalizes the document: every service is a component, its status
// the worst of its ongoing events; ongoing events are open incidents,
// ongoing and upcoming maintenances the report's maintenances. Apple
// repeats an event under each service it affects: they are merged by
// messageId.
func read(doc *status, dev bool) (*watchfire.UpstreamReport, []watchfire.UpstreamIncident) {
	rep := &watchfire.UpstreamReport{
		Provider:  "apple",
		Page:      watchfire.UpstreamPage{Name: "Apple System Status", URL: Home},
		Indicator: watchfire.IndicatorNone,
	}
	if dev {
		rep.Page = watchfire.UpstreamPage{Name: "Apple Developer System Status", URL: DeveloperHome}
	}
	if doc.DRPost && doc.DRMessage != nil {
		rep.Description = strings.TrimSpace(feed.PlainText(*doc.DRMessage))
	}
	var names []string
	compStatus := map[string]watchfire.ComponentStatus{}
	vendor := map[string]string{}
	addService := func(name string) {
		if _, seen := compStatus[name]; !seen {
			names = append(names, name)
			compStatus[name] = watchfire.StatusOperational
			vendor[name] = "Available"
		}
	}
	var order []string
	events := map[string]*merged{}
	for _, s := range *doc.Services {
		name := strings.TrimSpace(s.ServiceName)
		addService(name)
		for i, e := range s.Events {
			id := strings.TrimSpace(e.MessageID)
			if id == "" {
				id = name + "/" + strconv.Itoa(i) + "/" + e.EpochStartDate.String()
			}
			m := events[id]
			if m == nil {
				m = &merged{e: e}
				events[id] = m
				order = append(order, id)
			}
			// Apple's own list first: its order is the event's.
			for _, a := range e.AffectedServices {
				m.services = appendNew(m.services, strings.TrimSpace(a))
			}
			m.services = appendNew(m.services, name)
		}
	}

	var all []watchfire.UpstreamIncident
	worst := watchfire.ImpactNone
	maintaining := false
	for _, id := range order {
		m := events[id]
		_, s := typeOf(m.e.StatusType)
		if isMaintenance(m.e.StatusType) {
			mt := maintenance(id, m)
			if mt.Status == watchfire.MaintenanceCompleted {
				continue
			}
			rep.Maintenances = append(rep.Maintenances, mt)
			if mt.Status.Active() {
				maintaining = true
				raise(m.services, s, m.e.StatusType, addService, compStatus, vendor)
			}
			continue
		}
		inc := incident(id, m)
		all = append(all, inc)
		if inc.UpdatedAt.After(rep.UpdatedAt) {
			rep.UpdatedAt = inc.UpdatedAt
		}
		if inc.Status.Closed() {
			continue
		}
		rep.Incidents = append(rep.Incidents, inc)
		if inc.Impact.Rank() > worst.Rank() {
			worst = inc.Impact
		}
		raise(m.services, s, m.e.StatusType, addService, compStatus, vendor)
	}
	for _, n := range names {
		rep.Components = append(rep.Components, watchfire.UpstreamComponent{ID: n, Name: n, Status: compStatus[n], VendorStatus: vendor[n]})
	}
	if ind, ok := indicators[worst]; ok {
		rep.Indicator = ind
	} else if maintaining {
		rep.Indicator = watchfire.IndicatorMaintenance
	}
	newestFirst := func(a, b watchfire.UpstreamIncident) int { return b.StartedAt.Compare(a.StartedAt) }
	slices.SortStableFunc(rep.Incidents, newestFirst)
	slices.SortStableFunc(all, newestFirst)
	slices.SortStableFunc(rep.Maintenances, func(a, b watchfire.UpstreamMaintenance) int { return a.ScheduledFor.Compare(b.ScheduledFor) })
	return rep, all
}

// raise sets the services an open event names to the worse of their
// status and the event's.
func raise(services []string, s watchfire.ComponentStatus, statusType string, add func(string),
	status map[string]watchfire.ComponentStatus, vendor map[string]string) {
	for _, svc := range services {
		add(svc)
		if watchfire.Worse(status[svc], s) != status[svc] {
			status[svc] = s
			vendor[svc] = strings.TrimSpace(statusType)
		}
	}
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// incident maps one event.
func incident(id string, m *merged) watchfire.UpstreamIncident {
	e := &m.e
	status, _ := statusOf(e.EventStatus)
	impact, _ := typeOf(e.StatusType)
	start := cmp.Or(millis(e.EpochStartDate), appleTime(e.StartDate))
	posted := appleTime(e.DatePosted)
	inc := watchfire.UpstreamIncident{
		ID:         id,
		Name:       name(e.StatusType, m.services),
		URL:        Home,
		Status:     status,
		Impact:     impact,
		StartedAt:  start,
		UpdatedAt:  cmp.Or(posted, start),
		Components: m.services,
	}
	if status.Closed() {
		end := cmp.Or(millis(e.EpochEndDate), appleTime(e.EndDate), inc.UpdatedAt)
		inc.ResolvedAt = &end
		if end.After(inc.UpdatedAt) {
			inc.UpdatedAt = end
		}
	}
	inc.Updates = []watchfire.UpstreamUpdate{{Status: string(status), Body: body(e), At: inc.UpdatedAt}}
	return inc
}

// maintenance maps one maintenance event: Apple gives its window.
func maintenance(id string, m *merged) watchfire.UpstreamMaintenance {
	e := &m.e
	_, status := statusOf(e.EventStatus)
	return watchfire.UpstreamMaintenance{
		ID:             id,
		Name:           name(e.StatusType, m.services),
		URL:            Home,
		Status:         status,
		Impact:         watchfire.ImpactMaintenance,
		ScheduledFor:   cmp.Or(millis(e.EpochStartDate), appleTime(e.StartDate)),
		ScheduledUntil: cmp.Or(millis(e.EpochEndDate), appleTime(e.EndDate)),
		Components:     m.services,
		Updates: []watchfire.UpstreamUpdate{{Status: string(status), Body: body(e),
			At: cmp.Or(appleTime(e.DatePosted), millis(e.EpochStartDate))}},
	}
}

// name is "Outage: iCloud Mail, iCloud Drive and 1 more".
func name(statusType string, services []string) string {
	shown := services[:min(len(services), 3)]
	s := label(statusType) + ": " + strings.Join(shown, ", ")
	if more := len(services) - len(shown); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	if len(services) == 0 {
		s = label(statusType)
	}
	return s
}

// body is the event's message with who it affects.
func body(e *event) string {
	msg := feed.PlainText(e.Message)
	if u := strings.TrimSpace(e.UsersAffected); u != "" {
		if msg == "" {
			return u + "."
		}
		return msg + "\n\n" + u + "."
	}
	return msg
}

// millis reads Apple's epoch milliseconds; zero when null or bad.
func millis(n json.Number) time.Time {
	ms, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || ms <= 0 || ms > 1e14 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// appleTime reads the dates Apple prints, "07/27/2022 10:48 PDT" in
// en_US ("21.03.2022 17:58 GMT" in other locales); zero when it cannot.
// The zone is an abbreviation, looked up rather than left to time.Parse,
// which would read PDT as UTC.
func appleTime(s string) time.Time {
	f := strings.Fields(s)
	if len(f) != 3 {
		return time.Time{}
	}
	off, ok := feed.ZoneOffset(f[2])
	if !ok {
		return time.Time{}
	}
	zone := time.FixedZone(strings.ToUpper(f[2]), off)
	for _, layout := range []string{"01/02/2006 15:04", "02.01.2006 15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, f[0]+" "+f[1], zone); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
