package render

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/sanitize"
)

// FuzzMessage renders arbitrary mrkdwn text, blocks JSON and attachments
// JSON, and checks that nothing panics, that every fragment is a fixed
// point of the sanitizer and that every address is http or https.
func FuzzMessage(f *testing.F) {
	f.Add("*a* _b_ ~c~ `d` <https://x.org|e> :+1::skin-tone-3:", "", "")
	f.Add("```\n&lt;pre&gt;\n```\n&gt; quote\n• item\n    ◦ nested", "", "")
	f.Add("<https://youtu.be/Xk3TEST0001>\n<!date^1623330000^{date}|d> <!subteam^S1> <@U0TEST02>", "", "")
	f.Add("", `[{"type":"rich_text","elements":[{"type":"rich_text_list","style":"ordered","indent":3,"offset":2,"elements":[{"type":"rich_text_section","elements":[{"type":"link","url":"https://x.org","style":{"bold":true}}]}]}]}]`, "")
	f.Add("", `[{"type":"section","text":{"type":"mrkdwn","text":"*x*"},"fields":[{"type":"plain_text","text":":smile:"}]},{"type":"image","image_url":"https://x.org/a.png","alt_text":"a"}]`, "")
	f.Add("t", "", `[{"from_url":"https://x.org","title":"t","image_url":"javascript:x"},{"pretext":"p","text":"*b*","mrkdwn_in":["text"],"fields":[{"title":"f","value":"v"}]}]`)

	r := newTestRenderer()
	f.Fuzz(func(t *testing.T, text, blocksJSON, attachmentsJSON string) {
		msg := slack.Msg{Text: text}
		if blocksJSON != "" && json.Unmarshal([]byte(blocksJSON), &msg.Blocks) != nil {
			return
		}
		if attachmentsJSON != "" && json.Unmarshal([]byte(attachmentsJSON), &msg.Attachments) != nil {
			return
		}
		_, blocks := r.Message(context.Background(), &msg)
		for i, b := range blocks {
			if again := sanitize.HTML(b.HTML); again != b.HTML {
				t.Errorf("block %d changes when sanitized again:\n got  %q\n then %q", i, b.HTML, again)
			}
			for _, u := range []string{b.URL, b.ImageURL} {
				if u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
					t.Errorf("block %d has address %q", i, u)
				}
			}
		}
	})
}
