package live

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// ServeSSE streams events as server-sent events:
//
//	retry: 2000
//
//	id: 42
//	data: {"id":42,"kind":"component.status_changed",…}
//
//	event: heartbeat
//	data: {"kind":"heartbeat","time":"2026-11-21T10:00:15Z"}
//
//	event: resync
//	id: 9000
//	data: {"kind":"resync"}
//
// It resumes after Last-Event-ID (or ?last_event_id=) and filters by
// ?page_id= and ?component=. It returns an error, having written nothing,
// when the request is invalid or too many streams are open; once the
// stream has started it returns nil. Serve it unbuffered and uncompressed.
func (b *Broadcaster) ServeSSE(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r.Header.Get("Last-Event-ID"), r.URL.Query())
	if err != nil {
		return err
	}
	if err := b.acquire(); err != nil {
		w.Header().Set("Retry-After", "5")
		return err
	}
	defer b.release()

	rc := http.NewResponseController(w)
	// Nothing more is read from the client; the server's ReadTimeout must
	// not end the stream. (net/http's own background read, which notices a
	// client that leaves, clears it too; HTTP/2 does not.) The write
	// deadline is set per write.
	if err := rc.SetReadDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	s := &sseSender{w: w, rc: rc, timeout: b.o.WriteTimeout, now: b.o.Now}
	if err := s.write([]byte("retry: 2000\n\n")); err != nil {
		return nil
	}
	b.ended(b.run(r.Context(), s, p))
	// Time for net/http to end the response cleanly, whatever deadline
	// the last write left.
	_ = rc.SetWriteDeadline(time.Now().Add(b.o.WriteTimeout))
	return nil
}

// ended logs why a stream ended, when that is worth knowing.
func (b *Broadcaster) ended(err error) {
	if err == nil || errors.Is(err, errClosed) || errors.Is(err, context.Canceled) || errors.Is(err, errWrite) {
		return
	}
	b.o.Log.Warn("live: stream ended", "err", err)
}

// errWrite marks a failed write: the client left or stopped reading.
var errWrite = errors.New("live: write failed")

type sseSender struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	now     func() time.Time
}

// write sends p at once. Each write gets its own deadline, so a client
// that stops reading is dropped, and a long stream outlives the server's
// WriteTimeout.
func (s *sseSender) write(p []byte) error {
	if err := s.rc.SetWriteDeadline(time.Now().Add(s.timeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return errors.Join(errWrite, err)
	}
	if _, err := s.w.Write(p); err != nil {
		return errors.Join(errWrite, err)
	}
	if err := s.rc.Flush(); err != nil {
		return errors.Join(errWrite, err)
	}
	return nil
}

func (s *sseSender) event(e *entry) error { return s.write(e.frame) }

func (s *sseSender) heartbeat() error {
	buf := make([]byte, 0, 96)
	buf = append(buf, "event: heartbeat\ndata: "...)
	buf = appendHeartbeat(buf, s.now())
	return s.write(append(buf, "\n\n"...))
}

// resync carries the id to resume from, so that a reconnecting
// EventSource does not ask for the same gap again.
func (s *sseSender) resync(lastID int64) error {
	buf := []byte("event: resync\n")
	if lastID > 0 {
		buf = append(buf, "id: "...)
		buf = strconv.AppendInt(buf, lastID, 10)
		buf = append(buf, '\n')
	}
	return s.write(append(buf, "data: {\"kind\":\"resync\"}\n\n"...))
}
