package render

import (
	"html"
	"strings"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/bridge"
)

// blocks renders Block Kit blocks in order and reports whether they
// produced anything. Interactive blocks (actions, inputs) and unknown
// types are left out.
func (m *message) blocks(blocks []slack.Block) bool {
	before := m.rendered()
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.RichTextBlock:
			m.richText(b)
		case *slack.HeaderBlock:
			if text := m.textObject(b.Text, nestedMrkdwn); text != "" {
				m.write("<h3>" + text + "</h3>")
			}
		case *slack.SectionBlock:
			m.section(b)
		case *slack.ContextBlock:
			m.context(b)
		case *slack.DividerBlock:
			m.write("<hr>")
		case *slack.ImageBlock:
			m.image(b.ImageURL, b.AltText, m.textObjectPlain(b.Title))
		case *slack.MarkdownBlock:
			// NOTE: markdown blocks hold standard Markdown, which is shown
			// here as plain text with its line breaks.
			m.paragraph(strings.Split(html.EscapeString(b.Text), "\n"))
		}
	}
	return m.rendered() > before
}

// section renders a section block's text, then its fields.
func (m *message) section(b *slack.SectionBlock) {
	if b.Text != nil && b.Text.Type == slack.MarkdownType {
		m.mrkdwn(b.Text.Text, fullMrkdwn)
	} else if text := m.textObject(b.Text, nestedMrkdwn); text != "" {
		m.paragraph([]string{text})
	}

	var fields []string
	for _, f := range b.Fields {
		if text := m.textObject(f, nestedMrkdwn); text != "" {
			fields = append(fields, "<p>"+text+"</p>")
		}
	}
	if len(fields) > 0 {
		m.write(`<div class="fields">` + strings.Join(fields, "") + "</div>")
	}
}

// context renders a context block's text elements as one small line.
// Its images are icons and are left out.
func (m *message) context(b *slack.ContextBlock) {
	var parts []string
	for _, e := range b.ContextElements.Elements {
		if t, ok := e.(*slack.TextBlockObject); ok {
			if text := m.textObject(t, nestedMrkdwn); text != "" {
				parts = append(parts, text)
			}
		}
	}
	if len(parts) > 0 {
		m.write(`<p class="context">` + strings.Join(parts, " ") + "</p>")
	}
}

// textObject renders a text object as inline HTML: mrkdwn with format
// f, or plain text with its emoji shortcodes unless emoji is false.
// Line breaks become <br>.
func (m *message) textObject(t *slack.TextBlockObject, f format) string {
	if t == nil {
		return ""
	}
	lines := strings.Split(t.Text, "\n")
	for i, s := range lines {
		switch {
		case t.Type == slack.MarkdownType:
			lines[i] = m.inline(s, f)
		case t.Emoji == nil || *t.Emoji:
			lines[i] = m.plainEmoji(s)
		default:
			lines[i] = html.EscapeString(s)
		}
	}
	return joinLines(lines)
}

// plainEmoji escapes plain text, turning emoji shortcodes into emoji.
func (m *message) plainEmoji(s string) string {
	var b strings.Builder
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] != ':' {
			continue
		}
		fragment, n := m.emojiAt(s, i)
		if n == 0 {
			continue
		}
		b.WriteString(html.EscapeString(s[start:i]))
		b.WriteString(fragment)
		i += n - 1
		start = i + 1
	}
	b.WriteString(html.EscapeString(s[start:]))
	return b.String()
}

// textObjectPlain returns a text object's words without markup.
func (m *message) textObjectPlain(t *slack.TextBlockObject) string {
	if t == nil {
		return ""
	}
	if t.Type == slack.MarkdownType {
		return m.plainText(t.Text)
	}
	return t.Text
}

// image adds an image from an http or https address. Images that Slack
// hosts are left to the file downloader.
func (m *message) image(src, alt, title string) {
	clean, ok := safeURL(src, false)
	if !ok {
		return
	}
	m.add(bridge.Block{Type: bridge.BlockImage, URL: clean, Alt: alt, Title: title})
}
