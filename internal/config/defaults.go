package config

import (
	"strings"
	"time"
)

// Defaults that users see in the reference config; keep them in sync with
// examples/watchfire.yaml.
const (
	DefaultListen             = ":8080"
	DefaultDatabase           = "sqlite:watchfire.db"
	DefaultTimeZone           = "UTC"
	DefaultLocale             = "en"
	DefaultMonitorInterval    = 30 * time.Second
	DefaultMonitorTimeout     = 10 * time.Second
	DefaultDependencyInterval = 60 * time.Second
	DefaultMetricInterval     = 60 * time.Second
	DefaultMetricTimeout      = 10 * time.Second
	DefaultResultsDays        = 7
	DefaultRollupsDays        = 400
	DefaultMetricsDays        = 90
	DefaultPayloadsDays       = 7
)

// ApplyDefaults fills in every value left unset and puts names the user
// may write in any case (types, methods, locales, hosts) in canonical
// form. It is idempotent and runs before Validate, which never changes
// the Config.
func (c *Config) ApplyDefaults() {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
	if c.Page == nil && len(c.Pages) == 0 {
		c.Page = &PageConfig{ID: "status", Name: "Status"}
	}
	if c.Page != nil {
		c.Page.applyDefaults()
	}
	for i := range c.Pages {
		c.Pages[i].applyDefaults()
	}
	for i := range c.Components {
		if c.Components[i].AutoIncident == nil {
			c.Components[i].AutoIncident = ptr(true)
		}
	}
	for i := range c.Monitors {
		c.Monitors[i].applyDefaults()
	}
	if c.Retention.Results == 0 {
		c.Retention.Results = DefaultResultsDays
	}
	if c.Retention.Rollups == 0 {
		c.Retention.Rollups = DefaultRollupsDays
	}
	if c.Retention.Metrics == 0 {
		c.Retention.Metrics = DefaultMetricsDays
	}
	if c.Retention.Payloads == 0 {
		c.Retention.Payloads = DefaultPayloadsDays
	}
	for i := range c.Metrics {
		if src := c.Metrics[i].Source; src != nil {
			if src.Interval == 0 {
				src.Interval = Duration(DefaultMetricInterval)
			}
			if src.Timeout == 0 {
				src.Timeout = Duration(DefaultMetricTimeout)
			}
		}
	}
	for i := range c.Dependencies {
		dep := &c.Dependencies[i]
		dep.Provider = canonical(dep.Provider, Providers)
		if dep.Provider == "" {
			dep.Provider = "auto"
		}
		if dep.Interval == 0 {
			dep.Interval = Duration(DefaultDependencyInterval)
		}
	}
}

func (p *PageConfig) applyDefaults() {
	if p.ID == "" {
		p.ID = Slug(p.Name)
	}
	if p.TimeZone == "" {
		p.TimeZone = DefaultTimeZone
	}
	if p.Locale == "" {
		p.Locale = DefaultLocale
	}
	p.Locale = canonicalLocale(p.Locale)
	if h := strings.ToLower(p.Host); validHostPort(h) {
		p.Host = h
	}
}

func (m *MonitorConfig) applyDefaults() {
	m.Type = canonical(m.Type, MonitorTypes)
	if m.Interval == 0 {
		m.Interval = Duration(DefaultMonitorInterval)
	}
	// A heartbeat is pushed to us: there is no probe to time out.
	if m.Timeout == 0 && m.Type != "heartbeat" {
		m.Timeout = Duration(DefaultMonitorTimeout)
		if m.Interval > 0 && m.Interval < m.Timeout {
			m.Timeout = m.Interval // a probe must finish before the next one starts
		}
	}
	switch m.Type {
	case "http":
		m.Method = canonical(m.Method, httpMethods)
		if m.Method == "" {
			m.Method = "GET"
		}
		if m.FollowRedirects == nil {
			m.FollowRedirects = ptr(true)
		}
	case "dns":
		m.RecordType = canonical(m.RecordType, recordTypes)
		if m.RecordType == "" {
			m.RecordType = "A"
		}
	case "tls":
		if m.Port == 0 {
			m.Port = 443
		}
	case "self":
		m.Target = canonical(m.Target, SelfTargets)
	}
}

// canonical returns the entry of valid that s matches ignoring case, or s
// unchanged (for Validate to reject, quoting what the user wrote).
func canonical(s string, valid []string) string {
	for _, v := range valid {
		if strings.EqualFold(s, v) {
			return v
		}
	}
	return s
}

// canonicalLocale fixes the case of a language tag: "pt-br" → "pt-BR",
// "zh-hant-tw" → "zh-Hant-TW". Anything else is returned unchanged for
// Validate to reject.
func canonicalLocale(tag string) string {
	parts := strings.Split(tag, "-")
	for i, p := range parts {
		switch {
		case i == 0:
			parts[i] = strings.ToLower(p)
		case len(p) == 4:
			parts[i] = strings.ToUpper(p[:1]) + strings.ToLower(p[1:])
		default:
			parts[i] = strings.ToUpper(p)
		}
	}
	if c := strings.Join(parts, "-"); localeRE.MatchString(c) {
		return c
	}
	return tag
}

func ptr[T any](v T) *T { return &v }
