package site

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Message catalogs: one JSON file per language under locales/. Adding a
// language is adding a file; a test checks every catalog has every key
// the English one has.
//
//go:embed locales/*.json
var localeFiles embed.FS

// Catalog is one language's messages and formats.
type Catalog struct {
	Tag  string `json:"tag"`  // BCP 47 primary tag, e.g. "fr"
	Name string `json:"name"` // the language's own name, e.g. "Français"

	Decimal   string `json:"decimal"`    // decimal separator
	Group     string `json:"group"`      // thousands separator
	PercentF  string `json:"percent"`    // e.g. "{n}%" or "{n} %"
	WeekStart int    `json:"week_start"` // 0 Sunday, 1 Monday
	// Plural is the plural rule: "en" (1 is one) or "fr" (0 and 1 are one).
	Plural string `json:"plural"`

	Months        []string          `json:"months"`
	MonthsShort   []string          `json:"months_short"`
	WeekdaysShort []string          `json:"weekdays_short"` // Sunday first
	Formats       map[string]string `json:"formats"`
	Messages      map[string]string `json:"messages"`
}

var (
	catalogs     = map[string]*Catalog{}
	catalogOrder []string // tags, sorted
)

func init() {
	entries, err := fs.Glob(localeFiles, "locales/*.json")
	if err != nil {
		panic(err)
	}
	for _, name := range entries {
		data, err := localeFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		c, err := parseCatalog(data)
		if err != nil {
			panic(fmt.Sprintf("site: %s: %v", name, err))
		}
		if want := strings.TrimSuffix(path.Base(name), ".json"); c.Tag != want {
			panic(fmt.Sprintf("site: %s declares tag %q", name, c.Tag))
		}
		catalogs[c.Tag] = c
		catalogOrder = append(catalogOrder, c.Tag)
	}
	sort.Strings(catalogOrder)
}

func parseCatalog(data []byte) (*Catalog, error) {
	var c Catalog
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	if len(c.Months) != 12 || len(c.MonthsShort) != 12 || len(c.WeekdaysShort) != 7 {
		return nil, fmt.Errorf("months, months_short need 12 names and weekdays_short 7")
	}
	return &c, nil
}

// Locales returns the tags of the languages the page speaks, sorted.
func Locales() []string { return append([]string(nil), catalogOrder...) }

// CatalogFor returns the catalog for a tag, or English.
func CatalogFor(tag string) *Catalog {
	if c := catalogs[tag]; c != nil {
		return c
	}
	return catalogs["en"]
}

// Supported reports whether tag names a language with a catalog.
func Supported(tag string) bool { return catalogs[tag] != nil }

// Negotiate picks the language of a response: the ?locale= parameter,
// then the reader's Accept-Language, then the page's default, then English.
func Negotiate(query, acceptLanguage, pageDefault string) string {
	if tag := primary(query); Supported(tag) {
		return tag
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if tag := primary(name); Supported(tag) && q > bestQ {
			best, bestQ = tag, q
		}
	}
	if best != "" {
		return best
	}
	if tag := primary(pageDefault); Supported(tag) {
		return tag
	}
	return "en"
}

// primary returns the lower-cased primary subtag: "fr" for "fr-CA".
func primary(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return tag
}

// T returns the message for key with {name} placeholders replaced by the
// pairs in args (name, value, name, value…). A missing key falls back to
// English, then to the key itself, so a gap shows rather than breaks.
func (c *Catalog) T(key string, args ...any) string {
	msg, ok := c.Messages[key]
	if !ok {
		if msg, ok = catalogs["en"].Messages[key]; !ok {
			msg = key
		}
	}
	return fill(msg, args)
}

// N is T for a count: it picks key+".one" or key+".other" by the
// language's plural rule and fills {n} with the formatted count.
func (c *Catalog) N(key string, n int, args ...any) string {
	form := ".other"
	switch c.Plural {
	case "fr":
		if n == 0 || n == 1 {
			form = ".one"
		}
	default:
		if n == 1 {
			form = ".one"
		}
	}
	return c.T(key+form, append([]any{"n", c.Int(n)}, args...)...)
}

func fill(msg string, args []any) string {
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	return expand(msg, func(name string) (string, bool) {
		for i := 0; i+1 < len(args); i += 2 {
			if k, _ := args[i].(string); k == name {
				if v, ok := args[i+1].(string); ok {
					return v, true
				}
				return fmt.Sprint(args[i+1]), true
			}
		}
		return "", false
	})
}

// expand replaces each {name} in msg by lookup(name); unknown names stay.
// Pages call it thousands of times a render, so it scans once and builds
// no replacer.
func expand(msg string, lookup func(name string) (string, bool)) string {
	var b strings.Builder
	b.Grow(len(msg) + 16)
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			b.WriteString(msg)
			return b.String()
		}
		b.WriteString(msg[:i])
		if v, ok := lookup(msg[i+1 : i+j]); ok {
			b.WriteString(v)
		} else {
			b.WriteString(msg[i : i+j+1])
		}
		msg = msg[i+j+1:]
	}
}

// Int formats a whole number with the language's digit grouping.
func (c *Catalog) Int(n int) string { return c.Number(float64(n), 0) }

// Number formats v with decimals digits after the separator.
func (c *Catalog) Number(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && s != strings.Repeat("0", len(whole)) {
		b.WriteByte('-')
	}
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 && len(whole) > 4 {
			b.WriteString(c.Group)
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteString(c.Decimal)
		b.WriteString(frac)
	}
	return b.String()
}

// Percent formats a percentage (0–100) the way the language writes it:
// "99.98%" or "99,98 %". Two decimals, but never rounds up to 100 % what
// is not 100 %, nor down to 0 % what is not 0.
func (c *Catalog) Percent(v float64) string {
	decimals := 2
	if v >= 100 {
		v, decimals = 100, 0
	} else if v > 99.995 {
		v = 99.99
	} else if v > 0 && v < 0.005 {
		v = 0.01
	}
	return fill(c.PercentF, []any{"n", c.Number(math.Floor(v*100+0.5)/100, decimals)})
}

// Latency formats a response time: "45 ms", "1.2 s" / "1,2 s".
func (c *Catalog) Latency(d time.Duration) string {
	if d < time.Second {
		ms := float64(d.Microseconds()) / 1000
		if ms < 10 {
			return c.Number(ms, 1) + " ms"
		}
		return c.Int(int(math.Round(ms))) + " ms"
	}
	return c.Number(d.Seconds(), 1) + " s"
}

// Value formats a metric value with up to three significant decimals.
func (c *Catalog) Value(v float64) string {
	switch a := math.Abs(v); {
	case a == math.Trunc(a) || a >= 1000:
		return c.Number(v, 0)
	case a >= 100:
		return c.Number(v, 1)
	case a >= 1:
		return trimZeros(c.Number(v, 2), c.Decimal)
	default:
		return trimZeros(c.Number(v, 3), c.Decimal)
	}
}

func trimZeros(s, dec string) string {
	if !strings.Contains(s, dec) {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, dec)
}

func (c *Catalog) format(name string, t time.Time) string {
	return expand(c.Formats[name], func(field string) (string, bool) {
		switch field {
		case "year":
			return strconv.Itoa(t.Year()), true
		case "month":
			return c.Months[t.Month()-1], true
		case "mon":
			return c.MonthsShort[t.Month()-1], true
		case "mm":
			return twoDigits(int(t.Month())), true
		case "day":
			return strconv.Itoa(t.Day()), true
		case "dd":
			return twoDigits(t.Day()), true
		case "weekday":
			return c.WeekdaysShort[t.Weekday()], true
		case "H":
			return strconv.Itoa(t.Hour()), true
		case "HH":
			return twoDigits(t.Hour()), true
		case "MM":
			return twoDigits(t.Minute()), true
		case "zone":
			zone, _ := t.Zone()
			return zone, true
		}
		return "", false
	})
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Date is a long date: "November 3, 2025" / "3 novembre 2025".
func (c *Catalog) Date(t time.Time) string { return c.format("date", t) }

// ShortDate is a date without the year: "Nov 3" / "3 nov.".
func (c *Catalog) ShortDate(t time.Time) string { return c.format("date_short", t) }

// Time is a time of day with its zone: "14:32 UTC" / "14h32 UTC".
func (c *Catalog) Time(t time.Time) string { return c.format("time", t) }

// DateTime is a date and time with the zone.
func (c *Catalog) DateTime(t time.Time) string { return c.format("date_time", t) }

// MonthYear names a month: "November 2025" / "novembre 2025".
func (c *Catalog) MonthYear(t time.Time) string { return c.format("month_year", t) }

// Duration says how long something lasted: "2 h 15 min", "45 min".
func (c *Catalog) Duration(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, c.N("duration.days", days))
	}
	if hours > 0 {
		parts = append(parts, c.N("duration.hours", hours))
	}
	if mins > 0 || len(parts) == 0 {
		parts = append(parts, c.N("duration.minutes", mins))
	}
	return strings.Join(parts, " ")
}
