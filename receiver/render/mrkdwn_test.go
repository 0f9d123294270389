package render

import (
	"context"
	"testing"
)

func TestRenderer_MrkdwnText(t *testing.T) {
	r := New(Options{
		Directory: fakeDirectory{},
		UsergroupName: func(_ context.Context, id string) (string, bool) {
			return "desk", id == "S0DESK009"
		},
		EmojiURL: func(_ context.Context, name string) (string, bool) {
			switch name {
			case "party_parrot":
				return "https://emoji.example.org/party_parrot.gif", true
			case "plain_http":
				return "http://emoji.example.org/plain_http.png", true
			}
			return "", false
		},
	})
	tests := []struct {
		name, text, want string
	}{
		{"styles", "*bold* _italic_ ~strike~ `code`",
			`<p><strong>bold</strong> <em>italic</em> <s>strike</s> <code>code</code></p>`},
		{"nested styles", "*bold _and italic_*",
			`<p><strong>bold <em>and italic</em></strong></p>`},
		{"markers inside words", "ward_7_results and 2*3*4 and a~b~c",
			`<p>ward_7_results and 2*3*4 and a~b~c</p>`},
		{"unclosed markers", "*open and _half",
			`<p>*open and _half</p>`},
		{"no formatting inside code", "`*a* _b_ <https://x.org|x> :smile:`",
			`<p><code>*a* _b_ x :smile:</code></p>`},
		{"code block keeps indentation", "before\n```\nif a &lt; b {\n    *x* &amp;&amp; _y_\n}\n```\nafter",
			"<p>before</p><pre><code>if a &lt; b {\n    *x* &amp;&amp; _y_\n}</code></pre><p>after</p>"},
		{"inline code block", "```a &gt; b```",
			`<pre><code>a &gt; b</code></pre>`},
		{"entities decoded once", "&amp;lt;b&amp;gt; &amp;amp; 3 &gt; 2",
			`<p>&amp;lt;b&amp;gt; &amp;amp; 3 &gt; 2</p>`},
		{"raw angle bracket", "a < b and c > d",
			`<p>a &lt; b and c &gt; d</p>`},
		{"line breaks", "one\ntwo\n\nthree\n",
			`<p>one<br>two<br><br>three</p>`},
		{"quote", "&gt; quoted *bold*\n&gt; second\nafter",
			`<blockquote>quoted <strong>bold</strong><br>second</blockquote><p>after</p>`},
		{"quote rest of message", "intro\n&gt;&gt;&gt; all\nof this",
			`<p>intro</p><blockquote>all<br>of this</blockquote>`},
		{"bullets", "Results:\n• Ward 1\n• Ward 2\n    ◦ Box 3\n- dashed\n* starred",
			`<p>Results:</p><ul><li>Ward 1</li><li>Ward 2<ul><li>Box 3</li></ul></li><li>dashed</li><li>starred</li></ul>`},
		{"bold line is no bullet", "*Bold* start",
			`<p><strong>Bold</strong> start</p>`},
		{"link with label", "<https://x.org/a_b?c=1&amp;d=2|the *label*>",
			`<p>` + link("https://x.org/a_b?c=1&amp;d=2", "the *label*") + `</p>`},
		{"link around emphasis", "*<https://x.org/a_b_c|a_b>*",
			`<p><strong>` + link("https://x.org/a_b_c", "a_b") + `</strong></p>`},
		{"bare link", "see https://x.org/a_b_c.",
			`<p>see ` + link("https://x.org/a_b_c", "https://x.org/a_b_c") + `.</p>`},
		{"mailto without label", "<mailto:desk@example.org>",
			`<p><a href="mailto:desk@example.org" rel="nofollow noreferrer">desk@example.org</a></p>`},
		{"unsafe schemes stay text", "<javascript:alert(1)|click> <data:text/html,x|data> <ftp://x.org/f|file> <vbscript:x>",
			`<p>click data file vbscript:x</p>`},
		{"relative link stays text", "</etc/passwd|local>",
			`<p>local</p>`},
		{"user mentions", "<@U0TEST02>, <@U0GONE99> and <@U0GONE98|old name>",
			`<p>@Reporter Two, @unknown user and @old name</p>`},
		{"channel mentions", "<#C0LIVE03|> <#C0LIVE03> <#C0LIVE99> <#C0LIVE98|desk>",
			`<p>#count-centre #count-centre #channel #desk</p>`},
		{"usergroups", "<!subteam^S0DESK001|@desk-editors> <!subteam^S0DESK009> <!subteam^S0DESK002>",
			`<p>@desk-editors @desk @group</p>`},
		{"broadcasts", "<!here> <!channel> <!everyone> <!here|here>",
			`<p>@here @channel @everyone @here</p>`},
		{"date with fallback", "<!date^1623330000^{date_short}|Jun 10>",
			`<p><time datetime="2021-06-10T13:00:00Z">Jun 10</time></p>`},
		{"date without fallback", "<!date^1623330000^{date_short}>",
			`<p><time datetime="2021-06-10T13:00:00Z">Thursday, June 10, 2021 at 1:00 PM UTC</time></p>`},
		{"date out of range", "<!date^99999999999999^{date}|someday>",
			`<p>someday</p>`},
		{"emoji", ":+1::skin-tone-3: :thumbsup: :smile:",
			"<p>\U0001F44D\U0001F3FC \U0001F44D \U0001F604</p>"},
		{"unknown emoji stays text", ":not_an_emoji: at 10:30:45",
			`<p>:not_an_emoji: at 10:30:45</p>`},
		{"custom emoji image", ":party_parrot: :plain_http:",
			`<p><img src="https://emoji.example.org/party_parrot.gif" alt=":party_parrot:" class="emoji"> :plain_http:</p>`},
		{"blank", " \n\n ", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			blocks := mustRenderText(t, r, tc.text)
			if tc.want == "" {
				if len(blocks) != 0 {
					t.Fatalf("blocks = %+v, want none", blocks)
				}
				return
			}
			if got := onlyHTML(t, blocks); got != tc.want {
				t.Errorf("HTML:\n got  %s\n want %s", got, tc.want)
			}
		})
	}
}
