package server

import (
	"net/http"
	"strings"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/snapshot"
)

// Header values shared by every snapshot response, allocated once.
var (
	hdrJSON       = []string{"application/json; charset=utf-8"}
	hdrRevalidate = []string{"public, no-cache"}
	hdrVary       = []string{"Accept-Encoding"}
	hdrGzip       = []string{"gzip"}
	hdrAnyOrigin  = []string{"*"}
)

// apiV2 serves a Statuspage-compatible document of the request's page
// straight from the snapshot: no database, no rendering, no compression
// per request.
func (s *Server) apiV2(w http.ResponseWriter, r *http.Request) {
	_, pv := s.page(r)
	if pv == nil {
		writeError(w, r, s.log, watchfire.Errorf(watchfire.ENOTFOUND, "no status page is configured; add page: to the config file"))
		return
	}
	doc := pv.Docs[r.PathValue("doc")]
	if doc == nil {
		writeError(w, r, s.log, watchfire.Errorf(watchfire.ENOTFOUND,
			"no document at %s; see /api/v2/summary.json, status.json, components.json, incidents.json, incidents/unresolved.json, scheduled-maintenances.json", r.URL.Path))
		return
	}
	serveDoc(w, r, doc)
}

// serveDoc writes a pre-rendered document with validators, answering 304
// when the client already has it. The gzip form has its own ETag, as a
// different representation must.
func serveDoc(w http.ResponseWriter, r *http.Request, doc *snapshot.Doc) {
	h := w.Header()
	h["Content-Type"] = hdrJSON
	h["Cache-Control"] = hdrRevalidate
	h["Vary"] = hdrVary
	h["Access-Control-Allow-Origin"] = hdrAnyOrigin

	writeDoc(w, r, doc, http.StatusOK)
}

// etagMatch reports whether If-None-Match names either representation of
// the document (or is "*").
func etagMatch(inm string, doc *snapshot.Doc) bool {
	return etagListMatch(inm, doc.ETag) || etagListMatch(inm, doc.GzipETag())
}

// acceptsGzip reports whether Accept-Encoding allows gzip (q > 0).
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header["Accept-Encoding"] {
		for _, part := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
				continue
			}
			q := strings.ReplaceAll(params, " ", "")
			return !(q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000")
		}
	}
	return false
}
