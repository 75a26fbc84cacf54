package atlassian

import (
	"html"
	"regexp"
	"strings"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlTag finds the tags vendors actually put in update bodies. Bodies are
// mostly markdown, where a bare '<' is text ("latency < 1 s", or an
// autolink "<https://…>"), so only a body with a real HTML tag is run
// through the tokenizer.
var htmlTag = regexp.MustCompile(`(?i)</?(p|br|div|span|strong|b|i|em|u|s|ul|ol|li|a|small|var|code|pre|h[1-6]|table|thead|tbody|tr|td|th|blockquote|img|hr|sup|sub|font|center)(\s[^<>]*)?/?>`)

// Plain returns body as plain text: HTML tags removed (line breaks,
// paragraphs and list items kept as newlines and "- "), entities decoded,
// whitespace tidied. A body without HTML comes back trimmed, entities
// decoded, its markdown untouched.
func Plain(body string) string {
	if !htmlTag.MatchString(body) {
		if strings.Contains(body, "&") {
			body = html.UnescapeString(body)
		}
		return strings.TrimSpace(body)
	}
	z := nethtml.NewTokenizer(strings.NewReader(body))
	var b strings.Builder
	skip := 0 // depth inside <script> or <style>, whose text is not content
	for {
		tt := z.Next()
		switch tt {
		case nethtml.ErrorToken:
			return tidy(b.String())
		case nethtml.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case nethtml.StartTagToken, nethtml.EndTagToken, nethtml.SelfClosingTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Br, atom.Hr:
				b.WriteByte('\n')
			case atom.P, atom.Div, atom.Ul, atom.Ol, atom.Table, atom.Tr, atom.Blockquote, atom.Pre,
				atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				b.WriteString("\n\n")
			case atom.Li:
				if tt == nethtml.StartTagToken {
					b.WriteString("\n- ") // the next item's start ends this one
				}
			case atom.Td, atom.Th:
				b.WriteByte(' ')
			case atom.Script, atom.Style:
				switch {
				case tt == nethtml.StartTagToken:
					skip++
				case tt == nethtml.EndTagToken && skip > 0:
					skip--
				}
			}
		}
	}
}

// tidy collapses the whitespace left by removed tags: runs of spaces in a
// line become one, lines are trimmed, and blank lines never come more
// than one in a row.
func tidy(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\u00a0", " ") // &nbsp;
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := true // drops leading blank lines
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, l)
		blank = false
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// collapse joins a short run of text (a title, a date) onto one line.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
