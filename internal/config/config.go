// Package config reads Watchfire's YAML configuration (see
// examples/watchfire.yaml) into one validated Config.
//
// Loading happens in three explicit steps: decode (a walk of the YAML node
// tree that rejects unknown keys and wrong types and remembers the line of
// every value), ApplyDefaults, then Validate. Every problem is reported as
// "file:line: path: message", and all of them are reported at once so that
// a user fixes a file in one pass.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
)

// Config is a whole configuration file.
type Config struct {
	Listen   string `yaml:"listen,omitempty"`   // HTTP address, default ":8080"
	Database string `yaml:"database,omitempty"` // sqlite:PATH or postgres://…, default sqlite:watchfire.db

	// Page is the shorthand for a single page; Pages lists several. Setting
	// both is an error. Use PageList to read whichever is set.
	Page  *PageConfig  `yaml:"page,omitempty"`
	Pages []PageConfig `yaml:"pages,omitempty"`

	Groups       []GroupConfig      `yaml:"groups,omitempty"`
	Components   []ComponentConfig  `yaml:"components,omitempty"`
	Monitors     []MonitorConfig    `yaml:"monitors,omitempty"`
	Dependencies []DependencyConfig `yaml:"dependencies,omitempty"`
	Blocks       []BlockConfig      `yaml:"blocks,omitempty"`
	Metrics      []MetricConfig     `yaml:"metrics,omitempty"`
	Retention    Retention          `yaml:"retention,omitempty"`
	EventLog     EventLog           `yaml:"event_log,omitempty"`
	Webhooks     Webhooks           `yaml:"webhooks,omitempty"`

	file      string         // base name of the file, for error messages
	lines     map[string]int // key path → line of its value, filled by Load
	undecoded []string       // paths that failed to decode, filled by Load
}

// PageConfig is one status page.
type PageConfig struct {
	ID          string   `yaml:"id,omitempty"` // default: Slug(Name)
	Name        string   `yaml:"name"`
	URL         string   `yaml:"url,omitempty"`
	TimeZone    string   `yaml:"time_zone,omitempty"` // IANA name, default UTC
	Locale      string   `yaml:"locale,omitempty"`    // BCP 47 tag, default en
	Host        string   `yaml:"host,omitempty"`
	PathPrefix  string   `yaml:"path_prefix,omitempty"`
	Components  []string `yaml:"components,omitempty"` // ids shown, in order; empty = all
	Description string   `yaml:"description,omitempty"`
}

// GroupConfig gives a group of components a description and a position.
// Groups named by components but not listed are created implicitly.
type GroupConfig struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
}

// ComponentConfig is one component of the page.
type ComponentConfig struct {
	ID                 string   `yaml:"id"`
	Name               string   `yaml:"name"`
	Group              string   `yaml:"group,omitempty"` // group name, not id
	Description        string   `yaml:"description,omitempty"`
	Showcase           bool     `yaml:"showcase,omitempty"`
	OnlyShowIfDegraded bool     `yaml:"only_show_if_degraded,omitempty"`
	StartDate          string   `yaml:"start_date,omitempty"` // YYYY-MM-DD
	DependsOn          []string `yaml:"depends_on,omitempty"` // component ids
	// AutoIncident lets monitors and dependencies open incidents on this
	// component. A pointer so that "unset" can default to true.
	AutoIncident *bool `yaml:"auto_incident,omitempty"`
}

// AutoIncidentEnabled reports whether automatic incidents are on (the
// default when auto_incident is not set).
func (c *ComponentConfig) AutoIncidentEnabled() bool {
	return c.AutoIncident == nil || *c.AutoIncident
}

// MonitorConfig is one health check bound to a component. Which keys a
// monitor may use depends on its type (see monitorTypes); a key that the
// type does not read is an error rather than silently ignored.
type MonitorConfig struct {
	ID                 string            `yaml:"id"`
	Component          string            `yaml:"component"`
	Type               string            `yaml:"type"`
	URL                string            `yaml:"url,omitempty"`
	Host               string            `yaml:"host,omitempty"`
	Port               int               `yaml:"port,omitempty"`
	Method             string            `yaml:"method,omitempty"`
	Headers            map[string]string `yaml:"headers,omitempty"`
	Body               string            `yaml:"body,omitempty"`
	Interval           Duration          `yaml:"interval,omitempty"`
	Timeout            Duration          `yaml:"timeout,omitempty"`
	Retries            int               `yaml:"retries,omitempty"`
	FollowRedirects    *bool             `yaml:"follow_redirects,omitempty"` // http; default true
	InsecureSkipVerify bool              `yaml:"insecure_skip_verify,omitempty"`
	RecordType         string            `yaml:"record_type,omitempty"` // dns; default A
	Grace              Duration          `yaml:"grace,omitempty"`       // heartbeat
	Target             string            `yaml:"target,omitempty"`      // self: api, events or database
	Server             string            `yaml:"server,omitempty"`      // dns: resolver host:port; default the system's
	Service            string            `yaml:"service,omitempty"`     // grpc: health service name; default "" (the server)
	Token              string            `yaml:"token,omitempty"`       // heartbeat: the secret in the push URL
	Expect             Expect            `yaml:"expect,omitempty"`
}

// Expect is what a monitor's probe must observe to count as up.
type Expect struct {
	Status       []int    `yaml:"status,omitempty"` // omitted: any 2xx
	LatencyUnder Duration `yaml:"latency_under,omitempty"`
	BodyContains string   `yaml:"body_contains,omitempty"`
	BodyRegex    string   `yaml:"body_regex,omitempty"`
	JSONPath     string   `yaml:"json_path,omitempty"`
	JSONValue    string   `yaml:"json_value,omitempty"`
	Answers      []string `yaml:"answers,omitempty"`   // dns
	Rcode        string   `yaml:"rcode,omitempty"`     // dns; default NOERROR
	CertDays     int      `yaml:"cert_days,omitempty"` // http(s), tls: fewer days left on the certificate is a failure
}

// DependencyConfig is a third-party status page Watchfire follows.
type DependencyConfig struct {
	ID       string   `yaml:"id"`
	Name     string   `yaml:"name"`
	URL      string   `yaml:"url"`
	Provider string   `yaml:"provider,omitempty"` // default auto
	Interval Duration `yaml:"interval,omitempty"` // default 60s
	Category string   `yaml:"category,omitempty"` // e.g. cloud, payments; free text
	Affects  []Affect `yaml:"affects,omitempty"`
}

// Affect says that trouble upstream touches one of our components.
type Affect struct {
	Component         string `yaml:"component"`
	UpstreamComponent string `yaml:"upstream_component,omitempty"` // "" = any upstream component
}

// DependencyList returns the dependencies as the domain knows them.
func (c *Config) DependencyList() []watchfire.Dependency {
	out := make([]watchfire.Dependency, 0, len(c.Dependencies))
	for _, d := range c.Dependencies {
		dep := watchfire.Dependency{ID: d.ID, Name: d.Name, URL: d.URL, Provider: d.Provider, Category: d.Category,
			Source: watchfire.SourceConfig, Interval: d.Interval.Std()}
		for _, a := range d.Affects {
			dep.Affects = append(dep.Affects, watchfire.DependencyAffect{ComponentID: a.Component, Upstream: a.UpstreamComponent})
		}
		out = append(out, dep)
	}
	return out
}

// BlockConfig is an operator-written markdown block shown on a page.
type BlockConfig struct {
	Title string `yaml:"title,omitempty"`
	Body  string `yaml:"body"`
	Page  string `yaml:"page,omitempty"` // page id; "" = every page
}

// LoadFile reads and loads the configuration file at path.
func LoadFile(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("config file %s: %w", path, fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("reading config file: %w", err)
	}
	return Load(path, data)
}

// Load parses data, applies defaults and validates. filename only names
// the file in error messages (its base name is used). On failure the error
// is an *Errors listing every problem in line order.
func Load(filename string, data []byte) (*Config, error) {
	name := ""
	if filename != "" {
		name = filepath.Base(filename)
	}
	root, perr := parse(name, data)
	if perr != nil {
		return nil, &Errors{List: []Error{*perr}}
	}
	c := &Config{file: name, lines: map[string]int{}}
	d := decoder{file: name, lines: c.lines}
	if root != nil {
		d.decode(root, reflectValue(c), "")
	}
	for _, e := range d.errs {
		c.undecoded = append(c.undecoded, e.Path)
	}
	c.ApplyDefaults()

	all := d.errs
	if err := c.Validate(); err != nil {
		var verrs *Errors
		errors.As(err, &verrs)
		for _, e := range verrs.List {
			// A value that failed to decode is zero; don't also complain
			// that it is missing or invalid.
			if !underAny(e.Path, d.errs) {
				all = append(all, e)
			}
		}
	}
	if len(all) > 0 {
		sortErrors(all)
		return nil, &Errors{List: all}
	}
	return c, nil
}

// underAny reports whether path is at or below the path of any error.
func underAny(path string, errs []Error) bool {
	for _, e := range errs {
		if e.Path == "" || path == e.Path ||
			strings.HasPrefix(path, e.Path+".") || strings.HasPrefix(path, e.Path+"[") {
			return true
		}
	}
	return false
}

// PageList returns the configured pages: Pages, or the Page shorthand as
// a one-element list.
func (c *Config) PageList() []PageConfig {
	if len(c.Pages) > 0 {
		return c.Pages
	}
	if c.Page != nil {
		return []PageConfig{*c.Page}
	}
	return nil
}

// DefaultPage returns the id of the page served for requests that match
// no host or path prefix: the page with neither, else the first page.
func (c *Config) DefaultPage() string {
	pages := c.PageList()
	for _, p := range pages {
		if p.Host == "" && p.PathPrefix == "" {
			return p.ID
		}
	}
	if len(pages) > 0 {
		return pages[0].ID
	}
	return ""
}

// GroupList returns every group in position order: the listed groups,
// then those only named by components, in order of first appearance.
func (c *Config) GroupList() []GroupConfig {
	groups := slices.Clone(c.Groups)
	for _, comp := range c.Components {
		if comp.Group != "" && !slices.ContainsFunc(groups, func(g GroupConfig) bool { return g.Name == comp.Group }) {
			groups = append(groups, GroupConfig{Name: comp.Group})
		}
	}
	return groups
}

// Component returns the component with the given id, or nil.
func (c *Config) Component(id string) *ComponentConfig {
	for i := range c.Components {
		if c.Components[i].ID == id {
			return &c.Components[i]
		}
	}
	return nil
}

// Domain converts the configuration to domain values. Positions follow
// file order starting at 1; group ids are slugs of group names; every
// component starts operational. Fields the domain has no place for yet
// (depends_on, auto_incident, monitors, …) stay on the Config.
func (c *Config) Domain() (pages []watchfire.Page, groups []watchfire.Group, components []watchfire.Component) {
	for i, p := range c.PageList() {
		pages = append(pages, watchfire.Page{
			ID:         p.ID,
			Name:       p.Name,
			URL:        p.URL,
			TimeZone:   p.TimeZone,
			Locale:     p.Locale,
			Host:       p.Host,
			PathPrefix: p.PathPrefix,
			Components: slices.Clone(p.Components),
			Position:   i + 1,
		})
	}
	for i, g := range c.GroupList() {
		groups = append(groups, watchfire.Group{
			ID:          Slug(g.Name),
			Name:        g.Name,
			Description: g.Description,
			Position:    i + 1,
		})
	}
	for i, cc := range c.Components {
		comp := watchfire.Component{
			ID:                 cc.ID,
			Name:               cc.Name,
			Description:        cc.Description,
			Position:           i + 1,
			Status:             watchfire.StatusOperational,
			Showcase:           cc.Showcase,
			OnlyShowIfDegraded: cc.OnlyShowIfDegraded,
		}
		if cc.Group != "" {
			comp.GroupID = Slug(cc.Group)
		}
		if t, err := time.Parse(dateLayout, cc.StartDate); err == nil {
			comp.StartDate = &t
		}
		components = append(components, comp)
	}
	return pages, groups, components
}

const dateLayout = "2006-01-02"

// Slug turns a name into an id: lowercase ASCII letters and digits, runs
// of anything else folded into one "-", common Latin accents stripped, at
// most 64 characters. "Core Platform" → "core-platform". It returns ""
// when the name has no letter or digit it can keep.
func Slug(name string) string {
	var b strings.Builder
	pending := false
	for _, r := range strings.ToLower(name) {
		s := string(r)
		if f, ok := foldAccents[r]; ok {
			s = f
		} else if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			pending = b.Len() > 0
			continue
		}
		if pending {
			b.WriteByte('-')
			pending = false
		}
		b.WriteString(s)
	}
	out := b.String()
	if len(out) > 64 {
		out = strings.TrimRight(out[:64], "-")
	}
	return out
}

// foldAccents maps accented Latin letters to ASCII, enough for the names
// people give components and groups without pulling in x/text.
var foldAccents = func() map[rune]string {
	m := map[rune]string{'æ': "ae", 'œ': "oe", 'ß': "ss", 'þ': "th", 'ð': "d", 'đ': "d", 'ł': "l", 'ı': "i", 'ø': "o"}
	for ascii, accented := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćčĉċ", "d": "ď", "e": "èéêëēĕėęě", "g": "ğĝġģ",
		"h": "ĥ", "i": "ìíîïĩīĭį", "j": "ĵ", "k": "ķ", "l": "ĺļľ", "n": "ñńņň",
		"o": "òóôõöōŏő", "r": "ŕŗř", "s": "śŝşš", "t": "ţťŧ", "u": "ùúûüũūŭůűų",
		"w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range accented {
			m[r] = ascii
		}
	}
	return m
}()

// MetricConfig is a measured figure shown with its target, e.g. API
// response time, target < 100 ms. Points are pushed through the
// Statuspage-compatible API, or pulled from a source on an interval.
type MetricConfig struct {
	ID        string  `yaml:"id"`
	Name      string  `yaml:"name"`
	Page      string  `yaml:"page,omitempty"`     // default: the default page
	Unit      string  `yaml:"unit,omitempty"`     // e.g. ms, %, req/s
	Target    string  `yaml:"target,omitempty"`   // e.g. "< 100", ">= 99.9"
	Capacity  float64 `yaml:"capacity,omitempty"` // e.g. 5000 for req/s
	Component string  `yaml:"component,omitempty"`
	// Thresholds set the component's status from the latest value; the
	// worst matching one wins.
	Thresholds []MetricThreshold `yaml:"thresholds,omitempty"`
	Source     *MetricSource     `yaml:"source,omitempty"` // absent: points are pushed
}

// MetricThreshold maps a value range to a component status.
type MetricThreshold struct {
	Above  *float64 `yaml:"above,omitempty"`
	Below  *float64 `yaml:"below,omitempty"`
	Status string   `yaml:"status"`
}

// MetricSource pulls a metric's value with a query.
type MetricSource struct {
	Type     string            `yaml:"type"` // prometheus, graphite or influxdb
	URL      string            `yaml:"url"`
	Query    string            `yaml:"query"`
	Language string            `yaml:"language,omitempty"` // influxdb: influxql (default) or flux
	Database string            `yaml:"database,omitempty"` // influxdb 1.x
	Org      string            `yaml:"org,omitempty"`      // influxdb 2.x
	Token    string            `yaml:"token,omitempty"`
	Headers  map[string]string `yaml:"headers,omitempty"`
	Interval Duration          `yaml:"interval,omitempty"` // default 60s
	Timeout  Duration          `yaml:"timeout,omitempty"`  // default 10s
}

// MetricSourceTypes are the pull sources Watchfire speaks.
var MetricSourceTypes = []string{"prometheus", "graphite", "influxdb"}

// ParseTarget reads a target such as "< 100" or ">= 99.9".
func ParseTarget(s string) (op string, value float64, err error) {
	s = strings.TrimSpace(s)
	for _, o := range []string{"<=", ">=", "<", ">"} {
		if rest, ok := strings.CutPrefix(s, o); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return "", 0, fmt.Errorf("%q: the number after %s is not a number", s, o)
			}
			return o, v, nil
		}
	}
	return "", 0, fmt.Errorf("%q is not a target; write a comparison and a number, e.g. \"< 100\" or \">= 99.9\"", s)
}

// EventLog says where the standard event log lines go. Empty fields take
// their defaults: stdout, text, UTC.
type EventLog struct {
	Output   string `yaml:"output,omitempty"`    // stdout, stderr, off, or a file path (appended to)
	Format   string `yaml:"format,omitempty"`    // text or json (JSON lines)
	TimeZone string `yaml:"time_zone,omitempty"` // IANA name of the text format's times
}

// OutputOrDefault returns Output, or "stdout" when it is empty.
func (e EventLog) OutputOrDefault() string {
	if e.Output == "" {
		return "stdout"
	}
	return e.Output
}

// JSON says whether lines are JSON.
func (e EventLog) JSON() bool { return e.Format == "json" }

// Location returns the time zone of the text format (UTC by default).
func (e EventLog) Location() (*time.Location, error) {
	if e.TimeZone == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(e.TimeZone)
}

// Retention says how long measurements are kept, in days.
type Retention struct {
	Results int `yaml:"results,omitempty"` // raw monitor results; default 7
	Rollups int `yaml:"rollups,omitempty"` // hourly and daily rollups behind uptime; default 400
	Metrics int `yaml:"metrics,omitempty"` // metric points; default 90
	// Payloads is how long raw payloads (webhook deliveries, poller
	// reports) are kept after they are applied; default 7.
	Payloads int `yaml:"payloads,omitempty"`
}

// Webhooks configures POST /webhooks/{provider}.
type Webhooks struct {
	// Open accepts deliveries for providers that have no source below,
	// without any check. Off by default: anyone could then post outages.
	Open    bool            `yaml:"open,omitempty"`
	Sources []WebhookSource `yaml:"sources,omitempty"`
}

// WebhookSource is one sender of webhooks: a vendor's status page, or one
// of your systems posting the generic JSON.
type WebhookSource struct {
	ID       string `yaml:"id"`
	Provider string `yaml:"provider"`
	// Token must then be in the URL the vendor calls (?token=) or the
	// X-Watchfire-Token header.
	Token string `yaml:"token,omitempty"`
	// Secret verifies the provider's signature (HMAC; see docs/EVENTS.md).
	Secret string `yaml:"secret,omitempty"`
	// Dependency is the dependency whose state its pushes update; empty:
	// the one whose page the payload names, if any.
	Dependency string `yaml:"dependency,omitempty"`
}
