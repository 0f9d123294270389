package render

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/bridge"
)

// caseMessage is one message of a testdata file and what it renders to.
type caseMessage struct {
	file  string
	index int
	// textForm is false when the message's text differs from its blocks,
	// so only the blocks are rendered and compared.
	textForm   bool
	wantAuthor bridge.Author
	wantBlocks []bridge.Block
	wantText   string // reader text, as readerText returns it
}

func textBlock(fragment string) bridge.Block {
	return bridge.Block{Type: bridge.BlockText, HTML: fragment}
}

const b10Lines = `<p>Full results: <a href="https://results.example.org/2021/summary?ward=7&amp;format=html" rel="nofollow noreferrer noopener" target="_blank">summary for Ward 7</a> (updated hourly).<br>` +
	`Raw data: <a href="https://data.example.org/2021/ward_7.csv" rel="nofollow noreferrer noopener" target="_blank">https://data.example.org/2021/ward_7.csv</a><br>` +
	`Questions? Mail <a href="mailto:desk@example.org" rel="nofollow noreferrer">desk@example.org</a> or see <a href="http://www.example.org/faq" rel="nofollow noreferrer noopener" target="_blank">www.example.org/faq</a><br>` +
	`Symbols in a label: <a href="https://example.org/q?a=1&amp;b=2" rel="nofollow noreferrer noopener" target="_blank">Results &amp; turnout &lt;live&gt;</a></p>`

const b12HTML = `<p>Rule of thumb: turnout &gt; 40% &amp;&amp; margin &lt; 2% means a recount.<br>` +
	`An entity typed by the author: &amp;lt;b&amp;gt; should stay visible as typed.<br>` +
	`Inline: <code>if (a &lt; b) { swap(a, b); }</code></p>` +
	"<pre><code>&lt;div class=&#34;result&#34;&gt;\n    &lt;span&gt;Ward 7&lt;/span&gt; &amp; more\n&lt;/div&gt;</code></pre>" +
	`<p><strong>Bold</strong>, <em>italic</em>, <s>struck</s> and <code>code with *stars* inside</code></p>`

const b13HTML = `<p>@Reporter Two and @Editor Three please confirm the Ward 5 figures. Cc @desk-editors @group @here @channel<br>` +
	`Background in #elections-desk and #count-centre.<br>` +
	`Deadline: <time datetime="2021-06-10T13:00:00Z">Thursday, June 10th, 2021 at 1:00 PM</time><br>` +
	`Also ask @unknown user.</p>`

const b18Attachment = `<p>Official result</p><div class="attachment">` +
	`<p class="attachment-title"><strong><a href="https://results.example.org/2021/ward-5" rel="nofollow noreferrer noopener" target="_blank">Ward 5</a></strong></p>` +
	`<p><strong>Candidate B</strong> 2,140 (51.3%)<br>Candidate A 1,828 (43.8%)</p>` +
	`<p><strong>Turnout:</strong> 46%<br><strong>Spoilt ballots:</strong> 23</p>` +
	`<p class="attachment-footer">Results Feed</p></div>`

var caseMessages = []caseMessage{
	{
		file: "B10-links-and-labels.json", textForm: true,
		wantAuthor: bridge.Author{ID: "U0TEST01", Name: "Reporter One"},
		wantBlocks: []bridge.Block{
			textBlock(b10Lines),
			{Type: bridge.BlockEmbed, URL: "https://www.youtube-nocookie.com/embed/Xk3TEST0001", Title: "YouTube video", Provider: "youtube"},
			textBlock(`<p>Plain text that only looks like markup: a|b and 3 &gt; 2.</p>`),
		},
		wantText: "Full results: summary for Ward 7 (updated hourly).\n" +
			"Raw data: https://data.example.org/2021/ward_7.csv\n" +
			"Questions? Mail desk@example.org or see www.example.org/faq\n" +
			"Symbols in a label: Results & turnout <live>\n" +
			"[embed youtube https://www.youtube-nocookie.com/embed/Xk3TEST0001 YouTube video]\n" +
			"Plain text that only looks like markup: a|b and 3 > 2.",
	},
	{
		file: "B11-xss-text-and-links.json", index: 0, textForm: true,
		wantAuthor: bridge.Author{ID: "U0TEST01", Name: "Reporter One"},
		wantBlocks: []bridge.Block{textBlock(`<p>Viewer tip: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; and &lt;img src=x onerror=alert(1)&gt; should show as plain text. &lt;marquee&gt;breaking&lt;/marquee&gt;</p>`)},
		wantText:   "Viewer tip: <script>alert('x')</script> and <img src=x onerror=alert(1)> should show as plain text. <marquee>breaking</marquee>",
	},
	{
		file: "B11-xss-text-and-links.json", index: 1, textForm: true,
		wantAuthor: bridge.Author{ID: "B0HOOK002", Name: "Wire Feed"},
		wantBlocks: []bridge.Block{textBlock(`<p>Read more: full story | archive: archive copy | mirror: <a href="https://example.org/story%22%20onmouseover=%22alert%281%29" rel="nofollow noreferrer noopener" target="_blank">mirror</a></p>` +
			`<div class="attachment"><p class="attachment-author">Wire &lt;img src=x onerror=alert(7)&gt;</p><p class="attachment-title"><strong>Full story</strong></p>` +
			`<p>Summary with markup: &lt;b onclick=alert(3)&gt;bold?&lt;/b&gt;</p></div>`)},
		wantText: "Read more: full story | archive: archive copy | mirror: mirror\n" +
			"Wire <img src=x onerror=alert(7)>\nFull story\nSummary with markup: <b onclick=alert(3)>bold?</b>",
	},
	{
		file: "B11-xss-text-and-links.json", index: 2, textForm: true,
		wantAuthor: bridge.Author{ID: "U0TEST01", Name: "Reporter One"},
		wantBlocks: []bridge.Block{textBlock(`<p>Viewer tip (edited): &lt;iframe src=&#34;javascript:alert(5)&#34;&gt;&lt;/iframe&gt; is also just text. Label test: <a href="https://example.org/ok" rel="nofollow noreferrer noopener" target="_blank">&lt;img src=x onerror=alert(6)&gt;</a></p>`)},
		wantText:   `Viewer tip (edited): <iframe src="javascript:alert(5)"></iframe> is also just text. Label test: <img src=x onerror=alert(6)>`,
	},
	{
		file: "B12-entities-and-code.json", textForm: true,
		wantAuthor: bridge.Author{ID: "U0TEST01", Name: "Reporter One"},
		wantBlocks: []bridge.Block{textBlock(b12HTML)},
		wantText: "Rule of thumb: turnout > 40% && margin < 2% means a recount.\n" +
			"An entity typed by the author: &lt;b&gt; should stay visible as typed.\n" +
			"Inline: if (a < b) { swap(a, b); }\n" +
			"<div class=\"result\">\n    <span>Ward 7</span> & more\n</div>\n" +
			"Bold, italic, struck and code with *stars* inside",
	},
	{
		file: "B13-mentions-and-special.json", textForm: true,
		wantAuthor: bridge.Author{ID: "U0TEST01", Name: "Reporter One"},
		wantBlocks: []bridge.Block{textBlock(b13HTML)},
		wantText: "@Reporter Two and @Editor Three please confirm the Ward 5 figures. Cc @desk-editors @group @here @channel\n" +
			"Background in #elections-desk and #count-centre.\n" +
			"Deadline: Thursday, June 10th, 2021 at 1:00 PM\n" +
			"Also ask @unknown user.",
	},
	{
		file: "B18-bot-message-attachments.json", index: 0, textForm: true,
		wantAuthor: bridge.Author{ID: "B0HOOK001", Name: "Bot"},
		wantBlocks: []bridge.Block{textBlock(b18Attachment)},
		wantText:   "Official result\nWard 5\nCandidate B 2,140 (51.3%)\nCandidate A 1,828 (43.8%)\nTurnout: 46%\nSpoilt ballots: 23\nResults Feed",
	},
	{
		file: "B18-bot-message-attachments.json", index: 1, textForm: true,
		wantAuthor: bridge.Author{ID: "B0HOOK001", Name: "Electoral Office"},
		wantBlocks: []bridge.Block{textBlock(`<p>Ward 6 recount requested by the agent for Candidate A.</p>`)},
		wantText:   "Ward 6 recount requested by the agent for Candidate A.",
	},
	{
		file: "B18-bot-message-attachments.json", index: 2,
		wantAuthor: bridge.Author{ID: "B0HOOK001", Name: "Bot"},
		wantBlocks: []bridge.Block{textBlock(`<h3>Ward 7 update</h3><p><strong>Count paused</strong> for a 20 minute break. Next update at 11:40pm.</p><hr><p class="context">Source: count supervisor</p>`)},
		wantText:   "Ward 7 update\nCount paused for a 20 minute break. Next update at 11:40pm.\nSource: count supervisor",
	},
	{
		file: "B04-unfurl-message-changed.json", index: 1, textForm: true,
		wantAuthor: bridge.Author{ID: "U0TEST01", Name: "Reporter One"},
		wantBlocks: []bridge.Block{
			textBlock(`<p>Live results page is up: <a href="https://results.example.org/2021/ward-7" rel="nofollow noreferrer noopener" target="_blank">https://results.example.org/2021/ward-7</a></p>`),
			{Type: bridge.BlockCard, URL: "https://results.example.org/2021/ward-7", Title: "Ward 7 live count",
				Text: "Vote totals for Ward 7, refreshed every ten minutes.", ImageURL: "https://results.example.org/static/og/ward-7.png"},
		},
		wantText: "Live results page is up: https://results.example.org/2021/ward-7\n" +
			"[card  https://results.example.org/2021/ward-7 Ward 7 live count]",
	},
	{
		file: "B04-unfurl-message-changed.json", index: 3, textForm: true,
		wantAuthor: bridge.Author{ID: "B0BOT0002", Name: "Results Bot"},
		wantBlocks: []bridge.Block{
			textBlock(`<p>Ward 8 declared: <a href="https://results.example.org/2021/ward-8" rel="nofollow noreferrer noopener" target="_blank">https://results.example.org/2021/ward-8</a></p>`),
			{Type: bridge.BlockCard, URL: "https://results.example.org/2021/ward-8", Title: "Ward 8 live count",
				Text: "Vote totals for Ward 8, refreshed every ten minutes.", ImageURL: "https://results.example.org/static/og/ward-8.png"},
		},
		wantText: "Ward 8 declared: https://results.example.org/2021/ward-8\n" +
			"[card  https://results.example.org/2021/ward-8 Ward 8 live count]",
	},
	{
		file: "B07-thread-replies-and-broadcast.json", index: 3, textForm: true,
		wantAuthor: bridge.Author{ID: "U0TEST02", Name: "Reporter Two"},
		wantBlocks: []bridge.Block{textBlock(`<p>Ward 3 final: 4,210 votes counted, turnout 42%.</p>`)},
		wantText:   "Ward 3 final: 4,210 votes counted, turnout 42%.",
	},
}

func TestRenderer_MessageCases(t *testing.T) {
	r := newTestRenderer()
	for _, tc := range caseMessages {
		msgs := mustLoadMessages(t, tc.file)
		forms := map[string]bool{"blocks": true, "text": tc.textForm}
		for _, form := range []string{"blocks", "text"} {
			if !forms[form] {
				continue
			}
			t.Run(strings.TrimSuffix(tc.file, ".json")+"/"+strconv.Itoa(tc.index)+"/"+form, func(t *testing.T) {
				msg := msgs[tc.index]
				if form == "text" {
					msg = withoutBlocks(msg)
				}
				author, blocks := mustRender(t, r, msg)
				if author != tc.wantAuthor {
					t.Errorf("author = %+v, want %+v", author, tc.wantAuthor)
				}
				if !slices.Equal(blocks, tc.wantBlocks) {
					t.Errorf("blocks:\n got  %+v\n want %+v", blocks, tc.wantBlocks)
				}
				if got := readerText(blocks); got != tc.wantText {
					t.Errorf("reader text:\n got  %q\n want %q", got, tc.wantText)
				}
			})
		}
	}
}

// TestRenderer_MessageCasesInert checks the rule that no rendered HTML
// contains active markup or a dangerous address.
func TestRenderer_MessageCasesInert(t *testing.T) {
	banned := []string{"<script", "<iframe", "<img", "<marquee", " on", "javascript:", "data:"}
	r := newTestRenderer()
	for _, file := range []string{"B10-links-and-labels.json", "B11-xss-text-and-links.json", "B12-entities-and-code.json", "B13-mentions-and-special.json", "B18-bot-message-attachments.json"} {
		for i, msg := range mustLoadMessages(t, file) {
			for _, m := range []slack.Msg{msg, withoutBlocks(msg)} {
				_, blocks := mustRender(t, r, m)
				for _, b := range blocks {
					markup := strings.ToLower(tagsOnly(b.HTML) + " " + b.URL + " " + b.ImageURL)
					for _, bad := range banned {
						if strings.Contains(markup, bad) {
							t.Errorf("%s message %d: %+v contains %q", file, i, b, bad)
						}
					}
				}
			}
		}
	}
}

// tagsOnly returns the markup of an HTML fragment without its text, so
// that text such as "onerror" shown to readers is not mistaken for an
// attribute.
func tagsOnly(fragment string) string {
	var b strings.Builder
	inTag := false
	for _, c := range fragment {
		switch {
		case c == '<':
			inTag = true
		case c == '>':
			inTag = false
			b.WriteString("> ")
		}
		if inTag {
			b.WriteRune(c)
		}
	}
	return b.String()
}
