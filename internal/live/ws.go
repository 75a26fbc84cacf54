package live

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// ServeWS streams events over a WebSocket, one text message per event
// with the same JSON as the SSE data lines, plus
// {"kind":"heartbeat","time":"…"} and a protocol ping every heartbeat, and
// {"kind":"resync","last_event_id":N} when the client must reload its
// state. It resumes after ?last_event_id= and filters by ?page_id= and
// ?component=. Messages from the client are read and ignored. Any origin
// may connect: the data is public and the stream read-only.
//
// It returns an error, having written nothing, when the request is
// invalid or too many streams are open.
func (b *Broadcaster) ServeWS(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r.Header.Get("Last-Event-ID"), r.URL.Query())
	if err != nil {
		return err
	}
	if err := b.acquire(); err != nil {
		w.Header().Set("Retry-After", "5")
		return err
	}
	hw := &hijackWriter{ResponseWriter: w}
	c, err := websocket.Accept(hw, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		b.release()
		return nil // Accept has answered the request
	}
	// The handler returns now and the stream goes on in a goroutine of its
	// own. The connection is hijacked, so net/http is done with it, and
	// its serving goroutine would only keep the stack the handshake grew
	// and the request, for as long as the stream lasts. The goroutine
	// count stays the same: this one, and the reader the protocol needs.
	go b.streamWS(c, hw.conn, p)
	return nil
}

// streamWS runs one WebSocket stream until it ends.
func (b *Broadcaster) streamWS(c *websocket.Conn, conn net.Conn, p params) {
	defer b.release()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The one reader the protocol needs: it answers pings, takes the
	// peer's close and drops anything else the client sends.
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer cancel()
		for {
			_, rd, err := c.Reader(ctx)
			if err != nil {
				return
			}
			if _, err := io.Copy(io.Discard, rd); err != nil {
				return
			}
		}
	}()

	ws := &wsSender{c: c, conn: conn, ctx: ctx, cancel: cancel, timeout: b.o.WriteTimeout, now: b.o.Now}
	err := b.run(ctx, ws, p)
	switch {
	case errors.Is(err, errClosed):
		_ = c.Close(websocket.StatusGoingAway, "server shutting down")
	case err != nil && !errors.Is(err, errWrite) && !errors.Is(err, context.Canceled):
		b.ended(err)
		_ = c.Close(websocket.StatusTryAgainLater, "stream interrupted; reconnect with last_event_id")
	default:
		_ = c.CloseNow()
	}
	cancel()
	<-readDone
	ws.pings.Wait()
}

type wsSender struct {
	c       *websocket.Conn
	conn    net.Conn // under c: its write deadline bounds each write
	ctx     context.Context
	cancel  context.CancelFunc // ends the stream
	timeout time.Duration
	now     func() time.Time
	pinging atomic.Bool
	pings   sync.WaitGroup
}

// write sends one text message. The deadline goes on the socket rather
// than in a context, which would cost a timer, a context and a callback
// per client on every event. A write that misses it fails, and the
// library closes the connection. The deadline is cleared afterwards, so
// that the pongs and the close frame the library writes on its own are
// not refused for a deadline long past.
func (s *wsSender) write(p []byte) error {
	if err := s.conn.SetWriteDeadline(time.Now().Add(s.timeout)); err != nil {
		return errors.Join(errWrite, err)
	}
	err := s.c.Write(context.Background(), websocket.MessageText, p)
	_ = s.conn.SetWriteDeadline(time.Time{})
	if err != nil {
		return errors.Join(errWrite, err)
	}
	return nil
}

func (s *wsSender) event(e *entry) error { return s.write(e.json) }

// heartbeat sends the heartbeat message and a protocol ping. The pong is
// awaited beside the stream, in a goroutine that lives for the round trip
// only, so that an event due meanwhile goes out at once. A ping left
// unanswered for the write timeout ends the stream.
func (s *wsSender) heartbeat() error {
	if err := s.write(appendHeartbeat(make([]byte, 0, 64), s.now())); err != nil {
		return err
	}
	if !s.pinging.CompareAndSwap(false, true) {
		return nil // the last one is still out
	}
	s.pings.Add(1)
	go func() {
		defer s.pings.Done()
		defer s.pinging.Store(false)
		ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
		defer cancel()
		if err := s.c.Ping(ctx); err != nil {
			s.cancel()
		}
	}()
	return nil
}

func (s *wsSender) resync(lastID int64) error {
	buf := append([]byte(`{"kind":"resync","last_event_id":`), strconv.FormatInt(lastID, 10)...)
	return s.write(append(buf, '}'))
}

// hijackWriter keeps the connection that websocket.Accept takes over.
type hijackWriter struct {
	http.ResponseWriter
	conn net.Conn
}

func (h *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	h.conn = conn
	return conn, brw, err
}

func (h *hijackWriter) Unwrap() http.ResponseWriter { return h.ResponseWriter }
