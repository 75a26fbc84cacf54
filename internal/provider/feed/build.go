package feed

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/watchfire-status/watchfire"
)

// entry is one feed item, read.
type entry struct {
	guid       string
	title      string
	link       string
	at         time.Time // last updated, else published; zero if neither parses
	published  time.Time
	html       string // content, else description: the vendor's HTML
	categories []string
}

// thread is the items that tell one incident, newest first.
type thread struct {
	key     string
	entries []entry
}

// incident is a thread read: the incident, or the maintenance when the
// feed's status words are a maintenance's.
type incident struct {
	inc         watchfire.UpstreamIncident
	maintenance watchfire.MaintenanceStatus // "" for incidents
	components  map[string]watchfire.ComponentStatus
}

// awsGUID is AWS's item id, "https://status.aws.amazon.com/#<service>-<region>_<epoch>":
// every update of an event is its own item, and the part before the epoch
// ties them together.
var awsGUID = regexp.MustCompile(`#([^#\s]+?)_(\d{9,13})$`)

// entries reads the feed's items, skipping those with nothing to show.
func entries(f *gofeed.Feed) []entry {
	out := make([]entry, 0, len(f.Items))
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		e := entry{guid: strings.TrimSpace(it.GUID), title: strings.TrimSpace(PlainText(it.Title)),
			link: strings.TrimSpace(it.Link), html: it.Content}
		if strings.TrimSpace(e.html) == "" {
			e.html = it.Description
		}
		if it.PublishedParsed != nil {
			e.published = it.PublishedParsed.UTC()
		}
		e.at = e.published
		if it.UpdatedParsed != nil {
			e.at = it.UpdatedParsed.UTC()
		}
		if e.published.IsZero() {
			e.published = e.at
		}
		for _, c := range it.Categories {
			if c = strings.TrimSpace(c); c != "" && !slices.Contains(e.categories, c) {
				e.categories = append(e.categories, c)
			}
		}
		if e.title == "" && strings.TrimSpace(e.html) == "" {
			continue
		}
		out = append(out, e)
	}
	return out
}

// threads groups entries into incidents: AWS items by service and region,
// then split where an item resolved the previous event; every other
// vendor's item (Statuspage, incident.io, Azure) is one incident already,
// keyed by its id.
func threads(es []entry) []thread {
	var order []string
	by := map[string][]entry{}
	for i, e := range es {
		key := e.guid
		if m := awsGUID.FindStringSubmatch(e.guid); m != nil {
			key = m[1]
		} else if key == "" {
			key = e.link
		}
		if key == "" || by[key] != nil && !awsGUID.MatchString(e.guid) {
			// No id, or a vendor reusing one id for different items:
			// keep the item on its own.
			key = cmp.Or(e.guid, e.link, "item") + "#" + strconv.Itoa(i)
		}
		if _, ok := by[key]; !ok {
			order = append(order, key)
		}
		by[key] = append(by[key], e)
	}
	var out []thread
	for _, key := range order {
		group := by[key]
		slices.SortStableFunc(group, func(a, b entry) int { return b.at.Compare(a.at) })
		// Oldest first, a resolved item ends an event: what follows is
		// the next one. The newest event keeps the plain key so that its
		// id does not change as older items fall off the feed.
		var parts [][]entry
		start := len(group)
		for i := len(group) - 1; i >= 0; i-- {
			if i > 0 && resolvedEntry(group[i]) {
				parts = append(parts, group[i:start])
				start = i
			}
		}
		parts = append(parts, group[:start])
		for j, part := range parts {
			if len(part) == 0 {
				continue
			}
			k := key
			if j < len(parts)-1 {
				k = key + "@" + strconv.FormatInt(part[len(part)-1].at.Unix(), 10)
			}
			out = append(out, thread{key: k, entries: part})
		}
	}
	return out
}

// resolvedEntry reports whether an item closes its incident.
func resolvedEntry(e entry) bool {
	l, ok := entryStatus(e)
	return ok && l.incident.Closed()
}

// entryStatus reads an item's status: the status word of its latest
// update when the feed has them, else the resolved markers of its title
// and text. ok is false when nothing is said.
func entryStatus(e entry) (lifecycle, bool) {
	if ups := statuspageUpdates(e); len(ups) > 0 {
		for _, u := range ups {
			if u.word != nil {
				return *u.word, true
			}
		}
	}
	if w := incidentIOStatus.FindStringSubmatch(e.html); w != nil {
		if l, ok := statusWord(PlainText(w[1])); ok {
			return l, true
		}
	}
	title := strings.ToLower(e.title)
	for _, m := range resolvedTitleMarkers {
		if strings.Contains(title, m) {
			return lifecycle{incident: watchfire.IncidentResolved}, true
		}
	}
	for _, p := range resolvedTitlePrefixes {
		if strings.HasPrefix(title, p) {
			return lifecycle{incident: watchfire.IncidentResolved}, true
		}
	}
	body := strings.ToLower(PlainText(e.html))
	for _, p := range resolvedBodyPhrases {
		if strings.Contains(body, p) {
			return lifecycle{incident: watchfire.IncidentResolved}, true
		}
	}
	return lifecycle{}, false
}

// entryImpact reads an item's impact: from incident.io's component
// statuses when it lists them, else from impactPhrases. ok is false when
// nothing matched.
func entryImpact(e entry) (watchfire.Impact, bool) {
	worst := watchfire.ComponentStatus("")
	for _, c := range affectedComponents(e.html) {
		worst = watchfire.Worse(worst, c.status)
	}
	if worst != "" && worst != watchfire.StatusOperational && worst != watchfire.StatusUnderMaintenance {
		return watchfire.ImpactFor(worst), true
	}
	title := strings.ToLower(e.title)
	for _, p := range impactPhrases {
		if strings.Contains(title, p.phrase) {
			return p.impact, true
		}
	}
	body := strings.ToLower(PlainText(e.html))
	for _, p := range impactPhrases {
		if strings.Contains(body, p.phrase) {
			return p.impact, true
		}
	}
	return "", false
}

// incidentName is a title without the status words before it.
func incidentName(title string) string {
	name := strings.TrimSpace(title)
	for again := true; again; {
		again = false
		low := strings.ToLower(name)
		for _, p := range titlePrefixes {
			if strings.HasPrefix(low, p) {
				name, again = strings.TrimSpace(name[len(p):]), true
				break
			}
		}
	}
	if name == "" {
		return strings.TrimSpace(title)
	}
	return name
}

// build reads one thread into an incident or a maintenance.
func build(t thread) incident {
	newest, oldest := t.entries[0], t.entries[len(t.entries)-1]
	out := incident{components: map[string]watchfire.ComponentStatus{}}
	inc := &out.inc
	inc.ID = t.key
	inc.Name = incidentName(newest.title)
	if inc.Name == "" {
		inc.Name = strings.TrimSpace(firstLine(PlainText(newest.html)))
	}
	inc.URL = newest.link
	inc.UpdatedAt = newest.at
	inc.StartedAt = oldest.published

	// Status: the newest item that says one.
	status := lifecycle{incident: watchfire.IncidentInvestigating}
	for _, e := range t.entries {
		if l, ok := entryStatus(e); ok {
			status = l
			break
		}
	}
	// Impact: the worst any item said, so that AWS's final "operating
	// normally" item keeps the event's severity.
	impact, found := watchfire.Impact(""), false
	for _, e := range t.entries {
		if i, ok := entryImpact(e); ok && (!found || i.Rank() > impact.Rank()) {
			impact, found = i, true
		}
	}
	if !found {
		impact = defaultImpact
	}
	inc.Impact = impact

	// Components: what the items name — AWS's service and region, Azure's
	// categories, incident.io's affected components with their statuses.
	addComponent := func(name string, s watchfire.ComponentStatus) {
		if name = strings.TrimSpace(name); name == "" {
			return
		}
		if _, seen := out.components[name]; !seen {
			inc.Components = append(inc.Components, name)
		}
		out.components[name] = s
	}
	if m := awsGUID.FindStringSubmatch(newest.guid); m != nil {
		addComponent(m[1], impactStatus(impact))
	}
	for _, c := range newest.categories {
		addComponent(c, impactStatus(impact))
	}
	for _, c := range affectedComponents(newest.html) {
		addComponent(c.name, c.status)
	}

	// Updates: Statuspage's items hold every update of the incident;
	// others are one update per item.
	if ups := statuspageUpdates(newest); len(ups) > 0 && len(t.entries) == 1 {
		inc.Updates = statuspageTimeline(ups, newest)
		if last := inc.Updates[len(inc.Updates)-1].At; !last.IsZero() {
			inc.StartedAt = last
		}
	} else {
		carried := ""
		for i := len(t.entries) - 1; i >= 0; i-- {
			e := t.entries[i]
			if l, ok := entryStatus(e); ok {
				carried = l.word()
			} else if carried == "" {
				carried = string(watchfire.IncidentInvestigating)
			}
			inc.Updates = append(inc.Updates, watchfire.UpstreamUpdate{Status: carried, Body: updateBody(e), At: e.at})
		}
		slices.Reverse(inc.Updates)
	}

	switch {
	case status.maintenance != "" && status.maintenance != watchfire.MaintenanceCompleted:
		out.maintenance = status.maintenance
		inc.Status = watchfire.IncidentInvestigating // unused: read as a maintenance
	case status.incident != "":
		inc.Status = status.incident
	default:
		inc.Status = watchfire.IncidentResolved
	}
	if status.maintenance == watchfire.MaintenanceCompleted {
		inc.Impact = watchfire.ImpactNone
	}
	if inc.Status.Closed() && out.maintenance == "" && !inc.UpdatedAt.IsZero() {
		at := inc.UpdatedAt
		inc.ResolvedAt = &at
	}
	if inc.StartedAt.IsZero() || (!inc.UpdatedAt.IsZero() && inc.StartedAt.After(inc.UpdatedAt)) {
		inc.StartedAt = inc.UpdatedAt
	}
	return out
}

// word is the status as an update's Status: the incident's, or the
// maintenance's when it is one.
func (l lifecycle) word() string {
	if l.maintenance != "" {
		return string(l.maintenance)
	}
	return string(l.incident)
}

// updateBody is an item's text as plain text, or its title when it has
// none.
func updateBody(e entry) string {
	// incident.io's "Status: Resolved" heading is the update's Status.
	body := PlainText(incidentIOStatus.ReplaceAllString(e.html, ""))
	if body == "" {
		return e.title
	}
	return body
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// incidentIOStatus is incident.io's "<b>Status: Resolved</b>".
var incidentIOStatus = regexp.MustCompile(`(?is)<b>\s*Status:\s*([^<]{1,40})</b>`)

// affected is one of incident.io's "<li>Name (Status)</li>".
type affected struct {
	name   string
	status watchfire.ComponentStatus
}

var affectedItem = regexp.MustCompile(`(?is)<li>\s*([^<]*?)\s*\(([^()<]{1,40})\)\s*</li>`)

// affectedComponents reads incident.io's "Affected components" list;
// nil for items without one.
func affectedComponents(html string) []affected {
	i := strings.Index(strings.ToLower(html), "affected components")
	if i < 0 {
		return nil
	}
	var out []affected
	for _, m := range affectedItem.FindAllStringSubmatch(html[i:], -1) {
		s, ok := componentStatusWords[strings.ToLower(strings.TrimSpace(m[2]))]
		name := PlainText(m[1])
		if !ok || name == "" {
			continue
		}
		out = append(out, affected{name: name, status: s})
	}
	return out
}

// statuspageUpdate is one "<p><small>When</small><br><strong>Status</strong> - body</p>"
// of an Atlassian Statuspage feed item.
type statuspageUpdate struct {
	when string
	word *lifecycle // nil for "Update", which keeps the status before it
	raw  string     // the status word as written
	body string
}

var statuspageBlock = regexp.MustCompile(`(?is)<small>(.*?)</small>\s*(?:<br\s*/?>)?\s*<strong>(.*?)</strong>\s*-\s*(.*?)(?:</p>|$)`)

// statuspageUpdates splits a Statuspage item into its updates, newest
// first; nil for items of other vendors.
func statuspageUpdates(e entry) []statuspageUpdate {
	if !strings.Contains(e.html, "<strong>") || !strings.Contains(e.html, "<small>") {
		return nil
	}
	var out []statuspageUpdate
	for _, p := range strings.SplitAfter(e.html, "</p>") {
		m := statuspageBlock.FindStringSubmatch(p)
		if m == nil {
			continue
		}
		u := statuspageUpdate{when: PlainText(m[1]), raw: PlainText(m[2]), body: PlainText(m[3])}
		if l, ok := statusWord(u.raw); ok {
			u.word = &l
		}
		out = append(out, u)
	}
	return out
}

// statuspageTimeline turns an item's updates into ours, newest first,
// with "Update" entries given the status they continue.
func statuspageTimeline(ups []statuspageUpdate, e entry) []watchfire.UpstreamUpdate {
	out := make([]watchfire.UpstreamUpdate, len(ups))
	carried := string(watchfire.IncidentInvestigating)
	ref := cmp.Or(e.published, e.at)
	for i := len(ups) - 1; i >= 0; i-- {
		u := ups[i]
		if u.word != nil {
			carried = u.word.word()
		}
		at, ok := statuspageTime(u.when, ref)
		if !ok {
			at = e.at
		}
		out[i] = watchfire.UpstreamUpdate{Status: carried, Body: u.body, At: at}
	}
	return out
}

// statuspageWhen is "Sep 3, 17:11 UTC", with a year when it is not the
// current one ("Dec 14, 2023 - 10:00 UTC").
var statuspageWhen = regexp.MustCompile(`^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?\s*[,-]?\s*-?\s*(\d{1,2}):(\d{2})\s*([A-Za-z]{1,5})?$`)

// statuspageTime reads an update's time. Statuspage leaves the year out
// for the current year, so it is the year of the item's date (ref), or
// the one before when that would put the update after the item.
func statuspageTime(s string, ref time.Time) (time.Time, bool) {
	m := statuspageWhen.FindStringSubmatch(strings.Join(strings.Fields(s), " "))
	if m == nil {
		return time.Time{}, false
	}
	month, err := time.Parse("Jan", strings.ToUpper(m[1][:1])+strings.ToLower(m[1][1:3]))
	if err != nil {
		return time.Time{}, false
	}
	day, _ := strconv.Atoi(m[2])
	hour, _ := strconv.Atoi(m[4])
	minute, _ := strconv.Atoi(m[5])
	if day < 1 || day > 31 || hour > 23 || minute > 59 {
		return time.Time{}, false
	}
	loc := time.UTC
	if m[6] != "" {
		off, ok := ZoneOffset(m[6])
		if !ok {
			return time.Time{}, false
		}
		loc = time.FixedZone(strings.ToUpper(m[6]), off)
	}
	year := ref.Year()
	if m[3] != "" {
		year, _ = strconv.Atoi(m[3])
	}
	t := time.Date(year, month.Month(), day, hour, minute, 0, 0, loc)
	if m[3] == "" && !ref.IsZero() && t.After(ref.Add(48*time.Hour)) {
		t = t.AddDate(-1, 0, 0)
	}
	return t.UTC(), true
}
