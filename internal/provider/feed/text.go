package feed

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText turns a vendor's HTML fragment into plain text: tags dropped,
// entities decoded, block elements and <br> kept as line breaks, list
// items as "- " lines. UpstreamUpdate bodies must never be HTML, and feeds
// are not the only payloads that carry it (Slack notes and AWS event
// descriptions do too), hence exported.
func PlainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return tidy(s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	hidden := 0 // depth inside <script>/<style>, whose text is not content
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidy(b.String())
		case html.TextToken:
			if hidden == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); {
			case a == atom.Script || a == atom.Style:
				if tt == html.StartTagToken {
					hidden++
				}
			case a == atom.Br:
				b.WriteByte('\n')
			case a == atom.Li:
				b.WriteString("\n- ")
			case blockElements[a]:
				b.WriteString("\n\n")
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); {
			case a == atom.Script || a == atom.Style:
				if hidden > 0 {
					hidden--
				}
			case a == atom.Li:
				b.WriteByte('\n')
			case blockElements[a]:
				b.WriteString("\n\n")
			}
		}
	}
}

// blockElements end a paragraph in the plain text.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Ul: true, atom.Ol: true, atom.Table: true, atom.Tr: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Pre: true, atom.Section: true, atom.Article: true, atom.Hr: true,
}

var (
	spaceRun   = regexp.MustCompile(`[ \t\f\v\x{00a0}\x{200b}]+`)
	blankLines = regexp.MustCompile(`\n{3,}`)
)

// tidy collapses the whitespace HTML leaves behind: runs of spaces
// (non-breaking ones included, vendors pad with &nbsp;) become one, lines
// are trimmed, and at most one blank line separates paragraphs.
func tidy(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(spaceRun.ReplaceAllString(l, " "))
	}
	// Source newlines between <li> elements would leave blank lines
	// inside a list.
	kept := lines[:0]
	for i, l := range lines {
		if l == "" && len(kept) > 0 && strings.HasPrefix(kept[len(kept)-1], "- ") && nextListItem(lines[i+1:]) {
			continue
		}
		kept = append(kept, l)
	}
	s = strings.Join(kept, "\n")
	return strings.TrimSpace(blankLines.ReplaceAllString(s, "\n\n"))
}

// nextListItem reports whether the next non-empty line is a list item.
func nextListItem(lines []string) bool {
	for _, l := range lines {
		if l != "" {
			return strings.HasPrefix(l, "- ")
		}
	}
	return false
}

// ZoneOffset is the UTC offset, in seconds, of a time-zone abbreviation
// vendors print next to times ("12:53 PM PDT", "17:11 UTC"). Go's
// time.Parse gives an abbreviation it does not know a zero offset, which
// would silently shift a PDT time by seven hours, so providers look the
// abbreviation up here instead. Exported for the same reason as PlainText.
func ZoneOffset(abbr string) (int, bool) {
	off, ok := zoneOffsets[strings.ToUpper(strings.TrimSpace(abbr))]
	return off, ok
}

// zoneOffsets holds only abbreviations that mean one thing; ambiguous
// ones (IST, CST in China vs the US…) are read the way US vendors, the
// ones that print abbreviations, mean them.
var zoneOffsets = map[string]int{
	"UTC": 0, "GMT": 0, "UT": 0, "Z": 0,
	"PST": -8 * 3600, "PDT": -7 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600,
	"CST": -6 * 3600, "CDT": -5 * 3600,
	"EST": -5 * 3600, "EDT": -4 * 3600,
	"AKST": -9 * 3600, "AKDT": -8 * 3600,
	"HST": -10 * 3600,
	"BST": 1 * 3600, "CET": 1 * 3600, "CEST": 2 * 3600,
	"EET": 2 * 3600, "EEST": 3 * 3600,
	"JST": 9 * 3600, "KST": 9 * 3600,
	"AEST": 10 * 3600, "AEDT": 11 * 3600,
}
