package aws

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider/feed"
)

// legacyBlock is one update of a legacy description:
// <div><span class="yellowfg">12:53 PM PDT</span>&nbsp;text</div>.
var legacyBlock = regexp.MustCompile(`(?is)<div>\s*<span class="yellowfg">([^<]*)</span>(.*?)</div>`)

// legacyClock is the time of an update: "12:53 PM PDT", or with the day
// when the event spans several, "Sep 12,  9:15 AM PDT". There is never a
// year, and the zone is an abbreviation (PDT or PST in the data).
var legacyClock = regexp.MustCompile(`^(?:([A-Za-z]{3})\s+(\d{1,2}),\s*)?(\d{1,2}):(\d{2})\s*([AaPp][Mm])\s*([A-Za-z]{1,5})$`)

// legacyUpdates reads a legacy description into updates, newest first.
// Each time is placed after the one before it, starting from the entry's
// date (which is the first update's time, to the second): a time earlier
// in the day than the previous one is the next day's.
func legacyUpdates(description string, start time.Time) []watchfire.UpstreamUpdate {
	var out []watchfire.UpstreamUpdate
	prev := start
	for _, m := range legacyBlock.FindAllStringSubmatch(description, -1) {
		at, ok := legacyTime(strings.Join(strings.Fields(feed.PlainText(m[1])), " "), prev)
		if !ok {
			at = prev
		}
		prev = at
		out = append(out, watchfire.UpstreamUpdate{Body: feed.PlainText(m[2]), At: at})
	}
	slices.Reverse(out)
	return out
}

// legacyTime places one update's time after prev.
func legacyTime(s string, prev time.Time) (time.Time, bool) {
	m := legacyClock.FindStringSubmatch(s)
	if m == nil || prev.IsZero() {
		return time.Time{}, false
	}
	off, ok := feed.ZoneOffset(m[6])
	if !ok {
		return time.Time{}, false
	}
	zone := time.FixedZone(strings.ToUpper(m[6]), off)
	hour, _ := strconv.Atoi(m[3])
	minute, _ := strconv.Atoi(m[4])
	if hour < 1 || hour > 12 || minute > 59 {
		return time.Time{}, false
	}
	hour %= 12
	if strings.EqualFold(m[5], "PM") {
		hour += 12
	}
	local := prev.In(zone)
	if m[1] != "" {
		month, err := time.Parse("Jan", strings.ToUpper(m[1][:1])+strings.ToLower(m[1][1:]))
		day, _ := strconv.Atoi(m[2])
		if err != nil || day < 1 || day > 31 {
			return time.Time{}, false
		}
		t := time.Date(local.Year(), month.Month(), day, hour, minute, 0, 0, zone)
		if t.Before(prev.AddDate(0, -6, 0)) { // "Jan 2" after a December start
			t = t.AddDate(1, 0, 0)
		}
		return t.UTC(), true
	}
	t := time.Date(local.Year(), local.Month(), local.Day(), hour, minute, 0, 0, zone)
	// The dates are whole seconds and the text whole minutes, so the first
	// update can read a few seconds before the date; only going back more
	// than that means midnight was crossed.
	if t.Before(prev.Add(-time.Hour)) {
		t = t.AddDate(0, 0, 1)
	}
	return t.UTC(), true
}
