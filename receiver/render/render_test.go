package render

import (
	"context"
	"testing"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/bridge"
)

func TestRenderer_Author(t *testing.T) {
	tests := []struct {
		name string
		msg  slack.Msg
		want bridge.Author
	}{
		{"user", slack.Msg{User: "U0TEST02"}, bridge.Author{ID: "U0TEST02", Name: "Reporter Two"}},
		{"unknown user", slack.Msg{User: "U0GONE99"}, bridge.Author{ID: "U0GONE99", Name: "unknown user"}},
		{"username wins", slack.Msg{BotID: "B1", Username: "Wire Feed", BotProfile: &slack.BotProfile{Name: "App"}},
			bridge.Author{ID: "B1", Name: "Wire Feed"}},
		{"bot profile", slack.Msg{BotID: "B1", User: "U0TEST03", BotProfile: &slack.BotProfile{Name: "Results App"}},
			bridge.Author{ID: "U0TEST03", Name: "Results App"}},
		{"bot without name", slack.Msg{SubType: "bot_message", BotID: "B1"}, bridge.Author{ID: "B1", Name: "Bot"}},
		{"nothing", slack.Msg{}, bridge.Author{Name: "Bot"}},
	}
	r := newTestRenderer()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := r.Message(context.Background(), &tc.msg)
			if got != tc.want {
				t.Errorf("author = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestRenderer_NilDirectory(t *testing.T) {
	msg := slack.Msg{User: "U0TEST02", Text: "<@U0TEST02> in <#C0LIVE03>"}
	author, blocks := New(Options{}).Message(context.Background(), &msg)
	if author.Name != "unknown user" {
		t.Errorf("author = %q, want the placeholder", author.Name)
	}
	if got, want := onlyHTML(t, blocks), `<p>@unknown user in #channel</p>`; got != want {
		t.Errorf("HTML = %s, want %s", got, want)
	}
}
