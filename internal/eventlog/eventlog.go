// Package eventlog prints committed events in Watchfire's standard event
// log line (seed 004's format, DESIGN.md "Contracts"):
//
//	[2025-11-03 14:32:00] Product: OpenAI API - Chat Completions
//	Status: Degraded performance due to upstream issue.
//
// or, with the JSON option, as JSON lines shaped like the native API's
// events. A Writer is a hub OnCommit listener: it formats each batch into a
// buffer that is flushed in the background, so commits never wait on the
// output.
package eventlog

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/live"
	"github.com/watchfire-status/watchfire/internal/logbuf"
)

// TimeLayout is the layout of the time between brackets.
const TimeLayout = "2006-01-02 15:04:05"

// Format returns ev's two lines, without a trailing newline. A nil loc
// means UTC.
func Format(ev watchfire.Event, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	t := ev.OccurredAt
	if t.IsZero() {
		t = ev.ReceivedAt
	}
	product := ev.Product
	if product == "" {
		product = "Watchfire"
	}
	subject := product
	switch {
	case ev.ComponentName != "":
		subject += " - " + ev.ComponentName
	case ev.IncidentTitle != "":
		subject += " - " + ev.IncidentTitle
	}
	return "[" + t.In(loc).Format(TimeLayout) + "] Product: " + singleLine(subject) + "\nStatus: " + statusText(ev)
}

// statusText is what follows "Status: ".
func statusText(ev watchfire.Event) string {
	msg := singleLine(ev.Message)
	status := ev.NewStatus
	if status == "" || isIncidentKind(ev.Kind) && ev.IncidentStatus != "" {
		status = ev.IncidentStatus
	}
	if status == "" {
		if msg == "" {
			msg = string(ev.Kind)
		}
		if msg == "" {
			msg = "Updated"
		}
		return withPeriod(msg)
	}
	words := Words(status)
	switch {
	case msg == "":
		return words + "."
	default:
		if what, up, ok := watchfire.ParseUpstreamReason(msg); ok {
			return words + " due to upstream issue (" + what + " " + strings.ReplaceAll(string(up), "_", " ") + ")."
		}
		if len(msg) >= len(words) && strings.EqualFold(msg[:len(words)], words) {
			return withPeriod(msg)
		}
		return words + ": " + withPeriod(msg)
	}
}

func isIncidentKind(k watchfire.EventKind) bool {
	s := string(k)
	return strings.HasPrefix(s, "incident.") || strings.HasPrefix(s, "maintenance.")
}

// Words turns a status value into words: "degraded_performance" →
// "Degraded performance".
func Words(status string) string {
	s := strings.ReplaceAll(status, "_", " ")
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func withPeriod(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// singleLine joins a text's lines with spaces and trims it.
func singleLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.Fields(strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(s)), " ")
}

// FormatJSON returns ev as one JSON line (without the newline), shaped
// like an element of GET /api/v1/events.
func FormatJSON(ev watchfire.Event) (string, error) {
	b, err := live.EncodeEvent(&ev)
	return string(b), err
}

// Options configure a Writer.
type Options struct {
	Out      io.Writer      // where lines go; nil means os.Stdout
	Location *time.Location // time zone of the text format; nil means UTC
	JSON     bool           // JSON lines instead of the text format
	// Closer, if set, is closed after the last flush (an opened file).
	Closer io.Closer
	// Held keeps lines in memory until Start, so that a server can print
	// its own first words before the events committed while it starts.
	Held bool
}

// Writer is an event log sink.
type Writer struct {
	opts   Options
	buf    *logbuf.Writer
	mu     sync.Mutex
	closed bool
	held   *strings.Builder // lines waiting for Start; nil once started
}

// New returns a sink writing to opts.Out through a buffer flushed every
// 200 ms and on Close.
func New(opts Options) *Writer {
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	w := &Writer{opts: opts, buf: logbuf.New(opts.Out, 64<<10, 200*time.Millisecond)}
	if opts.Held {
		w.held = &strings.Builder{}
	}
	return w
}

// Start releases the lines held since New (with Options.Held) and writes
// the next ones as they come.
func (w *Writer) Start() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.held == nil {
		return
	}
	if w.held.Len() > 0 && !w.closed {
		_, _ = w.buf.Write([]byte(w.held.String()))
	}
	w.held = nil
}

// Line returns an event as this writer prints it, with its newline.
func (w *Writer) Line(ev watchfire.Event) string {
	if w.opts.JSON {
		s, err := FormatJSON(ev)
		if err != nil {
			return ""
		}
		return s + "\n"
	}
	return Format(ev, w.opts.Location) + "\n"
}

// OnCommit is a hub.Listener: it buffers one entry per event.
func (w *Writer) OnCommit(_ context.Context, events []watchfire.Event) {
	var sb strings.Builder
	for _, ev := range events {
		sb.WriteString(w.Line(ev))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || sb.Len() == 0 {
		return
	}
	if w.held != nil {
		w.held.WriteString(sb.String())
		return
	}
	_, _ = w.buf.Write([]byte(sb.String()))
}

// Flush writes out what is pending.
func (w *Writer) Flush() error { return w.buf.Flush() }

// Close writes out what is pending (held lines too) and closes
// opts.Closer, if any. Events after Close are dropped.
func (w *Writer) Close() error {
	w.Start()
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	err := w.buf.Close()
	if w.opts.Closer != nil {
		if cerr := w.opts.Closer.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// Open resolves an output setting: "stdout" (or ""), "stderr", "off" (nil
// writer), or a file path opened for append. The closer is nil unless a
// file was opened.
func Open(output string, stdout, stderr io.Writer) (io.Writer, io.Closer, error) {
	switch output {
	case "", "stdout":
		return stdout, nil, nil
	case "stderr":
		return stderr, nil, nil
	case "off":
		return nil, nil, nil
	}
	f, err := os.OpenFile(output, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("event log: %w", err)
	}
	return f, f, nil
}
