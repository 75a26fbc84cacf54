package curate

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/watchfire-status/watchfire/internal/catalog"
)

// Curation is the parsed curation.tsv: one hand decision a line,
// tab-separated, '#' comments allowed. The lines are
//
//	drop        <source url>  <why>
//	url         <source url>  <address to use instead>  [why]
//	name        <source url>  <name to use instead>     [why]
//	aggregator  <domain>      [why]    (drop every row on it)
//	provider    <domain>      <provider hint>  [why]    (domain or subdomain)
//	category    <name>        <category>
//
// Source URLs are written exactly as in source.tsv; category lines name the
// page as it ends up (after renames), case-insensitively.
type Curation struct {
	drops       map[string]string
	urls        map[string]string
	names       map[string]string
	aggregators []aggregator
	providers   []providerHint
	categories  map[string]string

	order []string        // "op\tkey" of every keyed line, to report stale ones
	used  map[string]bool // the same keys, once they matched a row
}

type providerHint struct{ host, provider string }

type aggregator struct{ domain, why string }

// ParseCuration reads curation.tsv.
func ParseCuration(r io.Reader) (*Curation, error) {
	c := &Curation{
		drops: map[string]string{}, urls: map[string]string{}, names: map[string]string{},
		categories: map[string]string{}, used: map[string]bool{},
	}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		f := strings.Split(line, "\t")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if err := c.add(f); err != nil {
			return nil, fmt.Errorf("curation line %d: %w", n, err)
		}
	}
	return c, sc.Err()
}

func (c *Curation) add(f []string) error {
	need := func(n int) error {
		if len(f) < n || f[1] == "" || (n > 2 && f[2] == "") {
			return fmt.Errorf("%s needs %d fields, got %q", f[0], n, strings.Join(f, "\t"))
		}
		return nil
	}
	key := func(k string) error {
		id := f[0] + "\t" + k
		if _, dup := c.used[id]; dup {
			return fmt.Errorf("%s %q given twice", f[0], k)
		}
		c.used[id] = false
		c.order = append(c.order, id)
		return nil
	}
	switch f[0] {
	case "drop", "url", "name":
		if err := need(3); err != nil {
			return err
		}
		if err := key(f[1]); err != nil {
			return err
		}
		map[string]map[string]string{"drop": c.drops, "url": c.urls, "name": c.names}[f[0]][f[1]] = f[2]
	case "aggregator":
		if err := need(2); err != nil {
			return err
		}
		why := "it reports on other vendors"
		if len(f) > 2 && f[2] != "" {
			why = f[2]
		}
		c.aggregators = append(c.aggregators, aggregator{strings.TrimPrefix(strings.ToLower(f[1]), "www."), why})
	case "provider":
		if err := need(3); err != nil {
			return err
		}
		if !catalog.IsProvider(f[2]) {
			return fmt.Errorf("provider %q is not one of %s", f[2], strings.Join(catalog.Providers, ", "))
		}
		host := strings.TrimPrefix(strings.ToLower(f[1]), "www.")
		if err := key(host); err != nil {
			return err
		}
		c.providers = append(c.providers, providerHint{host, f[2]})
	case "category":
		if err := need(3); err != nil {
			return err
		}
		if !catalog.IsCategory(f[2]) {
			return fmt.Errorf("category %q is not one of %s", f[2], strings.Join(catalog.Categories(), ", "))
		}
		name := strings.ToLower(f[1])
		if err := key(name); err != nil {
			return err
		}
		c.categories[name] = f[2]
	default:
		return fmt.Errorf("unknown op %q (want drop, url, name, aggregator, provider or category)", f[0])
	}
	return nil
}
