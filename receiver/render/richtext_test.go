package render

import (
	"context"
	"slices"
	"testing"

	"github.com/liveline/liveline/bridge"
)

// richMessage wraps rich text elements in a message's rich_text block.
func richMessage(elements string) string {
	return `{"text": "fallback text", "blocks": [{"type": "rich_text", "elements": [` + elements + `]}]}`
}

func TestRenderer_RichText(t *testing.T) {
	r := New(Options{
		Directory: fakeDirectory{},
		UsergroupName: func(_ context.Context, id string) (string, bool) {
			return "@desk", id == "S0DESK009"
		},
	})
	tests := []struct {
		name, elements, want string
	}{
		{"styles", `{"type": "rich_text_section", "elements": [
			{"type": "text", "text": "b", "style": {"bold": true}},
			{"type": "text", "text": " i", "style": {"italic": true}},
			{"type": "text", "text": " s", "style": {"strike": true}},
			{"type": "text", "text": " c<", "style": {"code": true}},
			{"type": "text", "text": " all", "style": {"bold": true, "italic": true, "strike": true, "code": true}},
			{"type": "text", "text": " u", "style": {"underline": true}}]}`,
			`<p><strong>b</strong><em> i</em><s> s</s><code> c&lt;</code><strong><em><s><code> all</code></s></em></strong> u</p>`},
		{"text is literal", `{"type": "rich_text_section", "elements": [
			{"type": "text", "text": "&lt;b&gt; *not bold* :smile: <https://x.org>"}]}`,
			`<p>&amp;lt;b&amp;gt; *not bold* :smile: &lt;https://x.org&gt;</p>`},
		{"styled link", `{"type": "rich_text_section", "elements": [
			{"type": "link", "url": "https://x.org/a?b=1&c=2", "text": "a & b", "style": {"bold": true}},
			{"type": "link", "url": "javascript:alert(1)", "text": "bad"},
			{"type": "link", "url": "mailto:desk@example.org"}]}`,
			`<p><strong>` + link("https://x.org/a?b=1&amp;c=2", "a &amp; b") + `</strong>bad<a href="mailto:desk@example.org" rel="nofollow noreferrer">desk@example.org</a></p>`},
		{"mentions", `{"type": "rich_text_section", "elements": [
			{"type": "user", "user_id": "U0TEST02", "style": {"bold": true}},
			{"type": "text", "text": " "},
			{"type": "user", "user_id": "U0GONE99"},
			{"type": "text", "text": " "},
			{"type": "channel", "channel_id": "C0LIVE03"},
			{"type": "text", "text": " "},
			{"type": "channel", "channel_id": "C0LIVE99"},
			{"type": "text", "text": " "},
			{"type": "usergroup", "usergroup_id": "S0DESK009"},
			{"type": "text", "text": " "},
			{"type": "usergroup", "usergroup_id": "S0DESK002"},
			{"type": "text", "text": " "},
			{"type": "broadcast", "range": "everyone"}]}`,
			`<p><strong>@Reporter Two</strong> @unknown user #count-centre #channel @desk @group @everyone</p>`},
		{"emoji", `{"type": "rich_text_section", "elements": [
			{"type": "emoji", "name": "+1", "skin_tone": 3},
			{"type": "emoji", "name": "thumbsup", "unicode": "1f44d-1f3ff"},
			{"type": "emoji", "name": "smile"},
			{"type": "emoji", "name": "company_logo"},
			{"type": "emoji", "name": "shared", "url": "https://emoji.example.org/shared.png"},
			{"type": "emoji", "name": "insecure", "url": "http://emoji.example.org/insecure.png"}]}`,
			"<p>\U0001F44D\U0001F3FC\U0001F44D\U0001F3FF\U0001F604:company_logo:" +
				`<img src="https://emoji.example.org/shared.png" alt=":shared:" class="emoji">:insecure:</p>`},
		{"date", `{"type": "rich_text_section", "elements": [
			{"type": "date", "timestamp": 1623330000, "format": "{date}"},
			{"type": "text", "text": " / "},
			{"type": "date", "timestamp": 1623330000, "format": "{date}", "fallback": "June 10"}]}`,
			`<p><time datetime="2021-06-10T13:00:00Z">Thursday, June 10, 2021 at 1:00 PM UTC</time> / <time datetime="2021-06-10T13:00:00Z">June 10</time></p>`},
		{"sections trim line breaks", `
			{"type": "rich_text_section", "elements": [{"type": "text", "text": "\nfirst\n\nline\n"}]},
			{"type": "rich_text_section", "elements": [{"type": "text", "text": "second"}]}`,
			`<p>first<br><br>line</p><p>second</p>`},
		{"quote", `{"type": "rich_text_quote", "elements": [
			{"type": "text", "text": "quoted "}, {"type": "text", "text": "bold", "style": {"bold": true}},
			{"type": "text", "text": "\nsecond line"}]}`,
			`<blockquote>quoted <strong>bold</strong><br>second line</blockquote>`},
		{"preformatted", `{"type": "rich_text_preformatted", "elements": [
			{"type": "text", "text": "if a < b {\n    *x*\n}\n"},
			{"type": "link", "url": "https://x.org"}], "border": 0}`,
			"<pre><code>if a &lt; b {\n    *x*\n}\n" + link("https://x.org", "https://x.org") + "</code></pre>"},
		{"nested lists", `
			{"type": "rich_text_list", "style": "bullet", "indent": 0, "elements": [
				{"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]},
				{"type": "rich_text_section", "elements": [{"type": "text", "text": "two"}]}]},
			{"type": "rich_text_list", "style": "ordered", "indent": 1, "elements": [
				{"type": "rich_text_section", "elements": [{"type": "text", "text": "two.a"}]}]},
			{"type": "rich_text_list", "style": "bullet", "indent": 0, "elements": [
				{"type": "rich_text_section", "elements": [{"type": "text", "text": "three", "style": {"italic": true}}]}]}`,
			`<ul><li>one</li><li>two<ol><li>two.a</li></ol></li><li><em>three</em></li></ul>`},
		{"ordered list continues", `
			{"type": "rich_text_list", "style": "ordered", "indent": 0, "elements": [
				{"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]}]},
			{"type": "rich_text_section", "elements": [{"type": "text", "text": "between"}]},
			{"type": "rich_text_list", "style": "ordered", "indent": 0, "offset": 1, "elements": [
				{"type": "rich_text_section", "elements": [{"type": "text", "text": "two"}]}]}`,
			`<ol><li>one</li></ol><p>between</p><ol start="2"><li>two</li></ol>`},
		{"list style changes", `
			{"type": "rich_text_list", "style": "bullet", "elements": [
				{"type": "rich_text_section", "elements": [{"type": "text", "text": "dot"}]}]},
			{"type": "rich_text_list", "style": "ordered", "elements": [
				{"type": "rich_text_section", "elements": [{"type": "text", "text": "number"}]}]}`,
			`<ul><li>dot</li></ul><ol><li>number</li></ol>`},
		{"deep indent first", `
			{"type": "rich_text_list", "style": "bullet", "indent": 2, "elements": [
				{"type": "rich_text_section", "elements": [{"type": "text", "text": "deep"}]}]},
			{"type": "rich_text_list", "style": "bullet", "indent": 0, "elements": [
				{"type": "rich_text_section", "elements": [{"type": "text", "text": "top"}]}]}`,
			`<ul><li>deep</li></ul><ul><li>top</li></ul>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			blocks := mustRenderJSON(t, r, richMessage(tc.elements))
			if got := onlyHTML(t, blocks); got != tc.want {
				t.Errorf("HTML:\n got  %s\n want %s", got, tc.want)
			}
		})
	}
}

func TestRenderer_RichTextEmbedLine(t *testing.T) {
	msg := richMessage(`{"type": "rich_text_section", "elements": [
		{"type": "text", "text": "Watch:\n "},
		{"type": "link", "url": "https://vimeo.com/76979871"},
		{"type": "text", "text": " \nand "},
		{"type": "link", "url": "https://www.youtube.com/watch?v=Xk3TEST0001", "text": "this"},
		{"type": "text", "text": " inline."}]}`)
	blocks := mustRenderJSON(t, newTestRenderer(), msg)
	want := []bridge.Block{
		textBlock(`<p>Watch:</p>`),
		{Type: bridge.BlockEmbed, URL: "https://player.vimeo.com/video/76979871?dnt=1", Title: "Vimeo video", Provider: "vimeo"},
		textBlock(`<p>and ` + link("https://www.youtube.com/watch?v=Xk3TEST0001", "this") + ` inline.</p>`),
	}
	if !slices.Equal(blocks, want) {
		t.Errorf("blocks:\n got  %+v\n want %+v", blocks, want)
	}
}

func TestRenderer_BlockKit(t *testing.T) {
	msg := `{"text": "fallback", "blocks": [
		{"type": "header", "text": {"type": "plain_text", "text": "Ward 7 :ballot_box_with_ballot: <b>", "emoji": true}},
		{"type": "section", "text": {"type": "plain_text", "text": "plain *text*"},
			"fields": [{"type": "mrkdwn", "text": "*Turnout*\n46%"}, {"type": "plain_text", "text": "Spoilt: 23"}]},
		{"type": "section", "text": {"type": "mrkdwn", "text": "See <https://x.org|the page> &amp; more"}},
		{"type": "divider"},
		{"type": "context", "elements": [
			{"type": "image", "image_url": "https://x.org/icon.png", "alt_text": "icon"},
			{"type": "mrkdwn", "text": "Source: _count supervisor_"},
			{"type": "plain_text", "text": "10:40pm", "emoji": false}]},
		{"type": "image", "image_url": "https://x.org/chart.png", "alt_text": "Turnout chart", "title": {"type": "plain_text", "text": "Turnout"}},
		{"type": "image", "image_url": "javascript:alert(1)", "alt_text": "bad"},
		{"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Click"}, "action_id": "a"}]}
	]}`
	blocks := mustRenderJSON(t, newTestRenderer(), msg)
	want := []bridge.Block{
		textBlock("<h3>Ward 7 \U0001F5F3\uFE0F &lt;b&gt;</h3>" +
			`<p>plain *text*</p><div class="fields"><p><strong>Turnout</strong><br>46%</p><p>Spoilt: 23</p></div>` +
			`<p>See ` + link("https://x.org", "the page") + ` &amp; more</p><hr>` +
			`<p class="context">Source: <em>count supervisor</em> 10:40pm</p>`),
		{Type: bridge.BlockImage, URL: "https://x.org/chart.png", Alt: "Turnout chart", Title: "Turnout"},
	}
	if !slices.Equal(blocks, want) {
		t.Errorf("blocks:\n got  %+v\n want %+v", blocks, want)
	}
}

func TestRenderer_UnknownBlocksFallBack(t *testing.T) {
	msg := `{"text": "*from* text", "blocks": [
		{"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Click"}, "action_id": "a"}]},
		{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": " \n"}]}]}]}`
	blocks := mustRenderJSON(t, newTestRenderer(), msg)
	if got, want := onlyHTML(t, blocks), `<p><strong>from</strong> text</p>`; got != want {
		t.Errorf("HTML = %s, want %s", got, want)
	}
}
