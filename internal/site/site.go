// Package site renders the public status page: server-side HTML in every
// language with a catalog, feeds, badges, the favicon and the page's
// assets. A Site is immutable; it renders each document on first request
// and keeps it, so a document is rendered once per state change (or per
// refresh of the monitors' figures), never once per request. The export
// command writes the same documents to files.
package site

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/snapshot"
)

// Options change how documents are rendered.
type Options struct {
	// Export renders the static copy: each language in its own directory,
	// and a page that polls the JSON API instead of holding a live stream.
	Export bool
	// Version is shown in the footer and versions the assets.
	Version string
}

// Site is the rendered form of one state and one gathering of data.
type Site struct {
	State  *watchfire.State
	Data   *Data
	reader Reader
	opts   Options

	docs  sync.Map // cache key → *entry
	count atomic.Int64
}

type entry struct {
	once sync.Once
	doc  *snapshot.Doc
	err  error
}

// maxCached bounds the documents one Site keeps: enough for every page,
// language and incident, but not for a crawler inventing addresses.
const maxCached = 20_000

// New returns a site for a state. data may be nil (nothing measured yet).
func New(st *watchfire.State, data *Data, reader Reader, opts Options) *Site {
	if data == nil {
		data = &Data{Now: st.LoadedAt, Components: map[string]*ComponentData{}}
	}
	return &Site{State: st, Data: data, reader: reader, opts: opts}
}

// Content types of the documents.
const (
	TypeHTML = "text/html; charset=utf-8"
	TypeSVG  = "image/svg+xml"
	TypeCSS  = "text/css; charset=utf-8"
	TypeJS   = "text/javascript; charset=utf-8"
	TypeAtom = "application/atom+xml; charset=utf-8"
	TypeRSS  = "application/rss+xml; charset=utf-8"
	TypeJSON = "application/feed+json; charset=utf-8"
)

// Doc returns the document at path, relative to the page's root ("/",
// "/incidents/abc/", "/badge/api.svg"…), in the language locale. An
// unknown path or object is a watchfire.ENOTFOUND error.
func (s *Site) Doc(ctx context.Context, page *watchfire.Page, locale, path string) (*snapshot.Doc, error) {
	if !Supported(locale) {
		locale = Negotiate("", "", page.Locale)
	}
	if a := assetDoc(path); a != nil {
		return a, nil // the same for every page and language
	}
	key := page.ID + "\x00" + locale + "\x00" + path
	if e, ok := s.docs.Load(key); ok {
		e := e.(*entry)
		e.once.Do(func() {}) // wait for a render in progress
		return e.doc, e.err
	}
	if s.count.Load() >= maxCached {
		return s.render(ctx, page, locale, path)
	}
	v, loaded := s.docs.LoadOrStore(key, &entry{})
	if !loaded {
		s.count.Add(1)
	}
	e := v.(*entry)
	e.once.Do(func() {
		e.doc, e.err = s.render(ctx, page, locale, path)
		if e.err != nil && !errors.Is(e.err, notFound) {
			// A store failure is not cached: the next request retries.
			s.docs.Delete(key)
			s.count.Add(-1)
		}
	})
	return e.doc, e.err
}

var notFound = watchfire.Errorf(watchfire.ENOTFOUND, "not found")

func missing(format string, args ...any) error {
	return fmt.Errorf("%w: %s", notFound, fmt.Sprintf(format, args...))
}

var (
	reIncident    = regexp.MustCompile(`^/incidents/([A-Za-z0-9_-]{1,64})/$`)
	reMaintenance = regexp.MustCompile(`^/maintenances/([A-Za-z0-9_-]{1,64})/$`)
	reMonth       = regexp.MustCompile(`^/(history|uptime)/(\d{4})-(\d{2})/$`)
	reCompFeed    = regexp.MustCompile(`^/components/([a-z0-9][a-z0-9_-]{0,63})/(history\.atom|history\.rss|feed\.json)$`)
	reBadge       = regexp.MustCompile(`^/badge/([a-z0-9][a-z0-9_-]{0,63})\.svg$`)
	reUptimeBadge = regexp.MustCompile(`^/badge/([a-z0-9][a-z0-9_-]{0,63})/uptime/(24h|7d|30d|90d)\.svg$`)
)

func (s *Site) render(ctx context.Context, page *watchfire.Page, locale, path string) (*snapshot.Doc, error) {
	r := s.renderer(page, locale, path)
	switch {
	case path == "/":
		return r.html("home", r.home())
	case path == "/history/":
		return r.historyPage(ctx, r.thisMonth())
	case path == "/uptime/":
		return r.uptimePage(ctx, r.thisMonth())
	case path == "/favicon.svg":
		ind, _ := s.State.PageIndicator(page)
		return snapshot.NewDoc(favicon(ind), TypeSVG), nil
	case path == "/history.atom", path == "/history.rss", path == "/feed.json":
		return r.feed("", strings.TrimPrefix(path, "/"))
	}
	if m := reIncident.FindStringSubmatch(path); m != nil {
		return r.incidentPage(ctx, m[1])
	}
	if m := reMaintenance.FindStringSubmatch(path); m != nil {
		return r.maintenancePage(ctx, m[1])
	}
	if m := reMonth.FindStringSubmatch(path); m != nil {
		month, err := time.ParseInLocation("2006-01", m[2]+"-"+m[3], r.loc)
		if err != nil {
			return nil, missing("no month %s-%s", m[2], m[3])
		}
		if m[1] == "history" {
			return r.historyPage(ctx, month)
		}
		return r.uptimePage(ctx, month)
	}
	if m := reCompFeed.FindStringSubmatch(path); m != nil {
		return r.feed(m[1], m[2])
	}
	if m := reBadge.FindStringSubmatch(path); m != nil {
		return r.statusBadge(m[1])
	}
	if m := reUptimeBadge.FindStringSubmatch(path); m != nil {
		return r.uptimeBadge(m[1], m[2])
	}
	return nil, missing("nothing at %s", path)
}

// NotFoundPage renders the HTML page answered with a 404.
func (s *Site) NotFoundPage(page *watchfire.Page, locale, path string) *snapshot.Doc {
	if !Supported(locale) {
		locale = Negotiate("", "", page.Locale)
	}
	key := page.ID + "\x00" + locale + "\x00404"
	if e, ok := s.docs.Load(key); ok {
		return e.(*entry).doc
	}
	r := s.renderer(page, locale, "/")
	// Links resolve from wherever the missing page was asked for. A static
	// host serves an export's 404.html at any depth, so there they are
	// absolute, from the page's public URL, when it has one.
	r.v.Root = relRoot(path)
	r.v.Base = r.v.Root
	if s.opts.Export && page.URL != "" {
		r.v.Root = strings.TrimSuffix(page.URL, "/") + "/"
		r.v.Base = r.v.Root
	}
	doc, err := r.html("notfound", nil)
	if err != nil {
		doc = snapshot.NewDoc([]byte("not found\n"), "text/plain; charset=utf-8")
	}
	if path == "/" || strings.Count(path, "/") == 1 {
		s.docs.Store(key, &entry{doc: doc})
	}
	return doc
}

// relRoot is the relative path from a document to the root of its page:
// "./" for "/", "../../" for "/incidents/abc/".
func relRoot(path string) string {
	depth := strings.Count(path, "/") - 1
	if depth <= 0 {
		return "./"
	}
	return strings.Repeat("../", depth)
}

func (s *Site) execute(name string, v *view) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	if err := templates.ExecuteTemplate(&buf, name, v); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", name, err)
	}
	return buf.Bytes(), nil
}
