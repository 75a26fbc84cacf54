package catalog

import (
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestSize(t *testing.T) {
	if n := Count(); n < 500 {
		t.Fatalf("Count() = %d, want at least 500", n)
	}
	if len(All()) != Count() {
		t.Fatalf("All() has %d pages, Count() says %d", len(All()), Count())
	}
}

func TestPagesAreWellFormed(t *testing.T) {
	seen := map[string]string{}
	for _, p := range All() {
		u, err := url.Parse(p.URL)
		if err != nil {
			t.Errorf("%s: %v", p.Name, err)
			continue
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			t.Errorf("%s: %q is not an http(s) address with a host", p.Name, p.URL)
		}
		if u.Fragment != "" || strings.Contains(p.URL, "#") || u.RawQuery != "" {
			t.Errorf("%s: %q keeps a fragment or query", p.Name, p.URL)
		}
		if strings.TrimSpace(p.Name) != p.Name || p.Name == "" {
			t.Errorf("name %q is blank or padded", p.Name)
		}
		key := Normalize(p.URL)
		if other, dup := seen[key]; dup {
			t.Errorf("%s and %s are the same page (%s)", other, p.Name, key)
		}
		seen[key] = p.Name
		if !IsProvider(p.Provider) {
			t.Errorf("%s: provider %q is not one of %v", p.Name, p.Provider, Providers)
		}
		if !IsCategory(p.Category) {
			t.Errorf("%s: category %q is not one of %v", p.Name, p.Category, Categories())
		}
	}
}

func TestParseRefusesBadLists(t *testing.T) {
	for _, text := range []string{
		"A\thttps://a.test\tauto\n",                                            // too few fields
		"A\tnot a url at all\tauto\tother\n",                                   // bad address
		"A\thttps://a.test\tauto\tother\nB\thttp://www.a.test/\tauto\tother\n", // same page
		"A\thttps://a.test\tauto\tother\na\thttps://b.test\tauto\tother\n",     // same name
	} {
		if _, err := parse(text); err == nil {
			t.Errorf("parse(%q) succeeded", text)
		}
	}
}

func TestAllSortedAndOwned(t *testing.T) {
	all := All()
	if !slices.IsSortedFunc(all, func(a, b Page) int { return CompareNames(a.Name, b.Name) }) {
		t.Fatal("All() is not sorted by name")
	}
	first := all[0]
	all[0].Name = "changed"
	if All()[0] != first {
		t.Fatal("changing All()'s result changed the catalog")
	}
}

func TestCategories(t *testing.T) {
	cats := Categories()
	if cats[len(cats)-1] != "other" {
		t.Errorf("Categories() = %v, want other last", cats)
	}
	used := map[string]int{}
	for _, p := range All() {
		used[p.Category]++
	}
	for i, c := range cats {
		if slices.Index(cats, c) != i {
			t.Errorf("category %q repeats", c)
		}
		// A category nobody is in is a category nobody should pick.
		if used[c] == 0 {
			t.Errorf("no page is in category %q", c)
		}
	}
}

func TestWellKnownPages(t *testing.T) {
	for name, want := range map[string]Page{
		"github":          {"GitHub", "https://www.githubstatus.com", "atlassian", "developer-tools"},
		"Stripe":          {"Stripe", "https://status.stripe.com", "auto", "payments"},
		"GOOGLE CLOUD":    {"Google Cloud", "https://status.cloud.google.com", "gcp", "cloud"},
		"apple":           {"Apple", "https://www.apple.com/support/systemstatus", "apple", "other"},
		"openai":          {"OpenAI", "https://status.openai.com", "incidentio", "ai"},
		"heroku":          {"Heroku", "https://status.heroku.com", "heroku", "hosting"},
		"docker":          {"Docker", "https://www.dockerstatus.com", "auto", "developer-tools"},
		" Cloudflare ":    {"Cloudflare", "https://www.cloudflarestatus.com", "atlassian", "cdn-dns"},
		"Broadcom Rally":  {"Broadcom Rally", "https://status.broadcom.com/services/rally", "auto", "productivity"},
		"IONOS (Germany)": {"IONOS (Germany)", "https://www.ionos-status.de", "auto", "hosting"},
	} {
		got, ok := ByName(name)
		if !ok || got != want {
			t.Errorf("ByName(%q) = %+v, %v; want %+v", name, got, ok, want)
		}
	}
	if _, ok := ByName("no such vendor"); ok {
		t.Error("ByName found a vendor that is not there")
	}
}

func TestCuratedAway(t *testing.T) {
	for _, u := range []string{
		"https://statusgator.com/services/docker",             // aggregator
		"https://www.isitdownrightnow.com/youtube.com.html",   // aggregator
		"https://1password.statuspage.io",                     // duplicate of status.1password.com
		"https://status.forcepoint.com/#/status/1",            // kept, but without the fragment
		"https://www.similarweb.com/website/statuspage.io",    // not a status page
		"https://status.playstation.com/data/statuses/region", // a data file, not the page
	} {
		p, ok := ByURL(u)
		if u == "https://status.forcepoint.com/#/status/1" {
			if !ok || p.URL != "https://status.forcepoint.com" {
				t.Errorf("ByURL(%q) = %+v, %v; want the page at its root", u, p, ok)
			}
			continue
		}
		if ok {
			t.Errorf("ByURL(%q) = %+v, want no page", u, p)
		}
	}
}

func TestByURL(t *testing.T) {
	for _, u := range []string{
		"https://www.githubstatus.com/",
		"https://www.githubstatus.com",
		"https://githubstatus.com",
		"http://githubstatus.com/",
		"HTTPS://WWW.GitHubStatus.COM//",
		"www.githubstatus.com",
		"githubstatus.com",
		"  https://www.githubstatus.com:443/?utm=x#top  ",
	} {
		p, ok := ByURL(u)
		if !ok || p.Name != "GitHub" {
			t.Errorf("ByURL(%q) = %+v, %v; want GitHub", u, p, ok)
		}
	}
	for _, u := range []string{
		"", "https://www.githubstatus.com/history", "ftp://githubstatus.com",
		"https://githubstatus.com.evil.test", "https://www.githubstatus.com:8443",
	} {
		if p, ok := ByURL(u); ok {
			t.Errorf("ByURL(%q) = %+v, want no page", u, p)
		}
	}
	// An http-only page matches an https address, and a page under a path
	// needs its path.
	if p, ok := ByURL("https://status.clickup.com"); !ok || p.Name != "ClickUp" {
		t.Errorf("ByURL(https ClickUp) = %+v, %v", p, ok)
	}
	if p, ok := ByURL("https://status.broadcom.com/services/rally/"); !ok || p.Name != "Broadcom Rally" {
		t.Errorf("ByURL(Broadcom Rally) = %+v, %v", p, ok)
	}
	if p, ok := ByURL("https://status.broadcom.com"); ok {
		t.Errorf("ByURL(status.broadcom.com) = %+v; the root is not in the catalog", p)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.githubstatus.com/":              "githubstatus.com",
		"http://WWW.GitHubStatus.com":                "githubstatus.com",
		"githubstatus.com/":                          "githubstatus.com",
		"https://status.example.com:443/a/B/":        "status.example.com/a/B",
		"http://status.example.com:80":               "status.example.com",
		"https://status.example.com:8080/x":          "status.example.com:8080/x",
		"https://status.example.com/x?y=1#z":         "status.example.com/x",
		"https://status.example.com./":               "status.example.com",
		"https://osdatahub.os.uk/serviceStatus":      "osdatahub.os.uk/serviceStatus", // paths keep their case
		"HTTPS://Status.Example.COM/Path%20With%20X": "status.example.com/Path%20With%20X",
		"":                    "",
		"   ":                 "",
		"ftp://example.com":   "",
		"mailto:a@b.test":     "",
		"https://":            "",
		"http://[::1]:namedp": "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func names(ps []Page) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func TestSearchRanking(t *testing.T) {
	for _, c := range []struct {
		query string
		first []string // the results must start with these, in order
	}{
		{"github", []string{"GitHub"}},
		{"GitHub", []string{"GitHub"}},
		{"GITHUB", []string{"GitHub"}},
		{"  github ", []string{"GitHub"}},
		{"stripe", []string{"Stripe"}},
		{"git", []string{"GitBook", "GitGuardian", "GitHub", "GitLabHost"}}, // prefixes, by name
		{"githubstatus", []string{"GitHub"}},                                // substring of the host
		{"gthb", []string{"GitHub"}},                                        // letters in order
		{"cloudflre", []string{"Cloudflare"}},
		{"jira", []string{"Jira Align", "Jira Product Discovery", "Jira Service Management", "Jira Work Management"}},
		{"service management", []string{"Jira Service Management"}},
		{"google", []string{"Google Cloud", "Google Maps Platform", "Google Play", "Google Workspace"}},
	} {
		got := names(Search(c.query, 10))
		if len(got) < len(c.first) || !slices.Equal(got[:len(c.first)], c.first) {
			t.Errorf("Search(%q) = %v, want it to start with %v", c.query, got, c.first)
		}
	}
	// Exact name beats a prefix; a word prefix beats a substring.
	got := names(Search("box", 0))
	if got[0] != "Box" {
		t.Errorf("Search(box)[0] = %q, want Box", got[0])
	}
	if i, j := slices.Index(got, "Magnus Box"), slices.Index(got, "Dropbox"); i < 0 || j < 0 || i > j {
		t.Errorf("Search(box) = %v: want the word prefix Magnus Box before the substring Dropbox", got)
	}
	// A vendor found only by its address: AWS's host is status.aws.amazon.com.
	if !slices.Contains(names(Search("aws", 0)), "Amazon Web Services") {
		t.Error("Search(aws) misses Amazon Web Services")
	}
}

func TestSearchEdges(t *testing.T) {
	for _, q := range []string{"", "   ", "\t"} {
		if got := Search(q, 10); got != nil {
			t.Errorf("Search(%q) = %v, want nothing", q, names(got))
		}
	}
	if got := Search("zzzqqqxxx", 10); len(got) != 0 {
		t.Errorf("Search(nonsense) = %v", names(got))
	}
	if got := Search("a", 3); len(got) != 3 {
		t.Errorf("Search(a, 3) returned %d pages", len(got))
	}
	if all, some := Search("a", 0), Search("a", 50); len(all) <= 50 || !slices.Equal(all[:50], some) {
		t.Errorf("limit 0 should return every match, in the same order (%d results)", len(all))
	}
	// Odd input neither panics nor matches wrongly.
	for _, q := range []string{"\xff", "a\xffb", "ü", "日本", strings.Repeat("x", 1000)} {
		Search(q, 5)
	}
}

// TestSearchTiers checks the order on every page for a few queries: tiers
// never go back, and within a tier the fuzzy score, then the name, decide.
func TestSearchTiers(t *testing.T) {
	ix := load()
	pos := map[string]int{}
	for i, p := range ix.pages {
		pos[p.Name] = i
	}
	for _, q := range []string{"cloud", "sec", "io", "st", "pay", "gt", "dns", "a"} {
		prev := hit{-1, -1, -1}
		for _, p := range Search(q, 0) {
			i := pos[p.Name]
			h, ok := classify(&ix.ents[i], strings.ToLower(q), i)
			if !ok {
				t.Fatalf("Search(%q) returned %s, which does not match", q, p.Name)
			}
			if h.tier < prev.tier || h.tier == prev.tier && (h.score < prev.score || h.score == prev.score && h.i < prev.i) {
				t.Fatalf("Search(%q): %s (%+v) after %s (%+v)", q, p.Name, h, ix.pages[prev.i].Name, prev)
			}
			prev = h
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for range 50 {
				if len(Search("git", 5)) == 0 || Count() == 0 || len(All()) == 0 {
					t.Error("empty result under concurrency")
				}
				if _, ok := ByURL("githubstatus.com"); !ok {
					t.Error("ByURL failed under concurrency")
				}
				_, _ = ByName([]string{"GitHub", "Stripe"}[g%2])
			}
		})
	}
	wg.Wait()
}

func BenchmarkSearch(b *testing.B) {
	load()
	for _, q := range []string{"github", "clo", "gthb", "zzzqqq"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Search(q, 20)
			}
		})
	}
}
