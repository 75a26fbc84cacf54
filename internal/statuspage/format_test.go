package statuspage

import (
	"math/rand/v2"
	"testing"
	"time"
)

// formatTime is hand-rolled for speed; check it against time.Format,
// including odd offsets (half and quarter hours, pre-1900 local mean
// time) and short years.
func TestFormatTimeMatchesTimeFormat(t *testing.T) {
	reference := func(t time.Time, loc *time.Location) string {
		t = t.In(loc)
		s := t.Format("2006-01-02T15:04:05.000-07:00")
		if name, off := t.Zone(); off == 0 && (name == "UTC" || name == "UCT") {
			s = s[:len(s)-len("+00:00")] + "Z"
		}
		return s
	}
	zones := []string{"UTC", "Etc/UTC", "Europe/London", "America/Los_Angeles", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham", "Australia/Adelaide"}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, zone := range zones {
		loc, err := loadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2000; i++ {
			tm := time.Unix(rng.Int64N(300_000_000_000)-62_000_000_000, rng.Int64N(1e9))
			if got, want := formatTime(tm, loc), reference(tm, loc); got != want {
				t.Fatalf("formatTime(%v, %s) = %s, want %s", tm.UTC(), zone, got, want)
			}
		}
	}
}
