package yandexcloud

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// plainText turns the HTML Yandex writes in comments and postmortem
// reports (<p>, <strong>, <ul><li><p>…, links) into plain text: one
// paragraph per block, "• " before list items, a link's address after its
// text, entities decoded. Scripts and styles are dropped.
func plainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return tidy(s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	var href string // of the open <a>, written after its text
	skip := 0       // depth inside <script> or <style>
	for {
		switch z.Next() {
		case html.ErrorToken:
			return tidy(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			switch t.DataAtom {
			case atom.Script, atom.Style:
				if t.Type == html.StartTagToken {
					skip++
				}
			case atom.Br:
				b.WriteString("\n")
			case atom.Li:
				b.WriteString("\n\n• ")
			case atom.A:
				href = attr(t, "href")
			case atom.Img:
				if alt := attr(t, "alt"); alt != "" {
					b.WriteString(alt)
				}
			default:
				if block[t.DataAtom] {
					b.WriteString("\n\n")
				}
			}
		case html.EndTagToken:
			t := z.Token()
			switch {
			case t.DataAtom == atom.Script || t.DataAtom == atom.Style:
				if skip > 0 {
					skip--
				}
			case t.DataAtom == atom.A:
				if href != "" && !strings.HasPrefix(href, "#") {
					b.WriteString(" (" + href + ")")
				}
				href = ""
			case block[t.DataAtom]:
				b.WriteString("\n\n")
			}
		}
	}
}

// block are the elements that start a paragraph of their own.
var block = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Ul: true, atom.Ol: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Table: true, atom.Tr: true, atom.Blockquote: true, atom.Pre: true,
}

func attr(t html.Token, name string) string {
	for _, a := range t.Attr {
		if a.Key == name {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

// tidy collapses the spaces in each line, drops empty lines beyond one
// between paragraphs, and a list marker left alone on its line is joined
// to the text that follows it.
func tidy(s string) string {
	var out []string
	blank := false
	bullet := false
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.Join(strings.Fields(line), " ")
		switch {
		case line == "•":
			bullet = true
			continue
		case line == "":
			blank = len(out) > 0
			continue
		}
		if bullet && !strings.HasPrefix(line, "• ") {
			line = "• " + line
		}
		if blank {
			out = append(out, "")
		}
		out = append(out, line)
		blank, bullet = false, false
	}
	return strings.Join(out, "\n")
}
