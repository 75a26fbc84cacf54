// Package generic reads Watchfire's own event JSON, which any system can
// POST to /webhooks/generic to tell Watchfire about a product's status:
//
//	{"id": "vendor-event-id", "product": "OpenAI API", "component": "Chat Completions",
//	 "status": "degraded_performance", "message": "…", "occurred_at": "2025-11-03T14:32:00Z"}
//
// with optional page_url, incident_id, incident_title, incident_status and
// impact. It is a webhook adapter only: there is nothing to poll. The
// format and its rules are documented in docs/providers/generic.md; every
// payload that breaks one is refused with an error wrapping
// provider.ErrFormat that tells the sender what to fix.
package generic

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Name is the adapter's name in /webhooks/{provider} and in configs.
const Name = "generic"

// SignatureHeader carries the sender's signature when the webhook source
// has a secret: "sha256=" and the hex HMAC-SHA256 of the raw body.
const SignatureHeader = "X-Watchfire-Signature"

// Limits on the fields' lengths, in characters (message in bytes).
const (
	MaxNameLen    = 256 // product, component, id, incident_id
	MaxTitleLen   = 1024
	MaxURLLen     = 2048
	MaxMessageLen = 64 << 10
)

// Adapter reads the generic event JSON.
type Adapter struct{}

var _ provider.WebhookAdapter = Adapter{}

// New returns the generic adapter.
func New() provider.WebhookAdapter { return Adapter{} }

// Name implements provider.WebhookAdapter.
func (Adapter) Name() string { return Name }

// Signature implements provider.WebhookAdapter: Watchfire's own header.
func (Adapter) Signature() provider.Signature {
	return provider.Signature{Scheme: provider.SchemeHMACHex, Header: SignatureHeader}
}

// Event is the generic event JSON. Fields not listed are ignored; an
// empty string counts as absent.
type Event struct {
	ID             string `json:"id"`
	Product        string `json:"product"`
	Component      string `json:"component"`
	Status         string `json:"status"`
	Message        string `json:"message"`
	OccurredAt     string `json:"occurred_at"`
	PageURL        string `json:"page_url"`
	IncidentID     string `json:"incident_id"`
	IncidentTitle  string `json:"incident_title"`
	IncidentStatus string `json:"incident_status"`
	Impact         string `json:"impact"`
}

// Statuses are the values "status" takes, worst last.
var Statuses = []watchfire.ComponentStatus{
	watchfire.StatusOperational, watchfire.StatusDegradedPerformance, watchfire.StatusPartialOutage,
	watchfire.StatusMajorOutage, watchfire.StatusUnderMaintenance,
}

// IncidentStatuses are the values "incident_status" takes.
var IncidentStatuses = []watchfire.IncidentStatus{
	watchfire.IncidentInvestigating, watchfire.IncidentIdentified, watchfire.IncidentMonitoring,
	watchfire.IncidentResolved, watchfire.IncidentPostmortem,
}

// Impacts are the values "impact" takes.
var Impacts = []watchfire.Impact{watchfire.ImpactNone, watchfire.ImpactMinor, watchfire.ImpactMajor, watchfire.ImpactCritical}

// hints are words senders write for a status, with the one they mean.
// They are suggested in the error, never accepted: the contract has one
// spelling for each status.
var hints = map[string]watchfire.ComponentStatus{
	"ok": watchfire.StatusOperational, "up": watchfire.StatusOperational, "operational": watchfire.StatusOperational,
	"none": watchfire.StatusOperational, "healthy": watchfire.StatusOperational, "resolved": watchfire.StatusOperational,
	"degraded": watchfire.StatusDegradedPerformance, "degraded performance": watchfire.StatusDegradedPerformance,
	"slow": watchfire.StatusDegradedPerformance, "minor": watchfire.StatusDegradedPerformance,
	"partial": watchfire.StatusPartialOutage, "partial outage": watchfire.StatusPartialOutage, "major": watchfire.StatusPartialOutage,
	"down": watchfire.StatusMajorOutage, "outage": watchfire.StatusMajorOutage, "major outage": watchfire.StatusMajorOutage,
	"full_outage": watchfire.StatusMajorOutage, "critical": watchfire.StatusMajorOutage,
	"maintenance": watchfire.StatusUnderMaintenance, "under maintenance": watchfire.StatusUnderMaintenance,
}

// ParseWebhook implements provider.WebhookAdapter. See the package
// comment and docs/providers/generic.md.
func (Adapter) ParseWebhook(body []byte) (*watchfire.UpstreamPush, error) {
	var e Event
	if err := provider.DecodeWebhook(Name, body, &e); err != nil {
		return nil, err
	}
	return e.Push()
}

// Push validates the event and normalizes it.
func (e *Event) Push() (*watchfire.UpstreamPush, error) {
	product := strings.TrimSpace(e.Product)
	component := strings.TrimSpace(e.Component)
	id := strings.TrimSpace(e.ID)
	incID := strings.TrimSpace(e.IncidentID)
	title := strings.TrimSpace(e.IncidentTitle)
	message := strings.TrimSpace(e.Message)
	pageURL := strings.TrimSpace(e.PageURL)
	if product == "" {
		return nil, fail(`"product" is required: the name of the product or vendor the event is about, e.g. "OpenAI API"`)
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"product", product, MaxNameLen}, {"component", component, MaxNameLen}, {"id", id, MaxNameLen},
		{"incident_id", incID, MaxNameLen}, {"incident_title", title, MaxTitleLen}, {"page_url", pageURL, MaxURLLen}} {
		if n := utf8.RuneCountInString(f.value); n > f.max {
			return nil, fail("%q is %d characters long; at most %d are taken", f.name, n, f.max)
		}
	}
	if len(message) > MaxMessageLen {
		return nil, fail(`"message" is %d bytes long; at most %d are taken`, len(message), MaxMessageLen)
	}

	status, err := parseStatus(e.Status)
	if err != nil {
		return nil, err
	}
	incStatus, err := parseIncidentStatus(e.IncidentStatus)
	if err != nil {
		return nil, err
	}
	impact, err := parseImpact(e.Impact)
	if err != nil {
		return nil, err
	}
	hasIncident := incID != "" || title != "" || incStatus != "" || impact != ""
	switch {
	case status == "" && !hasIncident:
		return nil, fail(`give "status" (the status of the product, or of "component" when given), or an incident ("incident_id" and "incident_status"), or both; the event has neither`)
	case hasIncident && incID == "":
		return nil, fail(`"incident_id" is required with "incident_title", "incident_status" or "impact": your own stable id for the incident, the same on every event about it`)
	}
	occurred, err := parseTime(e.OccurredAt)
	if err != nil {
		return nil, err
	}
	if pageURL != "" {
		u, err := url.Parse(pageURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fail(`"page_url" must be an absolute http or https address, e.g. "https://status.openai.com"; got %.80q`, pageURL)
		}
	}

	push := &watchfire.UpstreamPush{
		Provider: Name, EventID: id, Page: watchfire.UpstreamPage{Name: product, URL: pageURL},
		Message: message, OccurredAt: occurred,
	}
	if status != "" {
		if component == "" {
			push.Indicator = indicatorFor(status)
		} else {
			push.Components = []watchfire.ComponentChange{{UpstreamComponent: watchfire.UpstreamComponent{
				Name: component, Status: status, VendorStatus: strings.TrimSpace(e.Status),
			}}}
		}
	}
	if hasIncident {
		inc := watchfire.UpstreamIncident{
			ID: incID, Name: title, Status: incStatus, Impact: impact,
			StartedAt: occurred, UpdatedAt: occurred,
		}
		if inc.Name == "" {
			inc.Name = incID
		}
		if inc.Status == "" {
			inc.Status = watchfire.IncidentInvestigating
		}
		if inc.Impact == "" {
			inc.Impact = watchfire.ImpactFor(status)
		}
		if component != "" {
			inc.Components = []string{component}
		}
		if message != "" || incStatus != "" {
			inc.Updates = []watchfire.UpstreamUpdate{{Status: string(inc.Status), Body: message, At: occurred}}
		}
		if inc.Status.Closed() {
			end := occurred
			inc.ResolvedAt = &end
		}
		push.Incidents = []watchfire.UpstreamIncident{inc}
	}
	return push, nil
}

func fail(format string, args ...any) error { return provider.WebhookFormatf(Name, format, args...) }

func parseStatus(v string) (watchfire.ComponentStatus, error) {
	w := strings.ToLower(strings.TrimSpace(v))
	if w == "" {
		return "", nil
	}
	for _, s := range Statuses {
		if string(s) == w {
			return s, nil
		}
	}
	msg := `"status" must be one of ` + list(Statuses) + "; got " + quote(v)
	if h, ok := hints[strings.ReplaceAll(strings.ReplaceAll(w, "_", " "), "-", " ")]; ok {
		msg += " (did you mean " + quote(string(h)) + "?)"
	} else if h, ok := hints[w]; ok {
		msg += " (did you mean " + quote(string(h)) + "?)"
	}
	return "", fail("%s", msg)
}

func parseIncidentStatus(v string) (watchfire.IncidentStatus, error) {
	w := strings.ToLower(strings.TrimSpace(v))
	if w == "" {
		return "", nil
	}
	for _, s := range IncidentStatuses {
		if string(s) == w {
			return s, nil
		}
	}
	return "", fail(`"incident_status" must be one of %s; got %s`, list(IncidentStatuses), quote(v))
}

func parseImpact(v string) (watchfire.Impact, error) {
	w := strings.ToLower(strings.TrimSpace(v))
	if w == "" {
		return "", nil
	}
	for _, i := range Impacts {
		if string(i) == w {
			return i, nil
		}
	}
	return "", fail(`"impact" must be one of %s; got %s`, list(Impacts), quote(v))
}

func parseTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fail(`"occurred_at" must be an RFC 3339 time with a zone, e.g. "2025-11-03T14:32:00Z"; got %s`, quote(v))
	}
	return t.UTC(), nil
}

// indicatorFor is the page indicator a product-wide status means: the
// inverse of watchfire.IndicatorStatus.
func indicatorFor(s watchfire.ComponentStatus) watchfire.Indicator {
	switch s {
	case watchfire.StatusDegradedPerformance:
		return watchfire.IndicatorMinor
	case watchfire.StatusPartialOutage:
		return watchfire.IndicatorMajor
	case watchfire.StatusMajorOutage:
		return watchfire.IndicatorCritical
	case watchfire.StatusUnderMaintenance:
		return watchfire.IndicatorMaintenance
	}
	return watchfire.IndicatorNone
}

func list[S ~string](values []S) string {
	words := make([]string, len(values))
	for i, v := range values {
		words[i] = string(v)
	}
	return strings.Join(words, ", ")
}

// quote shows a sender's value in an error, cut to a readable length.
func quote(v string) string {
	if utf8.RuneCountInString(v) > 60 {
		r := []rune(v)
		v = string(r[:60]) + "…"
	}
	return strconv.Quote(v)
}
