// Package probe defines what one check of one monitor is. Each kind of
// probe (http, tcp, dns, tls, icmp, grpc, websocket, heartbeat, self) is a
// package of its own under internal/probe/, and internal/probe/kinds lists
// them all in one table: adding a kind touches that table and nothing else.
//
// A probe only observes. Whether an observation makes a component
// degraded or down (thresholds, retries, latency targets) is decided by
// the monitor package, in one place for every kind.
package probe

import (
	"context"
	"fmt"
	"time"
)

// MaxBody is the most a probe reads of a response body: enough for any
// health endpoint, bounded against a target that answers with a gigabyte.
const MaxBody = 1 << 20

// Spec is one monitor's definition, as a probe needs it.
type Spec struct {
	ID                 string
	Type               string
	URL                string
	Host               string
	Port               int
	Method             string
	Headers            map[string]string
	Body               string // http: request body; websocket: message to send
	Timeout            time.Duration
	FollowRedirects    bool
	InsecureSkipVerify bool
	RecordType         string        // dns
	Server             string        // dns: resolver host:port; "" for the system's
	Service            string        // grpc: health service name
	Target             string        // self: api, events or database
	Grace              time.Duration // heartbeat
	Expect             Expect
}

// Expect is what the target must show for the check to pass.
type Expect struct {
	Status       []int    // http; empty means any 2xx
	BodyContains string   // http, websocket
	BodyRegex    string   // http, websocket
	JSONPath     string   // http
	JSONValue    string   // http
	Answers      []string // dns: every one must be among the answers
	Rcode        string   // dns; "" means NOERROR
	CertDays     int      // http(s), tls: fewer days left fails the check
}

// Result is what one check observed.
type Result struct {
	OK      bool
	Latency time.Duration // time to the answer, measured by the probe
	// Reason says, in a short sentence a person can act on, why the check
	// failed; "" when it passed.
	Reason string
	// CertExpiry is when the target's certificate expires, for probes
	// that see one; zero otherwise.
	CertExpiry time.Time
}

// Failf returns a failed result with a formatted reason.
func Failf(latency time.Duration, format string, args ...any) Result {
	return Result{OK: false, Latency: latency, Reason: fmt.Sprintf(format, args...)}
}

// Prober checks one target. Check must return by the time ctx is done
// (the scheduler sets the deadline from Spec.Timeout) and must be safe to
// call from one goroutine at a time; the scheduler never overlaps checks
// of the same monitor.
type Prober interface {
	Check(ctx context.Context) Result
}

// Deps are what some probes need from the running Watchfire.
type Deps struct {
	// Self answers the self probe's questions about Watchfire's own
	// subsystems; nil outside a server (watchfire check).
	Self SelfChecker
	// Heartbeats tells when a heartbeat monitor last got a beat.
	Heartbeats HeartbeatSource
	// Now is the clock; time.Now in production.
	Now func() time.Time
}

// SelfChecker probes a Watchfire subsystem by name: api, events, database.
type SelfChecker interface {
	CheckSelf(ctx context.Context, target string) Result
}

// HeartbeatSource reports the last beat received for a monitor, and when
// the monitor started waiting (so a new monitor gets its grace period).
type HeartbeatSource interface {
	LastBeat(monitorID string) (last time.Time, ok bool)
}

// Factory builds a prober from a spec. It returns an error for a spec the
// kind cannot run (the config package has validated the common rules).
type Factory func(spec Spec, deps Deps) (Prober, error)

// DefaultTimeout bounds a check when neither its spec nor its context sets
// a deadline.
const DefaultTimeout = 10 * time.Second

// Bound limits ctx by the spec's timeout, or by DefaultTimeout when
// neither sets a deadline.
func Bound(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		if _, ok := ctx.Deadline(); ok {
			return context.WithCancel(ctx)
		}
		timeout = DefaultTimeout
	}
	return context.WithTimeout(ctx, timeout)
}

// Remaining is the time left before ctx's deadline (DefaultTimeout with
// none).
func Remaining(ctx context.Context) time.Duration {
	d, ok := ctx.Deadline()
	if !ok {
		return DefaultTimeout
	}
	return time.Until(d)
}

// RoundBudget shows the time a check had the way a person sets it: 2s,
// 500ms, so reasons read "no answer within 2s", not "within 1.99987s".
func RoundBudget(d time.Duration) string {
	switch {
	case d >= time.Second:
		d = d.Round(100 * time.Millisecond)
	case d >= 10*time.Millisecond:
		d = d.Round(10 * time.Millisecond)
	default:
		d = d.Round(time.Millisecond)
	}
	return d.String()
}
