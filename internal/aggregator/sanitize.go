package aggregator

import (
	"strings"

	"github.com/watchfire-status/watchfire"
)

// sanitize removes NUL characters from every text of a report. Vendors'
// JSON may carry \u0000, which PostgreSQL refuses in text and JSONB; it
// never means anything to a reader.
func sanitize(r *watchfire.UpstreamReport) {
	r.Page.Name, r.Description = clean(r.Page.Name), clean(r.Description)
	for i := range r.Components {
		c := &r.Components[i]
		c.ID, c.Name, c.Group, c.VendorStatus = clean(c.ID), clean(c.Name), clean(c.Group), clean(c.VendorStatus)
	}
	sanitizeIncidents(r.Incidents)
	for i := range r.Maintenances {
		m := &r.Maintenances[i]
		m.ID, m.Name, m.URL = clean(m.ID), clean(m.Name), clean(m.URL)
		cleanAll(m.Components)
		sanitizeUpdates(m.Updates)
	}
}

func sanitizeIncidents(incs []watchfire.UpstreamIncident) {
	for i := range incs {
		inc := &incs[i]
		inc.ID, inc.Name, inc.URL = clean(inc.ID), clean(inc.Name), clean(inc.URL)
		cleanAll(inc.Components)
		sanitizeUpdates(inc.Updates)
	}
}

func sanitizeUpdates(us []watchfire.UpstreamUpdate) {
	for i := range us {
		us[i].Status, us[i].Body = clean(us[i].Status), clean(us[i].Body)
	}
}

func cleanAll(s []string) {
	for i := range s {
		s[i] = clean(s[i])
	}
}

func clean(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "")
}
