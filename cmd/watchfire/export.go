package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/config"
	"github.com/watchfire-status/watchfire/internal/metrics"
	"github.com/watchfire-status/watchfire/internal/site"
	"github.com/watchfire-status/watchfire/internal/snapshot"
)

// exportCmd writes the status page as static files, so that it can be
// served from a host that does not share the fate of the platform it
// reports on (issue 4).
type exportCmd struct {
	dataFlags
	Out      string        `help:"Directory to write the static copy into; created if missing. Files this command did not write are left alone." required:"" placeholder:"DIR" type:"path"`
	Watch    bool          `help:"Keep running: export again on every change, and every minute for the uptime figures."`
	Interval time.Duration `help:"How often --watch looks for a change. Default: 2s." default:"2s" placeholder:"DURATION"`
}

const (
	// exportManifest lists, one path a line, the files the last export
	// wrote: the next one deletes those it no longer produces, and never a
	// file it did not write.
	exportManifest = ".watchfire-export"
	// exportTempPrefix starts the name of a file being written; it is
	// renamed into place when complete.
	exportTempPrefix = ".wf-tmp-"
	// exportRegather is how often --watch exports again without a change,
	// for the uptime figures and response times.
	exportRegather = 60 * time.Second
)

func (c *exportCmd) Run(e *env) error {
	if c.Interval <= 0 {
		return fmt.Errorf("--interval %s: use a positive duration such as 2s", c.Interval)
	}
	cfg, source, err := c.loadConfig(e)
	if err != nil {
		return err
	}
	dsn := c.dsn(e, cfg)
	db, err := openToRead(e.ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()

	ms := metrics.New(db, noJudge{}, e.log, time.Now)
	ms.Update(cfg)
	x := &exporter{db: db, dir: c.Out, src: configSources(db, cfg, ms), now: time.Now}

	if !c.Watch {
		res, err := x.export(e.ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, res)
		return nil
	}
	e.log.Info("exporting on every change", "out", c.Out, "config", source, "database", redact(dsn), "interval", c.Interval)
	return c.watch(e, x, ms)
}

// watch exports, then again whenever the store has a newer event, the
// config file changed, or a minute went by (uptime figures). An error is
// logged and retried on the next tick; only the first export's error ends
// the command, so that a mistake shows at once.
func (c *exportCmd) watch(e *env, x *exporter, ms *metrics.Service) error {
	ctx := e.ctx
	last, err := newestEventID(ctx, x.db)
	if err != nil {
		return err
	}
	res, err := x.export(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, res)
	exportedAt := time.Now()
	cfgPath := c.configPath(e)
	cfgStamp := ""
	if cfgPath != "" {
		cfgStamp = fileStamp(cfgPath)
	}

	tick := time.NewTicker(c.Interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		reason := ""
		if cfgPath != "" {
			if stamp := fileStamp(cfgPath); stamp != cfgStamp {
				cfgStamp = stamp
				cfg, err := config.LoadFile(cfgPath)
				if err != nil {
					e.log.Error("config reload failed; exporting with the previous config", "config", cfgPath, "err", err)
				} else {
					ms.Update(cfg)
					x.src = configSources(x.db, cfg, ms)
					reason = "config changed"
				}
			}
		}
		id, err := newestEventID(ctx, x.db)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			e.log.Error("export: looking for changes failed; trying again", "err", err)
			continue
		}
		switch {
		case reason != "":
		case id != last:
			reason = "state changed"
		case time.Since(exportedAt) >= exportRegather:
			reason = "uptime refresh"
		default:
			continue
		}
		res, err := x.export(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			e.log.Error("export failed; trying again", "reason", reason, "err", err)
			continue
		}
		last, exportedAt = id, time.Now()
		if res.written+res.removed > 0 {
			fmt.Fprintln(e.stdout, res)
		}
		e.log.Debug("exported", "reason", reason, "event", id, "written", res.written, "removed", res.removed)
	}
}

// noJudge ignores metric thresholds: the export judges nothing, it shows
// the status the server stored.
type noJudge struct{}

func (noJudge) SetExternal(string, string, watchfire.ComponentStatus, string) {}

// newestEventID is the id of the newest event, 0 when there is none.
func newestEventID(ctx context.Context, db database) (int64, error) {
	evs, err := db.Events(ctx, watchfire.EventFilter{Limit: 1})
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	return evs[0].ID, nil
}

// openToRead opens a database that a server made, without creating or
// migrating anything: a missing file or schema, or an old one, is an
// error that says what to run.
func openToRead(ctx context.Context, dsn string) (database, error) {
	if p, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		p = strings.TrimPrefix(p, "//")
		if p != "" {
			if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("no database at %s: run 'watchfire serve' with your config first, or pass --database", p)
			}
		}
	}
	db, err := openDatabase(ctx, dsn, false)
	if err != nil {
		return nil, err
	}
	current, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	switch {
	case current == 0:
		db.Close()
		return nil, fmt.Errorf("%s holds no Watchfire data: run 'watchfire serve' with your config against it first", redact(dsn))
	case current < latest:
		db.Close()
		return nil, fmt.Errorf("%s has schema version %d and this binary needs %d: run 'watchfire migrate' (or a newer 'watchfire serve') first",
			redact(dsn), current, latest)
	}
	return db, nil
}

// exporter renders every document of every page and writes the files
// that changed.
type exporter struct {
	db  database
	dir string
	src site.Sources
	now func() time.Time
}

type exportResult struct {
	dir                         string
	pages                       int
	written, unchanged, removed int
	took                        time.Duration
}

func (r exportResult) String() string {
	return fmt.Sprintf("exported %d page(s) to %s: %d file(s) written, %d unchanged, %d removed in %s",
		r.pages, r.dir, r.written, r.unchanged, r.removed, r.took.Round(time.Millisecond))
}

// export makes one complete copy of the current state.
func (x *exporter) export(ctx context.Context) (exportResult, error) {
	start := time.Now()
	res := exportResult{dir: x.dir}
	st, err := x.db.LoadState(ctx)
	if err != nil {
		return res, fmt.Errorf("loading the state: %w", err)
	}
	if len(st.Pages) == 0 {
		return res, errors.New("the database holds no status page yet: run 'watchfire serve' with your config (or apply the config) first, then export")
	}
	now := x.now()
	snap, err := snapshot.Build(st, now)
	if err != nil {
		return res, fmt.Errorf("building the snapshot: %w", err)
	}
	data, err := site.Gather(ctx, x.src, st, now)
	if err != nil {
		return res, fmt.Errorf("gathering uptime and metrics: %w", err)
	}
	s := site.New(st, data, x.db, site.Options{Export: true, Version: versionString()})

	files := &fileSet{files: map[string][]byte{}, owner: map[string]string{}}
	for _, pv := range snap.Pages {
		dir, err := exportPageDir(snap, pv)
		if err != nil {
			return res, err
		}
		if err := x.collectPage(ctx, s, pv, dir, files); err != nil {
			return res, err
		}
	}
	res.pages = len(snap.Pages)
	res.written, res.unchanged, res.removed, err = writeTree(x.dir, files.files)
	res.took = time.Since(start)
	return res, err
}

// exportPageDir is where a page's copy goes: the default page at the
// root, any other at its path prefix (the same URLs as the server's), or
// at its id when it is told apart by host.
func exportPageDir(snap *snapshot.Snapshot, pv *snapshot.PageView) (string, error) {
	if pv == snap.Default {
		return "", nil
	}
	name := strings.Trim(pv.Page.PathPrefix, "/")
	if name == "" {
		name = pv.Page.ID
	}
	if !filepath.IsLocal(name) || path.Clean(name) != name || strings.ContainsAny(name, `\:`) {
		return "", fmt.Errorf("page %s: cannot export to directory %q", pv.Page.ID, name)
	}
	return name, nil
}

// fileSet collects the files of one export by path relative to the
// output directory (slash-separated), and who produced each.
type fileSet struct {
	files map[string][]byte
	owner map[string]string
}

func (f *fileSet) add(rel string, body []byte, owner string) error {
	if prev, ok := f.owner[rel]; ok {
		return fmt.Errorf("%s and %s would both be exported to %s: give one page another path_prefix or id", prev, owner, rel)
	}
	f.files[rel] = body
	f.owner[rel] = owner
	return nil
}

// collectPage renders one page's documents into files under dir.
func (x *exporter) collectPage(ctx context.Context, s *site.Site, pv *snapshot.PageView, dir string, files *fileSet) error {
	page := pv.Page
	def := site.Negotiate("", "", page.Locale)
	// put renders the document at p (a path from the page root) in a
	// language and adds it; optional documents the site does not answer
	// are skipped.
	put := func(locale, p string, optional bool) error {
		doc, err := s.Doc(ctx, page, locale, p)
		if watchfire.ErrorCode(err) == watchfire.ENOTFOUND && optional {
			return nil
		}
		if err != nil {
			return fmt.Errorf("page %s: rendering %s (%s): %w", page.ID, p, locale, err)
		}
		return files.add(exportFile(dir, locale, def, p), doc.Body, "page "+page.ID)
	}

	loc, _ := time.LoadLocation(page.TimeZone)
	if page.TimeZone == "" || loc == nil {
		loc = time.UTC
	}
	months, err := x.months(ctx, s, page, loc)
	if err != nil {
		return err
	}
	incidents, maintenances, err := x.objects(ctx, s.State, page, months)
	if err != nil {
		return err
	}

	for _, locale := range site.Locales() {
		for _, p := range []string{"/", "/history/", "/uptime/"} {
			if err := put(locale, p, false); err != nil {
				return err
			}
		}
		for _, m := range months {
			ym := m.Format("2006-01")
			if err := put(locale, "/history/"+ym+"/", true); err != nil {
				return err
			}
			if err := put(locale, "/uptime/"+ym+"/", true); err != nil {
				return err
			}
		}
		for _, id := range incidents {
			if err := put(locale, "/incidents/"+id+"/", true); err != nil {
				return err
			}
		}
		for _, id := range maintenances {
			if err := put(locale, "/maintenances/"+id+"/", true); err != nil {
				return err
			}
		}
	}

	// Language-independent files, once per page.
	once := []string{"/history.atom", "/history.rss", "/feed.json", "/favicon.svg"}
	for _, id := range s.ComponentIDs(page) {
		once = append(once,
			"/components/"+id+"/history.atom", "/components/"+id+"/history.rss", "/components/"+id+"/feed.json",
			"/badge/"+id+".svg")
		for _, w := range site.Windows {
			once = append(once, "/badge/"+id+"/uptime/"+w.Name+".svg")
		}
	}
	assets := site.AssetPaths()
	slices.Sort(assets)
	once = append(once, assets...)
	for _, p := range once {
		if err := put(def, p, false); err != nil {
			return err
		}
	}
	if !slices.Contains(assets, "/embed.js") { // the widget, where the site has one
		if err := put(def, "/embed.js", true); err != nil {
			return err
		}
	}
	notFound := s.NotFoundPage(page, def, "/404.html")
	if err := files.add(path.Join(dir, "404.html"), notFound.Body, "page "+page.ID); err != nil {
		return err
	}
	for p, doc := range pv.Docs {
		rel := path.Join("api/v2", p)
		if !filepath.IsLocal(rel) || path.Clean(rel) != rel {
			return fmt.Errorf("page %s: API document %q has an unusable path", page.ID, p)
		}
		if err := files.add(path.Join(dir, rel), doc.Body, "page "+page.ID); err != nil {
			return err
		}
	}
	return nil
}

// exportFile is the file a document goes to: the default language at the
// page's directory, another under its tag; a directory's document is its
// index.html.
func exportFile(dir, locale, def, p string) string {
	name := strings.TrimPrefix(p, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if locale != def {
		name = locale + "/" + name
	}
	return path.Join(dir, name)
}

// months lists the first of every month, in the page's zone, from the
// first the history or the uptime calendar can reach to this one. The
// site decides which it answers; asking one month more on either side
// costs a not-found.
func (x *exporter) months(ctx context.Context, s *site.Site, page *watchfire.Page, loc *time.Location) ([]time.Time, error) {
	now := s.Data.Now
	first := now.AddDate(0, 0, -site.BarDays)
	t, err := x.db.FirstIncidentAt(ctx, page.ID)
	if err != nil {
		return nil, fmt.Errorf("page %s: finding the first incident: %w", page.ID, err)
	}
	if !t.IsZero() && t.Before(first) {
		first = t
	}
	for i := range s.State.Incidents {
		if c := s.State.Incidents[i].CreatedAt; c.Before(first) {
			first = c
		}
	}
	f, n := first.In(loc), now.In(loc)
	m := time.Date(f.Year(), f.Month()-1, 1, 0, 0, 0, 0, loc)
	end := time.Date(n.Year(), n.Month()+1, 1, 0, 0, 0, 0, loc)
	var out []time.Time
	for ; !m.After(end); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out, nil
}

// objects lists the ids of the incidents and maintenances that may have a
// page: those of the state, and those of every month of history.
func (x *exporter) objects(ctx context.Context, st *watchfire.State, page *watchfire.Page, months []time.Time) (incidents, maintenances []string, err error) {
	seenI, seenM := map[string]bool{}, map[string]bool{}
	addI := func(id string) {
		if !seenI[id] {
			seenI[id] = true
			incidents = append(incidents, id)
		}
	}
	addM := func(id string) {
		if !seenM[id] {
			seenM[id] = true
			maintenances = append(maintenances, id)
		}
	}
	for i := range st.Incidents {
		addI(st.Incidents[i].ID)
	}
	for i := range st.Maintenances {
		addM(st.Maintenances[i].ID)
	}
	// Month by month, as the history pages ask, so that no month's list is
	// cut short by a limit the whole range would reach.
	for i, m := range months {
		from, to := m, m.AddDate(0, 1, 0)
		if i == 0 {
			from = time.Unix(0, 0) // maintenances from before the first incident
		}
		incs, err := x.db.IncidentsBetween(ctx, page.ID, from, to, 1000)
		if err != nil {
			return nil, nil, fmt.Errorf("page %s: reading the incidents of %s: %w", page.ID, m.Format("2006-01"), err)
		}
		for j := range incs {
			addI(incs[j].ID)
		}
		ms, err := x.db.MaintenancesBetween(ctx, page.ID, from, to, 1000)
		if err != nil {
			return nil, nil, fmt.Errorf("page %s: reading the maintenances of %s: %w", page.ID, m.Format("2006-01"), err)
		}
		for j := range ms {
			addM(ms[j].ID)
		}
	}
	slices.Sort(incidents)
	slices.Sort(maintenances)
	return incidents, maintenances, nil
}

// writeTree makes dir hold files: it deletes what an earlier export wrote
// and this one does not produce, then writes each file whose bytes
// changed to a temporary file beside it and renames it into place, so
// that a web server or a sync never reads half a file. An unchanged file
// keeps its modification time, so rsync and aws s3 sync skip it.
func writeTree(dir string, files map[string][]byte) (written, unchanged, removed int, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, 0, fmt.Errorf("creating the output directory: %w", err)
	}
	old, err := readManifest(dir)
	if err != nil {
		return 0, 0, 0, err
	}
	names := make([]string, 0, len(files))
	for rel := range files {
		names = append(names, rel)
	}
	slices.Sort(names)

	// The manifest names every file this export may leave behind before
	// any is written, so that an export cut short never orphans one.
	union := slices.Clone(names)
	for rel := range old {
		if _, ok := files[rel]; !ok {
			union = append(union, rel)
		}
	}
	slices.Sort(union)
	if err := writeManifest(dir, union); err != nil {
		return 0, 0, 0, err
	}

	var obsolete []string
	for rel := range old {
		if _, ok := files[rel]; !ok {
			obsolete = append(obsolete, rel)
		}
	}
	slices.Sort(obsolete)
	for _, rel := range obsolete {
		full := filepath.Join(dir, filepath.FromSlash(rel))
		fi, err := os.Lstat(full)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return written, unchanged, removed, err
		}
		if fi.IsDir() {
			continue // a directory is never ours to delete
		}
		if err := os.Remove(full); err != nil {
			return written, unchanged, removed, fmt.Errorf("removing an obsolete file: %w", err)
		}
		removed++
		pruneEmptyDirs(dir, filepath.Dir(full))
	}

	for _, rel := range names {
		full := filepath.Join(dir, filepath.FromSlash(rel))
		same, err := sameContent(full, files[rel])
		if err != nil {
			return written, unchanged, removed, err
		}
		if same {
			unchanged++
			continue
		}
		if err := writeAtomic(full, files[rel]); err != nil {
			return written, unchanged, removed, err
		}
		written++
	}
	return written, unchanged, removed, writeManifest(dir, names)
}

// sameContent reports whether the regular file at name holds exactly body.
func sameContent(name string, body []byte) (bool, error) {
	fi, err := os.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() || fi.Size() != int64(len(body)) {
		return false, nil
	}
	cur, err := os.ReadFile(name)
	if err != nil {
		return false, err
	}
	return bytes.Equal(cur, body), nil
}

// writeAtomic writes body to a temporary file in name's directory and
// renames it to name. It does not fsync: a file a crash left damaged
// differs from what the next export renders, which rewrites it.
func writeAtomic(name string, body []byte) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, exportTempPrefix+"*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	_, err = tmp.Write(body)
	if err == nil {
		// Readable by the web server, whichever user it runs as.
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// pruneEmptyDirs removes dir and its parents up to root while they are
// empty: the directory of an incident that is gone.
func pruneEmptyDirs(root, dir string) {
	root = filepath.Clean(root)
	for dir = filepath.Clean(dir); dir != root && strings.HasPrefix(dir, root+string(filepath.Separator)); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			return // not empty, or not ours to remove
		}
	}
}

const manifestHeader = "# Files written by 'watchfire export'. The next export deletes those it no longer produces; it never deletes a file not listed here."

// readManifest reads the paths the last export wrote. Lines that are not
// a plain relative path are ignored: the manifest can never make the
// export delete a file outside the directory.
func readManifest(dir string) (map[string]bool, error) {
	out := map[string]bool{}
	f, err := os.Open(filepath.Join(dir, exportManifest))
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rel := sc.Text()
		if rel == "" || strings.HasPrefix(rel, "#") || rel == exportManifest ||
			!filepath.IsLocal(filepath.FromSlash(rel)) || path.Clean(rel) != rel || strings.Contains(rel, `\`) {
			continue
		}
		out[rel] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", exportManifest, err)
	}
	return out, nil
}

func writeManifest(dir string, names []string) error {
	var b bytes.Buffer
	b.WriteString(manifestHeader + "\n")
	for _, n := range names {
		b.WriteString(n + "\n")
	}
	full := filepath.Join(dir, exportManifest)
	if same, err := sameContent(full, b.Bytes()); err != nil || same {
		return err
	}
	return writeAtomic(full, b.Bytes())
}
