package render

import (
	"slices"
	"testing"

	"github.com/liveline/liveline/bridge"
)

func TestRenderer_UnfurlCard(t *testing.T) {
	msg := `{"text": "<https://example.org/a>", "attachments": [{
		"from_url": "https://example.org/a", "original_url": "https://example.org/a",
		"title": "A &amp; B", "title_link": "javascript:alert(1)",
		"text": "Summary &lt;b&gt;", "image_url": "data:image/png;base64,AAAA",
		"thumb_url": "https://example.org/thumb.png", "service_name": "Example"}]}`
	blocks := mustRenderJSON(t, newTestRenderer(), msg)
	want := []bridge.Block{
		textBlock(`<p>` + link("https://example.org/a", "https://example.org/a") + `</p>`),
		{Type: bridge.BlockCard, URL: "https://example.org/a", Title: "A & B", Text: "Summary <b>", ImageURL: "https://example.org/thumb.png"},
	}
	if !slices.Equal(blocks, want) {
		t.Errorf("blocks:\n got  %+v\n want %+v", blocks, want)
	}
}

func TestRenderer_UnfurlDroppedSchemes(t *testing.T) {
	msg := `{"attachments": [{"from_url": "javascript:alert(1)", "title": "Bad",
		"title_link": "data:text/html,x", "image_url": "javascript:alert(2)"}]}`
	blocks := mustRenderJSON(t, newTestRenderer(), msg)
	want := []bridge.Block{{Type: bridge.BlockCard, Title: "Bad"}}
	if !slices.Equal(blocks, want) {
		t.Errorf("blocks:\n got  %+v\n want %+v", blocks, want)
	}
}

func TestRenderer_UnfurlOfEmbedSkipped(t *testing.T) {
	msg := `{"text": "<https://youtu.be/Xk3TEST0001>", "attachments": [{
		"from_url": "https://youtu.be/Xk3TEST0001", "title": "Video", "service_name": "YouTube"}]}`
	blocks := mustRenderJSON(t, newTestRenderer(), msg)
	if len(blocks) != 1 || blocks[0].Type != bridge.BlockEmbed {
		t.Errorf("blocks = %+v, want only the embed", blocks)
	}
}

func TestRenderer_LegacyAttachment(t *testing.T) {
	msg := `{"subtype": "bot_message", "attachments": [{
		"fallback": "fallback only", "author_name": "Desk", "author_link": "https://example.org/desk",
		"text": "*not bold* <https://example.org|site>", "image_url": "https://example.org/chart.png",
		"fields": [{"title": "Turnout:", "value": "*46%*"}, {"title": "", "value": "no title"}]}]}`
	blocks := mustRenderJSON(t, newTestRenderer(), msg)
	want := []bridge.Block{
		textBlock(`<div class="attachment"><p class="attachment-author">` + link("https://example.org/desk", "Desk") + `</p>` +
			`<p>*not bold* ` + link("https://example.org", "site") + `</p>` +
			`<p><strong>Turnout:</strong> *46%*<br>no title</p></div>`),
		{Type: bridge.BlockImage, URL: "https://example.org/chart.png", Alt: "fallback only"},
	}
	if !slices.Equal(blocks, want) {
		t.Errorf("blocks:\n got  %+v\n want %+v", blocks, want)
	}
}

func TestRenderer_AttachmentFallback(t *testing.T) {
	msg := `{"attachments": [{"fallback": "Only &lt;this&gt;", "color": "36a64f"}]}`
	blocks := mustRenderJSON(t, newTestRenderer(), msg)
	if got, want := onlyHTML(t, blocks), `<div class="attachment"><p>Only &lt;this&gt;</p></div>`; got != want {
		t.Errorf("HTML = %s, want %s", got, want)
	}
}
