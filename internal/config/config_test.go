package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/examples"
)

// base is a small valid config; error cases append to it or replace parts,
// so their line numbers stay easy to count.
const base = `page: {name: Acme Cloud}
components:
  - {id: api, name: API Gateway, group: Core Platform}
  - {id: db, name: Database, group: Infrastructure}
monitors:
  - id: api-self
    component: api
    type: self
  - id: db-self
    component: db
    type: self
`

func TestLoadValid(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		check func(t *testing.T, c *Config)
	}{
		{"empty file gets a default page", "", func(t *testing.T, c *Config) {
			if c.Listen != ":8080" || c.Database != "sqlite:watchfire.db" {
				t.Errorf("listen, database = %q, %q", c.Listen, c.Database)
			}
			pages := c.PageList()
			if len(pages) != 1 || pages[0].ID != "status" || pages[0].Name != "Status" ||
				pages[0].TimeZone != "UTC" || pages[0].Locale != "en" {
				t.Errorf("pages = %+v", pages)
			}
			if c.DefaultPage() != "status" {
				t.Errorf("DefaultPage = %q", c.DefaultPage())
			}
		}},
		{"base", base, func(t *testing.T, c *Config) {
			if got := c.PageList()[0].ID; got != "acme-cloud" {
				t.Errorf("page id = %q, want the slug of the name", got)
			}
			m := c.Monitors[0]
			if m.Interval.Std() != 30*time.Second || m.Timeout.Std() != 10*time.Second {
				t.Errorf("interval, timeout = %s, %s", m.Interval, m.Timeout)
			}
			if !c.Components[0].AutoIncidentEnabled() || c.Components[0].AutoIncident == nil {
				t.Error("auto_incident should default to true, explicitly")
			}
		}},
		{"monitor defaults depend on the type", `components: [{id: api, name: API}]
monitors:
  - {id: a, component: api, type: HTTP, url: "https://api.acme.test/health", interval: 5s}
  - {id: b, component: api, type: dns, host: acme.test, record_type: aaaa}
  - {id: c, component: api, type: tls, host: acme.test}
  - {id: d, component: api, type: heartbeat, interval: 5m, grace: 1m, token: 0123456789abcdef}
`, func(t *testing.T, c *Config) {
			a, b, cc, d := c.Monitors[0], c.Monitors[1], c.Monitors[2], c.Monitors[3]
			if a.Type != "http" || a.Method != "GET" || a.FollowRedirects == nil || !*a.FollowRedirects {
				t.Errorf("http defaults: %+v", a)
			}
			if a.Timeout.Std() != 5*time.Second {
				t.Errorf("timeout = %s, want the interval when it is under 10s", a.Timeout)
			}
			if b.RecordType != "AAAA" || cc.Port != 443 {
				t.Errorf("record_type %q, tls port %d", b.RecordType, cc.Port)
			}
			if d.Timeout != 0 || d.Grace.Std() != time.Minute {
				t.Errorf("heartbeat timeout %s, grace %s", d.Timeout, d.Grace)
			}
		}},
		{"several pages, the default is the one with no host or prefix", `pages:
  - {name: Internal, path_prefix: /internal, components: [api]}
  - {id: public, name: Acme, locale: pt-br, time_zone: America/Sao_Paulo}
  - {name: Partners, host: Partners.Acme.test:8443}
components: [{id: api, name: API}]
`, func(t *testing.T, c *Config) {
			if c.DefaultPage() != "public" {
				t.Errorf("DefaultPage = %q", c.DefaultPage())
			}
			if got := c.Pages[1].Locale; got != "pt-BR" {
				t.Errorf("locale = %q, want pt-BR", got)
			}
			if got := c.Pages[2].Host; got != "partners.acme.test:8443" {
				t.Errorf("host = %q, want it lowercased", got)
			}
		}},
		{"first page is the default when all have a host", `pages:
  - {name: A, host: a.test}
  - {name: B, host: b.test}
`, func(t *testing.T, c *Config) {
			if c.DefaultPage() != "a" {
				t.Errorf("DefaultPage = %q", c.DefaultPage())
			}
		}},
		{"merge keys and anchors", `components: [{id: api, name: API}]
monitors:
  - &probe {id: a, component: api, type: tcp, host: api.acme.test, port: 443, interval: 10s}
  - <<: *probe
    id: b
    port: 8443
`, func(t *testing.T, c *Config) {
			b := c.Monitors[1]
			if b.ID != "b" || b.Port != 8443 || b.Host != "api.acme.test" || b.Interval.Std() != 10*time.Second {
				t.Errorf("merged monitor = %+v", b)
			}
		}},
		{"the example in DESIGN.md", `page: {name: Acme Cloud, url: https://status.acme.test, time_zone: Europe/Paris, locale: en}
components:
  - {id: api, name: API Gateway, group: Core Platform, description: Public REST API}
monitors:
  - id: api-health
    component: api
    type: http            # http | tcp | dns | tls | icmp | grpc | websocket | heartbeat | self
    url: https://api.acme.test/health   # tcp/dns/icmp/tls use host: (and port:)
    interval: 30s
    timeout: 5s
    expect: {status: [200], latency_under: 100ms, body_contains: ok}
dependencies:
  - {id: github, name: GitHub, url: https://www.githubstatus.com, provider: auto,
     interval: 60s, affects: [{component: api, upstream_component: Actions}]}
`, func(t *testing.T, c *Config) {
			if c.Monitors[0].Expect.LatencyUnder.Std() != 100*time.Millisecond || c.Dependencies[0].Affects[0].UpstreamComponent != "Actions" {
				t.Errorf("config = %+v", c)
			}
		}},
		{"dependency defaults", `components: [{id: gh, name: GitHub}]
dependencies:
  - {id: github, name: GitHub, url: "https://www.githubstatus.com", affects: [{component: gh}]}
`, func(t *testing.T, c *Config) {
			d := c.Dependencies[0]
			if d.Provider != "auto" || d.Interval.Std() != time.Minute {
				t.Errorf("provider %q interval %s", d.Provider, d.Interval)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load("watchfire.yaml", []byte(tt.yaml))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tt.check(t, c)
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"unknown component in a monitor", base + `  - id: api-health
    type: http
    component: apii
    url: https://api.acme.test/health
`, []string{
			`watchfire.yaml:14: monitors[2].component: "apii" is not a component id`,
		}},
		{"unknown monitor type", base + `  - {id: x, component: api, type: htp}
`, []string{
			`watchfire.yaml:12: monitors[2].type: "htp" is not a monitor type; use one of http, tcp, dns, tls, icmp, grpc, websocket, heartbeat, self`,
		}},
		{"unknown top-level key", "pagez: {name: Acme}\n", []string{
			`watchfire.yaml:1: pagez: unknown key; known keys: listen, database, page, pages, groups, components, monitors, dependencies, blocks, metrics, retention, event_log, webhooks`,
		}},
		{"unknown nested key", `components:
  - id: api
    name: API
  - id: db
    nmae: Database
`, []string{
			`watchfire.yaml:4: components[1].name: required: the name shown on the page`,
			`watchfire.yaml:5: components[1].nmae: unknown key; known keys: id, name, group, description, showcase, only_show_if_degraded, start_date, depends_on, auto_incident`,
		}},
		{"unknown key two levels down", base + `  - id: web
    component: api
    type: http
    url: https://acme.test
    expect: {status: [200], latency: 1s}
`, []string{
			`watchfire.yaml:16: monitors[2].expect.latency: unknown key; known keys: status, latency_under, body_contains, body_regex, json_path, json_value, answers, rcode, cert_days`,
		}},
		{"bad duration", base + `    interval: abc
`, []string{
			`watchfire.yaml:12: monitors[1].interval: "abc" is not a duration; use a number and a unit, e.g. 30s, 5m or 1h30m`,
		}},
		{"duration without a unit", base + `    timeout: 5
`, []string{
			`watchfire.yaml:12: monitors[1].timeout: "5" is not a duration; use a number and a unit, e.g. 30s, 5m or 1h30m`,
		}},
		{"a string where a list is expected", "components: api\n", []string{
			`watchfire.yaml:1: components: expected a list, got "api"; write [a, b] or one "- item" per line`,
		}},
		{"wrong scalar types", `components:
  - id: api
    name: [API]
    showcase: yes
monitors:
  - {id: p, component: api, type: tcp, host: acme.test, port: https}
`, []string{
			`watchfire.yaml:3: components[0].name: expected a string, got a list`,
			`watchfire.yaml:4: components[0].showcase: expected true or false, got "yes"`,
			`watchfire.yaml:6: monitors[0].port: expected a whole number, got "https"`,
		}},
		{"a list item that is not a mapping", "components:\n  - api\n", []string{
			`watchfire.yaml:2: components[0]: expected a mapping (key: value lines), got "api"`,
		}},
		{"dependency cycle", `components:
  - {id: web, name: Web, depends_on: [api]}
  - {id: cache, name: Cache}
  - {id: other, name: Other}
  - {id: api, name: API, depends_on: [db, cache]}
  - {id: db, name: DB, depends_on: [api]}
`, []string{
			`watchfire.yaml:5: components[3].depends_on: dependency cycle api -> db -> api; remove one of these depends_on entries`,
		}},
		{"bad depends_on entries", `components:
  - {id: api, name: API, depends_on: [api, dbb, cache, cache]}
  - {id: cache, name: Cache}
`, []string{
			`watchfire.yaml:2: components[0].depends_on[0]: "api" is this component; a component cannot depend on itself`,
			`watchfire.yaml:2: components[0].depends_on[1]: "dbb" is not a component id`,
			`watchfire.yaml:2: components[0].depends_on[3]: "cache" is listed twice`,
		}},
		{"page and pages both", `page: {name: A}
pages:
  - {name: B}
`, []string{
			`watchfire.yaml:3: pages: page and pages are both set; use page for one page or pages for several, not both`,
		}},
		{"duplicate ids", base + `  - {id: api-self, component: db, type: self}
components:
`, []string{
			`watchfire.yaml:12: monitors[2].id: "api-self" is already the id of monitors[0]`,
			`watchfire.yaml:13: components: key given twice (first on line 2); keep one`,
		}},
		{"duplicate component id", `components:
  - {id: api, name: API}
  - {id: api, name: API again}
`, []string{
			`watchfire.yaml:3: components[1].id: "api" is already the id of components[0]`,
		}},
		{"invalid time_zone and locale", `page:
  name: Acme
  time_zone: Europe/Pariss
  locale: pt_BR
`, []string{
			`watchfire.yaml:3: page.time_zone: "Europe/Pariss" is not a known time zone; use an IANA name such as UTC, Europe/Paris or America/New_York`,
			`watchfire.yaml:4: page.locale: "pt_BR" is not a language tag; use a BCP 47 tag such as en, fr or pt-BR`,
		}},
		{"pages that answer on the same route", `pages:
  - {name: A}
  - {name: B}
  - {name: C, path_prefix: /c}
  - {name: D, path_prefix: /c}
  - {name: E, path_prefix: /api/e}
  - {name: F, path_prefix: /f/}
  - {name: A}
`, []string{
			`watchfire.yaml:3: pages[1]: pages[0] is already the default page (no host, no path_prefix); give this page a host or a path_prefix`,
			`watchfire.yaml:5: pages[3].path_prefix: pages[2] already answers at "/c"; pick another path_prefix or add a host`,
			`watchfire.yaml:6: pages[4].path_prefix: "/api/e" is reserved for Watchfire's own /api endpoint; pick another prefix`,
			`watchfire.yaml:7: pages[5].path_prefix: "/f/" must not end with /; write "/f" (omit path_prefix to serve at the root)`,
			`watchfire.yaml:8: pages[6].id: "a" is already the id of pages[0]`,
			`watchfire.yaml:8: pages[6]: pages[0] is already the default page (no host, no path_prefix); give this page a host or a path_prefix`,
		}},
		{"keys a monitor type does not use", `components: [{id: api, name: API}]
monitors:
  - id: beat
    component: api
    type: heartbeat
    url: https://acme.test/ping
  - {id: port, component: api, type: tcp, host: "redis.acme.test:6379", method: GET}
  - {id: beat2, component: api, type: heartbeat, token: short}
`, []string{
			`watchfire.yaml:3: monitors[0].token: required for heartbeat monitors: the secret in the push URL POST /api/v1/heartbeat/{token}; use 16 or more random letters and digits`,
			`watchfire.yaml:6: monitors[0].url: heartbeat monitors do not use url; they use interval, grace, token`,
			`watchfire.yaml:7: monitors[1].method: tcp monitors do not use method; they use interval, host, port, timeout, retries, expect.latency_under`,
			`watchfire.yaml:7: monitors[1].host: "redis.acme.test:6379" includes a port; write the host name alone and the port in port`,
			`watchfire.yaml:7: monitors[1].port: required for tcp monitors, e.g. port: 443`,
			`watchfire.yaml:8: monitors[2].token: use 16 to 128 letters, digits, '-' or '_', so the push URL cannot be guessed`,
		}},
		{"http and websocket URLs", `components: [{id: api, name: API}]
monitors:
  - {id: a, component: api, type: http, url: "ws://acme.test"}
  - {id: b, component: api, type: websocket, url: "https://acme.test"}
  - {id: c, component: api, type: http, method: FETCH}
`, []string{
			`watchfire.yaml:3: monitors[0].url: "ws://acme.test" is not an absolute http/https URL; use http://… or https://…`,
			`watchfire.yaml:4: monitors[1].url: "https://acme.test" is not an absolute ws/wss URL; use ws://… or wss://…`,
			`watchfire.yaml:5: monitors[2].url: required for http monitors, e.g. url: https://api.acme.test/health`,
			`watchfire.yaml:5: monitors[2].method: "FETCH" is not an HTTP method; use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS`,
		}},
		{"timings and expectations", `components: [{id: api, name: API}]
monitors:
  - id: a
    component: api
    type: http
    url: https://acme.test
    interval: 500ms
  - id: b
    component: api
    type: http
    url: https://acme.test
    interval: 5s
    timeout: 10s
    expect:
      status: [200, 999]
      body_regex: "ok("
      json_value: up
`, []string{
			`watchfire.yaml:7: monitors[0].interval: 500ms is too short; use at least 1s`,
			`watchfire.yaml:13: monitors[1].timeout: 10s exceeds the interval (5s); a probe must finish before the next one starts`,
			`watchfire.yaml:15: monitors[1].expect.status[1]: 999 is not an HTTP status code; use 100 to 599`,
			`watchfire.yaml:16: monitors[1].expect.body_regex: "ok(" is not a valid regular expression: missing closing ): ` + "`ok(`",
			`watchfire.yaml:17: monitors[1].expect.json_value: needs json_path: the value is compared with what json_path selects`,
		}},
		{"more monitor checks", `components: [{id: api, name: API}]
monitors:
  - {id: g1, component: api, type: grpc, url: "grpc://api.acme.test:443", host: api.acme.test}
  - {id: g2, component: api, type: grpc, host: api.acme.test, port: 70000}
  - {id: s, component: api, type: self, target: disk}
  - {id: d, component: api, type: dns, host: "https://acme.test", record_type: AXFR}
  - id: h
    component: api
    type: http
    url: https://acme.test
    timeout: 2s
    headers:
      Bad Header: x
      X-Token: "a\nb"
      Accept: text/plain
      Accept: application/json
    expect: {latency_under: 3s, json_path: "$..x"}
`, []string{
			`watchfire.yaml:3: monitors[0].url: give either url or host and port, not both`,
			`watchfire.yaml:4: monitors[1].port: 70000 is not a port; use 1 to 65535`,
			`watchfire.yaml:5: monitors[2].target: "disk" is not a Watchfire subsystem; use one of api, events, database`,
			`watchfire.yaml:6: monitors[3].host: "https://acme.test" is a URL; write the host name alone, e.g. api.acme.test`,
			`watchfire.yaml:6: monitors[3].record_type: "AXFR" is not a DNS record type; use one of A, AAAA, CNAME, MX, NS, TXT, SRV, CAA, PTR, SOA`,
			`watchfire.yaml:13: monitors[4].headers.Bad Header: "Bad Header" is not a valid header name`,
			`watchfire.yaml:14: monitors[4].headers.X-Token: a header value must fit on one line`,
			`watchfire.yaml:16: monitors[4].headers.Accept: key given twice (first on line 15); keep one`,
			`watchfire.yaml:17: monitors[4].expect.latency_under: 3s exceeds the timeout (2s), so it can never fail; lower it or raise timeout`,
			`watchfire.yaml:17: monitors[4].expect.json_path: "$..x" is not a JSON path; use dotted keys and [index], e.g. $.status or data.items[0].state`,
		}},
		{"groups", `groups:
  - name: Core
  - name: Core
  - description: no name
  - name: "..."
`, []string{
			`watchfire.yaml:3: groups[1].name: "Core" is already listed as groups[0]`,
			`watchfire.yaml:4: groups[2].name: required: the heading shown above the group's components`,
			`watchfire.yaml:5: groups[3].name: "..." has no letters or digits to make a group id from`,
		}},
		{"dependencies and blocks", `components: [{id: gh, name: GitHub}]
dependencies:
  - id: github
    url: githubstatus.com
    provider: statuspage
    interval: 1s
    affects: [{component: ghh}]
blocks:
  - {title: Help, page: nope}
`, []string{
			`watchfire.yaml:3: dependencies[0].name: required: the name shown on the page, e.g. name: GitHub`,
			`watchfire.yaml:4: dependencies[0].url: "githubstatus.com" is not an absolute http/https URL; use http://… or https://…`,
			`watchfire.yaml:5: dependencies[0].provider: "statuspage" is not a provider; use one of auto, atlassian, incidentio, statusio, instatus, betterstack, cachet, gcp, slack, apple, feed, watchfire, generic, aws, heroku, salesforce, checkly, yandexcloud, directory`,
			`watchfire.yaml:6: dependencies[0].interval: 1s is too short; use at least 10s to be polite to the provider`,
			`watchfire.yaml:7: dependencies[0].affects[0].component: "ghh" is not a component id`,
			`watchfire.yaml:9: blocks[0].body: required: the markdown text of the block`,
			`watchfire.yaml:9: blocks[0].page: "nope" is not a page id`,
		}},
		{"server settings; the DSN is never echoed", `listen: "8080"
database: postgres:secret@db
`, []string{
			`watchfire.yaml:1: listen: "8080" is not a listen address; use HOST:PORT or :PORT, e.g. ":8080"`,
			`watchfire.yaml:2: database: not a valid PostgreSQL URL; use postgres://USER:PASSWORD@HOST:PORT/DB`,
		}},
		{"group names that collide", `groups:
  - name: Core Platform
  - name: core-platform
components:
  - {id: a, name: A, group: Core  Platform}
`, []string{
			`watchfire.yaml:3: groups[1].name: "core-platform" has the same id (core-platform) as groups[0] "Core Platform"; use one name`,
			`watchfire.yaml:5: components[0].group: "Core  Platform" and group "Core Platform" differ only in case or punctuation; use the same name`,
		}},
		{"bad start_date and id", `components:
  - {id: API, name: API, start_date: 2024-13-01}
`, []string{
			`watchfire.yaml:2: components[0].id: "API" is not a valid id; use 1 to 64 lowercase letters, digits, - or _, starting with a letter or digit`,
			`watchfire.yaml:2: components[0].start_date: "2024-13-01" is not a date; use YYYY-MM-DD, e.g. 2024-01-15`,
		}},
		{"a value that failed to decode is not also reported missing", `components: {id: api}
monitors:
  - {id: m, component: api, type: self}
`, []string{
			`watchfire.yaml:1: components: expected a list, got a mapping; write [a, b] or one "- item" per line`,
		}},
		{"multiple errors come out in line order", `monitors:
  - {id: m, component: nope, type: self}
components:
  - {id: api, nmae: API}
page: {name: Acme, time_zone: Nowhere}
`, []string{
			`watchfire.yaml:2: monitors[0].component: "nope" is not a component id`,
			`watchfire.yaml:4: components[0].nmae: unknown key; known keys: id, name, group, description, showcase, only_show_if_degraded, start_date, depends_on, auto_incident`,
			`watchfire.yaml:4: components[0].name: required: the name shown on the page`,
			`watchfire.yaml:5: page.time_zone: "Nowhere" is not a known time zone; use an IANA name such as UTC, Europe/Paris or America/New_York`,
		}},
		{"YAML syntax error", "page:\n  name: Acme\ncomponents:\n  - id: api\n    name: API: Gateway\n", []string{
			`watchfire.yaml:5: mapping values are not allowed in this context`,
		}},
		{"YAML syntax error reported by the parser", "page: {name: Acme}\ncomponents:\n  - id: api\n  name: API\n", []string{
			`watchfire.yaml:4: did not find expected '-' indicator`,
		}},
		{"tab indentation", "page:\n\tname: Acme\n", []string{
			`watchfire.yaml:2: found character that cannot start any token; indent with spaces, not tabs`,
		}},
		{"two documents", "page: {name: A}\n---\npage: {name: B}\n", []string{
			`watchfire.yaml:2: a second YAML document; a config file holds one (remove the "---")`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load("/etc/watchfire/watchfire.yaml", []byte(tt.yaml))
			if c != nil {
				t.Error("Load returned a Config along with errors")
			}
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Load error = %v (%T), want *Errors", err, err)
			}
			got := strings.Split(errs.Error(), "\n")
			if !slices.Equal(got, tt.want) {
				t.Errorf("errors:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(tt.want, "\n      "))
			}
		})
	}
}

func TestErrorsUnwrap(t *testing.T) {
	_, err := Load("watchfire.yaml", []byte("listen: nope\n"))
	var e Error
	if !errors.As(err, &e) || e.Path != "listen" || e.Line != 1 || e.File != "watchfire.yaml" {
		t.Fatalf("errors.As(Error) = %+v", e)
	}
}

func TestValidateInCode(t *testing.T) {
	// A Config built in code (admin API) has no file or lines.
	c := &Config{Components: []ComponentConfig{{ID: "api", Name: "API"}},
		Monitors: []MonitorConfig{{ID: "m", Component: "db", Type: "self"}}}
	c.ApplyDefaults()
	before := clone(t, c)
	err := c.Validate()
	if err == nil || err.Error() != `monitors[0].component: "db" is not a component id` {
		t.Errorf("Validate = %v", err)
	}
	if !reflect.DeepEqual(c, before) {
		t.Error("Validate changed the Config")
	}
	c.ApplyDefaults()
	if !reflect.DeepEqual(c, before) {
		t.Error("ApplyDefaults is not idempotent")
	}
}

func clone(t *testing.T, c *Config) *Config {
	t.Helper()
	out, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var cp Config
	if err := yaml.Unmarshal(out, &cp); err != nil {
		t.Fatal(err)
	}
	cp.file, cp.lines = c.file, c.lines
	return &cp
}

func TestDomain(t *testing.T) {
	c, err := Load("watchfire.yaml", []byte(`pages:
  - {id: acme, name: Acme Cloud, url: "https://status.acme.test", time_zone: Europe/Paris}
  - {id: internal, name: Internal, path_prefix: /internal, components: [db, api]}
groups:
  - {name: Infrastructure, description: Where it runs}
components:
  - {id: api, name: API Gateway, group: Core Platform, start_date: 2024-01-15, depends_on: [db], auto_incident: false}
  - {id: db, name: Database, group: Infrastructure, showcase: true}
  - {id: x, name: Twitter/X API, group: Third-party, only_show_if_degraded: true}
  - {id: misc, name: Misc}
`))
	if err != nil {
		t.Fatal(err)
	}
	pages, groups, comps := c.Domain()

	wantPages := []watchfire.Page{
		{ID: "acme", Name: "Acme Cloud", URL: "https://status.acme.test", TimeZone: "Europe/Paris", Locale: "en", Position: 1},
		{ID: "internal", Name: "Internal", TimeZone: "UTC", Locale: "en", PathPrefix: "/internal", Components: []string{"db", "api"}, Position: 2},
	}
	if !reflect.DeepEqual(pages, wantPages) {
		t.Errorf("pages:\n got %+v\nwant %+v", pages, wantPages)
	}

	// Listed groups first, then implicit ones in order of first use.
	wantGroups := []watchfire.Group{
		{ID: "infrastructure", Name: "Infrastructure", Description: "Where it runs", Position: 1},
		{ID: "core-platform", Name: "Core Platform", Position: 2},
		{ID: "third-party", Name: "Third-party", Position: 3},
	}
	if !reflect.DeepEqual(groups, wantGroups) {
		t.Errorf("groups:\n got %+v\nwant %+v", groups, wantGroups)
	}

	start := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
	op := watchfire.StatusOperational
	wantComps := []watchfire.Component{
		{ID: "api", GroupID: "core-platform", Name: "API Gateway", Position: 1, Status: op, StartDate: &start},
		{ID: "db", GroupID: "infrastructure", Name: "Database", Position: 2, Status: op, Showcase: true},
		{ID: "x", GroupID: "third-party", Name: "Twitter/X API", Position: 3, Status: op, OnlyShowIfDegraded: true},
		{ID: "misc", Name: "Misc", Position: 4, Status: op},
	}
	if !reflect.DeepEqual(comps, wantComps) {
		t.Errorf("components:\n got %+v\nwant %+v", comps, wantComps)
	}

	// What the domain has no field for stays reachable on the Config.
	api := c.Component("api")
	if api == nil || !slices.Equal(api.DependsOn, []string{"db"}) || api.AutoIncidentEnabled() {
		t.Errorf("Component(api) = %+v", api)
	}
	if c.Component("nope") != nil {
		t.Error("Component(nope) != nil")
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Core Platform":         "core-platform",
		"Third-party":           "third-party",
		"Twitter/X API":         "twitter-x-api",
		"  Redis   Cache  ":     "redis-cache",
		"Données & Créations":   "donnees-creations",
		"Straße":                "strasse",
		"!!!":                   "",
		"API_v2":                "api-v2",
		strings.Repeat("a", 70): strings.Repeat("a", 64),
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second: "30s", 5 * time.Minute: "5m", time.Hour: "1h",
		90 * time.Minute: "1h30m", 100 * time.Millisecond: "100ms", 0: "0s",
	} {
		if got := Duration(d).String(); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
	var e Expect
	if err := yaml.Unmarshal([]byte("latency_under: 250ms\n"), &e); err != nil || e.LatencyUnder.Std() != 250*time.Millisecond {
		t.Errorf("yaml.Unmarshal: %v, %v", e.LatencyUnder, err)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	_, err := LoadFile(filepath.Join(dir, "missing.yaml"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasSuffix(err.Error(), "missing.yaml: file does not exist") {
		t.Errorf("missing file: %v", err)
	}

	path := filepath.Join(dir, "acme.yaml")
	if err := os.WriteFile(path, []byte("page: {name: Acme}\nlisten: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), "acme.yaml:2: listen: ") {
		t.Errorf("errors should name the file's base name: %v", err)
	}
}

func TestExample(t *testing.T) {
	c, err := Load(examples.DemoConfigName, examples.DemoConfig)
	if err != nil {
		t.Fatalf("examples/watchfire.yaml: %v", err)
	}
	if n := len(c.Components); n < 8 {
		t.Errorf("%d components, want at least 8", n)
	}
	_, groups, _ := c.Domain()
	var names []string
	for _, g := range groups {
		names = append(names, g.Name)
	}
	if want := []string{"Core Platform", "Infrastructure", "Third-party"}; !slices.Equal(names, want) {
		t.Errorf("groups = %q, want %q", names, want)
	}
	if c.DefaultPage() != "acme" {
		t.Errorf("DefaultPage = %q", c.DefaultPage())
	}
	for _, m := range c.Monitors {
		if m.Type != "self" {
			t.Errorf("monitor %s is %s: the demo must work offline", m.ID, m.Type)
		}
	}
}

// TestExampleProbes uncomments the probe examples users are told to copy
// and checks that they load too.
func TestExampleProbes(t *testing.T) {
	text := string(examples.DemoConfig)
	const open, close = "  # --- begin probe examples\n", "  # --- end probe examples\n"
	begin, end := strings.Index(text, open), strings.Index(text, close)
	if begin < 0 || end < begin {
		t.Fatal("probe example markers not found")
	}
	block := text[begin+len(open) : end]
	block = regexp.MustCompile(`(?m)^  # `).ReplaceAllString(block, "  ")
	c, err := Load(examples.DemoConfigName, []byte(text[:begin]+block+text[end:]))
	if err != nil {
		t.Fatalf("uncommented examples: %v", err)
	}
	types := map[string]bool{}
	for _, m := range c.Monitors {
		types[m.Type] = true
	}
	for _, typ := range []string{"http", "websocket", "tcp", "tls", "dns", "icmp", "heartbeat"} {
		if !types[typ] {
			t.Errorf("no %s example", typ)
		}
	}
}

func TestMetrics(t *testing.T) {
	good := `components: [{id: api, name: API}]
metrics:
  - id: api-latency
    name: API response time
    unit: ms
    target: "< 100"
    component: api
    thresholds:
      - {above: 250, status: degraded_performance}
      - {above: 1000, status: major_outage}
  - id: error-rate
    name: API error rate
    unit: "%"
    target: "<= 0.5"
    capacity: 100
    source: {type: prometheus, url: "http://127.0.0.1:9090", query: "sum(rate(errors[5m]))"}
`
	c, err := Load("watchfire.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if src := c.Metrics[1].Source; src.Interval.Std() != DefaultMetricInterval || src.Timeout.Std() != DefaultMetricTimeout {
		t.Fatalf("source defaults: %+v", src)
	}
	bad := `components: [{id: api, name: API}]
metrics:
  - {id: m, name: M, target: "about 100", thresholds: [{above: 1, below: 2, status: broken}]}
  - {id: m, name: "", component: apii, source: {type: datadog, url: "ftp://x", query: ""}}
`
	_, err = Load("watchfire.yaml", []byte(bad))
	want := []string{
		`watchfire.yaml:3: metrics[0].target: "about 100" is not a target; write a comparison and a number, e.g. "< 100" or ">= 99.9"`,
		`metrics[0].component: required with thresholds`,
		`metrics[0].thresholds[0]: give exactly one of above or below`,
		`metrics[0].thresholds[0].status: "broken" is not a status a threshold can set`,
		`metrics[1].id: "m" is already the id of metrics[0]`,
		`metrics[1].name: required`,
		`metrics[1].component: "apii" is not a component id`,
		`metrics[1].source.type: "datadog" is not a metric source; use one of prometheus, graphite, influxdb`,
		`metrics[1].source.query: required`,
	}
	for _, w := range want {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("errors lack %q:\n%v", w, err)
		}
	}
	for _, tc := range []struct {
		in   string
		op   string
		want float64
	}{{"< 100", "<", 100}, {">=99.9", ">=", 99.9}, {" <= 0.5 ", "<=", 0.5}} {
		op, v, err := ParseTarget(tc.in)
		if err != nil || op != tc.op || v != tc.want {
			t.Errorf("ParseTarget(%q) = %s %v %v", tc.in, op, v, err)
		}
	}
}

func TestRetention(t *testing.T) {
	c, err := Load("watchfire.yaml", []byte("page: {name: A}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Retention != (Retention{Results: 7, Rollups: 400, Metrics: 90, Payloads: 7}) {
		t.Fatalf("defaults = %+v", c.Retention)
	}
	_, err = Load("watchfire.yaml", []byte("page: {name: A}\nretention: {results: -1, rollups: 30, payloads: -2}\n"))
	for _, want := range []string{"retention.results: -1 days", "retention.rollups: 30 days: keep rollups at least 90 days",
		"retention.payloads: -2 days: keep raw payloads at least 1 day"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q: %v", want, err)
		}
	}
}

func TestEventLog(t *testing.T) {
	c, err := Load("watchfire.yaml", []byte("page: {name: A}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.EventLog.OutputOrDefault() != "stdout" || c.EventLog.JSON() {
		t.Fatalf("defaults = %+v", c.EventLog)
	}
	if loc, err := c.EventLog.Location(); err != nil || loc != time.UTC {
		t.Fatalf("default location = %v %v", loc, err)
	}
	c, err = Load("watchfire.yaml", []byte("page: {name: A}\nevent_log: {output: /var/log/watchfire/events.log, format: json, time_zone: Europe/Paris}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.EventLog.OutputOrDefault() != "/var/log/watchfire/events.log" || !c.EventLog.JSON() {
		t.Fatalf("%+v", c.EventLog)
	}
	if loc, err := c.EventLog.Location(); err != nil || loc.String() != "Europe/Paris" {
		t.Fatalf("location = %v %v", loc, err)
	}
	for _, out := range []string{"stderr", "off", "stdout", "events.log"} {
		if _, err := Load("watchfire.yaml", []byte("event_log: {output: "+out+", format: text}\n")); err != nil {
			t.Errorf("%s: %v", out, err)
		}
	}
	_, err = Load("watchfire.yaml", []byte("page: {name: A}\nevent_log:\n  output: /var/log/\n  format: xml\n  time_zone: Mars/Olympus\n  colour: red\n"))
	for _, want := range []string{
		`watchfire.yaml:3: event_log.output: "/var/log/" is a directory; name a file, e.g. /var/log/events.log`,
		`watchfire.yaml:4: event_log.format: "xml" is not an event log format; use text or json`,
		`watchfire.yaml:5: event_log.time_zone: "Mars/Olympus" is not a known time zone`,
		`watchfire.yaml:6: event_log.colour: unknown key; known keys: output, format, time_zone`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q: %v", want, err)
		}
	}
	_, err = Load("watchfire.yaml", []byte("event_log: {time_zone: Local}\n"))
	if err == nil || !strings.Contains(err.Error(), `event_log.time_zone: "Local" depends on the server`) {
		t.Errorf("Local: %v", err)
	}
}

func TestWebhooks(t *testing.T) {
	good := `page: {name: A}
dependencies:
  - {id: github, name: GitHub, url: https://www.githubstatus.com}
webhooks:
  open: true
  sources:
    - {id: github-hook, provider: atlassian, token: 0123456789abcdef0123, dependency: github}
    - {id: ci, provider: generic, secret: s3cret}
`
	c, err := Load("watchfire.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Webhooks.Open || len(c.Webhooks.Sources) != 2 || c.Webhooks.Sources[0].Dependency != "github" ||
		c.Webhooks.Sources[1].Secret != "s3cret" {
		t.Fatalf("webhooks = %+v", c.Webhooks)
	}
	bad := `page: {name: A}
webhooks:
  sources:
    - {id: a, provider: statusio, token: 0123456789abcdef0123}
    - {id: a, provider: generic}
    - {id: b, provider: generic, token: short}
    - {id: c, provider: generic, token: "has spaces and more than sixteen", dependency: nope}
`
	_, err = Load("watchfire.yaml", []byte(bad))
	for _, want := range []string{
		`webhooks.sources[0].provider: "statusio" does not send webhooks Watchfire reads; use one of atlassian, betterstack, generic, incidentio, instatus`,
		`webhooks.sources[1].id: "a" is already the id of webhooks.sources[0]`,
		`webhooks.sources[1]: set a token`,
		`webhooks.sources[2].token: 5 characters is too easy to guess`,
		`webhooks.sources[3].token: use only letters, digits`,
		`webhooks.sources[3].dependency: "nope" is not the id of a dependency in this file`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
}
