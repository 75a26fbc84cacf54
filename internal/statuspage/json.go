package statuspage

import (
	"encoding/json"
	"sync"
	"time"
)

// The JSON objects of Statuspage's public API v2. Field order is the order
// Statuspage serves them in (see testdata/atlassian), because some clients
// and many diff-based tests are sensitive to it. Times are pre-formatted
// strings: nil means JSON null.

// pageJSON is the "page" object every document starts with.
type pageJSON struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	URL       string  `json:"url"`
	TimeZone  string  `json:"time_zone"`
	UpdatedAt *string `json:"updated_at"`
}

// statusJSON is the page-level indicator.
type statusJSON struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

// componentJSON is a component, or a group when Group is true. Statuspage
// lists groups among the components and gives them the ids of their
// members; members point back with group_id.
type componentJSON struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Status             string   `json:"status"`
	CreatedAt          *string  `json:"created_at"`
	UpdatedAt          *string  `json:"updated_at"`
	Position           int      `json:"position"`
	Description        *string  `json:"description"`
	Showcase           bool     `json:"showcase"`
	StartDate          *string  `json:"start_date"`
	GroupID            *string  `json:"group_id"`
	PageID             string   `json:"page_id"`
	Group              bool     `json:"group"`
	OnlyShowIfDegraded bool     `json:"only_show_if_degraded"`
	Components         []string `json:"components,omitempty"` // groups only
}

// affectedJSON is one component change recorded by an update.
type affectedJSON struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
}

// updateJSON is an incident or maintenance update.
type updateJSON struct {
	ID         string  `json:"id"`
	Status     string  `json:"status"`
	Body       string  `json:"body"`
	IncidentID string  `json:"incident_id"`
	CreatedAt  *string `json:"created_at"`
	UpdatedAt  *string `json:"updated_at"`
	DisplayAt  *string `json:"display_at"`
	// Statuspage serves null, not [], when an update changed no component.
	AffectedComponents   []affectedJSON `json:"affected_components"`
	DeliverNotifications bool           `json:"deliver_notifications"`
	CustomTweet          *string        `json:"custom_tweet"` // always null: no Twitter integration
	TweetID              *int64         `json:"tweet_id"`     // always null; a number on Statuspage
}

// incidentJSON is an incident. Components holds the component objects
// already encoded for components.json, so each is encoded once per Render.
type incidentJSON struct {
	ID                string            `json:"id"`
	Name              string            `json:"name"`
	Status            string            `json:"status"`
	CreatedAt         *string           `json:"created_at"`
	UpdatedAt         *string           `json:"updated_at"`
	MonitoringAt      *string           `json:"monitoring_at"`
	ResolvedAt        *string           `json:"resolved_at"`
	Impact            string            `json:"impact"`
	Shortlink         string            `json:"shortlink"`
	StartedAt         *string           `json:"started_at"`
	PageID            string            `json:"page_id"`
	IncidentUpdates   []updateJSON      `json:"incident_updates"`
	Components        []json.RawMessage `json:"components"`
	ReminderIntervals *string           `json:"reminder_intervals"` // always null: no reminders
	// Only present once a postmortem is published, so the common case
	// keeps exactly Statuspage's keys.
	PostmortemBody        string  `json:"postmortem_body,omitempty"`
	PostmortemPublishedAt *string `json:"postmortem_published_at,omitempty"`
}

// maintenanceJSON is a scheduled maintenance. Statuspage serves these
// without reminder_intervals and with the schedule appended.
type maintenanceJSON struct {
	ID              string            `json:"id"`
	Name            string            `json:"name"`
	Status          string            `json:"status"`
	CreatedAt       *string           `json:"created_at"`
	UpdatedAt       *string           `json:"updated_at"`
	MonitoringAt    *string           `json:"monitoring_at"`
	ResolvedAt      *string           `json:"resolved_at"`
	Impact          string            `json:"impact"`
	Shortlink       string            `json:"shortlink"`
	StartedAt       *string           `json:"started_at"`
	PageID          string            `json:"page_id"`
	IncidentUpdates []updateJSON      `json:"incident_updates"`
	Components      []json.RawMessage `json:"components"`
	ScheduledFor    *string           `json:"scheduled_for"`
	ScheduledUntil  *string           `json:"scheduled_until"`
}

// Timestamps look like Statuspage's (Rails' xmlschema(3)):
// 2020-06-16T14:00:29.031-07:00, milliseconds truncated, and "Z" only
// when the zone is UTC itself: Rails prints +00:00 for Europe/London in
// winter (GMT), and so do we.
func formatTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Format("2006-01-02T15:04:05.000Z07:00")
	}
	hour, minute, sec := t.Clock()
	// Hand-rolled: a third of Render's time went to parsing the layout in
	// time.Format.
	b := make([]byte, 0, 29)
	b = appendInt(b, year, 4)
	b = append(b, '-')
	b = appendInt(b, int(month), 2)
	b = append(b, '-')
	b = appendInt(b, day, 2)
	b = append(b, 'T')
	b = appendInt(b, hour, 2)
	b = append(b, ':')
	b = appendInt(b, minute, 2)
	b = append(b, ':')
	b = appendInt(b, sec, 2)
	b = append(b, '.')
	b = appendInt(b, t.Nanosecond()/int(time.Millisecond), 3)
	name, off := t.Zone()
	if off == 0 && (name == "UTC" || name == "UCT") {
		return string(append(b, 'Z'))
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append(b, sign)
	b = appendInt(b, off/3600, 2)
	b = append(b, ':')
	b = appendInt(b, off%3600/60, 2)
	return string(b)
}

// appendInt appends a non-negative n zero-padded to width digits.
func appendInt(b []byte, n, width int) []byte {
	var buf [8]byte
	i := len(buf)
	for ; width > 0 || n > 0; width-- {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, buf[i:]...)
}

// locations caches loaded zones: time.LoadLocation reads and parses the
// zoneinfo file on every call, and Render runs on every state change.
var locations sync.Map // string -> *time.Location

func loadLocation(name string) (*time.Location, error) {
	if v, ok := locations.Load(name); ok {
		return v.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, loc)
	return loc, nil
}
