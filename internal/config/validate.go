package config

import (
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // validate time zones on hosts without zoneinfo (scratch images)

	"github.com/watchfire-status/watchfire"
)

// Things other packages may want to show or reuse.
var (
	// MonitorTypes lists the monitor types, in the order errors list them.
	MonitorTypes = []string{"http", "tcp", "dns", "tls", "icmp", "grpc", "websocket", "heartbeat", "self"}
	// Providers lists the third-party status page providers.
	// Two are never polled: "directory" lists a page with its link only,
	// and "generic" is fed by webhooks (POST /webhooks/generic) alone.
	Providers = []string{"auto", "atlassian", "incidentio", "statusio", "instatus", "betterstack",
		"cachet", "gcp", "slack", "apple", "feed", "watchfire", "generic", "aws", "heroku", "salesforce",
		"checkly", "yandexcloud", "directory"}
	// WebhookProviders lists the providers POST /webhooks/{provider}
	// takes (internal/provider/providers.Webhooks has their adapters).
	WebhookProviders = []string{"atlassian", "betterstack", "generic", "incidentio", "instatus"}
	// SelfTargets lists the subsystems a "self" monitor can check.
	SelfTargets = []string{"api", "events", "database"}
	// ReservedPrefixes are paths Watchfire serves itself; no page may live
	// at or under them.
	ReservedPrefixes = []string{"/api", "/healthz", "/readyz", "/webhooks", "/metrics"}
)

// monitorKeys lists, per type, the keys a monitor of that type reads
// besides id, component, type and interval. A key set on a monitor whose
// type does not read it is an error: it would be silently ignored.
var monitorKeys = map[string][]string{
	"http": {"url", "method", "headers", "body", "timeout", "retries", "follow_redirects", "insecure_skip_verify",
		"expect.status", "expect.latency_under", "expect.body_contains", "expect.body_regex", "expect.json_path", "expect.json_value",
		"expect.cert_days"},
	"tcp":  {"host", "port", "timeout", "retries", "expect.latency_under"},
	"dns":  {"host", "record_type", "server", "timeout", "retries", "expect.latency_under", "expect.answers", "expect.rcode"},
	"tls":  {"host", "port", "timeout", "retries", "insecure_skip_verify", "expect.latency_under", "expect.cert_days"},
	"icmp": {"host", "timeout", "retries", "expect.latency_under"},
	"grpc": {"url", "host", "port", "service", "timeout", "retries", "insecure_skip_verify", "expect.latency_under"},
	"websocket": {"url", "headers", "body", "timeout", "retries", "insecure_skip_verify",
		"expect.latency_under", "expect.body_contains", "expect.body_regex"},
	"heartbeat": {"grace", "token"},
	"self":      {"target", "timeout", "retries", "expect.latency_under"},
}

// heartbeatTokenRE is what a heartbeat token may hold: URL-safe, long
// enough not to be guessed.
var heartbeatTokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{16,128}$`)

// dnsRcodes are the response codes a dns monitor can expect.
var dnsRcodes = []string{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"}

var (
	httpMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions}
	recordTypes = []string{"A", "AAAA", "CNAME", "MX", "NS", "TXT", "SRV", "CAA", "PTR", "SOA"}

	localeRE     = regexp.MustCompile(`^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$`)
	hostLabelRE  = regexp.MustCompile(`^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$`)
	pathPrefixRE = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+$`)
	headerNameRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
	jsonPathRE   = regexp.MustCompile(`^(\$|\$?\.?[A-Za-z0-9_-]+)(\.[A-Za-z0-9_-]+|\[[0-9]+\])*$`)
)

const (
	minMonitorInterval    = time.Second
	minDependencyInterval = 10 * time.Second // be polite to third-party status pages
)

// Validate checks the whole Config and returns an *Errors listing every
// problem, or nil. It does not change c; call ApplyDefaults first.
func (c *Config) Validate() error {
	v := &validator{c: c, components: map[string]int{}}
	for i, comp := range c.Components {
		if _, dup := v.components[comp.ID]; !dup && comp.ID != "" {
			v.components[comp.ID] = i
		}
	}
	v.server()
	v.pages()
	v.groups()
	v.componentList()
	v.monitors()
	v.dependencies()
	v.blocks()
	v.metrics()
	v.retention()
	v.eventLog()
	v.webhooks()
	if len(v.errs) == 0 {
		return nil
	}
	sortErrors(v.errs)
	return &Errors{List: v.errs}
}

type validator struct {
	c          *Config
	errs       []Error
	components map[string]int // component id → index of its first definition
	pageIDs    map[string]bool
}

func (v *validator) errorf(path, format string, args ...any) {
	v.errs = append(v.errs, Error{File: v.c.file, Line: v.c.lineOf(path), Path: path, Msg: fmt.Sprintf(format, args...)})
}

// lineOf returns the line of path's value, or of its nearest ancestor
// when the key is absent (a missing required key is reported on the line
// of the item that lacks it).
func (c *Config) lineOf(path string) int {
	for {
		if l, ok := c.lines[path]; ok {
			return l
		}
		if path == "" {
			return 0
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			i = 0
		}
		path = path[:i]
	}
}

// id checks an id's shape; example goes in the message when it is missing.
func (v *validator) id(path, id, example string) bool {
	if id == "" {
		v.errorf(path, "required, e.g. id: %s", example)
		return false
	}
	if !watchfire.ValidID(id) {
		v.errorf(path, "%q is not a valid id; use 1 to 64 lowercase letters, digits, - or _, starting with a letter or digit", id)
		return false
	}
	return true
}

func (v *validator) componentRef(path, id string) {
	if id == "" {
		v.errorf(path, "required: the id of a component")
		return
	}
	if _, ok := v.components[id]; !ok && !v.idsLost("components") {
		v.errorf(path, "%q is not a component id", id)
	}
}

// idsLost reports whether some ids of list failed to decode, in which case
// a reference to an unknown id is probably not the user's mistake.
func (v *validator) idsLost(list string) bool {
	for _, p := range v.c.undecoded {
		if p == list || p == list+".id" || strings.HasPrefix(p, list+"[") && (strings.HasSuffix(p, "]") || strings.HasSuffix(p, "].id")) {
			return true
		}
	}
	return false
}

func (v *validator) server() {
	c := v.c
	if host, port, err := net.SplitHostPort(c.Listen); err != nil || !validPort(port, true) || strings.ContainsAny(host, "/ ") {
		v.errorf("listen", "%q is not a listen address; use HOST:PORT or :PORT, e.g. \":8080\"", c.Listen)
	}
	switch scheme, rest, _ := strings.Cut(c.Database, ":"); scheme {
	case "sqlite":
		if rest == "" {
			v.errorf("database", "sqlite needs a file path, e.g. sqlite:watchfire.db")
		}
	case "postgres", "postgresql":
		if _, err := url.Parse(c.Database); err != nil || !strings.HasPrefix(rest, "//") {
			// Never echo the DSN: it may hold a password.
			v.errorf("database", "not a valid PostgreSQL URL; use postgres://USER:PASSWORD@HOST:PORT/DB")
		}
	default:
		if rest == "" || strings.ContainsAny(scheme, "/.@") {
			v.errorf("database", "no database driver given; use sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB")
		} else {
			v.errorf("database", "%q is not a supported database; use sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB", scheme)
		}
	}
}

func (v *validator) pages() {
	c := v.c
	type entry struct {
		path  string
		p     *PageConfig
		stray bool // the shorthand when pages is set too: check it, but don't let it clash
	}
	var pages []entry
	if c.Page != nil {
		pages = append(pages, entry{"page", c.Page, len(c.Pages) > 0})
	}
	if c.Page != nil && len(c.Pages) > 0 {
		v.errorf("pages", "page and pages are both set; use page for one page or pages for several, not both")
	}
	for i := range c.Pages {
		pages = append(pages, entry{fmt.Sprintf("pages[%d]", i), &c.Pages[i], false})
	}

	v.pageIDs = map[string]bool{}
	ids := map[string]string{}    // id → path
	routes := map[string]string{} // host + prefix → path of the page answering there
	for _, e := range pages {
		p, path := e.p, e.path
		if p.Name == "" {
			v.errorf(path+".name", "required: the title shown on the page")
		}
		if p.ID == "" && p.Name != "" {
			v.errorf(path+".id", "required: %q has no letters or digits to make an id from", p.Name)
		} else if p.ID != "" && v.id(path+".id", p.ID, "status") && !e.stray {
			if first, dup := ids[p.ID]; dup {
				v.errorf(path+".id", "%q is already the id of %s", p.ID, first)
			}
			ids[p.ID] = path
			v.pageIDs[p.ID] = true
		}
		if p.URL != "" {
			v.url(path+".url", p.URL, "http", "https")
		}
		if p.TimeZone == "Local" {
			v.errorf(path+".time_zone", "\"Local\" depends on the server; use an IANA name such as UTC, Europe/Paris or America/New_York")
		} else if _, err := time.LoadLocation(p.TimeZone); err != nil {
			v.errorf(path+".time_zone", "%q is not a known time zone; use an IANA name such as UTC, Europe/Paris or America/New_York", p.TimeZone)
		}
		if !localeRE.MatchString(p.Locale) {
			v.errorf(path+".locale", "%q is not a language tag; use a BCP 47 tag such as en, fr or pt-BR", p.Locale)
		}
		if p.Host != "" && !validHostPort(p.Host) {
			v.errorf(path+".host", "%q is not a host name; write the name alone, e.g. status.acme.test (a :port may follow)", p.Host)
		}
		if p.PathPrefix != "" {
			v.pathPrefix(path+".path_prefix", p.PathPrefix)
		}
		seen := map[string]bool{}
		for j, id := range p.Components {
			cp := fmt.Sprintf("%s.components[%d]", path, j)
			v.componentRef(cp, id)
			if seen[id] {
				v.errorf(cp, "%q is listed twice", id)
			}
			seen[id] = true
		}

		route := p.Host + " " + p.PathPrefix
		first, dup := routes[route]
		switch {
		case e.stray:
		case !dup:
			routes[route] = path
		case p.Host == "" && p.PathPrefix == "":
			v.errorf(path, "%s is already the default page (no host, no path_prefix); give this page a host or a path_prefix", first)
		case p.PathPrefix != "" && p.Host == "":
			v.errorf(path+".path_prefix", "%s already answers at %q; pick another path_prefix or add a host", first, p.PathPrefix)
		case p.PathPrefix != "":
			v.errorf(path+".path_prefix", "%s already answers on host %q at %q; pick another host or path_prefix", first, p.Host, p.PathPrefix)
		default:
			v.errorf(path+".host", "%s already answers on host %q; pick another host or add a path_prefix", first, p.Host)
		}
	}
}

func (v *validator) pathPrefix(path, prefix string) {
	if !strings.HasPrefix(prefix, "/") {
		v.errorf(path, "%q must start with /, e.g. /internal", prefix)
		return
	}
	if strings.HasSuffix(prefix, "/") {
		v.errorf(path, "%q must not end with /; write %q (omit path_prefix to serve at the root)", prefix, strings.TrimRight(prefix, "/"))
		return
	}
	if !pathPrefixRE.MatchString(prefix) || slices.ContainsFunc(strings.Split(prefix, "/"), func(s string) bool { return s == "." || s == ".." }) {
		v.errorf(path, "%q is not a usable path; use segments of letters, digits, ., _, ~ or -, e.g. /internal", prefix)
		return
	}
	for _, r := range ReservedPrefixes {
		if prefix == r || strings.HasPrefix(prefix, r+"/") {
			v.errorf(path, "%q is reserved for Watchfire's own %s endpoint; pick another prefix", prefix, r)
			return
		}
	}
}

func (v *validator) groups() {
	bySlug := map[string]int{}
	for i, g := range v.c.Groups {
		path := fmt.Sprintf("groups[%d].name", i)
		if g.Name == "" {
			v.errorf(path, "required: the heading shown above the group's components")
			continue
		}
		slug := Slug(g.Name)
		if slug == "" {
			v.errorf(path, "%q has no letters or digits to make a group id from", g.Name)
			continue
		}
		if j, dup := bySlug[slug]; dup {
			if v.c.Groups[j].Name == g.Name {
				v.errorf(path, "%q is already listed as groups[%d]", g.Name, j)
			} else {
				v.errorf(path, "%q has the same id (%s) as groups[%d] %q; use one name", g.Name, slug, j, v.c.Groups[j].Name)
			}
			continue
		}
		bySlug[slug] = i
	}
}

func (v *validator) componentList() {
	c := v.c
	groups := map[string]string{} // slug → name
	for _, g := range c.Groups {
		if s := Slug(g.Name); s != "" {
			if _, ok := groups[s]; !ok {
				groups[s] = g.Name
			}
		}
	}
	for i, comp := range c.Components {
		path := fmt.Sprintf("components[%d]", i)
		if v.id(path+".id", comp.ID, "api") {
			if first := v.components[comp.ID]; first != i {
				v.errorf(path+".id", "%q is already the id of components[%d]", comp.ID, first)
			}
		}
		if comp.Name == "" {
			v.errorf(path+".name", "required: the name shown on the page")
		}
		if comp.Group != "" {
			slug := Slug(comp.Group)
			name, known := groups[slug]
			switch {
			case slug == "":
				v.errorf(path+".group", "%q has no letters or digits to make a group id from", comp.Group)
			case !known:
				groups[slug] = comp.Group
			case name != comp.Group:
				v.errorf(path+".group", "%q and group %q differ only in case or punctuation; use the same name", comp.Group, name)
			}
		}
		if comp.StartDate != "" {
			if _, err := time.Parse(dateLayout, comp.StartDate); err != nil {
				v.errorf(path+".start_date", "%q is not a date; use YYYY-MM-DD, e.g. 2024-01-15", comp.StartDate)
			}
		}
		seen := map[string]bool{}
		for j, dep := range comp.DependsOn {
			dp := fmt.Sprintf("%s.depends_on[%d]", path, j)
			switch {
			case dep == comp.ID:
				v.errorf(dp, "%q is this component; a component cannot depend on itself", dep)
			case seen[dep]:
				v.errorf(dp, "%q is listed twice", dep)
			default:
				v.componentRef(dp, dep)
			}
			seen[dep] = true
		}
	}
	v.cycles()
}

// cycles reports each dependency cycle once, on the depends_on of the
// component where the depth-first walk (in file order) enters it.
func (v *validator) cycles() {
	comps := v.c.Components
	const (
		unvisited = iota
		onStack
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(id string)
	visit = func(id string) {
		state[id] = onStack
		stack = append(stack, id)
		for _, dep := range comps[v.components[id]].DependsOn {
			if _, ok := v.components[dep]; !ok || dep == id {
				continue // reported as unknown or self already
			}
			switch state[dep] {
			case unvisited:
				visit(dep)
			case onStack:
				start := slices.Index(stack, dep)
				cycle := append(slices.Clone(stack[start:]), dep)
				v.errorf(fmt.Sprintf("components[%d].depends_on", v.components[dep]),
					"dependency cycle %s; remove one of these depends_on entries", strings.Join(cycle, " -> "))
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = done
	}
	for i, comp := range comps {
		if v.components[comp.ID] == i && comp.ID != "" && state[comp.ID] == unvisited {
			visit(comp.ID)
		}
	}
}

func (v *validator) monitors() {
	ids := map[string]int{}
	for i := range v.c.Monitors {
		v.monitor(i, &v.c.Monitors[i], ids)
	}
}

func (v *validator) monitor(i int, m *MonitorConfig, ids map[string]int) {
	path := fmt.Sprintf("monitors[%d]", i)
	if v.id(path+".id", m.ID, "api-health") {
		if first, dup := ids[m.ID]; dup {
			v.errorf(path+".id", "%q is already the id of monitors[%d]", m.ID, first)
		} else {
			ids[m.ID] = i
		}
	}
	v.componentRef(path+".component", m.Component)

	if m.Interval.Std() < minMonitorInterval {
		v.errorf(path+".interval", "%s is too short; use at least 1s", m.Interval)
	}
	if m.Timeout < 0 {
		v.errorf(path+".timeout", "%s is negative; use a positive duration such as 5s", m.Timeout)
	} else if m.Timeout > m.Interval && m.Interval > 0 {
		v.errorf(path+".timeout", "%s exceeds the interval (%s); a probe must finish before the next one starts", m.Timeout, m.Interval)
	}
	if m.Retries < 0 {
		v.errorf(path+".retries", "%d is negative; use 0 or more", m.Retries)
	}
	if m.Grace < 0 {
		v.errorf(path+".grace", "%s is negative; use 0 or a positive duration", m.Grace)
	}
	v.expect(path+".expect", m)

	keys, known := monitorKeys[m.Type]
	if m.Type == "" {
		v.errorf(path+".type", "required; use one of %s", strings.Join(MonitorTypes, ", "))
	} else if !known {
		v.errorf(path+".type", "%q is not a monitor type; use one of %s", m.Type, strings.Join(MonitorTypes, ", "))
	}
	if !known {
		return // which other keys are right depends on the type
	}
	for _, key := range setKeys(reflect.ValueOf(*m), "") {
		if !slices.Contains(keys, key) && !slices.Contains([]string{"id", "component", "type", "interval"}, key) {
			v.errorf(path+"."+key, "%s monitors do not use %s; they use interval, %s", m.Type, key, strings.Join(keys, ", "))
		}
	}

	switch m.Type {
	case "http":
		v.requiredURL(path+".url", m.URL, "http", "http", "https")
		if m.Method != "" && !slices.Contains(httpMethods, m.Method) {
			v.errorf(path+".method", "%q is not an HTTP method; use one of %s", m.Method, strings.Join(httpMethods, ", "))
		}
	case "websocket":
		v.requiredURL(path+".url", m.URL, "websocket", "ws", "wss")
	case "tcp":
		v.requiredHost(path, m)
		v.requiredPort(path, m)
	case "dns":
		v.requiredHost(path, m)
		if m.RecordType != "" && !slices.Contains(recordTypes, m.RecordType) {
			v.errorf(path+".record_type", "%q is not a DNS record type; use one of %s", m.RecordType, strings.Join(recordTypes, ", "))
		}
		if m.Server != "" {
			if host, port, err := net.SplitHostPort(m.Server); err != nil || host == "" || !validPort(port, false) {
				v.errorf(path+".server", "%q is not a resolver address; use host:port, e.g. 1.1.1.1:53", m.Server)
			}
		}
		if m.Expect.Rcode != "" && !slices.Contains(dnsRcodes, m.Expect.Rcode) {
			v.errorf(path+".expect.rcode", "%q is not a DNS response code; use one of %s", m.Expect.Rcode, strings.Join(dnsRcodes, ", "))
		}
	case "tls":
		v.requiredHost(path, m)
		v.port(path, m)
	case "icmp":
		v.requiredHost(path, m)
	case "grpc":
		switch {
		case m.URL != "" && (m.Host != "" || m.Port != 0):
			v.errorf(path+".url", "give either url or host and port, not both")
		case m.URL != "":
			v.url(path+".url", m.URL, "grpc", "grpcs", "http", "https")
		default:
			v.requiredHost(path, m)
			v.requiredPort(path, m)
		}
	case "heartbeat":
		switch {
		case m.Token == "":
			v.errorf(path+".token", "required for heartbeat monitors: the secret in the push URL POST /api/v1/heartbeat/{token}; use 16 or more random letters and digits")
		case len(m.Token) < 16 || !heartbeatTokenRE.MatchString(m.Token):
			v.errorf(path+".token", "use 16 to 128 letters, digits, '-' or '_', so the push URL cannot be guessed")
		}
	case "self":
		if m.Target != "" && !slices.Contains(SelfTargets, m.Target) {
			v.errorf(path+".target", "%q is not a Watchfire subsystem; use one of %s", m.Target, strings.Join(SelfTargets, ", "))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(m.Headers)) {
		value := m.Headers[name]
		hp := path + ".headers." + name
		if !headerNameRE.MatchString(name) {
			v.errorf(hp, "%q is not a valid header name", name)
		}
		if strings.ContainsAny(value, "\r\n") {
			v.errorf(hp, "a header value must fit on one line")
		}
	}
}

func (v *validator) expect(path string, m *MonitorConfig) {
	e := m.Expect
	seen := map[int]bool{}
	for j, code := range e.Status {
		sp := fmt.Sprintf("%s.status[%d]", path, j)
		if code < 100 || code > 599 {
			v.errorf(sp, "%d is not an HTTP status code; use 100 to 599", code)
		} else if seen[code] {
			v.errorf(sp, "%d is listed twice", code)
		}
		seen[code] = true
	}
	if e.LatencyUnder < 0 {
		v.errorf(path+".latency_under", "%s is negative; use a positive duration such as 100ms", e.LatencyUnder)
	} else if e.LatencyUnder > m.Timeout && m.Timeout > 0 {
		v.errorf(path+".latency_under", "%s exceeds the timeout (%s), so it can never fail; lower it or raise timeout", e.LatencyUnder, m.Timeout)
	}
	if e.BodyRegex != "" {
		if _, err := regexp.Compile(e.BodyRegex); err != nil {
			v.errorf(path+".body_regex", "%q is not a valid regular expression: %s", e.BodyRegex,
				strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
	}
	if e.JSONPath != "" && !jsonPathRE.MatchString(e.JSONPath) {
		v.errorf(path+".json_path", "%q is not a JSON path; use dotted keys and [index], e.g. $.status or data.items[0].state", e.JSONPath)
	}
	if e.JSONValue != "" && e.JSONPath == "" {
		v.errorf(path+".json_value", "needs json_path: the value is compared with what json_path selects")
	}
	if e.CertDays < 0 {
		v.errorf(path+".cert_days", "%d is negative; use the number of days a certificate must still be valid, e.g. 14", e.CertDays)
	}
	for j, a := range e.Answers {
		if a == "" {
			v.errorf(fmt.Sprintf("%s.answers[%d]", path, j), "empty answer; list the records the name must resolve to")
		}
	}
}

func (v *validator) requiredURL(path, raw, kind string, schemes ...string) {
	if raw == "" {
		v.errorf(path, "required for %s monitors, e.g. url: %s://api.acme.test/health", kind, schemes[len(schemes)-1])
		return
	}
	v.url(path, raw, schemes...)
}

// url checks that raw is an absolute URL with one of the schemes.
func (v *validator) url(path, raw string, schemes ...string) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || !slices.Contains(schemes, u.Scheme) {
		examples := make([]string, len(schemes))
		for i, s := range schemes {
			examples[i] = s + "://…"
		}
		v.errorf(path, "%q is not an absolute %s URL; use %s", raw, strings.Join(schemes, "/"), strings.Join(examples, " or "))
	}
}

func (v *validator) requiredHost(path string, m *MonitorConfig) {
	switch {
	case m.Host == "":
		v.errorf(path+".host", "required for %s monitors, e.g. host: api.acme.test", m.Type)
	case strings.Contains(m.Host, "://"):
		v.errorf(path+".host", "%q is a URL; write the host name alone, e.g. api.acme.test", m.Host)
	case !validHost(m.Host):
		if h, _, err := net.SplitHostPort(m.Host); err == nil && validHost(h) {
			v.errorf(path+".host", "%q includes a port; write the host name alone and the port in port", m.Host)
		} else {
			v.errorf(path+".host", "%q is not a host name or IP address", m.Host)
		}
	}
}

func (v *validator) requiredPort(path string, m *MonitorConfig) {
	if m.Port == 0 {
		v.errorf(path+".port", "required for %s monitors, e.g. port: 443", m.Type)
		return
	}
	v.port(path, m)
}

func (v *validator) port(path string, m *MonitorConfig) {
	if m.Port < 1 || m.Port > 65535 {
		v.errorf(path+".port", "%d is not a port; use 1 to 65535", m.Port)
	}
}

func (v *validator) dependencies() {
	ids := map[string]int{}
	for i, d := range v.c.Dependencies {
		path := fmt.Sprintf("dependencies[%d]", i)
		if v.id(path+".id", d.ID, "github") {
			if first, dup := ids[d.ID]; dup {
				v.errorf(path+".id", "%q is already the id of dependencies[%d]", d.ID, first)
			} else if _, taken := v.components[d.ID]; taken {
				// A dependency shows as a component with its id.
				v.errorf(path+".id", "%q is already the id of a component; give the dependency another id, e.g. %s-status", d.ID, d.ID)
			} else {
				ids[d.ID] = i
			}
		}
		if d.Name == "" {
			v.errorf(path+".name", "required: the name shown on the page, e.g. name: GitHub")
		}
		if d.URL == "" {
			v.errorf(path+".url", "required: the address of its status page, e.g. url: https://www.githubstatus.com")
		} else {
			v.url(path+".url", d.URL, "http", "https")
		}
		if !slices.Contains(Providers, d.Provider) {
			v.errorf(path+".provider", "%q is not a provider; use one of %s", d.Provider, strings.Join(Providers, ", "))
		}
		if d.Interval.Std() < minDependencyInterval {
			v.errorf(path+".interval", "%s is too short; use at least %s to be polite to the provider", d.Interval, Duration(minDependencyInterval))
		}
		for j, a := range d.Affects {
			v.componentRef(fmt.Sprintf("%s.affects[%d].component", path, j), a.Component)
		}
	}
}

func (v *validator) blocks() {
	for i, b := range v.c.Blocks {
		path := fmt.Sprintf("blocks[%d]", i)
		if strings.TrimSpace(b.Body) == "" {
			v.errorf(path+".body", "required: the markdown text of the block")
		}
		if b.Page != "" && !v.pageIDs[b.Page] && !v.idsLost("pages") && !v.idsLost("page") {
			v.errorf(path+".page", "%q is not a page id", b.Page)
		}
	}
}

func (v *validator) retention() {
	r := v.c.Retention
	if r.Results < 1 {
		v.errorf("retention.results", "%d days: keep raw results at least 1 day", r.Results)
	}
	if r.Rollups < 90 {
		v.errorf("retention.rollups", "%d days: keep rollups at least 90 days, or the 90-day uptime has holes", r.Rollups)
	}
	if r.Metrics < 1 {
		v.errorf("retention.metrics", "%d days: keep metric points at least 1 day", r.Metrics)
	}
	if r.Payloads < 1 {
		v.errorf("retention.payloads", "%d days: keep raw payloads at least 1 day", r.Payloads)
	}
}

// minTokenLength keeps webhook tokens out of guessing range.
const minTokenLength = 16

func (v *validator) webhooks() {
	ids := map[string]int{}
	deps := map[string]bool{}
	for _, d := range v.c.Dependencies {
		deps[d.ID] = true
	}
	for i, src := range v.c.Webhooks.Sources {
		path := fmt.Sprintf("webhooks.sources[%d]", i)
		if v.id(path+".id", src.ID, "github-webhook") {
			if first, dup := ids[src.ID]; dup {
				v.errorf(path+".id", "%q is already the id of webhooks.sources[%d]", src.ID, first)
			} else {
				ids[src.ID] = i
			}
		}
		if !slices.Contains(WebhookProviders, src.Provider) {
			v.errorf(path+".provider", "%q does not send webhooks Watchfire reads; use one of %s", src.Provider,
				strings.Join(WebhookProviders, ", "))
		}
		switch {
		case src.Token == "" && src.Secret == "":
			v.errorf(path, "set a token (checked in the URL, ?token=) or a secret (checked in the signature), "+
				"e.g. token: $(openssl rand -hex 16)")
		case src.Token != "" && len(src.Token) < minTokenLength:
			v.errorf(path+".token", "%d characters is too easy to guess; use at least %d, e.g. from openssl rand -hex 16",
				len(src.Token), minTokenLength)
		case src.Token != "" && url.QueryEscape(src.Token) != src.Token:
			v.errorf(path+".token", "use only letters, digits and - _ . ~ so that it travels in a URL unchanged")
		}
		if src.Dependency != "" && !deps[src.Dependency] {
			v.errorf(path+".dependency", "%q is not the id of a dependency in this file", src.Dependency)
		}
	}
}

func (v *validator) eventLog() {
	e := v.c.EventLog
	switch out := e.Output; {
	case out == "" || out == "stdout" || out == "stderr" || out == "off":
	case strings.TrimSpace(out) != out || strings.ContainsAny(out, "\x00\n\r"):
		v.errorf("event_log.output", "%q is not a usable file path; use stdout, stderr, off or a file path such as /var/log/watchfire/events.log", out)
	case strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(filepath.Separator)):
		v.errorf("event_log.output", "%q is a directory; name a file, e.g. %sevents.log", out, out)
	}
	switch e.Format {
	case "", "text", "json":
	default:
		v.errorf("event_log.format", "%q is not an event log format; use text or json", e.Format)
	}
	if e.TimeZone == "Local" {
		v.errorf("event_log.time_zone", "\"Local\" depends on the server; use an IANA name such as UTC, Europe/Paris or America/New_York")
	} else if _, err := e.Location(); err != nil {
		v.errorf("event_log.time_zone", "%q is not a known time zone; use an IANA name such as UTC, Europe/Paris or America/New_York", e.TimeZone)
	}
}

func (v *validator) metrics() {
	ids := map[string]int{}
	for i, m := range v.c.Metrics {
		path := fmt.Sprintf("metrics[%d]", i)
		if v.id(path+".id", m.ID, "api-latency") {
			if first, dup := ids[m.ID]; dup {
				v.errorf(path+".id", "%q is already the id of metrics[%d]", m.ID, first)
			} else {
				ids[m.ID] = i
			}
		}
		if strings.TrimSpace(m.Name) == "" {
			v.errorf(path+".name", "required: the name people see, e.g. API response time")
		}
		if m.Page != "" && !v.pageIDs[m.Page] && !v.idsLost("pages") && !v.idsLost("page") {
			v.errorf(path+".page", "%q is not a page id", m.Page)
		}
		if m.Target != "" {
			if _, _, err := ParseTarget(m.Target); err != nil {
				v.errorf(path+".target", "%v", err)
			}
		}
		if m.Capacity < 0 {
			v.errorf(path+".capacity", "%v is negative; give the most the system can take, e.g. 5000", m.Capacity)
		}
		if m.Component != "" {
			v.componentRef(path+".component", m.Component)
		} else if len(m.Thresholds) > 0 {
			v.errorf(path+".component", "required with thresholds: the component whose status they set")
		}
		for j, th := range m.Thresholds {
			tp := fmt.Sprintf("%s.thresholds[%d]", path, j)
			if (th.Above == nil) == (th.Below == nil) {
				v.errorf(tp, "give exactly one of above or below")
			}
			switch watchfire.ComponentStatus(th.Status) {
			case watchfire.StatusDegradedPerformance, watchfire.StatusPartialOutage, watchfire.StatusMajorOutage:
			default:
				v.errorf(tp+".status", "%q is not a status a threshold can set; use degraded_performance, partial_outage or major_outage", th.Status)
			}
		}
		if src := m.Source; src != nil {
			sp := path + ".source"
			if !slices.Contains(MetricSourceTypes, src.Type) {
				v.errorf(sp+".type", "%q is not a metric source; use one of %s", src.Type, strings.Join(MetricSourceTypes, ", "))
			}
			v.requiredURL(sp+".url", src.URL, src.Type, "http", "https")
			if strings.TrimSpace(src.Query) == "" {
				v.errorf(sp+".query", "required: the query that returns the metric's current value")
			}
			if src.Language != "" && (src.Type != "influxdb" || (src.Language != "influxql" && src.Language != "flux")) {
				v.errorf(sp+".language", "%q: language is for influxdb sources, influxql or flux", src.Language)
			}
			if src.Interval.Std() < minMonitorInterval {
				v.errorf(sp+".interval", "%s is too short; use at least 1s", src.Interval)
			}
			if src.Timeout.Std() > src.Interval.Std() {
				v.errorf(sp+".timeout", "%s exceeds the interval (%s)", src.Timeout, src.Interval)
			}
		}
	}
}

// setKeys lists the yaml key paths of the non-zero fields of a struct,
// descending into nested structs ("expect.status").
func setKeys(v reflect.Value, prefix string) []string {
	var keys []string
	for _, f := range fieldsOf(v.Type()) {
		fv := v.Field(f.index)
		if fv.Kind() == reflect.Struct && fv.Type() != durationType {
			keys = append(keys, setKeys(fv, prefix+f.key+".")...)
		} else if !fv.IsZero() {
			keys = append(keys, prefix+f.key)
		}
	}
	return keys
}

func validPort(s string, zeroOK bool) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n <= 65535 && (n > 0 || zeroOK && n == 0)
}

// validHost accepts a DNS name (underscores allowed, for SRV-style names)
// or an IP address.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	if h == "" || len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if !hostLabelRE.MatchString(label) {
			return false
		}
	}
	return true
}

// validHostPort accepts a host with an optional port, as in a Host header.
func validHostPort(h string) bool {
	if validHost(h) {
		return true
	}
	host, port, err := net.SplitHostPort(h)
	return err == nil && validHost(host) && validPort(port, false)
}
