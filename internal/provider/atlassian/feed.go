package atlassian

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// ParseFeed reads a Statuspage history.atom or history.rss into a report
// credited to providerName: one incident (or maintenance) per entry, its
// timeline read from the entry's HTML, which has one paragraph per update:
//
//	<p><small>Sep <var data-var='date'> 3</var>, <var data-var='time'>17:11</var> UTC</small><br>
//	<strong>Resolved</strong> - This incident has been resolved.</p>
//
// The feed has no page indicator, no components and no impacts: the
// report has no indicator, and incidents have impact "none" (unknown).
// Every entry is kept, resolved ones included. A feed that is not
// Statuspage's gives an error wrapping ErrFormat.
func ParseFeed(body []byte, providerName string) (*watchfire.UpstreamReport, error) {
	feed, err := provider.ParseFeed(body)
	if err != nil {
		return nil, err
	}
	if !isStatuspageFeed(feed) {
		return nil, provider.Formatf("an RSS or Atom feed, but not a Statuspage incident history (no <small>date</small> <strong>Status</strong> updates)")
	}
	rep := &watchfire.UpstreamReport{Provider: providerName}
	rep.Page.Name = strings.TrimSuffix(collapse(feed.Title), " - Incident History")
	rep.Page.URL = feed.Link
	if feed.UpdatedParsed != nil {
		rep.UpdatedAt = feed.UpdatedParsed.UTC()
	} else if feed.PublishedParsed != nil {
		rep.UpdatedAt = feed.PublishedParsed.UTC()
	}
	for _, item := range feed.Items {
		if item == nil {
			continue
		}
		feedItem(rep, item)
	}
	SortIncidents(rep.Incidents)
	return rep, nil
}

// isStatuspageFeed recognizes Statuspage's history feeds: RSS channels
// describe themselves as "Statuspage", Atom entries have ids like
// tag:www.githubstatus.com,2005:Incident/31343987, titles end in
// " - Incident History", and entries hold the update paragraphs.
func isStatuspageFeed(feed *gofeed.Feed) bool {
	if strings.EqualFold(strings.TrimSpace(feed.Description), "Statuspage") ||
		strings.HasSuffix(strings.TrimSpace(feed.Title), " - Incident History") {
		return true
	}
	for _, item := range feed.Items {
		if item == nil {
			continue
		}
		if strings.HasPrefix(item.GUID, "tag:") && strings.Contains(item.GUID, ",2005:Incident/") {
			return true
		}
		if len(feedBlocks(itemHTML(item)).updates) > 0 {
			return true
		}
	}
	return false
}

func itemHTML(item *gofeed.Item) string {
	if strings.TrimSpace(item.Content) != "" {
		return item.Content
	}
	return item.Description
}

// feedItem adds one entry as an incident or a maintenance.
func feedItem(rep *watchfire.UpstreamReport, item *gofeed.Item) {
	ref := time.Time{} // the entry's own date: the year the update dates leave out
	switch {
	case item.PublishedParsed != nil:
		ref = item.PublishedParsed.UTC()
	case item.UpdatedParsed != nil:
		ref = item.UpdatedParsed.UTC()
	case !rep.UpdatedAt.IsZero():
		ref = rep.UpdatedAt
	}
	parsed := feedBlocks(itemHTML(item))
	var ups []watchfire.UpstreamUpdate
	for _, b := range parsed.updates {
		ups = append(ups, watchfire.UpstreamUpdate{Status: UpdateStatus(b.word), Body: b.body, At: feedTime(b.when, ref)})
	}
	SortUpdates(ups)

	// The entry's status is its newest update that names one: "Update"
	// entries change nothing.
	status := ""
	for _, u := range ups {
		if _, ok := incidentStatuses[u.Status]; ok {
			status = u.Status
			break
		}
		if _, ok := maintenanceStatuses[u.Status]; ok {
			status = u.Status
			break
		}
	}
	id := item.GUID
	link := strings.TrimSpace(item.Link)
	if u, err := url.Parse(link); err == nil {
		if rest, ok := strings.CutPrefix(u.Path, "/incidents/"); ok && rest != "" && !strings.Contains(rest, "/") {
			id = rest // the same id as the JSON API's, so both sources name an incident alike
		}
	}
	name := collapse(item.Title)
	var first, last time.Time
	if len(ups) > 0 {
		last, first = ups[0].At, ups[len(ups)-1].At
	}
	if last.IsZero() {
		last = ref
	}
	if first.IsZero() {
		first = ref
	}

	if isMaintenanceStatus(status) {
		m := watchfire.UpstreamMaintenance{
			ID: id, Name: name, URL: link,
			Status:  MaintenanceStatus(status),
			Impact:  watchfire.ImpactMaintenance,
			Updates: ups,
		}
		if parsed.schedule != "" {
			m.ScheduledFor, m.ScheduledUntil = scheduleWindow(parsed.schedule, ref)
		}
		rep.Maintenances = append(rep.Maintenances, m)
		return
	}
	inc := watchfire.UpstreamIncident{
		ID: id, Name: name, URL: link,
		Status:    IncidentStatus(status),
		Impact:    watchfire.ImpactNone, // the feed does not say; "none" is Impact's unknown
		StartedAt: first,
		UpdatedAt: last,
		Updates:   ups,
	}
	if inc.Status.Closed() {
		for _, u := range ups {
			if u.Status == string(watchfire.IncidentResolved) {
				at := u.At
				inc.ResolvedAt = &at
				break
			}
		}
	}
	rep.Incidents = append(rep.Incidents, inc)
}

// feedBlock is one update paragraph of an entry.
type feedBlock struct {
	when string // "Sep 3, 17:11 UTC"
	word string // "Resolved", "Update", "In progress"
	body string // plain text
}

type feedContent struct {
	updates  []feedBlock
	schedule string // a maintenance's "THIS IS A SCHEDULED EVENT …" line, if any
}

// feedBlocks splits an entry's HTML into its update paragraphs. It walks
// tokens: in each <p>, the <small> is the date, the first <strong> after
// it the status, and everything after that the body, kept as HTML and
// turned into text by Plain.
func feedBlocks(content string) feedContent {
	var out feedContent
	if !strings.Contains(content, "<") {
		return out
	}
	z := nethtml.NewTokenizer(strings.NewReader(content))
	const (
		start = iota
		inSmall
		afterSmall
		inStrong
		inBody
		inHeadline // a <strong> with no <small> before it: the maintenance schedule line
	)
	state := start
	var when, word, headline strings.Builder
	var body strings.Builder
	flush := func() {
		if state == inBody || state == inStrong {
			out.updates = append(out.updates, feedBlock{
				when: collapse(when.String()),
				word: collapse(word.String()),
				body: strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(Plain(body.String())), "-")),
			})
		}
		if h := collapse(headline.String()); out.schedule == "" && strings.HasPrefix(strings.ToUpper(h), "THIS IS A SCHEDULED EVENT") {
			out.schedule = h
		}
		state = start
		when.Reset()
		word.Reset()
		body.Reset()
		headline.Reset()
	}
	for {
		tt := z.Next()
		if tt == nethtml.ErrorToken {
			flush()
			return out
		}
		var a atom.Atom
		if tt != nethtml.TextToken {
			name, _ := z.TagName()
			a = atom.Lookup(name)
		}
		switch {
		case a == atom.P && tt == nethtml.StartTagToken:
			flush()
		case a == atom.P && tt == nethtml.EndTagToken:
			flush()
		case state == inBody:
			body.Write(z.Raw())
		case tt == nethtml.TextToken:
			switch state {
			case inSmall:
				when.Write(z.Text())
			case inStrong:
				word.Write(z.Text())
			case inHeadline:
				headline.Write(z.Text())
			}
		case a == atom.Small && tt == nethtml.StartTagToken && state == start:
			state = inSmall
		case a == atom.Small && tt == nethtml.EndTagToken && state == inSmall:
			state = afterSmall
		case a == atom.Strong && tt == nethtml.StartTagToken && state == afterSmall:
			state = inStrong
		case a == atom.Strong && tt == nethtml.StartTagToken && state == start:
			state = inHeadline
		case a == atom.Strong && tt == nethtml.EndTagToken && state == inStrong:
			state = inBody
		case a == atom.Strong && tt == nethtml.EndTagToken && state == inHeadline:
			state = start
			if h := collapse(headline.String()); out.schedule == "" && strings.HasPrefix(strings.ToUpper(h), "THIS IS A SCHEDULED EVENT") {
				out.schedule = h
			}
			headline.Reset()
		}
	}
}

// feedDate matches the date of an update: "Sep 3, 17:11 UTC", with an
// optional year ("Dec 30, 2019 - 23:10 PST") and zone.
var feedDate = regexp.MustCompile(`^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?\s*[,-]?\s*(\d{1,2}):(\d{2})\s*([A-Za-z]{1,5}|[+-]\d{2}(?::?\d{2})?)?$`)

var months = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// zoneOffsets are the zone abbreviations Statuspage prints after a time
// (Rails' strftime %Z of the page's zone), as offsets from UTC in
// minutes. Abbreviations can be ambiguous; where they are (IST, CST) the
// table takes the zone Statuspage pages use most (India, US Central). An
// abbreviation not listed is read as UTC.
var zoneOffsets = map[string]int{
	"UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "WET": 0,
	"BST": 60, "IST": 330, "CET": 60, "CEST": 120, "WEST": 60, "EET": 120, "EEST": 180, "MSK": 180,
	"EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
	"PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
	"JST": 540, "KST": 540, "SGT": 480, "HKT": 480, "AWST": 480,
	"ACST": 570, "ACDT": 630, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
}

// feedTime reads an update's date. The feed leaves out the year: it is
// the entry's (ref), or the one before when that would put the update
// more than two days after the entry (an incident that spans New Year).
// An unreadable date gives the entry's time.
func feedTime(s string, ref time.Time) time.Time {
	m := feedDate.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return ref
	}
	month, ok := months[strings.ToLower(m[1])]
	if !ok {
		return ref
	}
	day, _ := strconv.Atoi(m[2])
	hour, _ := strconv.Atoi(m[4])
	minute, _ := strconv.Atoi(m[5])
	if day < 1 || day > 31 || hour > 23 || minute > 59 {
		return ref
	}
	offset, ok := zoneOffset(m[6])
	if !ok {
		offset = 0
	}
	year := ref.Year()
	if m[3] != "" {
		year, _ = strconv.Atoi(m[3])
	} else if ref.IsZero() {
		return ref
	}
	at := func(y int) time.Time {
		return time.Date(y, month, day, hour, minute, 0, 0, time.UTC).Add(-time.Duration(offset) * time.Minute)
	}
	t := at(year)
	if m[3] == "" && t.After(ref.Add(48*time.Hour)) {
		t = at(year - 1)
	}
	return t
}

// zoneOffset reads a zone abbreviation or a numeric offset ("+08",
// "+0530", "-07:00") as minutes east of UTC.
func zoneOffset(z string) (int, bool) {
	if z == "" {
		return 0, true
	}
	if off, ok := zoneOffsets[strings.ToUpper(z)]; ok {
		return off, true
	}
	if z[0] != '+' && z[0] != '-' {
		return 0, false
	}
	digits := strings.ReplaceAll(z[1:], ":", "")
	if len(digits) != 2 && len(digits) != 4 {
		return 0, false
	}
	h, err := strconv.Atoi(digits[:2])
	if err != nil {
		return 0, false
	}
	m := 0
	if len(digits) == 4 {
		if m, err = strconv.Atoi(digits[2:]); err != nil {
			return 0, false
		}
	}
	off := h*60 + m
	if z[0] == '-' {
		off = -off
	}
	return off, true
}

// scheduleLine matches a maintenance's window, as its first paragraph
// states it: "THIS IS A SCHEDULED EVENT Aug 29, 02:00 - 06:00 UTC", or
// with a second date when it ends another day.
var scheduleLine = regexp.MustCompile(`(?i)SCHEDULED EVENT\s+([A-Za-z]{3}[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?,?\s*\d{1,2}:\d{2})\s*-\s*((?:[A-Za-z]{3}[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?,?\s*)?\d{1,2}:\d{2})\s*([A-Za-z]{1,5}|[+-]\d{2}(?::?\d{2})?)?`)

// scheduleDay is the date part of a window's start.
var scheduleDay = regexp.MustCompile(`^[A-Za-z]{3}[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?`)

// scheduleWindow reads the window of a "THIS IS A SCHEDULED EVENT" line;
// zero times when it does not parse.
func scheduleWindow(line string, ref time.Time) (time.Time, time.Time) {
	m := scheduleLine.FindStringSubmatch(line)
	if m == nil {
		return time.Time{}, time.Time{}
	}
	from := feedTime(strings.TrimSpace(m[1]+" "+m[3]), ref)
	end := strings.TrimSpace(m[2])
	if end != "" && (end[0] < '0' || end[0] > '9') {
		return from, feedTime(end+" "+m[3], ref)
	}
	// Only a time: the same day as the start, in the start's wall clock.
	dateOnly := scheduleDay.FindString(strings.TrimSpace(m[1]))
	until := feedTime(dateOnly+", "+end+" "+m[3], ref)
	if until.Before(from) {
		until = until.Add(24 * time.Hour) // "23:00 - 01:00" ends the next day
	}
	return from, until
}
