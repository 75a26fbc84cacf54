// Package checkly reads status pages hosted by Checkly. Their web app
// loads its open incidents from
//
//	{page}/api/status-page/{slug}/unresolved-incidents
//
// ({"incidents":[…]}, only what is unresolved), where slug is the page's
// name in Checkly: status.mistral.ai is "mistral-ai". The address does
// not always show the slug, so Current accepts, in this order:
//
//   - the JSON's address itself, …/api/status-page/{slug}/unresolved-incidents,
//     or …/api/status-page/{slug};
//   - any page address with ?checkly_slug={slug};
//   - a page address alone, with the slug guessed from the host: without
//     a leading "status." and with dots as dashes (status.mistral.ai →
//     mistral-ai), or the first label of a *.checklyhq.com host. When the
//     guess is wrong the page answers 404, and the fix is one of the
//     two forms above.
//
// The document names only the services that have an open incident, so
// components are those, with the incident's severity; the rest of the
// page's services are operational but unlisted. There is no page-level
// status (reports carry no indicator) and no history (History answers
// provider.ErrNoHistory).
package checkly

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Name is the provider's name in the config.
const Name = "checkly"

// SlugParam is the query parameter that gives a page's Checkly slug.
const SlugParam = "checkly_slug"

type checkly struct{}

// New returns the Checkly status-page provider.
func New() provider.Provider { return checkly{} }

func (checkly) Name() string { return Name }

// apiPath matches the status-page API on any host, with or without the
// document's own name.
var apiPath = regexp.MustCompile(`^(.*/api/status-page/[A-Za-z0-9_.~-]+)(/unresolved-incidents)?/?$`)

// slugPattern is what a slug may be: never a character that would change
// the API path.
var slugPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.~-]{0,99}$`)

// Detect claims Checkly's own hosts and any address of the status-page
// API.
func (checkly) Detect(page *url.URL) bool {
	return provider.HostIs(page, "checklyhq.com") || apiPath.MatchString(page.Path) ||
		page.Query().Get(SlugParam) != ""
}

// endpoint is the unresolved-incidents address for a page.
func endpoint(page *url.URL) (string, error) {
	if m := apiPath.FindStringSubmatch(page.Path); m != nil {
		u := *page
		u.Path, u.RawPath, u.RawQuery, u.Fragment = m[1]+"/unresolved-incidents", "", "", ""
		return u.String(), nil
	}
	slug := strings.TrimSpace(page.Query().Get(SlugParam))
	if slug == "" {
		slug = GuessSlug(page.Hostname())
	}
	if !slugPattern.MatchString(slug) {
		return "", provider.Formatf("%q is not a Checkly status-page slug: give the page's …/api/status-page/{slug} address or add ?%s={slug}", slug, SlugParam)
	}
	return provider.Resolve(page, "/api/status-page/"+slug+"/unresolved-incidents"), nil
}

// GuessSlug guesses a page's slug from its host, as Checkly names the
// pages we have seen: status.mistral.ai is mistral-ai. A *.checklyhq.com
// page is named by its first label.
func GuessSlug(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if strings.HasSuffix(host, ".checklyhq.com") {
		first, _, _ := strings.Cut(host, ".")
		return first
	}
	host = strings.TrimPrefix(host, "status.")
	host = strings.TrimPrefix(host, "www.")
	return strings.ReplaceAll(host, ".", "-")
}

// Current reads the unresolved incidents.
func (checkly) Current(ctx context.Context, c provider.Client, page *url.URL) (*watchfire.UpstreamReport, error) {
	addr, err := endpoint(page)
	if err != nil {
		return nil, err
	}
	resp, err := c.Get(ctx, addr)
	if err != nil {
		return nil, err
	}
	var doc document
	if err := provider.DecodeJSON(resp, &doc); err != nil {
		return nil, err
	}
	rep, err := doc.report()
	if err != nil {
		return nil, err
	}
	rep.Page.URL = page.String()
	rep.Page.Name = page.Hostname()
	// The web app shows an incident at /incidents/{id} on the page's host.
	base := url.URL{Scheme: page.Scheme, Host: page.Host}
	for i := range rep.Incidents {
		rep.Incidents[i].URL = base.String() + "/incidents/" + url.PathEscape(rep.Incidents[i].ID)
	}
	for i := range rep.Maintenances {
		rep.Maintenances[i].URL = base.String() + "/incidents/" + url.PathEscape(rep.Maintenances[i].ID)
	}
	return rep, nil
}

// History: the page's API serves unresolved incidents only.
func (checkly) History(context.Context, provider.Client, *url.URL) ([]watchfire.UpstreamIncident, error) {
	return nil, provider.ErrNoHistory
}

// Parse normalizes an unresolved-incidents document.
func (checkly) Parse(body []byte) (*watchfire.UpstreamReport, error) {
	var doc document
	if err := provider.UnmarshalJSON(body, &doc); err != nil {
		return nil, err
	}
	return doc.report()
}

// document is the unresolved-incidents answer: "incidents" alone. Other
// formats have an "incidents" list too, always next to something else
// (Statuspage and incident.io a page, Heroku status and scheduled), and a
// Checkly incident has a severity.
type document struct {
	Incidents *[]incidentDoc `json:"incidents"`
	// Keys that belong to other formats' documents.
	Page       json.RawMessage `json:"page"`
	Status     json.RawMessage `json:"status"`
	Components json.RawMessage `json:"components"`
	Scheduled  json.RawMessage `json:"scheduled"`
}

// incidentDoc mixes camelCase (lastUpdateStatus, incidentUpdates) with
// snake_case (created_at), as Checkly writes it.
type incidentDoc struct {
	ID               flexString  `json:"id"`
	Name             *string     `json:"name"`
	Severity         *string     `json:"severity"`
	CreatedAt        string      `json:"created_at"`
	UpdatedAt        string      `json:"updated_at"`
	LastUpdateStatus string      `json:"lastUpdateStatus"`
	Services         []service   `json:"services"`
	Updates          []updateDoc `json:"incidentUpdates"`
}

type service struct {
	ID   flexString `json:"id"`
	Name string     `json:"name"`
}

type updateDoc struct {
	Status      string `json:"status"`
	Description string `json:"description"`
	// PublicIncidentUpdateDate is when the update says it happened, which
	// the author may set; created_at is when it was posted.
	PublicIncidentUpdateDate string `json:"publicIncidentUpdateDate"`
	CreatedAt                string `json:"created_at"`
}

// flexString takes a JSON string or number and ignores anything else.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*f = flexString(n.String())
	}
	return nil
}

func (d *document) report() (*watchfire.UpstreamReport, error) {
	if d.Incidents == nil || len(d.Page)+len(d.Status)+len(d.Components)+len(d.Scheduled) > 0 {
		return nil, provider.Formatf("no incidents[] alone: not a Checkly status page's incidents")
	}
	rep := &watchfire.UpstreamReport{Provider: Name}
	services := map[string]int{} // index in rep.Components, by id or name
	for i := range *d.Incidents {
		in := &(*d.Incidents)[i]
		if in.Name == nil || in.Severity == nil {
			return nil, provider.Formatf("an incident lacks name or severity: not a Checkly status page's incident")
		}
		status := SeverityStatus(*in.Severity)
		ups, last, maint := timeline(in.Updates)
		maint = maint || strings.EqualFold(*in.Severity, maintenanceWord) || strings.EqualFold(in.LastUpdateStatus, maintenanceWord)
		var names []string
		for _, s := range in.Services {
			name := strings.TrimSpace(s.Name)
			if name == "" {
				continue
			}
			names = append(names, name)
			st := status
			if maint {
				st = watchfire.StatusUnderMaintenance
			}
			key := string(s.ID)
			if key == "" {
				key = name
			}
			if j, ok := services[key]; ok {
				c := &rep.Components[j]
				c.Status = watchfire.Worse(c.Status, st)
				if c.Status == st {
					c.VendorStatus = *in.Severity
				}
				continue
			}
			services[key] = len(rep.Components)
			rep.Components = append(rep.Components, watchfire.UpstreamComponent{
				ID: string(s.ID), Name: name, Status: st, VendorStatus: *in.Severity,
			})
		}
		updated := provider.Later(when(in.UpdatedAt), provider.LastUpdate(ups))
		rep.UpdatedAt = provider.Later(rep.UpdatedAt, updated)
		if maint {
			rep.Maintenances = append(rep.Maintenances, watchfire.UpstreamMaintenance{
				ID: string(in.ID), Name: strings.TrimSpace(*in.Name), Status: watchfire.MaintenanceInProgress,
				Impact: watchfire.ImpactMaintenance, ScheduledFor: when(in.CreatedAt), Components: names, Updates: ups,
			})
			continue
		}
		inc := watchfire.UpstreamIncident{
			ID: string(in.ID), Name: strings.TrimSpace(*in.Name), Status: watchfire.IncidentInvestigating,
			Impact: SeverityImpact(*in.Severity), StartedAt: when(in.CreatedAt), UpdatedAt: updated,
			Components: names, Updates: ups,
		}
		// lastUpdateStatus is Checkly's own summary of the timeline; the
		// newest update stands in when it is missing.
		if s, ok := UpdateStatus(in.LastUpdateStatus); ok {
			inc.Status = s
		} else if s, ok := UpdateStatus(last); ok {
			inc.Status = s
		}
		if inc.Status.Closed() && !updated.IsZero() {
			inc.ResolvedAt = &updated
		}
		rep.Incidents = append(rep.Incidents, inc)
	}
	slices.SortStableFunc(rep.Incidents, func(a, b watchfire.UpstreamIncident) int { return b.StartedAt.Compare(a.StartedAt) })
	return rep, nil
}

// timeline maps updates newest first, with the newest one's Checkly
// status and whether any says MAINTENANCE.
func timeline(docs []updateDoc) (ups []watchfire.UpstreamUpdate, last string, maint bool) {
	sorted := slices.Clone(docs)
	at := func(u updateDoc) time.Time {
		if t := when(u.PublicIncidentUpdateDate); !t.IsZero() {
			return t
		}
		return when(u.CreatedAt)
	}
	slices.SortStableFunc(sorted, func(a, b updateDoc) int { return at(b).Compare(at(a)) })
	for _, u := range sorted {
		ups = append(ups, watchfire.UpstreamUpdate{Status: updateWord(u.Status), Body: strings.TrimSpace(u.Description), At: at(u)})
		maint = maint || strings.EqualFold(strings.TrimSpace(u.Status), maintenanceWord)
	}
	if len(sorted) > 0 {
		last = sorted[0].Status
	}
	return ups, last, maint
}

// when parses a timestamp, zero when missing or malformed.
func when(s string) time.Time {
	t, err := provider.Time(s)
	if err != nil {
		return time.Time{}
	}
	return t
}
