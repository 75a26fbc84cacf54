// Package catalog is Watchfire's built-in list of well-known public status
// pages: name, address, provider hint and category, so people can pick a
// vendor instead of hunting for its status page's URL.
//
// The list is pages.tsv, embedded at build time. It is generated from the
// Statusphere list (gen/source.tsv) by the curation in package
// internal/catalog/curate, driven by gen/curation.tsv; edit those and run
// `go generate ./internal/catalog`, never pages.tsv by hand. See
// docs/CATALOG.md.
package catalog

//go:generate go run ./gen -source gen/source.tsv -curation gen/curation.tsv -out pages.tsv

import (
	_ "embed"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed pages.tsv
var pagesTSV string

// Page is one catalog entry.
type Page struct {
	Name     string // the vendor or product, unique (case-insensitively)
	URL      string // the status page people visit, http(s), no fragment
	Provider string // a provider name, or "auto" to let the cascade decide
	Category string // one of Categories()
}

// Providers are the provider hints a page may carry. "auto" means the
// address says nothing reliable, so the provider cascade decides at the
// first poll; the others name the format the page is known to be in.
var Providers = []string{
	"atlassian", "incidentio", "statusio", "instatus", "betterstack", "cachet",
	"gcp", "slack", "apple", "feed", "aws", "heroku", "salesforce", "watchfire",
	"auto",
}

// categories is the fixed set, in the order docs/CATALOG.md describes them.
// "other" is for pages no rule or override placed with confidence.
var categories = []string{
	"cloud", "hosting", "cdn-dns", "networking", "database", "developer-tools",
	"ci-cd", "monitoring", "security", "ai", "data-integration", "analytics",
	"communication", "email", "productivity", "support", "marketing", "hr",
	"it-ops", "ecommerce", "payments", "finance", "crypto", "education",
	"healthcare", "gaming", "other",
}

// Categories returns the fixed set of categories, "other" last.
func Categories() []string { return slices.Clone(categories) }

// IsCategory reports whether c is one of Categories().
func IsCategory(c string) bool { return slices.Contains(categories, c) }

// IsProvider reports whether p is one of Providers.
func IsProvider(p string) bool { return slices.Contains(Providers, p) }

// entry holds the lowercase forms Search compares for one page, computed
// once so a search allocates nothing per page.
type entry struct {
	name  string // lowercase name
	host  string // lowercase host without "www."
	words []int  // byte offsets in name where a word starts (after the first)
	runes int    // length of name in runes, for the fuzzy score
}

type index struct {
	pages  []Page  // sorted by name; All hands out copies
	ents   []entry // ents[i] is pages[i]
	byURL  map[string]int
	byName map[string]int
}

// load parses the embedded list once; a malformed pages.tsv is a build
// mistake the tests catch, so it panics rather than serving half a catalog.
var load = sync.OnceValue(func() *index {
	ix, err := parse(pagesTSV)
	if err != nil {
		panic("catalog: pages.tsv: " + err.Error())
	}
	return ix
})

func parse(text string) (*index, error) {
	ix := &index{byURL: map[string]int{}, byName: map[string]int{}}
	for n, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "name\t") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("line %d: %d fields, want 4", n+1, len(f))
		}
		ix.pages = append(ix.pages, Page{Name: f[0], URL: f[1], Provider: f[2], Category: f[3]})
	}
	slices.SortStableFunc(ix.pages, func(a, b Page) int { return CompareNames(a.Name, b.Name) })
	ix.ents = make([]entry, len(ix.pages))
	for i, p := range ix.pages {
		key := Normalize(p.URL)
		if key == "" {
			return nil, fmt.Errorf("%s: bad URL %q", p.Name, p.URL)
		}
		if j, dup := ix.byURL[key]; dup {
			return nil, fmt.Errorf("%s and %s share the address %s", ix.pages[j].Name, p.Name, key)
		}
		lname := strings.ToLower(p.Name)
		if j, dup := ix.byName[lname]; dup {
			return nil, fmt.Errorf("name %q repeats (%s)", p.Name, ix.pages[j].URL)
		}
		ix.byURL[key], ix.byName[lname] = i, i
		host, _, _ := strings.Cut(key, "/")
		ix.ents[i] = entry{name: lname, host: host, words: wordStarts(lname), runes: utf8.RuneCountInString(lname)}
	}
	return ix, nil
}

// CompareNames is the catalog's name order: case-insensitive, then bytewise
// so the order is total. The generator writes pages.tsv in it, so the file
// reads in the order All returns.
func CompareNames(a, b string) int {
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func wordStarts(s string) []int {
	var out []int
	for i := 1; i < len(s); i++ {
		if isSep(s[i-1]) && !isSep(s[i]) {
			out = append(out, i)
		}
	}
	return out
}

func isSep(c byte) bool {
	switch c {
	case ' ', '-', '_', '.', '/', '(', ')', ',', ':', '&', '+':
		return true
	}
	return false
}

// All returns every page, sorted by name. The slice is the caller's own.
func All() []Page { return slices.Clone(load().pages) }

// Count is the number of pages.
func Count() int { return len(load().pages) }

// ByName finds a page by name, ignoring case.
func ByName(name string) (Page, bool) {
	ix := load()
	i, ok := ix.byName[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Page{}, false
	}
	return ix.pages[i], true
}

// ByURL finds the page at u, compared with Normalize so "githubstatus.com",
// "https://www.githubstatus.com/" and "HTTP://GitHubStatus.com" all match.
func ByURL(u string) (Page, bool) {
	key := Normalize(u)
	if key == "" {
		return Page{}, false
	}
	ix := load()
	i, ok := ix.byURL[key]
	if !ok {
		return Page{}, false
	}
	return ix.pages[i], true
}

// Normalize returns the key under which two addresses of a status page are
// the same page: host lowercased and without "www." and a default port, path
// without trailing slashes, no query or fragment. The scheme is dropped (an
// address without one is taken as https): http and https of one address are
// one page, and people paste either. It returns "" for what is not an
// http(s) address with a host.
func Normalize(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	// url.Parse lowercases the scheme. User info is refused: it is never
	// part of a status page's address, and "mailto:a@b" would otherwise
	// read as host b once given a scheme.
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil {
		return ""
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return ""
	}
	host = strings.TrimPrefix(host, "www.")
	if port := u.Port(); port != "" && port != "80" && port != "443" {
		host += ":" + port
	}
	return host + strings.TrimRight(u.EscapedPath(), "/")
}
