package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/site"
	"github.com/watchfire-status/watchfire/internal/snapshot"
)

// Header values of the HTML site, allocated once.
var (
	// The page runs only its own script and styles, talks only to its own
	// origin, and cannot be framed elsewhere.
	hdrCSPPage = []string{"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"}
	hdrCSPFile    = []string{"default-src 'none'; style-src 'unsafe-inline'; sandbox"}
	hdrVaryLang   = []string{"Accept-Encoding, Accept-Language"}
	hdrImmutable  = []string{"public, max-age=31536000, immutable"}
	hdrNoSniff    = []string{"nosniff"}
	hdrReferrer   = []string{"strict-origin-when-cross-origin"}
	contentLangs  = map[string][]string{}
	contentTypes  = map[string][]string{}
	siteRouteList = []string{
		"GET /incidents/{id}/{$}", "GET /maintenances/{id}/{$}",
		"GET /history/{$}", "GET /history/{month}/{$}", "GET /uptime/{$}", "GET /uptime/{month}/{$}",
		"GET /history.atom", "GET /history.rss", "GET /feed.json", "GET /components/{id}/{file}",
		"GET /badge/{file}", "GET /badge/{id}/uptime/{file}", "GET /favicon.svg", "GET /assets/{name}", "GET /embed.js",
	}
)

func init() {
	for _, tag := range site.Locales() {
		contentLangs[tag] = []string{tag}
	}
	for _, ct := range []string{site.TypeHTML, site.TypeSVG, site.TypeCSS, site.TypeJS, site.TypeAtom, site.TypeRSS, site.TypeJSON} {
		contentTypes[ct] = []string{ct}
	}
}

func contentType(ct string) []string {
	if v, ok := contentTypes[ct]; ok {
		return v
	}
	return []string{ct}
}

// siteRoutes registers the HTML site: its pages, feeds, badges and assets.
func (s *Server) siteRoutes(mux *http.ServeMux) {
	for _, p := range siteRouteList {
		mux.HandleFunc(p, s.sitePage)
	}
	// Addresses without their final slash lead to the page.
	for _, p := range []string{"GET /incidents/{id}", "GET /maintenances/{id}", "GET /history", "GET /uptime",
		"GET /history/{month}", "GET /uptime/{month}"} {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			last := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
			target := last + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			// Relative, so a page served under a path prefix keeps it.
			w.Header().Set("Location", target)
			w.WriteHeader(http.StatusMovedPermanently)
		})
	}
}

// home serves the HTML home page, or the JSON index to clients that ask
// for JSON rather than HTML.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if accept := r.Header.Get("Accept"); s.site == nil || strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html") {
		s.api(s.index).ServeHTTP(w, r)
		return
	}
	s.sitePage(w, r)
}

// sitePage serves one document of the site from the current Site, which
// renders it once per change: the request's page, in the language the
// request negotiates.
func (s *Server) sitePage(w http.ResponseWriter, r *http.Request) {
	_, pv := s.page(r)
	var cur *site.Site
	if s.site != nil {
		cur = s.site.Current()
	}
	if pv == nil || cur == nil {
		writeError(w, r, s.log, watchfire.Errorf(watchfire.ENOTFOUND, "no status page is configured; add page: to the config file"))
		return
	}
	var query url.Values // most requests have none: parse only when there is one
	if r.URL.RawQuery != "" {
		query = r.URL.Query()
	}
	locale := site.Negotiate(query.Get("locale"), r.Header.Get("Accept-Language"), pv.Page.Locale)
	doc, err := cur.Doc(r.Context(), pv.Page, locale, r.URL.Path)
	status := http.StatusOK
	if err != nil {
		if watchfire.ErrorCode(err) != watchfire.ENOTFOUND {
			writeError(w, r, s.log, err)
			return
		}
		status = http.StatusNotFound
		if strings.HasPrefix(r.URL.Path, "/badge/") {
			doc = site.NotFoundBadge(locale)
		} else {
			doc = cur.NotFoundPage(pv.Page, locale, r.URL.Path)
		}
	}
	h := w.Header()
	h["Content-Type"] = contentType(doc.ContentType)
	h["X-Content-Type-Options"] = hdrNoSniff
	h["Vary"] = hdrVaryLang
	switch {
	case doc.ContentType == site.TypeHTML:
		h["Content-Security-Policy"] = hdrCSPPage
		h["Referrer-Policy"] = hdrReferrer
		h["Content-Language"] = contentLangs[locale]
	case doc.ContentType == site.TypeSVG:
		h["Content-Security-Policy"] = hdrCSPFile
		// Badges are embedded on other sites.
		h["Access-Control-Allow-Origin"] = hdrAnyOrigin
	case r.URL.Path == "/embed.js":
		h["Access-Control-Allow-Origin"] = hdrAnyOrigin
	}
	if status == http.StatusOK && strings.HasPrefix(r.URL.Path, "/assets/") && query.Get("v") != "" {
		h["Cache-Control"] = hdrImmutable
	} else {
		h["Cache-Control"] = hdrRevalidate
	}
	writeDoc(w, r, doc, status)
}

// writeDoc writes a pre-rendered document with validators and its
// precompressed form; 304 when the client has it.
func writeDoc(w http.ResponseWriter, r *http.Request, doc *snapshot.Doc, status int) {
	h := w.Header()
	gzip := acceptsGzip(r)
	if status == http.StatusOK {
		if gzip {
			h["Etag"] = doc.GzipETagHeader
		} else {
			h["Etag"] = doc.ETagHeader
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, doc) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	body := doc.Body
	h["Content-Length"] = doc.LengthHeader
	if gzip {
		body = doc.Gzip()
		h["Content-Encoding"] = hdrGzip
		h["Content-Length"] = doc.GzipLengthHeader()
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
