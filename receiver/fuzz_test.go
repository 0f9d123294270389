package receiver

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/sanitize"
)

// FuzzEvents sends arbitrary bodies, correctly signed, through the
// Events API handler. The seeds in testdata/fuzz/FuzzEvents are the
// handed Slack cases.
func FuzzEvents(f *testing.F) {
	f.Add([]byte(validMessage))
	f.Add([]byte(`{"type":"url_verification","challenge":"abc"}`))
	f.Add([]byte(`{"type":"app_rate_limited","minute_rate_limited":1518467820}`))
	f.Add([]byte(`{"type":"event_callback","event":{"type":"reaction_added","reaction":"no_entry_sign",` +
		`"item":{"type":"message","channel":"C0LIVE01","ts":"1623321000.000100"}}}`))
	rc, _ := mustReceiver(f, slog.New(slog.DiscardHandler))
	f.Fuzz(func(t *testing.T, body []byte) {
		w := serve(rc, body, testSecret, time.Now())
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized,
			http.StatusRequestEntityTooLarge:
		default:
			t.Errorf("status = %d for body %q, want 200, 400, 401 or 413", w.Code, body)
		}
	})
}

// FuzzMessagePost turns arbitrary messages into posts, as both events and
// catch-up do, and checks that the HTML of every block is already what
// the sanitizer returns for it. The input is a Slack message as JSON, or
// else the message's text.
func FuzzMessagePost(f *testing.F) {
	for _, text := range []string{
		"*bold* _italic_ ~strike~ `code` ```block```",
		"<https://example.org/a?b=1&c=2|a & b> <javascript:alert(1)|click> <mailto:desk@example.org>",
		"<script>alert(1)</script> &lt;b&gt; &amp;amp; <@U0TEST01> <#C0LIVE01|live> <!here>",
		"> quoted\n• bullet\n1. numbered :tada: :no_such_emoji:",
	} {
		f.Add([]byte(text))
	}
	rc, _ := mustReceiver(f, slog.New(slog.DiscardHandler))
	ch, _ := rc.cfg.Channels.ByID("C0LIVE02")
	f.Fuzz(func(t *testing.T, data []byte) {
		var msg slack.Msg
		if err := json.Unmarshal(data, &msg); err != nil {
			msg = slack.Msg{Type: "message", User: "U0TEST01", Text: string(data)}
		}
		msg.Timestamp = "1623321000.000100"
		changes := rc.historyChanges(context.Background(), ch, &msg, slog.New(slog.DiscardHandler))
		for _, c := range changes {
			if c.Post == nil {
				continue
			}
			for i, b := range c.Post.Blocks {
				if b.HTML == "" {
					continue
				}
				if clean := sanitize.HTML(b.HTML); clean != b.HTML {
					t.Errorf("block %d HTML changes when sanitized again:\n got %q\nclean %q\ninput %q",
						i, b.HTML, clean, data)
				}
			}
		}
	})
}
