// Package snapshot keeps the read side of Watchfire in memory: the state
// as last committed and every public document rendered from it, so public
// reads never touch the database.
//
// A Builder listens on the hub. After each commit it reloads the state and
// re-renders, once per change rather than once per request, then swaps the
// new snapshot in atomically; readers holding the old one finish with it.
package snapshot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/statuspage"
	"github.com/watchfire-status/watchfire/internal/store"
)

// Doc is one rendered document with its validator.
type Doc struct {
	Body        []byte
	ETag        string // strong, quoted
	ContentType string

	// Header values, made once so that serving a document allocates nothing.
	ETagHeader, GzipETagHeader, LengthHeader []string

	gzOnce       sync.Once
	gz           []byte
	gzLenHeader  []string
	gzipETagText string
}

// NewDoc wraps a rendered body.
func NewDoc(body []byte, contentType string) *Doc {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	gzETag := etag[:len(etag)-1] + `-gzip"`
	return &Doc{Body: body, ETag: etag, ContentType: contentType, gzipETagText: gzETag,
		ETagHeader: []string{etag}, GzipETagHeader: []string{gzETag},
		LengthHeader: []string{strconv.Itoa(len(body))}}
}

// GzipETag is the validator of the gzipped representation.
func (d *Doc) GzipETag() string { return d.gzipETagText }

// GzipLengthHeader is the Content-Length of the gzipped body.
func (d *Doc) GzipLengthHeader() []string {
	d.Gzip()
	return d.gzLenHeader
}

// Gzip returns the body gzipped, compressing on first use only: most of a
// snapshot's documents are never asked for compressed.
func (d *Doc) Gzip() []byte {
	d.gzOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(d.Body)
		_ = zw.Close()
		d.gz = buf.Bytes()
		d.gzLenHeader = []string{strconv.Itoa(len(d.gz))}
	})
	return d.gz
}

// PageView is one page and its documents.
type PageView struct {
	Page *watchfire.Page
	// Docs holds the Statuspage-compatible documents by path relative to
	// /api/v2/, e.g. "summary.json" or "incidents/abc.json".
	Docs map[string]*Doc
}

// Snapshot is an immutable view of the committed state.
type Snapshot struct {
	State   *watchfire.State
	Pages   []*PageView
	Default *PageView // nil when no page exists
	BuiltAt time.Time

	byID     map[string]*PageView
	prefixed bool
}

// HasPrefixes reports whether any page is served under a path prefix.
func (s *Snapshot) HasPrefixes() bool { return s.prefixed }

// Page returns the view of the page with the id, or nil.
func (s *Snapshot) Page(id string) *PageView { return s.byID[id] }

// Resolve finds the page a request is for, and the path within it: a page
// whose host matches, with the longest matching path prefix; then a page
// with no host and a matching prefix; then the default page.
func (s *Snapshot) Resolve(host, path string) (*PageView, string) {
	// A page's host may carry a port (status.acme.test:8443) or not; the
	// request's Host usually carries one only off the default port.
	withPort := strings.ToLower(host)
	bare := withPort
	if i := strings.LastIndexByte(bare, ':'); i >= 0 && !strings.HasSuffix(bare, "]") {
		bare = bare[:i]
	}
	var best *PageView
	bestLen := -1
	for _, pv := range s.Pages {
		p := pv.Page
		if p.Host != "" && p.Host != bare && p.Host != withPort {
			continue
		}
		if p.PathPrefix != "" && path != p.PathPrefix && !strings.HasPrefix(path, p.PathPrefix+"/") {
			continue
		}
		// A host match outranks any prefix-only match.
		score := len(p.PathPrefix)
		if p.Host != "" {
			score += 1 << 16
		}
		if score > bestLen {
			best, bestLen = pv, score
		}
	}
	if best == nil {
		// Nothing matched: the default page, at the path as given.
		return s.Default, path
	}
	rest := strings.TrimPrefix(path, best.Page.PathPrefix)
	if rest == "" {
		rest = "/"
	}
	return best, rest
}

// Build renders a snapshot from a state.
func Build(st *watchfire.State, now time.Time) (*Snapshot, error) {
	s := &Snapshot{State: st, BuiltAt: now, byID: make(map[string]*PageView, len(st.Pages))}
	pages := make([]*watchfire.Page, len(st.Pages))
	for i := range st.Pages {
		pages[i] = &st.Pages[i]
	}
	sort.SliceStable(pages, func(i, j int) bool { return pages[i].Position < pages[j].Position })
	for _, p := range pages {
		docs, err := statuspage.Render(st, p)
		if err != nil {
			return nil, err
		}
		pv := &PageView{Page: p, Docs: make(map[string]*Doc, len(docs))}
		for path, body := range docs {
			pv.Docs[path] = NewDoc(body, "application/json")
		}
		s.Pages = append(s.Pages, pv)
		s.byID[p.ID] = pv
		s.prefixed = s.prefixed || p.PathPrefix != ""
		if s.Default == nil && p.Host == "" && p.PathPrefix == "" {
			s.Default = pv
		}
	}
	if s.Default == nil && len(s.Pages) > 0 {
		s.Default = s.Pages[0]
	}
	return s, nil
}

// Builder keeps the current snapshot up to date.
type Builder struct {
	store  store.Store
	log    *slog.Logger
	now    func() time.Time
	cur    atomic.Pointer[Snapshot]
	mu     sync.Mutex  // one rebuild at a time
	failed atomic.Bool // the last rebuild failed; Run retries it
}

// NewBuilder returns a builder reading from st. Call Refresh once before
// serving.
func NewBuilder(st store.Store, log *slog.Logger, now func() time.Time) *Builder {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Builder{store: st, log: log, now: now}
}

// Current returns the latest snapshot, or nil before the first Refresh.
func (b *Builder) Current() *Snapshot { return b.cur.Load() }

// State returns the state of the latest snapshot, or nil before the first
// Refresh.
func (b *Builder) State() *watchfire.State {
	if s := b.cur.Load(); s != nil {
		return s.State
	}
	return nil
}

// Refresh reloads the state and swaps in a new snapshot.
func (b *Builder) Refresh(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.refreshLocked(ctx)
}

func (b *Builder) refreshLocked(ctx context.Context) error {
	st, err := b.store.LoadState(ctx)
	if err != nil {
		b.failed.Store(true)
		return err
	}
	s, err := Build(st, b.now())
	if err != nil {
		b.failed.Store(true)
		return err
	}
	b.cur.Store(s)
	b.failed.Store(false)
	return nil
}

// OnCommit is the builder's hub listener. Commits that arrive while a
// rebuild runs are covered by the next one, which sees all of them.
func (b *Builder) OnCommit(ctx context.Context, events []watchfire.Event) {
	last := events[len(events)-1].ID
	b.mu.Lock()
	defer b.mu.Unlock()
	if cur := b.cur.Load(); cur != nil && cur.State.LastEventID >= last {
		return
	}
	if err := b.refreshLocked(ctx); err != nil {
		b.log.Error("snapshot: rebuild after commit failed; serving the previous state until a retry succeeds",
			"event_id", last, "err", err)
	}
}

// Run retries failed rebuilds and, every resync, reloads anyway so that
// changes committed by another replica show up.
func (b *Builder) Run(ctx context.Context, resync time.Duration) {
	retry := time.NewTicker(time.Second)
	defer retry.Stop()
	full := time.NewTicker(resync)
	defer full.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-retry.C:
			if !b.failed.Load() {
				continue
			}
		case <-full.C:
		}
		if err := b.Refresh(ctx); err != nil && ctx.Err() == nil {
			b.log.Warn("snapshot: rebuild failed; will retry", "err", err)
		}
	}
}
