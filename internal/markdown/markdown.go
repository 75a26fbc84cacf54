// Package markdown renders the markdown of incident updates, maintenance
// notes and operator-written blocks for the status page and the feeds.
//
// The dialect is CommonMark with GitHub's extensions (tables,
// strikethrough, autolinks of bare URLs and addresses, task lists),
// parsed and rendered by goldmark. Whatever the text holds, the output is
// safe to put in a page:
//
//   - raw HTML never passes: tags are shown as text (escaped), comments
//     dropped; only a bare <br> is kept as a line break;
//   - links and images keep only http, https, mailto (links) and relative
//     URLs; a link to anything else becomes its text;
//   - every link carries rel="nofollow noopener noreferrer";
//   - the HTML goldmark produces then goes through a bluemonday allowlist
//     of exactly the elements and attributes goldmark emits, with the same
//     URL rules, as a second, independent gate.
//
// One goldmark instance and one policy serve every call; both are safe
// for concurrent use.
package markdown

import (
	"bufio"
	"bytes"
	"html"
	"html/template"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// LinkRel is the rel attribute of every link Render produces.
const LinkRel = "nofollow noopener noreferrer"

var (
	md     = newMarkdown()
	policy = newPolicy()

	buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"})),
			extension.TaskList,
		),
		goldmark.WithParserOptions(
			parser.WithASTTransformers(util.Prioritized(linkTransformer{}, 10000)),
		),
		goldmark.WithRendererOptions(
			// Not unsafe: goldmark itself also refuses raw HTML and
			// dangerous URLs. The renderer below decides how raw HTML looks.
			renderer.WithNodeRenderers(util.Prioritized(rawHTMLRenderer{}, 100)),
		),
	)
}

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
		"em", "strong", "del", "code", "pre", "blockquote",
		"ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td")
	p.AllowAttrs("start").Matching(regexp.MustCompile(`^[0-9]{1,9}$`)).OnElements("ol")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|center|right)$`)).OnElements("th", "td")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[A-Za-z0-9_+#.-]{1,40}$`)).OnElements("code")

	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").OnElements("a", "img")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + LinkRel + `$`)).OnElements("a")
	p.AllowAttrs("src", "alt").OnElements("img")

	// Task list check boxes, as goldmark writes them.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^$`)).OnElements("input")

	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	return p
}

// Render returns the markdown src as sanitized HTML.
func Render(src string) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	buf := buffers.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	buf.Reset()
	if err := md.Convert([]byte(src), buf); err != nil {
		// goldmark fails only when the writer does, and a bytes.Buffer
		// does not; show the text rather than nothing if it ever happens.
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	out := policy.SanitizeReader(buf)
	return template.HTML(strings.TrimSpace(out.String()))
}

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= 64<<10 {
		buffers.Put(b)
	}
}

// scheme returns the lower-case scheme of a link destination as a browser
// would see it, or "" for a relative URL. dest is the destination as
// goldmark writes it (entities resolved, percent-escaped).
func scheme(dest []byte) string {
	// Browsers ignore leading spaces and control characters and strip
	// tabs and newlines anywhere before looking for the scheme.
	var b strings.Builder
	for _, r := range string(dest) {
		if r <= ' ' || r == 0x7f {
			continue
		}
		b.WriteRune(r)
	}
	s := b.String()
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return ""
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 && i < colon {
		return "" // the colon is in the path, query or fragment
	}
	return strings.ToLower(s[:colon])
}

// safeLink reports whether a link may point to dest: a relative URL or an
// http, https or mailto one.
func safeLink(dest []byte) bool {
	switch scheme(dest) {
	case "", "http", "https", "mailto":
		return true
	}
	return false
}

// safeImage reports whether an image may load from src: a relative URL or
// an http or https one.
func safeImage(src []byte) bool {
	switch scheme(src) {
	case "", "http", "https":
		return true
	}
	return false
}

// linkTransformer marks links and unwraps those Render may not keep.
type linkTransformer struct{}

func (linkTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var unwrap []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if safeLink(util.URLEscape(n.Destination, true)) {
				n.SetAttributeString("rel", LinkRel)
			} else {
				unwrap = append(unwrap, n)
			}
		case *ast.Image:
			if !safeImage(util.URLEscape(n.Destination, true)) {
				unwrap = append(unwrap, n)
			}
		case *ast.AutoLink:
			if n.AutoLinkType == ast.AutoLinkEmail || safeLink(util.URLEscape(n.URL(source), false)) {
				n.SetAttributeString("rel", LinkRel)
			} else {
				unwrap = append(unwrap, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range unwrap {
		parent := n.Parent()
		if parent == nil {
			continue
		}
		if a, ok := n.(*ast.AutoLink); ok {
			s := ast.NewString(a.Label(source))
			s.SetRaw(true)
			parent.ReplaceChild(parent, n, s)
			continue
		}
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}

// rawHTMLRenderer shows raw HTML as text instead of passing it through:
// the reader sees what the operator typed. Comments are dropped and a
// bare <br> stays a line break.
type rawHTMLRenderer struct{}

func (rawHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
}

var brTag = regexp.MustCompile(`(?i)^<br\s*/?>$`)

func renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	var raw []byte
	for i := 0; i < n.Segments.Len(); i++ {
		seg := n.Segments.At(i)
		raw = append(raw, seg.Value(source)...)
	}
	switch {
	case bytes.HasPrefix(raw, []byte("<!--")):
	case brTag.Match(raw):
		_, _ = w.WriteString("<br>")
	default:
		ghtml.DefaultWriter.RawWrite(w, raw)
	}
	return ast.WalkSkipChildren, nil
}

func renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	if n.HTMLBlockType == ast.HTMLBlockType2 { // a comment
		return ast.WalkSkipChildren, nil
	}
	if entering {
		_, _ = w.WriteString("<p>")
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			line := lines.At(i)
			v := line.Value(source)
			if i == lines.Len()-1 && !n.HasClosure() {
				v = bytes.TrimRight(v, "\r\n")
			}
			ghtml.DefaultWriter.RawWrite(w, v)
		}
		return ast.WalkContinue, nil
	}
	if n.HasClosure() {
		ghtml.DefaultWriter.RawWrite(w, bytes.TrimRight(n.ClosureLine.Value(source), "\r\n"))
	}
	_, _ = w.WriteString("</p>\n")
	return ast.WalkContinue, nil
}

// Plain returns the text of the markdown src without its markup: what a
// reader would see, for feed summaries, tooltips and plain-text mail.
// Blocks are separated by a blank line, list items and table rows by a
// line break, table cells by " | ". Raw HTML stays as the text Render
// shows it as; comments are left out. The result is text, not HTML:
// escape it wherever it goes.
func Plain(src string) string {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))

	// Text goes through goldmark's HTML writer, which resolves escapes and
	// entities exactly as Render does, and is unescaped once at the end.
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	ensure := func(sep string) {
		_ = w.Flush()
		if buf.Len() == 0 {
			return
		}
		b := buf.Bytes()
		// Trailing spaces before a separator are noise.
		trimmed := bytes.TrimRight(b, " ")
		buf.Truncate(len(trimmed))
		b = buf.Bytes()
		n := 0
		for n < len(b) && n < len(sep) && b[len(b)-1-n] == '\n' {
			n++
		}
		if n < len(sep) {
			buf.WriteString(sep[n:])
		}
	}
	_ = ast.Walk(doc, func(node ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := node.(type) {
		case *ast.Document:
			return ast.WalkContinue, nil
		case *east.TableCell:
			if entering && n.PreviousSibling() != nil {
				_, _ = w.WriteString(" | ")
			}
			return ast.WalkContinue, nil
		case *ast.Text:
			if !entering {
				return ast.WalkContinue, nil
			}
			if n.IsRaw() {
				ghtml.DefaultWriter.RawWrite(w, n.Segment.Value(source))
			} else {
				ghtml.DefaultWriter.Write(w, n.Segment.Value(source))
			}
			switch {
			case n.HardLineBreak():
				_ = w.WriteByte('\n')
			case n.SoftLineBreak():
				_ = w.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		case *ast.String:
			if entering {
				if n.IsRaw() || n.IsCode() {
					ghtml.DefaultWriter.RawWrite(w, n.Value)
				} else {
					ghtml.DefaultWriter.Write(w, n.Value)
				}
			}
			return ast.WalkContinue, nil
		case *ast.CodeSpan:
			if entering {
				for c := n.FirstChild(); c != nil; c = c.NextSibling() {
					if t, ok := c.(*ast.Text); ok {
						v := bytes.ReplaceAll(t.Segment.Value(source), []byte("\n"), []byte(" "))
						ghtml.DefaultWriter.RawWrite(w, v)
					} else if s, ok := c.(*ast.String); ok {
						ghtml.DefaultWriter.RawWrite(w, s.Value)
					}
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			if entering {
				ghtml.DefaultWriter.RawWrite(w, n.Label(source))
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			if entering {
				var raw []byte
				for i := 0; i < n.Segments.Len(); i++ {
					seg := n.Segments.At(i)
					raw = append(raw, seg.Value(source)...)
				}
				switch {
				case bytes.HasPrefix(raw, []byte("<!--")):
				case brTag.Match(raw):
					_ = w.WriteByte('\n')
				default:
					ghtml.DefaultWriter.RawWrite(w, raw)
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			if entering && n.HTMLBlockType != ast.HTMLBlockType2 {
				if _, top := n.Parent().(*ast.Document); top {
					ensure("\n\n")
				} else {
					ensure("\n")
				}
				lines := n.Lines()
				for i := 0; i < lines.Len(); i++ {
					line := lines.At(i)
					ghtml.DefaultWriter.RawWrite(w, line.Value(source))
				}
				if n.HasClosure() {
					ghtml.DefaultWriter.RawWrite(w, n.ClosureLine.Value(source))
				}
			}
			return ast.WalkSkipChildren, nil
		case *east.TaskCheckBox:
			if entering {
				if n.IsChecked {
					_, _ = w.WriteString("[x] ")
				} else {
					_, _ = w.WriteString("[ ] ")
				}
			}
			return ast.WalkContinue, nil
		}
		if node.Type() == ast.TypeBlock && entering {
			if _, top := node.Parent().(*ast.Document); top {
				ensure("\n\n")
			} else {
				ensure("\n")
			}
			if node.Kind() == ast.KindCodeBlock || node.Kind() == ast.KindFencedCodeBlock {
				lines := node.Lines()
				for i := 0; i < lines.Len(); i++ {
					line := lines.At(i)
					ghtml.DefaultWriter.RawWrite(w, line.Value(source))
				}
				return ast.WalkSkipChildren, nil
			}
		}
		return ast.WalkContinue, nil
	})
	_ = w.Flush()
	return strings.TrimSpace(html.UnescapeString(buf.String()))
}
