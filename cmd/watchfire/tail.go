package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/eventlog"
	liveupdates "github.com/watchfire-status/watchfire/internal/live"
)

// tailCmd follows a running server's live event stream, like
// `docker compose logs -f`, printing the standard event log line.
type tailCmd struct {
	Server    string `help:"URL of the Watchfire server (env WATCHFIRE_SERVER). Default: http://localhost:8080." placeholder:"URL"`
	Provider  string `help:"Only events from this third-party provider (atlassian, incidentio, …)." placeholder:"P"`
	Component string `help:"Only events about this component id." placeholder:"C"`
	JSON      bool   `name:"json" help:"Print JSON lines, shaped like GET /api/v1/events' elements."`
	TimeZone  string `help:"Time zone of the text lines (IANA name). Default: UTC." placeholder:"TZ"`
}

const (
	tailMinBackoff = 250 * time.Millisecond
	tailMaxBackoff = 15 * time.Second
)

func (c *tailCmd) Run(e *env) error {
	base := firstNonEmpty(c.Server, e.getenv("WATCHFIRE_SERVER"), "http://localhost:8080")
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--server %q is not an http:// or https:// URL", base)
	}
	loc := time.UTC
	if c.TimeZone != "" {
		if loc, err = time.LoadLocation(c.TimeZone); err != nil {
			return fmt.Errorf("--time-zone: %w", err)
		}
	}
	streamURL := u.JoinPath("/api/v1/events")
	q := url.Values{}
	if c.Component != "" {
		q.Set("component", c.Component)
	}
	if c.Provider != "" {
		// The server filters; tail checks again, for servers too old to.
		q.Set("provider", strings.ToLower(c.Provider))
	}
	streamURL.RawQuery = q.Encode()
	t := &tailer{cmd: c, e: e, url: streamURL.String(), loc: loc, client: &http.Client{}}
	return t.run(e.ctx)
}

type tailer struct {
	cmd    *tailCmd
	e      *env
	url    string
	loc    *time.Location
	client *http.Client
	lastID string // the stream's last event id, for Last-Event-ID
}

// run connects, reads, and reconnects with backoff until ctx is done.
func (t *tailer) run(ctx context.Context) error {
	backoff := tailMinBackoff
	connected := false // ever
	for {
		got, err := t.once(ctx, connected)
		if ctx.Err() != nil {
			return nil // Ctrl-C
		}
		if got {
			connected = true
			backoff = tailMinBackoff
		}
		if err == nil {
			err = errors.New("the stream ended")
		}
		fmt.Fprintf(t.e.stderr, "watchfire tail: %v; reconnecting in %v\n", err, backoff.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, tailMaxBackoff)
	}
}

// once follows one connection. It reports whether the server answered
// with a stream.
func (t *tailer) once(ctx context.Context, reconnect bool) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", t.url, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "text/event-stream")
	if t.lastID != "" {
		req.Header.Set("Last-Event-ID", t.lastID)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return false, fmt.Errorf("GET %s: %s %s", t.url, resp.Status, strings.TrimSpace(string(body)))
	}
	verb := "following"
	if reconnect {
		verb = "reconnected to"
	}
	if t.lastID != "" {
		fmt.Fprintf(t.e.stderr, "watchfire tail: %s %s (after event %s)\n", verb, t.url, t.lastID)
	} else {
		fmt.Fprintf(t.e.stderr, "watchfire tail: %s %s\n", verb, t.url)
	}

	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var id, event string
	var data strings.Builder
	for sc.Scan() {
		line := sc.Text()
		if line == "" { // end of a frame
			if data.Len() > 0 {
				t.frame(event, data.String())
			}
			if id != "" {
				t.lastID = id
			}
			id, event = "", ""
			data.Reset()
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			id = value
		case "event":
			event = value
		case "data":
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.WriteString(value)
		}
	}
	return true, sc.Err()
}

// frame handles one SSE frame.
func (t *tailer) frame(event, data string) {
	switch event {
	case "", "message":
	case "resync":
		fmt.Fprintln(t.e.stderr, "watchfire tail: too far behind; some events were skipped (resync)")
		return
	default: // heartbeat and anything newer
		return
	}
	var ej liveupdates.EventJSON
	if err := json.Unmarshal([]byte(data), &ej); err != nil {
		fmt.Fprintf(t.e.stderr, "watchfire tail: unreadable event %q: %v\n", data, err)
		return
	}
	if t.cmd.Provider != "" && !strings.EqualFold(ej.Provider, t.cmd.Provider) {
		return
	}
	if t.cmd.JSON {
		fmt.Fprintln(t.e.stdout, data)
		return
	}
	fmt.Fprintln(t.e.stdout, eventlog.Format(fromEventJSON(ej), t.loc))
}

func fromEventJSON(j liveupdates.EventJSON) watchfire.Event {
	return watchfire.Event{
		ID: j.ID, ReceivedAt: j.ReceivedAt, OccurredAt: j.OccurredAt, Source: watchfire.EventSource(j.Source),
		Provider: j.Provider, PageID: j.PageID, Product: j.Product, ComponentID: j.ComponentID,
		ComponentName: j.ComponentName, Kind: watchfire.EventKind(j.Kind), OldStatus: j.OldStatus, NewStatus: j.NewStatus,
		IncidentID: j.IncidentID, IncidentTitle: j.IncidentTitle, IncidentStatus: j.IncidentStatus,
		IncidentImpact: j.IncidentImpact, Message: j.Message, RawRef: j.RawRef,
	}
}
