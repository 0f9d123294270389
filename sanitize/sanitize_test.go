package sanitize

import (
	"strings"
	"testing"
)

func TestHTML_RemovesDangerousMarkup(t *testing.T) {
	tests := []struct {
		name, in, mustNotContain string
	}{
		{"script", `<p>a<script>alert(1)</script></p>`, "<script"},
		{"event handler", `<p onclick="alert(1)">a</p>`, "onclick"},
		{"javascript link", `<a href="javascript:alert(1)">x</a>`, "javascript:"},
		{"data link", `<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`, "data:"},
		{"iframe elsewhere", `<iframe src="https://evil.example.org/"></iframe>`, "<iframe"},
		{"style attribute", `<p style="position:fixed">a</p>`, "style="},
		{"unknown class characters", `<p class="a&quot; onmouseover=&quot;x">a</p>`, "onmouseover"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTML(tt.in); strings.Contains(got, tt.mustNotContain) {
				t.Errorf("HTML(%q) = %q, still contains %q", tt.in, got, tt.mustNotContain)
			}
		})
	}
}

func TestHTML_KeepsPostMarkup(t *testing.T) {
	tests := []string{
		`<p><strong>Bold</strong>, <em>italic</em>, <s>struck</s> and <code>code</code></p>`,
		`<pre><code>  indented</code></pre>`,
		`<ul><li>one</li></ul>`,
		`<img src="/media/0123456789abcdef0123456789abcdef.png" alt="" width="10" height="20" loading="lazy">`,
		`<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Video" loading="lazy"></iframe>`,
	}
	for _, in := range tests {
		if got := HTML(in); got != in {
			t.Errorf("HTML(%q) = %q, want it unchanged", in, got)
		}
	}
}

func TestHTML_LinksGetRel(t *testing.T) {
	got := HTML(`<a href="https://example.org/">x</a>`)
	for _, want := range []string{`rel="nofollow noreferrer noopener"`, `target="_blank"`} {
		if !strings.Contains(got, want) {
			t.Errorf("link %q lacks %s", got, want)
		}
	}
}
