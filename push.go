package watchfire

import (
	"strconv"
	"time"
)

// UpstreamPush is what one webhook delivery says about a vendor's status
// page: a change to some of its components, incidents or maintenances,
// never the whole page (that is an UpstreamReport). Adapters in
// internal/provider turn each vendor's payload into one; the engine merges
// it into the dependency it belongs to, if any, so that pushed and polled
// changes give the same events.
type UpstreamPush struct {
	Provider string
	// EventID is the vendor's id for the change this delivery carries
	// (an incident update's id, a component update's id, the sender's
	// own event id). The same id delivered twice makes one event. ""
	// when the payload has none; such deliveries are never deduplicated.
	EventID     string
	Page        UpstreamPage // whose page it is, as far as the payload says
	Indicator   Indicator    // the page's status after the change; "" when not given
	Description string       // the vendor's words for the page's status
	// Components holds the components whose status the delivery sets.
	Components   []ComponentChange
	Incidents    []UpstreamIncident    // incidents as they now are, closed ones included
	Maintenances []UpstreamMaintenance // maintenances as they now are, completed ones included
	OccurredAt   time.Time             // when the vendor says it happened; zero if unknown
	Message      string                // free text sent beside the change (the generic format)
}

// ComponentChange is one upstream component's new status, with the one it
// had before when the vendor says so.
type ComponentChange struct {
	UpstreamComponent
	OldStatus ComponentStatus // "" when the payload does not say
}

// Empty reports whether the push carries no change at all.
func (p *UpstreamPush) Empty() bool {
	return p.Indicator == "" && len(p.Components) == 0 && len(p.Incidents) == 0 && len(p.Maintenances) == 0
}

// PayloadState says how far a stored raw payload got.
type PayloadState string

const (
	PayloadPending   PayloadState = "pending"   // durably stored, not yet normalized
	PayloadProcessed PayloadState = "processed" // normalized; its events (if any) are stored
	PayloadDuplicate PayloadState = "duplicate" // its vendor event id was seen before: no new event
	PayloadUnparsed  PayloadState = "unparsed"  // no adapter could map it; kept for people to read
	PayloadFailed    PayloadState = "failed"    // processing kept failing; kept with its error
)

// Payload is one raw input as it arrived, stored before it is
// acknowledged: a webhook delivery, or a poller's report handed to the
// same ingest path.
type Payload struct {
	ID          int64 // assigned by the store, increasing in commit order
	ReceivedAt  time.Time
	Source      EventSource // SourceWebhook or SourcePoller
	Provider    string
	SourceID    string // the configured webhook source, or the dependency a poller read
	ContentType string
	Body        []byte // nil when listed (see Size)
	Size        int    // len(Body) as stored
	State       PayloadState
	Error       string // why it is unparsed or failed
	Attempts    int    // processing attempts that failed
	EventKey    string // the vendor event id it carried, once parsed
	Events      int    // how many events processing it made
	ProcessedAt *time.Time
}

// PayloadRef is how events refer to the raw payload they came from.
func PayloadRef(id int64) string { return "payload:" + strconv.FormatInt(id, 10) }
