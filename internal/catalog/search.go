package catalog

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Match tiers, best first. A page lands in the first tier it qualifies for.
const (
	tierExact      = iota // the name is the query
	tierPrefix            // the name starts with the query
	tierWordPrefix        // a later word of the name starts with the query
	tierSubstring         // the query is inside the name or the host
	tierFuzzy             // the query's letters appear in order in the name
)

type hit struct {
	tier, score, i int
}

// Search returns up to limit pages matching query (all matches when limit
// <= 0), best first: exact name, name prefix, word prefix in the name,
// substring of the name or host, then a fuzzy match where the query's
// characters appear in order in the name, closer lengths first (what
// Statusphere's fuzzysearch.RankMatch measures: for a subsequence the
// Levenshtein distance is the length difference). Ties go by name. Matching
// ignores case; an empty query matches nothing.
func Search(query string, limit int) []Page {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return nil
	}
	ix := load()
	var hits []hit
	for i := range ix.ents {
		if h, ok := classify(&ix.ents[i], q, i); ok {
			hits = append(hits, h)
		}
	}
	// Entries are in name order, so comparing indexes breaks ties by name.
	slices.SortFunc(hits, func(a, b hit) int {
		if a.tier != b.tier {
			return a.tier - b.tier
		}
		if a.score != b.score {
			return a.score - b.score
		}
		return a.i - b.i
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]Page, len(hits))
	for k, h := range hits {
		out[k] = ix.pages[h.i]
	}
	return out
}

// classify places page i (entry e) for the lowercase query q.
func classify(e *entry, q string, i int) (hit, bool) {
	switch {
	case e.name == q:
		return hit{tierExact, 0, i}, true
	case strings.HasPrefix(e.name, q):
		return hit{tierPrefix, 0, i}, true
	case wordPrefix(e, q):
		return hit{tierWordPrefix, 0, i}, true
	case strings.Contains(e.name, q) || strings.Contains(e.host, q):
		return hit{tierSubstring, 0, i}, true
	case subsequence(q, e.name):
		return hit{tierFuzzy, e.runes - utf8.RuneCountInString(q), i}, true
	}
	return hit{}, false
}

func wordPrefix(e *entry, q string) bool {
	for _, w := range e.words {
		if strings.HasPrefix(e.name[w:], q) {
			return true
		}
	}
	return false
}

// subsequence reports whether every rune of q appears in s, in order.
func subsequence(q, s string) bool {
	for _, r := range q {
		k := strings.IndexRune(s, r)
		if k < 0 {
			return false
		}
		// Step over what was found, as wide as it is in s (an invalid byte
		// matches RuneError but is one byte long).
		_, w := utf8.DecodeRuneInString(s[k:])
		s = s[k+w:]
	}
	return true
}
