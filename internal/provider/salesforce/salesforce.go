// Package salesforce reads Salesforce Trust (status.salesforce.com)
// through its public API, https://api.status.salesforce.com/v1/instances
// ?childProducts=false: every instance (NA137, EU42, CS5…) with its
// location, environment and status, and the incidents and maintenances
// that touch it, each repeated on every instance it touches.
//
// Components are the instances, grouped by location. Incidents and
// maintenances are read once each, by id. Trust has no page-level status,
// so reports carry no indicator.
//
// Current accepts status.salesforce.com (read through the API host), the
// API address itself, or any host serving the same path. The answer is
// about 1.5 MB; only the fields used are decoded.
package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Name is the provider's name in the config.
const Name = "salesforce"

const (
	apiBase = "https://api.status.salesforce.com"
	// instancesPath lists instances without their child products, which
	// would only make the answer larger.
	instancesPath = "/v1/instances?childProducts=false"
	pageURL       = "https://status.salesforce.com"
)

type salesforce struct{}

// New returns the Salesforce Trust provider.
func New() provider.Provider { return salesforce{} }

func (salesforce) Name() string { return Name }

// Detect claims Trust's page and API hosts.
func (salesforce) Detect(page *url.URL) bool {
	return provider.HostIs(page, "status.salesforce.com") || provider.HostIs(page, "trust.salesforce.com")
}

// endpoint is the instance list's address for a page.
func endpoint(page *url.URL) string {
	if strings.HasPrefix(page.Path, "/v1/instances") {
		return page.String()
	}
	host := strings.ToLower(page.Hostname())
	if host == "status.salesforce.com" || host == "trust.salesforce.com" {
		return apiBase + instancesPath // the page is a web app; its data is on the API host
	}
	return provider.Resolve(page, instancesPath)
}

// Current reads the instance list.
func (salesforce) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	resp, err := c.Get(ctx, endpoint(page))
	if err != nil {
		return nil, err
	}
	if err := expectJSON(resp); err != nil {
		return nil, err
	}
	rep, err := parse(resp.Body)
	if err != nil {
		return nil, err
	}
	rep.Page.URL = page.String()
	return rep, nil
}

// expectJSON has DecodeJSON judge the answer's content type and first
// byte (an HTML error page, an image…) on a stand-in body, so that the
// 1.5 MB list is decoded once, by parse.
func expectJSON(resp *provider.Response) error {
	probe := &provider.Response{URL: resp.URL, ContentType: resp.ContentType, Body: []byte("{}")}
	if firstByte(resp.Body) == '<' {
		probe.Body = []byte("<")
	}
	return provider.DecodeJSON(probe, &struct{}{})
}

// History: the instance list holds only what is current. Trust's
// /v1/incidents may serve the past, but no sample of it was at hand to
// build on.
func (salesforce) History(context.Context, provider.Client, *url.URL) ([]watchfire.UpstreamIncident, error) {
	return nil, provider.ErrNoHistory
}

// Parse normalizes an instance list, or one instance's status
// (/v1/instances/{key}/status), which has the same shape.
func (salesforce) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	return parse(body)
}

func parse(body []byte) (*watchfire.UpstreamReport, error) {
	text, err := provider.Text(body)
	if err != nil {
		return nil, err
	}
	var list []instance
	if firstByte(text) == '{' {
		var one instance
		if err := provider.UnmarshalJSON(text, &one); err != nil {
			return nil, err
		}
		list = []instance{one}
	} else if err := provider.UnmarshalJSON(text, &list); err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, provider.Formatf("an empty JSON array could be any provider's list")
	}
	return report(list)
}

func firstByte(b []byte) byte {
	b = bytes.TrimLeft(b, " \t\r\n\xef\xbb\xbf")
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// instance is one entry of the list. Pointers tell a missing key from an
// empty one: key, environment and status are what make a payload Trust's.
// Products and Tags are left out so that the decoder skips them.
type instance struct {
	Key          *string              `json:"key"`
	Location     string               `json:"location"`
	Environment  *string              `json:"environment"`
	Status       *string              `json:"status"`
	IsActive     *bool                `json:"isActive"`
	Incidents    list[incident]       `json:"Incidents"`
	Maintenances list[maintenanceDoc] `json:"Maintenances"`
}

type incident struct {
	ID                    flexString       `json:"id"`
	Message               message          `json:"message"`
	AdditionalInformation flexString       `json:"additionalInformation"`
	CreatedAt             flexString       `json:"createdAt"`
	UpdatedAt             flexString       `json:"updatedAt"`
	Impacts               list[impact]     `json:"IncidentImpacts"`
	Events                list[event]      `json:"IncidentEvents"`
	InstanceKeys          list[flexString] `json:"instanceKeys"`
}

// maintenanceDoc is a maintenance as Trust's API describes it. The
// capture at hand has none, so every field is optional and read
// leniently: name (or message.name), plannedStartTime/plannedEndTime,
// MaintenanceImpacts and MaintenanceEvents like an incident's.
type maintenanceDoc struct {
	ID               flexString       `json:"id"`
	Name             flexString       `json:"name"`
	Message          message          `json:"message"`
	PlannedStartTime flexString       `json:"plannedStartTime"`
	PlannedEndTime   flexString       `json:"plannedEndTime"`
	CreatedAt        flexString       `json:"createdAt"`
	UpdatedAt        flexString       `json:"updatedAt"`
	Impacts          list[impact]     `json:"MaintenanceImpacts"`
	Events           list[event]      `json:"MaintenanceEvents"`
	InstanceKeys     list[flexString] `json:"instanceKeys"`
}

type impact struct {
	StartTime flexString `json:"startTime"`
	EndTime   flexString `json:"endTime"`
	Type      flexString `json:"type"`
	Severity  flexString `json:"severity"`
}

type event struct {
	Type      flexString `json:"type"`
	Message   flexString `json:"message"`
	CreatedAt flexString `json:"createdAt"`
}

// message holds an incident's or maintenance's prose fields; Trust sends
// an object, and anything else is ignored.
type message struct {
	Name             flexString `json:"name"`
	EventStatus      flexString `json:"eventStatus"`
	RootCause        flexString `json:"rootCause"`
	ActionPlan       flexString `json:"actionPlan"`
	PathToResolution flexString `json:"pathToResolution"`
}

func (m *message) UnmarshalJSON(b []byte) error {
	if firstByte(b) != '{' {
		return nil
	}
	type plain message
	var p plain
	_ = json.Unmarshal(b, &p) // its fields never fail
	*m = message(p)
	return nil
}

// flexString takes a JSON string, number or boolean as a string and
// ignores anything else (null, objects): Trust's ids are numbers, and an
// odd value in an optional field should not reject the whole list.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	switch firstByte(b) {
	case '"':
		var s string
		if json.Unmarshal(b, &s) == nil {
			*f = flexString(s)
		}
	case 't', 'f', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		*f = flexString(b)
	}
	return nil
}

// list is a JSON array of T, or nothing when the value is null or not an
// array (or its elements are not T): optional nested lists never reject
// the list they are in.
type list[T any] []T

func (l *list[T]) UnmarshalJSON(b []byte) error {
	if firstByte(b) != '[' {
		return nil
	}
	var out []T
	if json.Unmarshal(b, &out) == nil {
		*l = out
	}
	return nil
}

func report(list []instance) (*watchfire.UpstreamReport, error) {
	rep := &watchfire.UpstreamReport{Provider: Name, Page: watchfire.UpstreamPage{Name: "Salesforce Trust", URL: pageURL}}
	incs := map[string]*watchfire.UpstreamIncident{}
	maints := map[string]*watchfire.UpstreamMaintenance{}
	var incOrder, maintOrder []string
	for i := range list {
		in := &list[i]
		if in.Key == nil || in.Status == nil || in.Environment == nil || strings.TrimSpace(*in.Key) == "" {
			return nil, provider.Formatf("an entry lacks key, environment or status: not a Salesforce Trust instance")
		}
		key := strings.TrimSpace(*in.Key)
		status := InstanceStatus(*in.Status)
		// Retired instances stay in the list with isActive false; they
		// serve no one, so they are not components.
		if in.IsActive == nil || *in.IsActive {
			group := strings.TrimSpace(in.Location)
			if group == "" {
				group = strings.TrimSpace(*in.Environment)
			}
			rep.Components = append(rep.Components, watchfire.UpstreamComponent{
				ID: key, Name: key, Group: group, Status: status, VendorStatus: *in.Status,
			})
		}
		for j := range in.Incidents {
			d := &in.Incidents[j]
			id := string(d.ID)
			if inc, ok := incs[id]; ok && id != "" {
				inc.Components = addKey(inc.Components, key)
				continue
			}
			inc := mapIncident(d, key, status)
			if id == "" {
				id = "#" + key + "/" + strconv.Itoa(j) // no id: keep it, unmerged
			}
			incs[id], incOrder = &inc, append(incOrder, id)
		}
		for j := range in.Maintenances {
			d := &in.Maintenances[j]
			if isCancelled(d.Message.EventStatus) {
				continue
			}
			id := string(d.ID)
			m, ok := maints[id]
			if !ok || id == "" {
				mm := mapMaintenance(d)
				m = &mm
				if id == "" {
					id = "#" + key + "/" + strconv.Itoa(j)
				}
				maints[id], maintOrder = m, append(maintOrder, id)
			}
			m.Components = addKey(m.Components, key)
			// An instance in maintenance while it is listed says the work
			// is under way, whatever the planned times.
			if status == watchfire.StatusUnderMaintenance && m.Status == watchfire.MaintenanceScheduled {
				m.Status = watchfire.MaintenanceInProgress
			}
		}
	}
	for _, id := range incOrder {
		rep.Incidents = append(rep.Incidents, *incs[id])
		rep.UpdatedAt = provider.Later(rep.UpdatedAt, incs[id].UpdatedAt)
	}
	slices.SortStableFunc(rep.Incidents, func(a, b watchfire.UpstreamIncident) int { return b.StartedAt.Compare(a.StartedAt) })
	for _, id := range maintOrder {
		rep.Maintenances = append(rep.Maintenances, *maints[id])
		rep.UpdatedAt = provider.Later(rep.UpdatedAt, provider.LastUpdate(maints[id].Updates))
	}
	slices.SortStableFunc(rep.Maintenances, func(a, b watchfire.UpstreamMaintenance) int {
		return a.ScheduledFor.Compare(b.ScheduledFor)
	})
	return rep, nil
}

func mapIncident(d *incident, foundOn string, foundStatus watchfire.ComponentStatus) watchfire.UpstreamIncident {
	inc := watchfire.UpstreamIncident{
		ID:        string(d.ID),
		URL:       pageURL + "/incidents/" + url.PathEscape(string(d.ID)),
		Status:    watchfire.IncidentInvestigating,
		Impact:    watchfire.ImpactNone,
		UpdatedAt: when(d.UpdatedAt),
	}
	for _, k := range d.InstanceKeys {
		inc.Components = addKey(inc.Components, string(k))
	}
	inc.Components = addKey(inc.Components, foundOn)
	start, end, open := span(d.Impacts)
	inc.StartedAt = start
	if inc.StartedAt.IsZero() {
		inc.StartedAt = when(d.CreatedAt)
	}
	title := ""
	for _, im := range d.Impacts {
		if i := SeverityImpact(string(im.Severity)); i.Rank() > inc.Impact.Rank() {
			inc.Impact = i
		}
		if title == "" {
			title = ImpactTitle(string(im.Type))
		}
	}
	if len(d.Impacts) == 0 {
		// No impact recorded yet: the instance's status says how bad.
		inc.Impact = watchfire.ImpactFor(foundStatus)
	}
	if title == "" {
		title = "Incident " + string(d.ID)
	}
	inc.Name = title + " on " + instancesWords(inc.Components)
	// Impacts end one by one; when all have, the incident is over. A root
	// cause or action plan means Salesforce knows what is wrong.
	m := &d.Message
	switch {
	case len(d.Impacts) > 0 && !open:
		inc.Status = watchfire.IncidentResolved
		if !end.IsZero() {
			inc.ResolvedAt = &end
		}
	case m.RootCause != "" || m.ActionPlan != "" || m.PathToResolution != "":
		inc.Status = watchfire.IncidentIdentified
	}
	inc.Updates = updates(d.Events, m, string(d.AdditionalInformation), string(inc.Status), inc.UpdatedAt)
	if inc.UpdatedAt.IsZero() {
		inc.UpdatedAt = provider.Later(provider.Later(inc.StartedAt, end), provider.LastUpdate(inc.Updates))
	}
	return inc
}

func mapMaintenance(d *maintenanceDoc) watchfire.UpstreamMaintenance {
	m := watchfire.UpstreamMaintenance{
		ID:             string(d.ID),
		Name:           strings.TrimSpace(string(d.Name)),
		URL:            pageURL + "/maintenances/" + url.PathEscape(string(d.ID)),
		Status:         watchfire.MaintenanceScheduled,
		Impact:         watchfire.ImpactMaintenance,
		ScheduledFor:   when(d.PlannedStartTime),
		ScheduledUntil: when(d.PlannedEndTime),
	}
	if m.Name == "" {
		m.Name = strings.TrimSpace(string(d.Message.Name))
	}
	if m.Name == "" {
		m.Name = "Maintenance " + string(d.ID)
	}
	for _, k := range d.InstanceKeys {
		m.Components = addKey(m.Components, string(k))
	}
	// The actual start and end are the impacts'; the planned times say
	// nothing about whether the work began, and Parse keeps no clock.
	if start, _, open := span(d.Impacts); !start.IsZero() {
		if open {
			m.Status = watchfire.MaintenanceInProgress
		} else {
			m.Status = watchfire.MaintenanceCompleted
		}
	}
	upd := provider.Later(when(d.UpdatedAt), when(d.CreatedAt))
	m.Updates = updates(d.Events, &d.Message, "", string(m.Status), upd)
	return m
}

// span is the impacts' earliest start and latest end, and whether one is
// still open (started without an end).
func span(impacts []impact) (start, end time.Time, open bool) {
	for _, im := range impacts {
		s, e := when(im.StartTime), when(im.EndTime)
		if !s.IsZero() && (start.IsZero() || s.Before(start)) {
			start = s
		}
		if e.IsZero() {
			open = true
		}
		end = provider.Later(end, e)
	}
	return start, end, open
}

// updates builds a timeline from the events, newest first, with the
// message's prose (root cause, action plan…) as one more entry at the
// item's last change when there is any.
func updates(events []event, m *message, info, status string, at time.Time) []watchfire.UpstreamUpdate {
	var out []watchfire.UpstreamUpdate
	for _, e := range events {
		body := strings.TrimSpace(string(e.Message))
		if body == "" {
			continue
		}
		out = append(out, watchfire.UpstreamUpdate{Status: strings.ToLower(string(e.Type)), Body: body, At: when(e.CreatedAt)})
	}
	var parts []string
	for _, p := range []struct{ label, text string }{
		{"Root cause", string(m.RootCause)}, {"Action plan", string(m.ActionPlan)},
		{"Path to resolution", string(m.PathToResolution)}, {"Additional information", info},
	} {
		if t := strings.TrimSpace(p.text); t != "" {
			parts = append(parts, p.label+": "+t)
		}
	}
	if len(parts) > 0 {
		out = append(out, watchfire.UpstreamUpdate{Status: status, Body: strings.Join(parts, "\n\n"), At: at})
	}
	slices.SortStableFunc(out, func(a, b watchfire.UpstreamUpdate) int { return b.At.Compare(a.At) })
	return out
}

func isCancelled(s flexString) bool {
	v := strings.ToLower(strings.TrimSpace(string(s)))
	return v == "cancelled" || v == "canceled"
}

func addKey(keys []string, k string) []string {
	k = strings.TrimSpace(k)
	if k == "" || slices.Contains(keys, k) {
		return keys
	}
	return append(keys, k)
}

// instancesWords names the instances for a title: a few by key, many by
// count.
func instancesWords(keys []string) string {
	switch {
	case len(keys) == 0:
		return "Salesforce"
	case len(keys) <= 3:
		return strings.Join(keys, ", ")
	}
	return strings.Join(keys[:3], ", ") + " and " + strconv.Itoa(len(keys)-3) + " more instances"
}

// when parses a timestamp, zero when missing or malformed.
func when(s flexString) time.Time {
	t, err := provider.Time(string(s))
	if err != nil {
		return time.Time{}
	}
	return t
}
