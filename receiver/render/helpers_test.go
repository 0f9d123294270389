package render

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"golang.org/x/net/html"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/sanitize"
)

// fakeDirectory returns the names of the test workspace. U0GONE99 is a
// user that no longer exists.
type fakeDirectory struct{}

func (fakeDirectory) UserName(_ context.Context, id string) (string, bool) {
	name, ok := map[string]string{
		"U0TEST01": "Reporter One",
		"U0TEST02": "Reporter Two",
		"U0TEST03": "Editor Three",
	}[id]
	return name, ok
}

func (fakeDirectory) ChannelName(_ context.Context, id string) (string, bool) {
	name, ok := map[string]string{"C0LIVE03": "count-centre"}[id]
	return name, ok
}

func newTestRenderer() *Renderer {
	return New(Options{Directory: fakeDirectory{}})
}

// mustLoadMessages decodes the message of each Events API request in a
// testdata file: the event itself, or event.message for an edit.
func mustLoadMessages(t *testing.T, name string) []slack.Msg {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var requests []struct {
		Event json.RawMessage `json:"event"`
	}
	if err := json.Unmarshal(data, &requests); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	msgs := make([]slack.Msg, len(requests))
	for i, req := range requests {
		var event struct {
			Subtype string          `json:"subtype"`
			Message json.RawMessage `json:"message"`
		}
		if err := json.Unmarshal(req.Event, &event); err != nil {
			t.Fatalf("decode %s event %d: %v", name, i, err)
		}
		raw := req.Event
		if event.Subtype == slack.MsgSubTypeMessageChanged {
			raw = event.Message
		}
		if err := json.Unmarshal(raw, &msgs[i]); err != nil {
			t.Fatalf("decode %s message %d: %v", name, i, err)
		}
	}
	return msgs
}

// withoutBlocks returns a copy of msg that only has its mrkdwn text.
func withoutBlocks(msg slack.Msg) slack.Msg {
	msg.Blocks = slack.Blocks{}
	return msg
}

// mustRender renders msg and checks that every HTML fragment is a fixed
// point of the sanitizer.
func mustRender(t *testing.T, r *Renderer, msg slack.Msg) (bridge.Author, []bridge.Block) {
	t.Helper()
	author, blocks := r.Message(context.Background(), &msg)
	for i, b := range blocks {
		if again := sanitize.HTML(b.HTML); again != b.HTML {
			t.Errorf("block %d changes when sanitized again:\n got  %s\n then %s", i, b.HTML, again)
		}
	}
	return author, blocks
}

// readerText returns what a reader sees of blocks: the text of the HTML
// with a line break for each <br> and each paragraph, list item, quote
// and heading, and one bracketed line for each other block.
func readerText(blocks []bridge.Block) string {
	var lines []string
	for _, b := range blocks {
		switch b.Type {
		case bridge.BlockText:
			lines = append(lines, htmlText(b.HTML))
		default:
			lines = append(lines, "["+string(b.Type)+" "+b.Provider+" "+b.URL+" "+b.Title+"]")
		}
	}
	return strings.Join(lines, "\n")
}

// htmlText returns the text of an HTML fragment, with line breaks at
// <br> and between block elements.
func htmlText(fragment string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "br", "p", "li", "blockquote", "pre", "h3", "div", "hr":
				if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
					b.WriteString("\n")
				}
			}
		}
	}
}

// mustRenderJSON decodes a message from JSON and renders it.
func mustRenderJSON(t *testing.T, r *Renderer, msgJSON string) []bridge.Block {
	t.Helper()
	var msg slack.Msg
	if err := json.Unmarshal([]byte(msgJSON), &msg); err != nil {
		t.Fatalf("decode message: %v", err)
	}
	_, blocks := mustRender(t, r, msg)
	return blocks
}

// mustRenderText renders a message whose only content is mrkdwn text.
func mustRenderText(t *testing.T, r *Renderer, text string) []bridge.Block {
	t.Helper()
	_, blocks := mustRender(t, r, slack.Msg{Text: text})
	return blocks
}

// onlyHTML returns the HTML of blocks that must be one text block.
func onlyHTML(t *testing.T, blocks []bridge.Block) string {
	t.Helper()
	if len(blocks) != 1 || blocks[0].Type != bridge.BlockText {
		t.Fatalf("want one text block, got %+v", blocks)
	}
	return blocks[0].HTML
}

// link returns the anchor that the sanitizer makes of a web link.
func link(href, text string) string {
	return `<a href="` + href + `" rel="nofollow noreferrer noopener" target="_blank">` + text + `</a>`
}
