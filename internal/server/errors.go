package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/watchfire-status/watchfire"
)

// errorStatus is the one place where domain error codes become HTTP status
// codes.
var errorStatus = map[string]int{
	watchfire.EINVALID:      http.StatusBadRequest,
	watchfire.ENOTFOUND:     http.StatusNotFound,
	watchfire.ECONFLICT:     http.StatusConflict,
	watchfire.EUNAUTHORIZED: http.StatusUnauthorized,
	watchfire.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	watchfire.EUNAVAILABLE:  http.StatusServiceUnavailable,
	watchfire.EINTERNAL:     http.StatusInternalServerError,
	codeUnsupportedMedia:    http.StatusUnsupportedMediaType,
	codeMethodNotAllowed:    http.StatusMethodNotAllowed,
}

// Codes that only exist at the HTTP edge.
const (
	codeUnsupportedMedia = "unsupported_media_type"
	codeMethodNotAllowed = "method_not_allowed"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError answers with {"error":{"code","message"}}. Internal errors are
// logged with their cause; the user sees a generic message.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	code := watchfire.ErrorCode(err)
	status, ok := errorStatus[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		log.Error("request failed", "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
	}
	if code == watchfire.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="watchfire"`)
	}
	writeJSON(w, r, status, errorBody{Error: errorDetail{Code: code, Message: watchfire.ErrorMessage(err)}})
}

// writeJSON answers with v as JSON. A successful GET carries a strong
// ETag and answers 304 when If-None-Match already names it; everything
// else is marked not to be stored.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	// No HTML escaping: this is an API, and targets such as "< 100" must
	// read as written.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	var body []byte
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"error":{"code":"internal","message":"could not encode the response"}}` + "\n")
	} else {
		body = buf.Bytes() // Encode ends the value with a newline
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	if status == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:12]) + `"`
		h.Set("ETag", etag)
		h.Set("Cache-Control", "no-cache")
		// The gzip wrapper suffixes the ETag of compressed responses; a
		// client revalidating that form has the same content.
		gzETag := etag[:len(etag)-1] + `-gzip"`
		if inm := r.Header.Get("If-None-Match"); inm != "" && (etagListMatch(inm, etag) || etagListMatch(inm, gzETag)) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// etagListMatch reports whether an If-None-Match list names etag (weak
// comparison, as RFC 9110 asks for If-None-Match).
func etagListMatch(inm, etag string) bool {
	for _, tag := range strings.Split(inm, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || tag == etag {
			return true
		}
	}
	return false
}

// maxBody is the largest request body the API reads.
const maxBody = 1 << 20

// decode reads a JSON body into v, strictly: the content type must be JSON,
// unknown fields and trailing data are errors, and bodies over 1 MiB are
// refused. Its errors say what is wrong and where.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt := strings.TrimSpace(strings.ToLower(strings.SplitN(ct, ";", 2)[0]))
		if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
			return watchfire.Errorf(codeUnsupportedMedia, "Content-Type %q is not supported; send application/json", mt)
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() || dec.Decode(new(json.RawMessage)) != io.EOF {
			return watchfire.Errorf(watchfire.EINVALID, "the body holds more than one JSON value; send exactly one object")
		}
		return nil
	}
	var (
		maxErr    *http.MaxBytesError
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &maxErr):
		return watchfire.Errorf(watchfire.ETOOLARGE, "the body is larger than %d bytes; send less", maxBody)
	case errors.Is(err, io.EOF):
		return watchfire.Errorf(watchfire.EINVALID, "the body is empty; send a JSON object")
	case errors.As(err, &syntaxErr):
		return watchfire.Errorf(watchfire.EINVALID, "malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return watchfire.Errorf(watchfire.EINVALID, "malformed JSON: the body ends in the middle of a value")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return watchfire.Errorf(watchfire.EINVALID, "the body must be a JSON object, not %s", typeErr.Value)
		}
		return watchfire.Errorf(watchfire.EINVALID, "%s: expected %s, got %s", field, jsonKind(typeErr.Type.String()), typeErr.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return watchfire.Errorf(watchfire.EINVALID, "unknown field %s; check the spelling against the API reference (docs/API.md)", field)
	}
	var de *watchfire.Error
	if errors.As(err, &de) {
		return err // a field's own UnmarshalJSON said what is wrong
	}
	return watchfire.Errorf(watchfire.EINVALID, "invalid JSON: %v", err)
}

func jsonKind(goType string) string {
	switch {
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	case goType == "string", strings.HasSuffix(goType, "Status"), strings.HasSuffix(goType, "Impact"):
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "map"), strings.HasPrefix(goType, "struct"):
		return "an object"
	case strings.Contains(goType, "Time"):
		return "an RFC 3339 time string"
	}
	return fmt.Sprintf("a %s", goType)
}
