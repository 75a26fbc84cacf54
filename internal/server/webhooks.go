package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// maxWebhookBody is the largest webhook delivery taken (1 MiB).
const maxWebhookBody = 1 << 20

// webhook answers POST /webhooks/{provider}: 202 once the raw payload is
// durably stored, before it is normalized. Every refusal stores nothing.
func (s *Server) webhook(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("provider")
	if !s.gateway.Known(name) {
		return watchfire.Errorf(watchfire.ENOTFOUND, "no webhook adapter for provider %q; POST to /webhooks/{provider} with one of: %s",
			name, strings.Join(s.gateway.Providers(), ", "))
	}
	ct := r.Header.Get("Content-Type")
	mt := strings.TrimSpace(strings.ToLower(strings.SplitN(ct, ";", 2)[0]))
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		if mt == "" {
			return watchfire.Errorf(codeUnsupportedMedia, "the request has no Content-Type; send the JSON with Content-Type: application/json")
		}
		return watchfire.Errorf(codeUnsupportedMedia, "Content-Type %q is not supported; send the JSON with Content-Type: application/json", mt)
	}
	body, err := readBody(w, r, maxWebhookBody)
	if err != nil {
		return err
	}
	sourceID, err := s.gateway.Authorize(name, r, body)
	if err != nil {
		return err
	}
	if !json.Valid(body) {
		return invalidJSON(body)
	}
	p := &watchfire.Payload{Source: watchfire.SourceWebhook, Provider: name, SourceID: sourceID, ContentType: mt, Body: body}
	if err := s.gateway.Accept(r.Context(), p); err != nil {
		if watchfire.ErrorCode(err) == watchfire.EINTERNAL {
			// Not stored: the sender must deliver it again.
			err = &watchfire.Error{Code: watchfire.EUNAVAILABLE, Message: "the payload could not be stored; deliver it again", Err: err}
		}
		return err
	}
	// Written by hand: this is the hot path, and the body is fixed.
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusAccepted)
	id := strconv.FormatInt(p.ID, 10)
	_, _ = io.WriteString(w, `{"status":"accepted","payload_id":`+id+`,"raw_ref":"payload:`+id+`"}`+"\n")
	return nil
}

// readBody reads a whole request body of at most limit bytes: ETOOLARGE
// beyond, without reading the rest when Content-Length already says so.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	tooLarge := watchfire.Errorf(watchfire.ETOOLARGE, "the body is larger than %d bytes (1 MiB); send less", limit)
	if r.ContentLength > limit {
		return nil, tooLarge
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		return nil, tooLarge
	case err != nil:
		return nil, watchfire.Errorf(watchfire.EINVALID, "the body could not be read: %v", err)
	case buf.Len() == 0:
		return nil, watchfire.Errorf(watchfire.EINVALID, "the body is empty; send a JSON object")
	}
	return buf.Bytes(), nil
}

// invalidJSON says what is wrong with a body json.Valid refused.
func invalidJSON(body []byte) error {
	var v any
	err := json.Unmarshal(body, &v)
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &syntaxErr):
		return watchfire.Errorf(watchfire.EINVALID, "malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	case err != nil && strings.Contains(err.Error(), "unexpected end of JSON input"):
		return watchfire.Errorf(watchfire.EINVALID, "malformed JSON: the body ends in the middle of a value")
	case err != nil:
		return watchfire.Errorf(watchfire.EINVALID, "invalid JSON: %v", err)
	}
	return watchfire.Errorf(watchfire.EINVALID, "invalid JSON")
}

// payloadJSON is a stored raw payload as the API shows it.
type payloadJSON struct {
	ID          int64           `json:"id"`
	RawRef      string          `json:"raw_ref"`
	ReceivedAt  time.Time       `json:"received_at"`
	Source      string          `json:"source"`
	Provider    string          `json:"provider"`
	SourceID    string          `json:"source_id,omitempty"`
	ContentType string          `json:"content_type"`
	Size        int             `json:"size"`
	State       string          `json:"state"`
	Unparsed    bool            `json:"unparsed"`
	Error       string          `json:"error,omitempty"`
	Attempts    int             `json:"attempts"`
	EventKey    string          `json:"event_key,omitempty"`
	Events      int             `json:"events"`
	ProcessedAt *time.Time      `json:"processed_at"`
	Body        json.RawMessage `json:"body,omitempty"`
}

func toPayloadJSON(p *watchfire.Payload) payloadJSON {
	out := payloadJSON{ID: p.ID, RawRef: watchfire.PayloadRef(p.ID), ReceivedAt: p.ReceivedAt, Source: string(p.Source),
		Provider: p.Provider, SourceID: p.SourceID, ContentType: p.ContentType, Size: p.Size, State: string(p.State),
		Unparsed: p.State == watchfire.PayloadUnparsed, Error: p.Error, Attempts: p.Attempts, EventKey: p.EventKey,
		Events: p.Events, ProcessedAt: p.ProcessedAt}
	if p.Body != nil {
		if json.Valid(p.Body) {
			out.Body = p.Body
		} else {
			out.Body, _ = json.Marshal(string(p.Body))
		}
	}
	return out
}

var payloadStates = []watchfire.PayloadState{watchfire.PayloadPending, watchfire.PayloadProcessed,
	watchfire.PayloadDuplicate, watchfire.PayloadUnparsed, watchfire.PayloadFailed}

// listPayloads answers GET /api/v1/payloads?state=&source=&provider=&since=&before=&limit=,
// newest first, without bodies.
func (s *Server) listPayloads(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.PayloadFilter{State: watchfire.PayloadState(q.Get("state")), Source: watchfire.EventSource(q.Get("source")),
		Provider: q.Get("provider")}
	if f.State != "" && !slices.Contains(payloadStates, f.State) {
		return watchfire.Errorf(watchfire.EINVALID, "state: %q is not a payload state; use pending, processed, duplicate, unparsed or failed", f.State)
	}
	if f.Source != "" && f.Source != watchfire.SourceWebhook && f.Source != watchfire.SourcePoller {
		return watchfire.Errorf(watchfire.EINVALID, "source: %q is not a payload source; use webhook or poller", f.Source)
	}
	var err error
	if f.Limit, err = queryLimit(q.Get("limit"), 100, 1000); err != nil {
		return err
	}
	if f.Since, err = querySince(q.Get("since")); err != nil {
		return err
	}
	if v := q.Get("before"); v != "" {
		if f.BeforeID, err = strconv.ParseInt(v, 10, 64); err != nil || f.BeforeID < 1 {
			return watchfire.Errorf(watchfire.EINVALID, "before: %q is not a payload id", v)
		}
	}
	ps, err := s.store.Payloads(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]payloadJSON, 0, len(ps))
	for i := range ps {
		out = append(out, toPayloadJSON(&ps[i]))
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"payloads": out})
	return nil
}

// getPayload answers GET /api/v1/payloads/{id}: the payload with its body
// ("payload:ID" accepted too, as events' raw_ref names it).
func (s *Server) getPayload(w http.ResponseWriter, r *http.Request) error {
	raw := strings.TrimPrefix(r.PathValue("id"), "payload:")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return watchfire.Errorf(watchfire.EINVALID, "%q is not a payload id; use the number in an event's raw_ref (payload:ID)", r.PathValue("id"))
	}
	p, err := s.store.Payload(r.Context(), id)
	if err != nil {
		if watchfire.ErrorCode(err) == watchfire.ENOTFOUND {
			return watchfire.Errorf(watchfire.ENOTFOUND, "payload %d not found: it never existed, or was pruned (retention.payloads)", id)
		}
		return err
	}
	writeJSON(w, r, http.StatusOK, toPayloadJSON(p))
	return nil
}
