package incidentio

import (
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/atlassian"
)

// The entry HTML of incident.io's feed.atom: the latest update only,
//
//	<b>Status: Resolved</b><br/><br/>The issue … resolved.<br/><br/>
//	<b>Affected components</b><ul><li>File uploads (Operational)</li>…</ul>
var (
	feedStatus     = regexp.MustCompile(`(?is)<b>\s*Status:\s*([^<]*?)\s*</b>`)
	feedAffected   = regexp.MustCompile(`(?is)<b>\s*Affected components\s*</b>`)
	feedItem       = regexp.MustCompile(`(?is)<li>(.*?)</li>`)
	feedItemStatus = regexp.MustCompile(`^(.*\S)\s*\(([^()]*)\)$`) // "Codex Web (Partial outage)"
)

// parseFeed reads incident.io's feed.atom: one incident (or maintenance)
// per entry, with the latest update, the status it names and the
// components it lists. Every entry is kept, resolved ones included. A
// feed that is not incident.io's gives ErrFormat.
func parseFeed(body []byte) (*watchfire.UpstreamReport, error) {
	feed, err := provider.ParseFeed(body)
	if err != nil {
		return nil, err
	}
	if !isIncidentIOFeed(feed) {
		return nil, provider.Formatf("an RSS or Atom feed, but not incident.io's (no incident.io generator, no <b>Status: …</b> entries)")
	}
	rep := &watchfire.UpstreamReport{Provider: Name}
	rep.Page = watchfire.UpstreamPage{Name: strings.TrimSuffix(collapse(feed.Title), " status"), URL: feed.Link}
	if feed.UpdatedParsed != nil {
		rep.UpdatedAt = feed.UpdatedParsed.UTC()
	}
	for _, item := range feed.Items {
		if item != nil {
			feedEntry(rep, item)
		}
	}
	atlassian.SortIncidents(rep.Incidents)
	return rep, nil
}

func isIncidentIOFeed(feed *gofeed.Feed) bool {
	if strings.EqualFold(strings.TrimSpace(feed.Generator), "incident.io") {
		return true
	}
	for _, item := range feed.Items {
		if item != nil && feedStatus.MatchString(item.Content+item.Description) {
			return true
		}
	}
	return false
}

func feedEntry(rep *watchfire.UpstreamReport, item *gofeed.Item) {
	content := item.Content
	if strings.TrimSpace(content) == "" {
		content = item.Description
	}
	var at, published time.Time
	if item.UpdatedParsed != nil {
		at = item.UpdatedParsed.UTC()
	}
	if item.PublishedParsed != nil {
		published = item.PublishedParsed.UTC()
	}
	if at.IsZero() {
		at = published
	}
	if published.IsZero() {
		published = at
	}

	word := ""
	body := content
	if m := feedStatus.FindStringSubmatchIndex(content); m != nil {
		word = content[m[2]:m[3]]
		body = content[m[1]:]
	}
	var comps []string
	worst := watchfire.ComponentStatus("")
	if loc := feedAffected.FindStringIndex(body); loc != nil {
		for _, li := range feedItem.FindAllStringSubmatch(body[loc[1]:], -1) {
			text := atlassian.Plain(li[1])
			name, status := text, ""
			if m := feedItemStatus.FindStringSubmatch(text); m != nil {
				name, status = m[1], m[2]
			}
			if name = collapse(name); name != "" {
				comps = append(comps, name)
			}
			worst = watchfire.Worse(worst, ComponentStatus(status))
		}
		body = body[:loc[0]]
	}

	// incident.io's links have a double slash (https://status.openai.com//incidents/…).
	link := strings.TrimSpace(item.Link)
	if u, err := url.Parse(link); err == nil && u.Host != "" {
		for strings.Contains(u.Path, "//") {
			u.Path = strings.ReplaceAll(u.Path, "//", "/")
		}
		link = u.String()
	}
	id := item.GUID
	if i := strings.LastIndex(link, "/incidents/"); i >= 0 && !strings.Contains(link[i+len("/incidents/"):], "/") {
		id = link[i+len("/incidents/"):]
	}
	up := watchfire.UpstreamUpdate{Status: UpdateStatus(word), Body: atlassian.Plain(body), At: at}
	name := collapse(atlassian.Plain(item.Title))

	if _, ok := maintenanceStatuses[norm(word)]; ok && !isIncidentWord(word) {
		rep.Maintenances = append(rep.Maintenances, watchfire.UpstreamMaintenance{
			ID: id, Name: name, URL: link,
			Status:     MaintenanceStatus(word, watchfire.MaintenanceScheduled),
			Impact:     watchfire.ImpactMaintenance,
			Components: comps,
			Updates:    []watchfire.UpstreamUpdate{up},
		})
		return
	}
	inc := watchfire.UpstreamIncident{
		ID: id, Name: name, URL: link,
		Status: IncidentStatus(word),
		// The listed statuses are the components' now, after this update,
		// so a resolved incident rates "none": the feed keeps no worst.
		Impact:     Impact(worst),
		StartedAt:  published,
		UpdatedAt:  at,
		Components: comps,
		Updates:    []watchfire.UpstreamUpdate{up},
	}
	if inc.Status.Closed() {
		t := at
		inc.ResolvedAt = &t
	}
	rep.Incidents = append(rep.Incidents, inc)
}

// isIncidentWord reports whether the feed's status word is an incident
// status ("Resolved" is one for both kinds; an incident reads it first).
func isIncidentWord(w string) bool {
	_, ok := incidentStatuses[norm(w)]
	return ok
}
