package markdown

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // substrings the output must hold
		not  []string // substrings it must not hold (case-insensitive)
	}{
		{name: "empty", in: "", want: nil},
		{name: "blank", in: "  \n\t\n", want: nil},
		{
			name: "emphasis",
			in:   "We are **investigating** _elevated_ errors.",
			want: []string{"<p>We are <strong>investigating</strong> <em>elevated</em> errors.</p>"},
		},
		{
			name: "script inline is shown as text",
			in:   "Hello <script>alert(1)</script>",
			want: []string{"&lt;script&gt;alert(1)&lt;/script&gt;"},
			not:  []string{"<script"},
		},
		{
			name: "script block is shown as text",
			in:   "<script>\nalert(document.cookie)\n</script>\n\nafter",
			want: []string{"&lt;script&gt;", "<p>after</p>"},
			not:  []string{"<script"},
		},
		{
			name: "style and iframe",
			in:   "<style>body{display:none}</style>\n\n<iframe src=\"https://evil.test\"></iframe>",
			not:  []string{"<style", "<iframe"},
		},
		{
			name: "javascript link becomes its text",
			in:   "[click me](javascript:alert(1))",
			want: []string{"<p>click me</p>"},
			not:  []string{"<a", "javascript:"},
		},
		{
			name: "mixed case and spaced javascript link",
			in:   "[x](JaVaScRiPt:alert(1)) [y](<java\tscript:alert(1)>) [z]( \x01javascript:alert(1))",
			not:  []string{"<a", "href"},
		},
		{
			name: "entity-encoded javascript link",
			in:   "[a](&#106;avascript:alert(1)) [b](javascript&colon;alert(1)) [c](&#x6A;&#x61;vascript:alert(1))",
			not:  []string{"<a", "href"},
		},
		{
			name: "data and vbscript links",
			in:   "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [v](vbscript:msgbox(1)) [f](file:///etc/passwd)",
			not:  []string{"<a", "href"},
		},
		{
			name: "data image",
			in:   "![pixel](data:image/png;base64,iVBORw0KGgo=)",
			want: []string{"pixel"},
			not:  []string{"<img", "data:"},
		},
		{
			name: "img onerror is shown as text",
			in:   `<img src=x onerror="alert(1)">`,
			want: []string{"&lt;img src=x onerror="},
			not:  []string{"<img"},
		},
		{
			name: "raw anchor with javascript href",
			in:   `<a href="JaVaScRiPt:alert(1)">x</a>`,
			want: []string{"&lt;a href="},
			not:  []string{"<a "},
		},
		{
			name: "svg onload",
			in:   `<svg/onload=alert(1)>`,
			not:  []string{"<svg"},
		},
		{
			name: "entity tricks stay text",
			in:   "&lt;script&gt;alert(1)&lt;/script&gt; &#60;b&#62;",
			want: []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;"},
			not:  []string{"<script", "<b>"},
		},
		{
			name: "link title cannot break out",
			in:   `[x](https://a.test/ "\" onmouseover=\"alert(1)")`,
			want: []string{`href="https://a.test/"`},
			not:  []string{`" onmouseover="`},
		},
		{
			name: "link with attribute breakout in url",
			in:   `[x](https://a.test/"onmouseover="alert(1))`,
			not:  []string{`" onmouseover`, `"onmouseover="`},
		},
		{
			name: "safe links get rel",
			in:   "[status](https://status.acme.test/) [rel](/incidents/abc/) [mail](mailto:ops@acme.test)",
			want: []string{
				`<a href="https://status.acme.test/" rel="nofollow noopener noreferrer">status</a>`,
				`<a href="/incidents/abc/" rel="nofollow noopener noreferrer">rel</a>`,
				`<a href="mailto:ops@acme.test" rel="nofollow noopener noreferrer">mail</a>`,
			},
			not: []string{"target="},
		},
		{
			name: "autolinks",
			in:   "See https://example.test/x, www.acme.test, ops@acme.test and <https://b.test/>.",
			want: []string{
				`<a href="https://example.test/x" rel="nofollow noopener noreferrer">https://example.test/x</a>`,
				`<a href="http://www.acme.test" rel="nofollow noopener noreferrer">www.acme.test</a>`,
				`<a href="mailto:ops@acme.test" rel="nofollow noopener noreferrer">ops@acme.test</a>`,
				`<a href="https://b.test/" rel="nofollow noopener noreferrer">https://b.test/</a>`,
			},
		},
		{
			name: "javascript autolink",
			in:   "<javascript:alert(1)> and javascript:alert(2)",
			want: []string{"javascript:alert(1) and javascript:alert(2)"},
			not:  []string{"<a"},
		},
		{
			name: "table with alignment",
			in:   "| Region | Status |\n|:--|--:|\n| eu | ~~down~~ up |",
			want: []string{"<table>", `<th align="left">Region</th>`, `<td align="right"><del>down</del> up</td>`},
			not:  []string{"style="},
		},
		{
			name: "strikethrough",
			in:   "~~outage~~ resolved",
			want: []string{"<del>outage</del> resolved"},
		},
		{
			name: "task list",
			in:   "- [x] failover\n- [ ] postmortem",
			want: []string{`<input checked="" disabled="" type="checkbox"> failover`, `<input disabled="" type="checkbox"> postmortem`},
		},
		{
			name: "code",
			in:   "Run `rm -rf <dir>`\n\n```sh\necho \"<b>\"\n```",
			want: []string{"<code>rm -rf &lt;dir&gt;</code>", `<pre><code class="language-sh">echo &#34;&lt;b&gt;&#34;`},
		},
		{
			name: "hostile code language",
			in:   "```\" onclick=\"alert(1)\nx\n```",
			not:  []string{"onclick="},
		},
		{
			name: "comment dropped, br kept",
			in:   "first<br/>second <!-- internal note -->",
			want: []string{"first<br>second"},
			not:  []string{"internal note", "<!--"},
		},
		{
			name: "images",
			in:   "![graph](https://cdn.acme.test/graph.png \"Latency\") ![m](mailto:a@b.test)",
			want: []string{`<img src="https://cdn.acme.test/graph.png" alt="graph" title="Latency">`, " m"},
			not:  []string{"mailto"},
		},
		{
			name: "headings lists quotes",
			in:   "## Impact\n\n1. API\n2. Web\n\n> customer quote",
			want: []string{"<h2>Impact</h2>", "<ol>\n<li>API</li>", "<blockquote>\n<p>customer quote</p>"},
		},
		{
			name: "ordered list start",
			in:   "3. third\n4. fourth",
			want: []string{`<ol start="3">`},
		},
		{
			name: "protocol-relative link keeps rel",
			in:   "[x](//evil.test/)",
			want: []string{`rel="nofollow noopener noreferrer"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(Render(tt.in))
			if len(tt.want) == 0 && len(tt.not) == 0 && got != "" {
				t.Errorf("Render(%q) = %q, want empty", tt.in, got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, want it to contain %q", tt.in, got, w)
				}
			}
			lower := strings.ToLower(got)
			for _, n := range tt.not {
				if strings.Contains(lower, strings.ToLower(n)) {
					t.Errorf("Render(%q) = %q, must not contain %q", tt.in, got, n)
				}
			}
			if err := checkSafe(got); err != nil {
				t.Errorf("Render(%q) = %q: %v", tt.in, got, err)
			}
		})
	}
}

func TestPlain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"We are **investigating** _elevated_ errors.", "We are investigating elevated errors."},
		{"Fixed in [v1.2](https://acme.test/r/1.2) &amp; deployed \\*now\\*", "Fixed in v1.2 & deployed *now*"},
		{"# Title\n\nFirst\nline  \nbreak\n\n- a\n- b\n\n> q", "Title\n\nFirst line\nbreak\n\na\nb\n\nq"},
		{"`a <b> &amp;` and ~~x~~", "a <b> &amp; and x"},
		{"```\ncode <x>\n```\n\nafter", "code <x>\n\nafter"},
		{"| a | b |\n|---|---|\n| 1 | 2 |", "a | b\n1 | 2"},
		{"- [x] done\n- [ ] todo", "[x] done\n[ ] todo"},
		{"see https://example.test/x and <ops@acme.test>", "see https://example.test/x and ops@acme.test"},
		{"one<br>two <!-- note -->", "one\ntwo"},
		{"Hi <b>there</b>", "Hi <b>there</b>"},
		{"![alt text](https://i.test/x.png)", "alt text"},
		{"&copy; &#169; &#xA9;", "© © ©"},
	}
	for _, tt := range tests {
		if got := Plain(tt.in); got != tt.want {
			t.Errorf("Plain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				src := fmt.Sprintf("**%d** [x](https://a.test/%d) <script>%d</script>", i, j, j)
				if got := string(Render(src)); !strings.Contains(got, fmt.Sprintf("<strong>%d</strong>", i)) {
					t.Errorf("Render(%q) = %q", src, got)
				}
				_ = Plain(src)
			}
		}()
	}
	wg.Wait()
}

// checkSafe parses html and reports the first thing a sanitizer should
// never let through: a tag outside the allowlist, an event handler or
// style attribute, or a URL with a scheme other than http, https, mailto.
func checkSafe(s string) error {
	if strings.Contains(strings.ToLower(s), "<script") {
		return fmt.Errorf("contains <script")
	}
	allowed := map[string]bool{
		"p": true, "br": true, "hr": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
		"em": true, "strong": true, "del": true, "code": true, "pre": true, "blockquote": true,
		"ul": true, "ol": true, "li": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
		"a": true, "img": true, "input": true,
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return nil
		case html.CommentToken:
			return fmt.Errorf("contains a comment")
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			if !allowed[tok.Data] {
				return fmt.Errorf("tag <%s> not allowed", tok.Data)
			}
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" || key == "formaction" {
					return fmt.Errorf("attribute %s=%q on <%s>", a.Key, a.Val, tok.Data)
				}
				if strings.Contains(strings.ToLower(a.Val), "javascript:") && key != "title" && key != "alt" {
					return fmt.Errorf("javascript: in attribute %s=%q", a.Key, a.Val)
				}
				if key == "href" || key == "src" {
					u, err := url.Parse(a.Val)
					if err != nil {
						return fmt.Errorf("unparseable URL %s=%q", a.Key, a.Val)
					}
					switch strings.ToLower(u.Scheme) {
					case "", "http", "https", "mailto":
					default:
						return fmt.Errorf("URL scheme %q in %s=%q", u.Scheme, a.Key, a.Val)
					}
				}
				if tok.Data == "input" && key == "type" && a.Val != "checkbox" {
					return fmt.Errorf("input of type %q", a.Val)
				}
			}
		}
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"**bold** _em_ `code`",
		"<script>alert(1)</script>",
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](&#106;avascript:alert(1))",
		"<img src=x onerror=alert(1)>",
		`<a href="javascript:alert(1)">x</a>`,
		"<javascript:alert(1)>",
		"https://a.test www.b.test c@d.test",
		"![x](data:text/html,<script>alert(1)</script>)",
		"| a |\n|---|\n| <b onclick=x> |",
		"- [x] done",
		"```\" onload=\"x\ncode\n```",
		"<div\nonmouseover=alert(1)>hi</div>",
		"[a]: javascript:alert(1)\n\n[a]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := string(Render(src))
		if err := checkSafe(out); err != nil {
			t.Fatalf("Render(%q) = %q: %v", src, out, err)
		}
		_ = Plain(src)
	})
}

func BenchmarkRender(b *testing.B) {
	src := "We are **investigating** elevated error rates on the [API](https://status.acme.test/) " +
		"for customers in `eu-west-1`.\n\n- Impact: ~~all~~ some requests\n- Next update in 30 minutes\n\n" +
		"| Region | Status |\n|---|---|\n| eu | degraded |\n"
	b.ReportAllocs()
	for b.Loop() {
		_ = Render(src)
	}
}
